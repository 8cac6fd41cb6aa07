/**
 * Warnings where a user is about to waste time, computed from the resolved experiment (no numerics):
 * a tiny penalty with sample sizes at the interpolation peak n = p, a spec whose prediction will be
 * slow or large, and a `simulate` section far more expensive than the prediction.
 *
 * Time and memory come from the engine's cost model (core/cost.ts, calibrated on a 2-core machine
 * with the WebAssembly kernels), the same estimate the CLI prints before a long run: right within a
 * factor of a few, enough to tell seconds from hours.
 */
import { formatBytes, formatSeconds, predictionCost, simulationFootprint, simulationSeconds, type LoadResult, type ProblemCode } from '../core';

type Model = NonNullable<LoadResult['runs']>[number]['model'];

export interface Advice {
  severity: 'warning' | 'information';
  code: Extract<ProblemCode, `advice/${string}`>;
  message: string;
  file: string;
  pointer: string;
  /** Place on the property's key rather than its value. */
  key?: boolean;
}

/** Above these the user is told before the run. */
const SLOW_SECONDS = 30;
const LARGE_BYTES = 2 * 2 ** 30;
/** Penalty per sample (sum convention) below which n = p is a sharp interpolation peak. */
const TINY_PENALTY_PER_SAMPLE = 1e-5;
/** Relative distance of n to p counted as "at the peak". */
const PEAK_WIDTH = 0.05;

/**
 * The `simulate` section's time and peak memory over all runs, as the editor's "Run simulation"
 * would do it (its repetitions, test samples drawn), or undefined without one.
 */
function simulationCost(models: readonly Model[]): { seconds: number; bytes: number } | undefined {
  const planned = models.filter((m) => m.simulate);
  if (planned.length === 0) return undefined;
  return {
    seconds: planned.reduce((a, m) => a + simulationSeconds(m, m.simulate?.repeats ?? 0, 'samples'), 0),
    bytes: 8 * Math.max(...planned.map((m) => simulationFootprint(m, 'samples').doubles)),
  };
}

export function adviseOn(loaded: LoadResult): Advice[] {
  const runs = loaded.runs ?? [];
  const first = runs[0]?.model;
  if (!first) return [];
  const advice: Advice[] = [];
  const p = first.student[first.student.length - 1]?.width ?? 0;

  // The interpolation peak: with n close to p and almost no penalty the test error blows up and
  // the curve there says little; users usually wanted a larger lambda or to skip those n. A spec
  // that also has a larger lambda (or "optimal") shows the peak on purpose (double descent): no warning.
  const tinyAt = (lambda: number, n: number): boolean => sumPenalty(lambda, first.convention, n, p) / n < TINY_PENALTY_PER_SAMPLE;
  const peak = first.samples.filter((n) => Math.abs(n - p) <= PEAK_WIDTH * p);
  const comparison = first.lambdas.some((lambda) => lambda === 'optimal' || peak.some((n) => !tinyAt(lambda, n)));
  first.lambdas.forEach((lambda, i) => {
    if (lambda === 'optimal' || comparison) return;
    const nearPeak = peak.filter((n) => tinyAt(lambda, n));
    if (nearPeak.length === 0) return;
    advice.push({
      code: 'advice/interpolation-peak',
      severity: 'warning',
      message:
        `lambda = ${lambda} is tiny at the interpolation peak: ${nearPeak.length === 1 ? `n = ${nearPeak[0]} is` : `${nearPeak.length} sample sizes (n = ${nearPeak[0]}..${nearPeak[nearPeak.length - 1]}) are`} within ${PEAK_WIDTH * 100}% of p = ${p}, ` +
        'where the test error of an almost unregularised fit diverges; expect a spike there (use a larger lambda, or "optimal")',
      file: first.sources.ridge.file,
      pointer: `${first.sources.ridge.pointer}/lambda/${i}`,
    });
  });

  const models = runs.map((r) => r.model);
  const cost = predictionCost(models);
  if (cost.seconds > SLOW_SECONDS || cost.bytes > LARGE_BYTES) {
    const widest = [...first.student].sort((a, b) => b.width - a.width)[0];
    advice.push({
      code: 'advice/large-cost',
      severity: 'warning',
      message:
        `this prediction is large: ${formatSeconds(cost.seconds)} and ${formatBytes(cost.bytes)} of memory` +
        `${runs.length > 1 ? ` for ${runs.length} sweep values` : ''} (the layer recursion and eigenvalues grow as width^3)`,
      file: widest?.source.file ?? first.file,
      pointer: widest ? `${widest.source.pointer}/width` : '',
    });
  }

  const simulation = simulationCost(models);
  // The simulation runs only on request: information, for sections that take minutes.
  if (simulation && simulation.seconds > SLOW_SECONDS && simulation.seconds > 20 * Math.max(cost.seconds, 0.05)) {
    advice.push({
      code: 'advice/simulation-cost',
      severity: 'information',
      message:
        `the "simulate" section will take ${formatSeconds(simulation.seconds)} and ${formatBytes(simulation.bytes)} when run, ` +
        `${Math.round(simulation.seconds / Math.max(cost.seconds, 0.05))}x the prediction (fewer repeats, testSamples or large n make it cheaper)`,
      file: first.file,
      pointer: '/simulate',
      key: true,
    });
  }
  return advice;
}

function sumPenalty(lambda: number, convention: Model['convention'], n: number, p: number): number {
  return convention === 'mean' ? lambda * n : convention === 'paper' ? lambda * p : lambda;
}
