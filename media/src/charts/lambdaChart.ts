/**
 * Test error against the penalty at the marked n (log axes), one line per sweep value, with the
 * optimum marked and the what-if penalty shown as a vertical line.
 */
import type { ChartDataset } from 'chart.js';
import type { Palette } from '../theme';
import type { LambdaCurve } from '../whatIf';
import { applyTheme, Chart, formatNumber, positiveRange, themedLineChart, verticalLine } from './common';

export interface LambdaView {
  curves: LambdaCurve[];
  convention: string;
  sweepParameter?: string;
  whatIfLambda: number;
}

export class LambdaChart {
  readonly chart: Chart<'line'>;

  constructor(canvas: HTMLCanvasElement, palette: Palette) {
    this.chart = themedLineChart(canvas, palette, { x: ['logarithmic', 'penalty λ'], y: ['logarithmic', 'test error'] }, { nearest: true });
  }

  render(view: LambdaView, palette: Palette): void {
    const datasets: ChartDataset<'line'>[] = [];
    const values: number[] = [];
    const name = view.sweepParameter?.split('/').filter(Boolean).pop() ?? 'sweep';
    view.curves.forEach((c, i) => {
      const color = palette.series[i % palette.series.length] as string;
      const suffix = c.sweepValue === undefined ? '' : ` · ${name} = ${c.sweepValue}`;
      const data = c.lambdas.map((lambda, k) => ({ x: lambda, y: c.testErrors[k] as number }));
      values.push(...c.testErrors);
      datasets.push({ label: `test error at n = ${formatNumber(c.n)}${suffix}`, data, borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 0, fill: false } as ChartDataset<'line'>);
      if (c.optimum) {
        datasets.push({
          label: `optimum λ = ${formatNumber(c.optimum.lambda)}${suffix}`,
          data: [{ x: c.optimum.lambda, y: c.optimum.testError }],
          borderColor: palette.accent,
          backgroundColor: palette.accent,
          pointRadius: 6,
          pointStyle: 'star',
          borderWidth: 2,
          showLine: false,
        } as ChartDataset<'line'>);
      }
    });
    const range = positiveRange(values);
    datasets.push(verticalLine(`what-if λ = ${formatNumber(view.whatIfLambda)}`, view.whatIfLambda, range, palette.foreground, [6, 4]));
    this.chart.data.datasets = datasets;
    const y = this.chart.options.scales?.y;
    if (y) Object.assign(y, { min: range[0], max: range[1] });
    const x = this.chart.options.scales?.x;
    const first = view.curves[0];
    if (x && first) Object.assign(x, { min: first.lambdas[0], max: first.lambdas[first.lambdas.length - 1], title: { display: true, text: `penalty λ (${view.convention} convention)`, color: palette.foreground } });
    this.chart.update('none');
  }

  applyPalette(palette: Palette, convention: string): void {
    applyTheme(this.chart, palette, `penalty λ (${convention} convention)`, 'test error', ['logarithmic', 'logarithmic']);
  }
}
