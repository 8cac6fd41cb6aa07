/**
 * Spectra: the eigenvalue density of one layer's feature covariance Omega_l on a log axis (a
 * histogram in log10 of the eigenvalue, normalised to unit area), the layer chosen with a
 * selector; for the last layer, on request, where the target lives: the share of |psi|^2 in each
 * bin (the squared projections of psi on the eigenvectors).
 */
import type { ChartDataset } from 'chart.js';
import { fade, type Palette } from '../theme';
import { applyTheme, Chart, themedLineChart } from './common';

export interface Histogram {
  /** Bin centres (eigenvalues) and edges, log-spaced. */
  centres: number[];
  edges: number[];
  /** Density in log10(eigenvalue): count / (total * bin width in decades). */
  density: number[];
  /** Eigenvalues at or below the smallest positive bound (zero modes), not drawn. */
  belowRange: number;
}

/**
 * Histogram of positive eigenvalues with `bins` log-spaced bins. Eigenvalues below 1e-12 times
 * the largest (numerical zeros of a rank-deficient Omega) are counted apart.
 */
export function logHistogram(eigenvalues: readonly number[], bins = 40, weights?: readonly number[]): Histogram {
  let max = 0;
  for (const v of eigenvalues) max = Math.max(max, v);
  const floor = max * 1e-12;
  let min = Infinity;
  for (const v of eigenvalues) if (v > floor) min = Math.min(min, v);
  if (!(max > 0) || !(min < Infinity)) return { centres: [], edges: [], density: [], belowRange: eigenvalues.length };
  if (min === max) {
    min /= 1.5;
    max *= 1.5;
  }
  const a = Math.log10(min);
  const b = Math.log10(max);
  const width = (b - a) / bins;
  const mass = new Array<number>(bins).fill(0);
  let total = 0;
  let belowRange = 0;
  eigenvalues.forEach((v, i) => {
    const w = weights ? (weights[i] as number) : 1;
    if (!(v > floor)) {
      belowRange++;
      return;
    }
    const k = Math.min(bins - 1, Math.max(0, Math.floor((Math.log10(v) - a) / width)));
    mass[k] = (mass[k] as number) + w;
    total += w;
  });
  const edges = Array.from({ length: bins + 1 }, (_, k) => 10 ** (a + k * width));
  return {
    centres: Array.from({ length: bins }, (_, k) => 10 ** (a + (k + 0.5) * width)),
    edges,
    density: mass.map((m) => (total > 0 ? m / (total * width) : 0)),
    belowRange,
  };
}

export interface SpectraView {
  label: string;
  eigenvalues: number[];
  /** Squared projections of psi on the same eigenvectors (last layer only), when asked for. */
  psiProjections?: number[];
}

export class SpectraChart {
  readonly chart: Chart<'line'>;
  histogram: Histogram | undefined;
  psiHistogram: Histogram | undefined;

  constructor(canvas: HTMLCanvasElement, palette: Palette) {
    this.chart = themedLineChart(canvas, palette, { x: ['logarithmic', 'eigenvalue of Ω'], y: ['linear', 'density per decade'] });
  }

  render(view: SpectraView, palette: Palette): void {
    const color = palette.series[0] as string;
    const psiColor = palette.series[1] as string;
    this.histogram = logHistogram(view.eigenvalues);
    const datasets: ChartDataset<'line'>[] = [
      {
        label: `${view.label}: eigenvalue density`,
        data: this.histogram.centres.map((x, k) => ({ x, y: this.histogram!.density[k] as number })),
        borderColor: color,
        backgroundColor: fade(color, 0.25),
        fill: 'origin',
        stepped: 'middle',
        pointRadius: 0,
        borderWidth: 1.5,
      } as ChartDataset<'line'>,
    ];
    this.psiHistogram = undefined;
    if (view.psiProjections) {
      // Same bins as the eigenvalues, weighted by psiTilde_i^2: where the target's power sits.
      this.psiHistogram = logHistogram(view.eigenvalues, this.histogram.centres.length, view.psiProjections);
      datasets.push({
        label: 'share of |ψ|² (target power)',
        data: this.psiHistogram.centres.map((x, k) => ({ x, y: this.psiHistogram!.density[k] as number })),
        borderColor: psiColor,
        backgroundColor: fade(psiColor, 0.2),
        fill: 'origin',
        stepped: 'middle',
        pointRadius: 0,
        borderWidth: 1.5,
      } as ChartDataset<'line'>);
    }
    this.chart.data.datasets = datasets;
    this.chart.update('none');
  }

  applyPalette(palette: Palette): void {
    applyTheme(this.chart, palette, 'eigenvalue of Ω', 'density per decade', ['logarithmic', 'linear']);
  }
}
