/**
 * Warnings where a user is about to waste time, computed from the resolved experiment (no numerics):
 * a tiny penalty with sample sizes at the interpolation peak n = p, a spec whose prediction will be
 * slow or large, and a `simulate` section far more expensive than the prediction.
 *
 * The time estimates are a flop count divided by throughputs measured on a 2-core machine with the
 * WebAssembly kernels (docs/ARCHITECTURE.md, "Speed"): products ~20 GFLOP/s, eigenvalues at
 * ~10/3 p^3 flops, the simulation's blocked forward passes and Gram matrices ~10 GFLOP/s. They are
 * meant to be right within a factor of a few: enough to tell seconds from hours.
 */
import type { LoadResult, ProblemCode } from '../core';

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

const PRODUCT_FLOPS_PER_SECOND = 2e10;
const SIMULATION_FLOPS_PER_SECOND = 1e10;
/** Above these the user is told before the run. */
const SLOW_SECONDS = 30;
const LARGE_BYTES = 2 * 2 ** 30;
/** Penalty per sample (sum convention) below which n = p is a sharp interpolation peak. */
const TINY_PENALTY_PER_SAMPLE = 1e-5;
/** Relative distance of n to p counted as "at the peak". */
const PEAK_WIDTH = 0.05;

export interface CostEstimate {
  seconds: number;
  bytes: number;
}

/** Prediction cost of one model: the layer recursion's products and one eigenproblem per layer. */
export function predictionCost(model: Model): CostEstimate {
  let flops = 0;
  let widest = model.dimension;
  let fanIn = model.dimension;
  const layers = [...model.student, ...(model.target.kind === 'network' ? model.target.layers : [])];
  for (const layer of layers) {
    const k = layer.width;
    // Omega_l = a W Omega_{l-1} W^T + b I: two products; then the layer's spectrum.
    flops += 2 * k * fanIn * fanIn + 2 * k * k * fanIn + (10 / 3) * Math.min(k, fanIn) ** 3;
    widest = Math.max(widest, k);
    fanIn = k;
  }
  // A handful of dense widest x widest matrices live at once (weights, Omega, workspace).
  return { seconds: flops / PRODUCT_FLOPS_PER_SECOND, bytes: 6 * 8 * widest * widest };
}

/** Monte-Carlo cost: forward passes of training and test rows, one Gram matrix and factorisation per fit. */
export function simulationCost(model: Model): CostEstimate | undefined {
  const plan = model.simulate;
  if (!plan) return undefined;
  const p = model.student[model.student.length - 1]?.width ?? 0;
  let perRow = 0;
  let fanIn = model.dimension;
  for (const layer of model.student) {
    perRow += 2 * layer.width * fanIn;
    fanIn = layer.width;
  }
  let flops = 0;
  let bytes = 0;
  for (const n of plan.n) {
    const small = Math.min(n, p);
    const large = Math.max(n, p);
    flops += plan.repeats * ((n + plan.testSamples) * perRow + small * small * large + small ** 3);
    bytes = Math.max(bytes, 8 * ((n + plan.testSamples) * p + small * small));
  }
  return { seconds: flops / SIMULATION_FLOPS_PER_SECOND, bytes };
}

export function describeSeconds(s: number): string {
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(s < 36_000 ? 1 : 0)} h`;
}

export function describeBytes(b: number): string {
  return b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : `${Math.round(b / 2 ** 20)} MiB`;
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

  const cost = runs.map((r) => predictionCost(r.model)).reduce((a, b) => ({ seconds: a.seconds + b.seconds, bytes: Math.max(a.bytes, b.bytes) }), { seconds: 0, bytes: 0 });
  if (cost.seconds > SLOW_SECONDS || cost.bytes > LARGE_BYTES) {
    const widest = [...first.student].sort((a, b) => b.width - a.width)[0];
    advice.push({
      code: 'advice/large-cost',
      severity: 'warning',
      message:
        `this prediction is large: about ${describeSeconds(cost.seconds)} and ${describeBytes(cost.bytes)} of memory` +
        `${runs.length > 1 ? ` for ${runs.length} sweep values` : ''} (the layer recursion and eigenvalues grow as width^3)`,
      file: widest?.source.file ?? first.file,
      pointer: widest ? `${widest.source.pointer}/width` : '',
    });
  }

  const simulation = runs.map((r) => simulationCost(r.model)).reduce<CostEstimate | undefined>((a, b) => (b ? { seconds: (a?.seconds ?? 0) + b.seconds, bytes: Math.max(a?.bytes ?? 0, b.bytes) } : a), undefined);
  // The simulation runs only on request: information, for sections that take minutes.
  if (simulation && simulation.seconds > SLOW_SECONDS && simulation.seconds > 20 * Math.max(cost.seconds, 0.05)) {
    advice.push({
      code: 'advice/simulation-cost',
      severity: 'information',
      message:
        `the "simulate" section will take about ${describeSeconds(simulation.seconds)} and ${describeBytes(simulation.bytes)} when run, ` +
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
