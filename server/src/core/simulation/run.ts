/**
 * Monte-Carlo simulation of one resolved experiment (one sweep value), with the weights, centring
 * and teacher of its prediction (analysis.ts): for every repetition, draw training and test data,
 * fit the ridge readout at every simulated (n, lambda), and measure the test and training errors
 * (theory.md section 1).
 *
 * Design, per repetition r:
 *  - one training sample of size max(n) from the stream "simulation/<run>/repeat=<r>/train/...":
 *    the training set of every smaller n is a prefix of it (a learning curve of growing data, as a
 *    user would collect it). Features are computed once for the largest n, the Gram matrices of
 *    nested sets accumulate (G_n2 = G_n1 + the new rows), and the kernels of the n < p sets are
 *    leading blocks of one kernel. Each row depends only on the seed, run and repetition, never
 *    on the order of computation or on the other n in the list;
 *  - one test sample of testSamples rows ("simulation/<run>/repeat=<r>/test/...") shared by every
 *    n and lambda of the repetition; or, on request, the exact expectation over the test draw
 *    (population.ts) when it is available;
 *  - repetitions are independent: mean and standard deviation over them per (n, lambda).
 */
import type { Analysis } from '../analysis';
import { formatSeconds, simulationSeconds } from '../cost';
import type { Matrix } from '../linalg/matrix';
import { zeros } from '../linalg/matrix';
import { gram, multiply, transposeGram, transposeMatVec } from '../linalg/products';
import type { ExperimentModel } from '../model/types';
import { ProblemError } from '../problems';
import { ridgeCurves, type CurvePoint } from '../risk/learningCurve';
import { Random } from '../rng';
import { BLOCK_ROWS, drawSampleSet, type SampleSet, type SimulatedExperiment } from './dataset';
import { drawRows, gaussianStream, inputRoot, rowStream, rowsWithoutReplacement, type InputRoot, type RowDraw } from './inputs';
import { simulatedLayers } from './network';
import { cleanPopulationErrors, dataRowMoments, exactLinearMoments, type PopulationMoments } from './population';
import { dualRidge, primalRidge, type RidgeFits, type RidgeMethod } from './ridge';
import { labelModel } from './teacher';

/** Default bound on the numbers a simulation holds at once: 2.5e8 doubles = 2 GB. */
export const MAX_SIMULATION_DOUBLES = 2.5e8;
/** Default bound on a simulation's estimated time (core/cost.ts): one hour. */
export const MAX_SIMULATION_SECONDS = 3600;

export interface SimulationOptions {
  /** Overrides the spec's `simulate.repeats`. */
  repeats?: number;
  /**
   * 'samples' (default): the test error on testSamples fresh samples. 'population': its exact
   * expectation over the test draw where available (population.ts), else samples; each point
   * reports which one was used.
   */
  testEvaluation?: 'samples' | 'population';
  /** Bound on the numbers held at once (default MAX_SIMULATION_DOUBLES). */
  maxDoubles?: number;
  /** Bound on the estimated seconds of one run's simulation (default MAX_SIMULATION_SECONDS). */
  maxSeconds?: number;
  /**
   * Data specs: 'with-replacement' (default) draws training and test rows i.i.d. from the rows,
   * that is from the empirical distribution whose moments the prediction uses (theory.md
   * section 5), so simulation and prediction describe the same population. 'without-replacement'
   * draws disjoint training and test rows (a held-out split, as on real data), which is not the
   * population the prediction describes: the two differ when n is a sizeable fraction of N.
   * Falls back to with-replacement when the rows do not suffice.
   */
  dataSampling?: 'with-replacement' | 'without-replacement';
  ridgeMethod?: RidgeMethod;
  blockRows?: number;
  /** Milliseconds clock injected by the caller (the engine never reads the time itself); enables timings. */
  clock?: () => number;
}

export type InputSampling = 'gaussian' | 'rows-without-replacement' | 'rows-with-replacement';

export interface SimulationPoint {
  n: number;
  /** In the spec's own ridge convention (the predicted optimum at this n for "optimal"). */
  lambda: number;
  /** Mean over repetitions of the test error (label noise included, like the prediction's testError). */
  testError: number | null;
  /** Standard deviation over repetitions (n - 1 normalisation; null with one repetition). */
  testErrorStd: number | null;
  trainError: number | null;
  trainErrorStd: number | null;
  repeats: number;
  /** The prediction at the same n and lambda. */
  predictedTestError: number | null;
  predictedTrainError: number | null;
  testEvaluation: 'samples' | 'population';
  /** Test samples per repetition (testEvaluation 'samples'). */
  testSamples?: number;
  inputs: InputSampling;
  /** Present when lambda is the predicted optimal penalty at this n. */
  optimal?: true;
  sweepValue?: number;
}

/** Milliseconds per stage, when a clock was given. */
export interface SimulationTimings {
  /** Square root of the input covariance, folded weights, the prediction at the simulated sizes. */
  setup: number;
  /** Inputs, forward passes and labels of training and test samples. */
  features: number;
  /** Gram matrices F^T F and kernels F F^T. */
  gram: number;
  /** Eigendecompositions or Cholesky factorisations, solves, training errors. */
  factorisation: number;
  /** Test errors (predictions on the test sample, or the population formula). */
  evaluation: number;
  /** Population moments of data rows (testEvaluation 'population'). */
  population: number;
}

export interface RunSimulation {
  points: SimulationPoint[];
  timings?: SimulationTimings;
}

export interface RepeatDone {
  n: number;
  repeat: number;
  /** Fits done so far in this run and in total (n values x repetitions). */
  completed: number;
  total: number;
}

/** Numbers held at once by the simulation of `model` (features, test sample, factorisations, blocks). */
export function simulationFootprint(model: ExperimentModel, testEvaluation: 'samples' | 'population'): { doubles: number; n: number } {
  const plan = model.simulate;
  if (!plan || plan.n.length === 0) return { doubles: 0, n: 0 };
  const p = model.student[model.student.length - 1]?.width ?? 0;
  const nMax = Math.max(...plan.n);
  const widest = Math.max(model.dimension, ...model.student.map((l) => l.width), ...(model.target.kind === 'network' ? model.target.layers.map((l) => l.width) : []));
  const test = testEvaluation === 'samples' ? plan.testSamples : 0;
  const side = Math.min(nMax, p);
  // Training and test features, and about four side x side matrices (Gram or kernel, its shifted
  // copy, its factor or reduction, product scratch), plus one block of each layer.
  const doubles = (nMax + test) * p + 4 * side * side + 3 * BLOCK_ROWS * widest;
  return { doubles, n: nMax };
}

/**
 * The sizes' problem message, or undefined when the simulation fits in `maxDoubles` numbers and
 * its estimated time (core/cost.ts) in `maxSeconds`.
 */
export function simulationSizeProblem(model: ExperimentModel, options: SimulationOptions): string | undefined {
  const limit = options.maxDoubles ?? MAX_SIMULATION_DOUBLES;
  const plan = model.simulate;
  if (!plan) return undefined;
  const evaluation = options.testEvaluation ?? 'samples';
  const { doubles, n } = simulationFootprint(model, evaluation);
  if (doubles <= limit) {
    const repeats = options.repeats ?? plan.repeats;
    const seconds = simulationSeconds(model, repeats, evaluation);
    const maxSeconds = options.maxSeconds ?? MAX_SIMULATION_SECONDS;
    if (seconds <= maxSeconds) return undefined;
    return (
      `simulating ${plan.n.length} sample sizes up to n = ${n} with ${repeats} repetitions would take ${formatSeconds(seconds)} ` +
      `(estimated on a 2-core machine), above the limit of ${maxSeconds % 3600 === 0 ? `${maxSeconds / 3600} h` : `${Math.round(maxSeconds)} s`}: ` +
      'lower the repetitions, the number of sample sizes or the largest n'
    );
  }
  const p = model.student[model.student.length - 1]?.width ?? 0;
  const gb = (x: number): string => `${((x * 8) / 1e9).toPrecision(2)} GB`;
  return (
    `simulating n = ${n} with p = ${p} features and ${plan.testSamples} test samples would hold about ` +
    `${(doubles / 1e6).toPrecision(3)} million numbers (${gb(doubles)}), above the limit of ` +
    `${(limit / 1e6).toPrecision(3)} million (${gb(limit)}): lower the largest n or testSamples`
  );
}

/**
 * The simulation of one run, yielding after each (n, repetition). Throws ProblemError when the
 * input covariance has no square root (not positive semi-definite).
 */
export function* simulateRun(model: ExperimentModel, analysis: Analysis, run: number, options: SimulationOptions = {}): Generator<RepeatDone, RunSimulation> {
  const plan = model.simulate;
  if (!plan || plan.n.length === 0) return { points: [] };
  const repeats = options.repeats ?? plan.repeats;
  const method = options.ridgeMethod ?? 'auto';
  const blockRows = options.blockRows ?? BLOCK_ROWS;
  const clock = options.clock;
  const timings: SimulationTimings = { setup: 0, features: 0, gram: 0, factorisation: 0, evaluation: 0, population: 0 };
  let last = clock?.() ?? 0;
  const lap = (stage: keyof SimulationTimings): void => {
    if (!clock) return;
    const now = clock();
    timings[stage] += now - last;
    last = now;
  };

  const { weights, moments, risk } = analysis;
  const p = risk.omega.length;
  const rowsData = model.inputSamples;
  const root = rowsData ? undefined : rootOrProblem(model);
  const experiment: SimulatedExperiment = {
    student: simulatedLayers(model.student, moments.student, weights, root),
    label: labelModel(model, moments, weights, root),
    features: p,
  };

  // The prediction at the simulated sizes; for "optimal" it also fixes the lambda of each n.
  const ns = plan.n;
  const curve: CurvePoint[] = ridgeCurves(risk, ns, model.lambdas, model.convention);
  const perN = curve.length / ns.length;
  const pointsOf = (i: number): CurvePoint[] => curve.slice(i * perN, (i + 1) * perN);
  lap('setup');

  // Test evaluation and input sampling.
  let population: PopulationMoments | undefined;
  if (options.testEvaluation === 'population') {
    population = rowsData ? dataRowMoments(experiment, rowsData) : exactLinearMoments(model, moments);
    lap('population');
  }
  const testCount = population ? 0 : plan.testSamples;
  const order = ns.map((_, i) => i).sort((a, b) => (ns[a] as number) - (ns[b] as number));
  const nMax = ns[order[order.length - 1] as number] as number;
  const total = rowsData?.rows ?? 0;
  // The exact held-out error needs at least one row outside the largest training set.
  const withoutReplacement =
    rowsData !== undefined && options.dataSampling === 'without-replacement' && rowsWithoutReplacement(total, nMax, Math.max(testCount, 1));
  const sampling: InputSampling = !rowsData ? 'gaussian' : withoutReplacement ? 'rows-without-replacement' : 'rows-with-replacement';
  // Largest n fitted in the dual form: its kernel holds the kernels of all smaller n.
  const dualMax = Math.max(0, ...ns.filter((n) => n < p));

  // tests[i][k][r], trains[i][k][r]
  const tests = ns.map(() => Array.from({ length: perN }, () => new Float64Array(repeats)));
  const trains = ns.map(() => Array.from({ length: perN }, () => new Float64Array(repeats)));
  const totalFits = ns.length * repeats;
  let completed = 0;

  // Buffers kept from one repetition to the next (see drawSampleSet).
  let previousTrain: SampleSet | undefined;
  let previousTest: SampleSet | undefined;
  const g = zeros(p, p);
  const b = new Float64Array(p);
  for (let r = 0; r < repeats; r++) {
    const label = `simulation/${run}/repeat=${r}`;
    const draw: RowDraw | undefined = rowsData
      ? drawRows(Random.stream(model.seed, `${label}/rows`), total, nMax, testCount, withoutReplacement)
      : undefined;
    const sample = (part: 'train' | 'test', count: number, rows: Int32Array | undefined, reuse: SampleSet | undefined): SampleSet => {
      const inputs = rowsData ? rowStream(rowsData, rows as Int32Array) : gaussianStream(model.dimension, Random.stream(model.seed, `${label}/${part}/inputs`));
      return drawSampleSet(experiment, count, inputs, rows, Random.stream(model.seed, `${label}/${part}/noise`), blockRows, reuse);
    };
    const train = sample('train', nMax, draw?.train, previousTrain);
    const test = testCount > 0 ? sample('test', testCount, draw?.test, previousTest) : undefined;
    previousTrain = train;
    previousTest = test;
    lap('features');

    // Nested training sets: G and F^T y accumulate over the rows added since the previous n >= p.
    g.data.fill(0);
    b.fill(0);
    let accumulated = 0;
    let kernel: Matrix | undefined;

    for (const i of order) {
      const n = ns[i] as number;
      const lambdas = pointsOf(i).map((point) => point.lambda); // sum convention
      const f = rowsView(train.features, 0, n);
      const y = train.labels.subarray(0, n);
      let fits: RidgeFits;
      if (n >= p) {
        const added = rowsView(train.features, accumulated, n);
        addInto(g, transposeGram(added));
        const c = transposeMatVec(added, train.labels.subarray(accumulated, n));
        for (let j = 0; j < p; j++) b[j] = (b[j] as number) + (c[j] as number);
        accumulated = n;
        lap('gram');
        fits = primalRidge(f, y, g, b, lambdas, method);
      } else {
        kernel ??= gram(rowsView(train.features, 0, dualMax));
        const k = leadingBlock(kernel, n);
        lap('gram');
        fits = dualRidge(f, y, k, lambdas, method);
      }
      lap('factorisation');

      const testErrors = test
        ? sampleErrors(test, fits.weights)
        : heldOutErrors(population as PopulationMoments, fits, f, train.targets.subarray(0, n), sampling, total);
      lap('evaluation');
      for (let k = 0; k < perN; k++) {
        (tests[i]?.[k] as Float64Array)[r] = testErrors[k] as number;
        (trains[i]?.[k] as Float64Array)[r] = fits.trainErrors[k] as number;
      }
      completed++;
      yield { n, repeat: r, completed, total: totalFits };
      if (clock) last = clock(); // time spent by the consumer between steps is not ours
    }
  }

  const points: SimulationPoint[] = [];
  ns.forEach((n, i) => {
    pointsOf(i).forEach((theory, k) => {
      const test = stats(tests[i]?.[k] as Float64Array);
      const trainStats = stats(trains[i]?.[k] as Float64Array);
      const ok = theory.status === 'ok';
      const point: SimulationPoint = {
        n,
        lambda: theory.reportedLambda,
        testError: test.mean,
        testErrorStd: test.std,
        trainError: trainStats.mean,
        trainErrorStd: trainStats.std,
        repeats,
        predictedTestError: ok ? theory.testError : null,
        predictedTrainError: ok ? theory.trainError : null,
        testEvaluation: population ? 'population' : 'samples',
        inputs: sampling,
      };
      if (!population) point.testSamples = testCount;
      if (theory.atBracketEdge !== undefined) point.optimal = true;
      points.push(point);
    });
  });
  return clock ? { points, timings } : { points };
}

function rootOrProblem(model: ExperimentModel): InputRoot {
  try {
    return inputRoot(model.inputCovariance);
  } catch (error) {
    throw new ProblemError({
      code: 'simulation/input-covariance',
      severity: 'error',
      message: `cannot draw inputs with this covariance: ${(error as Error).message}`,
      file: model.sources.input.file,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      pointer: `${model.sources.input.pointer}/covariance`,
    });
  }
}

/** Rows from .. to - 1 of m, without copying. */
function rowsView(m: Matrix, from: number, to: number): Matrix {
  return { rows: to - from, cols: m.cols, data: m.data.subarray(from * m.cols, to * m.cols) };
}

function addInto(target: Matrix, add: Matrix): void {
  const t = target.data;
  const a = add.data;
  for (let i = 0; i < t.length; i++) t[i] = (t[i] as number) + (a[i] as number);
}

/** The leading n x n block of a square matrix (a copy). */
function leadingBlock(m: Matrix, n: number): Matrix {
  if (n === m.rows) return m;
  const out = zeros(n, n);
  for (let i = 0; i < n; i++) out.data.set(m.data.subarray(i * m.cols, i * m.cols + n), i * n);
  return out;
}

/** Mean squared error on the test sample for each column of weights (one product for all penalties). */
function sampleErrors(test: SampleSet, weights: Matrix): Float64Array {
  const count = weights.cols;
  const predictions = multiply(test.features, weights);
  const m = test.features.rows;
  const out = new Float64Array(count);
  for (let i = 0; i < m; i++) {
    const yi = test.labels[i] as number;
    const o = i * count;
    for (let k = 0; k < count; k++) {
      const r = yi - (predictions.data[o + k] as number);
      out[k] = (out[k] as number) + r * r;
    }
  }
  for (let k = 0; k < count; k++) out[k] = (out[k] as number) / m;
  return out;
}

/**
 * The exact expected test error given the fit. Gaussian inputs or rows with replacement: the
 * population formula. Rows without replacement: the test rows are uniform over the rows outside
 * the training set, so the expectation is the mean over those N - n rows,
 * (N E_all (f - w.phi)^2 - sum_train (f - w.phi)^2) / (N - n), plus s^2.
 */
function heldOutErrors(population: PopulationMoments, fits: RidgeFits, f: Matrix, targets: Float64Array, sampling: InputSampling, total: number): Float64Array {
  const clean = cleanPopulationErrors(population, fits.weights);
  const count = clean.length;
  const noise = population.noiseVariance;
  if (sampling !== 'rows-without-replacement') return clean.map((e) => e + noise);
  const n = f.rows;
  if (n >= total) return new Float64Array(count).fill(NaN);
  const fitted = multiply(f, fits.weights);
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    let trainClean = 0;
    for (let i = 0; i < n; i++) trainClean += ((targets[i] as number) - (fitted.data[i * count + k] as number)) ** 2;
    out[k] = Math.max(0, (total * (clean[k] as number) - trainClean) / (total - n)) + noise;
  }
  return out;
}

function stats(values: Float64Array): { mean: number | null; std: number | null } {
  const m = values.length;
  let sum = 0;
  for (let i = 0; i < m; i++) sum += values[i] as number;
  const mean = sum / m;
  if (!Number.isFinite(mean)) return { mean: null, std: null };
  if (m < 2) return { mean, std: null };
  let ss = 0;
  for (let i = 0; i < m; i++) ss += ((values[i] as number) - mean) ** 2;
  return { mean, std: Math.sqrt(ss / (m - 1)) };
}
