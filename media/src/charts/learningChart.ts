/**
 * Learning curves: predicted test error against n on log axes, one line per penalty and sweep
 * value (recomputed live by the what-if), the optimal-penalty curve, the what-if penalty's curve,
 * training and generalisation error (test error minus the label noise) on request, the simulation's dots with error bars, pinned curves faded behind,
 * and vertical markers at n = p (the interpolation threshold) and at the marked n.
 */
import type { ChartDataset } from 'chart.js';
import { fade, type Palette } from '../theme';
import { applyTheme, Chart, errorBarPlugin, formatNumber, positiveRange, themedLineChart, verticalLine, type ErrorBarDataset } from './common';
import { seriesLabel, simulationOf, type Series, type SimulationPoints } from './series';

export interface LearningView {
  features: number;
  sweepParameter?: string;
  series: Series[];
  whatIf?: { lambda: number; series: Series[] };
  pinned?: Series[];
  simulation?: SimulationPoints;
  showTraining: boolean;
  showGeneralization: boolean;
  markedN: number;
}

export const N_EQUALS_P_LABEL = 'n = p (interpolation threshold)';

export class LearningChart {
  readonly chart: Chart<'line'>;

  constructor(canvas: HTMLCanvasElement, palette: Palette) {
    this.chart = themedLineChart(canvas, palette, { x: ['logarithmic', 'samples n'], y: ['logarithmic', 'test error'] }, { nearest: true, plugins: [errorBarPlugin] });
  }

  render(view: LearningView, palette: Palette): void {
    const datasets: ChartDataset<'line'>[] = [];
    const errors: number[] = [];
    const colour = (i: number) => palette.series[i % palette.series.length] as string;
    const line = (series: Series, label: string, color: string, options: Partial<ChartDataset<'line'>>, key: 'testError' | 'trainError' | 'generalizationError' = 'testError'): ChartDataset<'line'> => {
      const data = series.points.map((p) => ({ x: p.n, y: p[key] ?? NaN }));
      for (const d of data) errors.push(d.y);
      return { label, data, borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 0, fill: false, ...options } as ChartDataset<'line'>;
    };

    view.pinned?.forEach((s, i) => datasets.push(line(s, `pinned: ${seriesLabel(s.choice, s.sweepValue, view.sweepParameter)}`, fade(colour(i), 0.35), { borderWidth: 1.5 })));
    view.series.forEach((s, i) => {
      const label = seriesLabel(s.choice, s.sweepValue, view.sweepParameter);
      datasets.push(line(s, label, colour(i), s.choice === 'optimal' ? { borderWidth: 2.5 } : {}));
      if (view.showTraining) datasets.push(line(s, `training: ${label}`, colour(i), { borderDash: [2, 3], borderWidth: 1.5 }, 'trainError'));
      if (view.showGeneralization) datasets.push(line(s, `generalisation: ${label}`, colour(i), { borderDash: [8, 3], borderWidth: 1.5 }, 'generalizationError'));
      const dots = view.simulation ? simulationOf(view.simulation, s) : [];
      if (dots.length > 0) {
        const dataset: ErrorBarDataset = {
          type: 'scatter',
          label: `simulation: ${label}`,
          data: dots.map((d) => ({ x: d.n, y: d.testError ?? NaN })),
          yErrors: dots.map((d) => d.testErrorStd ?? 0),
          borderColor: colour(i),
          backgroundColor: colour(i),
          pointRadius: 4,
          pointStyle: 'circle',
        };
        for (const d of dots) if (d.testError !== null) errors.push(d.testError + (d.testErrorStd ?? 0), d.testError);
        datasets.push(dataset as unknown as ChartDataset<'line'>);
      }
    });
    view.whatIf?.series.forEach((s) =>
      datasets.push(line(s, `what-if: ${seriesLabel(Number(formatNumber(view.whatIf!.lambda)), s.sweepValue, view.sweepParameter)}`, palette.foreground, { borderDash: [6, 4], borderWidth: 2 })),
    );
    const range = positiveRange(errors);
    datasets.push(verticalLine(N_EQUALS_P_LABEL, view.features, range, palette.accent, [4, 4]));
    datasets.push(verticalLine(`marked n = ${formatNumber(view.markedN)}`, view.markedN, range, palette.muted, [1, 3]));

    this.chart.data.datasets = datasets;
    const y = this.chart.options.scales?.y;
    if (y) Object.assign(y, { min: range[0], max: range[1] });
    this.chart.update('none');
  }

  applyPalette(palette: Palette): void {
    applyTheme(this.chart, palette, 'samples n', 'test error', ['logarithmic', 'logarithmic']);
  }
}
