/**
 * How long a prediction or a simulation will take and how much memory it will hold, from the
 * model's sizes alone (no numerics): printed before a long run, used by the simulation's resource
 * check and by the editor's "this will take long" warning.
 *
 * The model counts the dominant operations of each stage (dense products, eigenproblems, risk
 * evaluations) and converts them with coefficients measured on the 2-core development machine
 * with the WebAssembly kernels and one helper thread. Expect the right order of magnitude, not the second: a
 * loaded machine runs 1.5-3x slower, and a faster one faster. The coefficients came from timing
 * each stage of square and widening one-layer specs (d, p from 1000 to 5000), learning curves of
 * 10^6 points, and the `simulate` scenario of the benchmark, scaled to the machine unloaded
 * (d = p = 5000: 38 s measured, 39 s estimated; d = p = 10000: 4 min 53 s and 3.2 GB measured,
 * about 5 min and 3.3 GB estimated; d = 2000, p = 4000: 2.8 s measured, 3.1 s estimated).
 */
import type { Stage } from './analysis';
import type { ExperimentModel, LayerModel } from './model/types';

/** Seconds per unit of work, measured (see the module comment). */
const SECONDS = {
  /** One multiply-add of a dense product (W Omega W^T, forward passes). */
  product: 1.05e-10,
  /** One m^3 of a symmetric eigenproblem with projections (tridiagonalisation + QL). */
  eigen: 2e-10,
  /** One drawn weight (ziggurat normal, scaling). */
  draw: 2.5e-8,
  /** One eigenvalue in the risk formula at one (n, lambda) point (kappa solve and errors). */
  curve: 2.4e-8,
  /** One eigenvalue at one n of the optimal-penalty search. */
  optimal: 6e-7,
  /** One multiply-add of a Gram matrix or kernel (symmetric: half the products), or of the
   * widening shortcut's fan-in sized congruence. */
  gram: 0.6e-10,
  /** One m^3 of a simulation's factorisation (eigendecomposition or Cholesky and solves). */
  factorisation: 2e-10,
  /** Starting the process, loading the engine and the spec. */
  start: 0.3,
};

/** Bytes of the process before any matrix: Node, the engine, the kernels' memory. */
const BASE_BYTES = 70 * 2 ** 20;
/** Bytes per reported (n, lambda) point in the result (a JavaScript object with its numbers). */
const POINT_BYTES = 200;

export type StageSeconds = Partial<Record<Stage, number>>;

export interface CostEstimate {
  /** Estimated wall time in seconds on the calibration machine. */
  seconds: number;
  /** Estimated peak resident memory in bytes. */
  bytes: number;
  /** Estimated seconds per stage, one entry per run (sweep value), in the order they run. */
  runs: StageSeconds[];
}

/** Work of one layer's covariance Omega_l = W Omega_{l-1} W^T (+ diagonal terms), in multiply-adds. */
function congruence(layer: LayerModel, first: boolean, identityInput: boolean): number {
  const w = layer.width;
  const k = layer.fanIn;
  // W W^T when the previous covariance is the identity; W (Omega W^T) otherwise.
  return first && identityInput ? w * w * k : w * k * k + w * w * k;
}

/** Estimated seconds per stage of one prediction run, and the bytes it holds at its peak. */
function predictionRun(model: ExperimentModel): { stages: StageSeconds; bytes: number } {
  const student = model.student;
  const teacher = model.target.kind === 'network' ? model.target.layers : [];
  const identityInput = model.inputCovariance.kind === 'identity' && !model.inputSamples;
  const last = student[student.length - 1];
  const p = last?.width ?? 0;
  // A widening last layer is never formed: its spectrum comes from the fan-in sized problem.
  const widening = last !== undefined && last.width > last.fanIn;
  const side = widening && last ? last.fanIn : p;

  let draws = 0;
  let products = 0;
  let eigen = 0;
  let shortcut = 0;
  let square = side;
  [...student, ...teacher].forEach((layer, i) => {
    draws += layer.width * layer.fanIn;
    const first = i === 0 || layer === teacher[0];
    if (layer === last && widening) {
      shortcut += layer.width * layer.fanIn * layer.fanIn;
    } else {
      products += congruence(layer, first, identityInput);
      square = Math.max(square, layer.width);
    }
  });
  // Spectra: the last layer's with projections, the hidden layers' eigenvalues (helper thread).
  eigen += side ** 3;
  for (const layer of student.slice(0, -1)) eigen += layer.width ** 3;
  // Input covariance: its square root (dense) or the data's second moments.
  if (model.inputCovariance.kind === 'dense') eigen += model.dimension ** 3;
  if (model.inputSamples) products += model.inputSamples.rows * model.dimension * model.dimension;

  const fixed = model.lambdas.filter((l) => l !== 'optimal').length;
  const optimal = model.lambdas.includes('optimal');
  const points = model.samples.length * (fixed + (optimal ? 1 : 0));
  const stages: StageSeconds = {
    weights: draws * SECONDS.draw,
    moments: products * SECONDS.product + shortcut * SECONDS.gram,
    spectrum: eigen * SECONDS.eigen,
    curve: model.samples.length * fixed * p * SECONDS.curve,
  };
  if (optimal) stages.optimal = model.samples.length * p * SECONDS.optimal;
  // Weights, the inputs' rows, and about three square matrices of the widest formed layer
  // (Omega, its reduction, product scratch), then the result's points.
  const inputs = model.inputSamples ? model.inputSamples.rows * model.dimension : 0;
  const bytes = 8 * (draws + inputs + 3 * square * square) + POINT_BYTES * points;
  return { stages, bytes };
}

function total(stages: StageSeconds): number {
  return Object.values(stages).reduce((a, b) => a + (b ?? 0), 0);
}

/** The estimate of a prediction over its runs (one model per sweep value). */
export function predictionCost(models: readonly ExperimentModel[]): CostEstimate {
  const runs = models.map(predictionRun);
  return {
    seconds: SECONDS.start + runs.reduce((a, r) => a + total(r.stages), 0),
    bytes: BASE_BYTES + Math.max(0, ...runs.map((r) => r.bytes)),
    runs: runs.map((r) => r.stages),
  };
}

/**
 * Estimated seconds of the Monte-Carlo simulation of one run (its prediction excluded): per
 * repetition, the forward passes of the training and test samples through every layer, the Gram
 * matrices or kernels, and one factorisation per simulated n.
 */
export function simulationSeconds(model: ExperimentModel, repeats: number, testEvaluation: 'samples' | 'population'): number {
  const plan = model.simulate;
  if (!plan || plan.n.length === 0) return 0;
  const p = model.student[model.student.length - 1]?.width ?? 0;
  const nMax = Math.max(...plan.n);
  const test = testEvaluation === 'samples' ? plan.testSamples : 0;
  const layers = [...model.student, ...(model.target.kind === 'network' ? model.target.layers : [])];
  const forward = (nMax + test) * layers.reduce((a, l) => a + l.width * l.fanIn, 0) * SECONDS.product;
  const gram = nMax * p * Math.min(nMax, p) * SECONDS.gram;
  const factorisations = plan.n.reduce((a, n) => a + Math.min(n, p) ** 3, 0) * SECONDS.factorisation;
  const evaluation = test * p * model.lambdas.length * SECONDS.product;
  return repeats * (forward + gram + factorisations + evaluation);
}

/** "about 45 s", "about 12 min", "about 3.5 h". */
export function formatSeconds(seconds: number): string {
  if (seconds < 1) return 'under a second';
  if (seconds < 90) return `about ${Math.round(seconds)} s`;
  if (seconds < 5400) return `about ${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `about ${(seconds / 3600).toPrecision(2)} h`;
  return `about ${Math.round(seconds / 86400).toLocaleString('en-US')} days`;
}

/** "860 MB", "3.2 GB". */
export function formatBytes(bytes: number): string {
  return bytes < 1e9 ? `${Math.round(bytes / 1e6)} MB` : `${(bytes / 1e9).toPrecision(2)} GB`;
}
