/**
 * chart.js set-up shared by the preview's plots: the pieces registered once (tree-shaken bundle),
 * axes in the theme's colours, log-axis tick labels that read as numbers, a background painted
 * into the canvas (so an exported PNG is not transparent), and vertical error bars for the
 * simulation dots.
 */
import {
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartDataset,
  type Plugin,
  type ScaleOptions,
} from 'chart.js';
import type { Palette } from '../theme';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Legend, Filler);

/** Numbers for axes and tables: 4 significant digits, exponent form outside [1e-3, 1e4). */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const a = Math.abs(value);
  return a >= 1e-3 && a < 1e4 ? String(Number(value.toPrecision(4))) : Number(value.toPrecision(4)).toExponential().replace('e+', 'e');
}

/**
 * Log-axis ticks: chart.js's default prints "0.000001" and crowds the axis. Only 1, 2 and 5 times
 * a power of ten are labelled over a few decades, only powers of ten over more; the other ticks
 * stay as grid lines.
 */
export function logTick(this: { min: number; max: number }, value: number | string): string {
  const v = Number(value);
  if (!(v > 0)) return '';
  const decades = this.max > 0 && this.min > 0 ? Math.log10(this.max / this.min) : 1;
  const mantissa = v / 10 ** Math.floor(Math.log10(v) + 1e-9);
  const labelled = decades > 4 ? [1] : decades > 2 ? [1, 3] : [1, 2, 5];
  return labelled.some((m) => Math.abs(mantissa - m) < 1e-6) ? formatNumber(v) : '';
}

export function axis(palette: Palette, type: 'logarithmic' | 'linear', title: string): ScaleOptions<'logarithmic' | 'linear'> {
  return {
    type,
    title: { display: true, text: title, color: palette.foreground },
    grid: { color: palette.grid },
    border: { color: palette.grid },
    ticks: { color: palette.muted, ...(type === 'logarithmic' ? { callback: logTick, autoSkip: true } : { callback: (v: number | string) => formatNumber(Number(v)) }) },
  } as ScaleOptions<'logarithmic' | 'linear'>;
}

/** Legend and tooltip colours of a chart in the current theme. */
export function themedPlugins(palette: Palette) {
  return {
    legend: { labels: { color: palette.foreground, boxWidth: 14, usePointStyle: true }, position: 'bottom' as const },
    tooltip: { callbacks: { label: tooltipLabel } },
  };
}

function tooltipLabel(context: { dataset: { label?: string }; parsed: { x: number | null; y: number | null } }): string {
  const { x, y } = context.parsed;
  return `${context.dataset.label ?? ''}: (${formatNumber(x ?? NaN)}, ${formatNumber(y ?? NaN)})`;
}

/** Paints the theme's background behind the plot (part of the canvas, hence of its PNG). */
export const backgroundPlugin: Plugin<'line'> = {
  id: 'rainbowBackground',
  beforeDraw(chart, _args, options: { color?: string }) {
    if (!options.color) return;
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = options.color;
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** A dataset with a +-error per point (the simulation's standard deviation over repeats). */
export type ErrorBarDataset = ChartDataset<'scatter'> & { yErrors?: number[] };

/** Draws each point's vertical error bar, in its dataset's colour, with small caps. */
export const errorBarPlugin: Plugin<'line'> = {
  id: 'rainbowErrorBars',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    const y = chart.scales.y;
    if (!y) return;
    chart.data.datasets.forEach((dataset, index) => {
      const errors = (dataset as ErrorBarDataset).yErrors;
      if (!errors || !chart.isDatasetVisible(index)) return;
      const meta = chart.getDatasetMeta(index);
      ctx.save();
      ctx.strokeStyle = String(dataset.borderColor ?? '#888');
      ctx.lineWidth = 1.5;
      meta.data.forEach((element, i) => {
        const raw = (dataset.data[i] ?? {}) as { y?: number };
        const error = errors[i];
        if (raw.y === undefined || error === undefined || !(error > 0)) return;
        const top = y.getPixelForValue(raw.y + error);
        // On a log axis the lower end may be <= 0: draw to the axis' bottom.
        const low = raw.y - error;
        const bottom = low > 0 || y.type !== 'logarithmic' ? y.getPixelForValue(low) : y.bottom;
        ctx.beginPath();
        ctx.moveTo(element.x, top);
        ctx.lineTo(element.x, bottom);
        ctx.moveTo(element.x - 4, top);
        ctx.lineTo(element.x + 4, top);
        ctx.moveTo(element.x - 4, bottom);
        ctx.lineTo(element.x + 4, bottom);
        ctx.stroke();
      });
      ctx.restore();
    });
  },
};

/** A vertical marker line at x (n = p, the marked n, an optimum), spanning the y range given. */
export function verticalLine(label: string, x: number, yRange: [number, number], color: string, dash: number[]): ChartDataset<'line'> {
  return {
    label,
    data: [
      { x, y: yRange[0] },
      { x, y: yRange[1] },
    ],
    borderColor: color,
    backgroundColor: color,
    borderDash: dash,
    borderWidth: 1.5,
    pointRadius: 0,
    fill: false,
    parsing: false,
  } as ChartDataset<'line'>;
}

/** Smallest and largest positive finite y over some series, padded a little for the log axis. */
export function positiveRange(values: Iterable<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v > 0 && Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!(lo <= hi)) return [1e-3, 1];
  return [lo / 1.5, hi * 1.5];
}

/** New axis, legend and background colours (the datasets get theirs at the next render). */
export function applyTheme(chart: Chart, palette: Palette, xTitle: string, yTitle: string, types: ['logarithmic' | 'linear', 'logarithmic' | 'linear']): void {
  const scales = chart.options.scales ?? {};
  const keepY = scales.y as { min?: number; max?: number } | undefined;
  const x = scales.x as { min?: number; max?: number } | undefined;
  chart.options.scales = {
    ...scales,
    x: { ...axis(palette, types[0], xTitle), ...(x?.min === undefined ? {} : { min: x.min, max: x.max }) },
    y: { ...axis(palette, types[1], yTitle), ...(keepY?.min === undefined ? {} : { min: keepY.min, max: keepY.max }) },
  } as never;
  chart.options.plugins = { ...chart.options.plugins, ...themedPlugins(palette), rainbowBackground: { color: palette.background } } as never;
}

/**
 * The preview's charts share one configuration: no animation (the what-if path redraws on every
 * slider frame), pre-parsed {x, y} data, themed axes, legend and tooltips, and the themed background
 * (so that an exported PNG is not transparent).
 */
export function themedLineChart(
  canvas: HTMLCanvasElement,
  palette: Palette,
  axes: { x: ['logarithmic' | 'linear', string]; y: ['logarithmic' | 'linear', string] },
  options: { nearest?: boolean; plugins?: Plugin<'line'>[] } = {},
): Chart<'line'> {
  return new Chart<'line'>(canvas, {
    type: 'line',
    data: { datasets: [] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      ...(options.nearest ? { normalized: true, interaction: { mode: 'nearest', intersect: false } } : {}),
      scales: { x: axis(palette, ...axes.x), y: axis(palette, ...axes.y) },
      plugins: { ...themedPlugins(palette), rainbowBackground: { color: palette.background } } as never,
    },
    plugins: [backgroundPlugin, ...(options.plugins ?? [])],
  });
}

export { Chart };
