/**
 * The Monte-Carlo simulation (server/src/core/simulation/): ridge solver against a direct solve of
 * the normal equations, lambda conventions, agreement with the prediction and with an independent
 * NumPy simulation, reproducibility, progress and cancellation, the resource limit.
 *
 * Statistical checks compare means over repetitions with their standard error
 * se = std / sqrt(R): |simulated - predicted| <= 3 se (theory.md section 6, "Monte-Carlo
 * agreement"), at sizes away from the interpolation peak n = p, with d large enough (100-300) that
 * the linearisation error of the moments is below the statistical error. Every draw is seeded,
 * so these checks are deterministic.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { describe, test } from 'node:test';
import { main } from '../../server/src/cli';
import type { SpecHost } from '../../server/src/core/host';
import { zeros, type Matrix } from '../../server/src/core/linalg/matrix';
import { encodeNpy } from '../../server/src/core/npy';
import { Random } from '../../server/src/core/rng';
import { fitRidge } from '../../server/src/core/simulation/ridge';
import { drawRows } from '../../server/src/core/simulation/inputs';
import { predict } from '../../server/src/core';
import { simulate, simulationSteps, type SimulationProgress, type SimulationResult } from '../../server/src/core';
import { simulationSizeProblem, type SimulationOptions, type SimulationPoint } from '../../server/src/core/simulation/run';
import { loadExperiment } from '../../server/src/core/format/load';
import { nodeHost } from '../../server/src/nodeHost';
import { listedCases } from '../support/listing';
import { repoRoot } from '../support/paths';

/** Specs live in memory; data files (.npy) too, under /mem/. */
const memoryFiles = new Map<string, Uint8Array>();
const memoryHost: SpecHost = {
  ...nodeHost,
  stat: (path) => {
    const f = memoryFiles.get(path);
    return f ? { kind: 'file', size: f.length, stamp: '' } : nodeHost.stat(path);
  },
  readBytes: (path, offset, length) => memoryFiles.get(path)?.slice(offset, offset + length) ?? nodeHost.readBytes(path, offset, length),
  resolve: (from, relative) => (from.startsWith('/mem/') ? posix.join(posix.dirname(from), relative) : nodeHost.resolve(from, relative)),
};

function run(spec: object, options: SimulationOptions = {}, file = '/mem/spec.rainbow.json'): SimulationResult {
  const outcome = simulate(JSON.stringify({ kind: 'experiment', samples: { n: [100] }, ...spec }), file, memoryHost, options);
  assert.deepEqual(
    outcome.problems.filter((p) => p.severity === 'error').map((p) => p.message),
    [],
  );
  assert.ok(outcome.result);
  return outcome.result;
}

const standardError = (std: number | null, repeats: number): number => (std ?? NaN) / Math.sqrt(repeats);

/**
 * The theory is asymptotic: at these sizes (p of one to a few hundred) it is accurate to about a
 * percent (measured: 1.2% +- 0.4% on the data spec at n = 400, lambda = 1, with 300 repetitions).
 * So the check is |simulated - predicted| <= 3 se + FINITE_SIZE * predicted, for the test and the
 * training error of every point.
 */
const FINITE_SIZE = 0.01;

function assertAgreesWithTheory(points: SimulationPoint[], what: string): void {
  assert.ok(points.length > 0);
  for (const p of points) {
    const at = `${what} n = ${p.n}, lambda = ${p.lambda}`;
    assert.ok(p.testError !== null && p.predictedTestError !== null && p.trainError !== null && p.predictedTrainError !== null, at);
    const se = standardError(p.testErrorStd, p.repeats);
    const seTrain = standardError(p.trainErrorStd, p.repeats);
    assert.ok(
      Math.abs(p.testError - p.predictedTestError) <= 3 * se + FINITE_SIZE * p.predictedTestError,
      `${at}: simulated test error ${p.testError} +- ${se}, predicted ${p.predictedTestError} (z = ${((p.testError - p.predictedTestError) / se).toFixed(2)})`,
    );
    assert.ok(
      Math.abs(p.trainError - p.predictedTrainError) <= 3 * seTrain + FINITE_SIZE * p.predictedTrainError,
      `${at}: simulated train error ${p.trainError} +- ${seTrain}, predicted ${p.predictedTrainError} (z = ${((p.trainError - p.predictedTrainError) / seTrain).toFixed(2)})`,
    );
  }
}

/** Solves A x = b by Gaussian elimination with partial pivoting (independent of the engine's linalg). */
function solveDense(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i] as number]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs((m[r] as number[])[c] as number) > Math.abs((m[pivot] as number[])[c] as number)) pivot = r;
    [m[c], m[pivot]] = [m[pivot] as number[], m[c] as number[]];
    const rc = m[c] as number[];
    for (let r = c + 1; r < n; r++) {
      const rr = m[r] as number[];
      const f = (rr[c] as number) / (rc[c] as number);
      for (let k = c; k <= n; k++) rr[k] = (rr[k] as number) - f * (rc[k] as number);
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    const rr = m[r] as number[];
    let s = rr[n] as number;
    for (let k = r + 1; k < n; k++) s -= (rr[k] as number) * (x[k] as number);
    x[r] = s / (rr[r] as number);
  }
  return x;
}

/** w = (F^T F + lambda I)^-1 F^T y and the mean squared training residual, by the textbook formula. */
function directRidge(f: Matrix, y: Float64Array, lambda: number): { w: number[]; train: number } {
  const { rows: n, cols: p, data } = f;
  const a: number[][] = [];
  const b: number[] = [];
  for (let i = 0; i < p; i++) {
    const row: number[] = [];
    for (let j = 0; j < p; j++) {
      let s = i === j ? lambda : 0;
      for (let k = 0; k < n; k++) s += (data[k * p + i] as number) * (data[k * p + j] as number);
      row.push(s);
    }
    a.push(row);
    let c = 0;
    for (let k = 0; k < n; k++) c += (data[k * p + i] as number) * (y[k] as number);
    b.push(c);
  }
  const w = solveDense(a, b);
  let train = 0;
  for (let k = 0; k < n; k++) {
    let fit = 0;
    for (let j = 0; j < p; j++) fit += (data[k * p + j] as number) * (w[j] as number);
    train += ((y[k] as number) - fit) ** 2;
  }
  return { w, train: train / n };
}

function randomMatrix(rows: number, cols: number, label: string): Matrix {
  const m = zeros(rows, cols);
  Random.stream(1, label).fillNormal(m.data);
  return m;
}

describe('ridge fits', () => {
  // Tolerance 1e-8 relative: both sides are backward stable and the shifted Gram matrices are
  // well enough conditioned. A penalty of 1e-8 is checked only for n >= p: with n < p the p x p
  // Gram matrix has rank n, and the textbook solve of the reference itself loses the digits.
  const close = (a: number, b: number, what: string): void =>
    assert.ok(Math.abs(a - b) <= 1e-8 * Math.max(1, Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);

  for (const [n, p] of [
    [25, 60],
    [90, 30],
    [40, 40],
  ] as const) {
    for (const method of ['tridiagonal', 'cholesky'] as const) {
      test(`n = ${n}, p = ${p} (${n >= p ? 'primal' : 'dual'}), ${method}: equals the normal equations' solution`, () => {
        const f = randomMatrix(n, p, `F${n}x${p}`);
        const y = Random.stream(2, `y${n}`).fillNormal(new Float64Array(n));
        const lambdas = n >= p ? [1e-3, 0.5, 30, 1e-8] : [1e-3, 0.5, 30];
        const fits = fitRidge(f, y, lambdas, method);
        assert.equal(fits.form, n >= p ? 'primal' : 'dual');
        assert.equal(fits.method, method);
        lambdas.forEach((lambda, k) => {
          const direct = directRidge(f, y, lambda);
          for (let j = 0; j < p; j++) close(fits.weights.data[j * lambdas.length + k] as number, direct.w[j] as number, `w[${j}] at lambda ${lambda}`);
          close(fits.trainErrors[k] as number, direct.train, `train error at lambda ${lambda}`);
        });
      });
    }
  }

  test('the tridiagonal and Cholesky routes agree; auto picks Cholesky for up to 2 penalties', () => {
    const f = randomMatrix(50, 70, 'F-auto');
    const y = Random.stream(3, 'y-auto').fillNormal(new Float64Array(50));
    const a = fitRidge(f, y, [0.01, 1]);
    const b = fitRidge(f, y, [0.01, 1], 'tridiagonal');
    assert.equal(a.method, 'cholesky');
    assert.equal(fitRidge(f, y, [1e-3, 0.01, 0.1]).method, 'tridiagonal');
    for (let i = 0; i < a.weights.data.length; i++) {
      const u = a.weights.data[i] as number;
      const v = b.weights.data[i] as number;
      assert.ok(Math.abs(u - v) <= 1e-9 * Math.max(1, Math.abs(u)), `${u} vs ${v}`);
    }
  });
});

describe('row draws of data specs', () => {
  test('without replacement: distinct rows, test rows disjoint from training rows', () => {
    const draw = drawRows(Random.stream(4, 'rows'), 100, 60, 40, true);
    const all = new Set([...draw.train, ...draw.test]);
    assert.equal(all.size, 100);
  });
  test('with replacement: indices in range and repeated rows occur', () => {
    const draw = drawRows(Random.stream(4, 'rows'), 50, 200, 10, false);
    assert.ok([...draw.train].every((i) => i >= 0 && i < 50));
    assert.ok(new Set(draw.train).size < 200);
  });
});

describe('agreement with the prediction (within 3 standard errors, away from n = p)', () => {
  test('linear teacher, power-law input covariance, per-neuron relu layer (d = 100, p = 200)', () => {
    const result = run({
      seed: 1,
      input: { dimension: 100, covariance: { powerLaw: 0.3 } },
      teacher: { kind: 'linear', noise: 0.3 },
      student: { layers: [{ id: 'W1', width: 200, activation: 'relu', weights: { gaussian: {}, linearization: 'perNeuron' } }] },
      ridge: { lambda: [0.001, 0.1], convention: 'mean' },
      simulate: { n: [50, 400, 800], repeats: 20, testSamples: 1000 },
    });
    assert.equal(result.simulation.length, 6);
    assertAgreesWithTheory(result.simulation, 'linear teacher');
  });

  test('teacher network whose layer the student shares via plus (d = 300, p = 150)', () => {
    const result = run({
      seed: 1,
      input: { dimension: 300 },
      teacher: { kind: 'network', network: { layers: [{ id: 'V1', width: 150, activation: 'tanh' }] }, noise: 0.1 },
      student: { layers: [{ id: 'W1', width: 150, activation: 'tanh', weights: { gaussian: { scale: 0.6 }, plus: [{ layer: 'V1', scale: 0.8 }] } }] },
      ridge: { lambda: [0.01, 1], convention: 'sum' },
      simulate: { n: [40, 400, 600], repeats: 20, testSamples: 1000 },
    });
    assertAgreesWithTheory(result.simulation, 'teacher network');
  });

  test('student teacher with label noise (d = 150, p = 150)', () => {
    const result = run({
      seed: 1,
      input: { dimension: 150 },
      teacher: { kind: 'student', noise: 0.2 },
      student: { layers: [{ id: 'W1', width: 150, activation: 'erf' }] },
      ridge: { lambda: [0.01, 1], convention: 'sum' },
      simulate: { n: [40, 400, 600], repeats: 20, testSamples: 1000 },
    });
    assertAgreesWithTheory(result.simulation, 'student teacher');
  });

  test('data-driven spec: rows of X with their labels (N = 4000, d = 100, p = 150)', () => {
    writeDataFiles();
    const result = run(dataSpec([40, 400, 800], 20, 1000));
    assert.ok(result.simulation.every((p) => p.inputs === 'rows-with-replacement'));
    assertAgreesWithTheory(result.simulation, 'data spec');
  });
});

/** X (4000 x 100, Gaussian with power-law variances) and y = X beta + 0.3 noise, in memory. */
function writeDataFiles(): void {
  if (memoryFiles.has('/mem/X.npy')) return;
  const rows = 4000;
  const d = 100;
  const rng = Random.stream(11, 'test/data');
  const x = new Float64Array(rows * d);
  const y = new Float64Array(rows);
  const beta = rng.fillNormal(new Float64Array(d), 1 / Math.sqrt(d));
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = rng.normal() * Math.pow(j + 1, -0.25);
      x[i * d + j] = v;
      s += v * (beta[j] as number);
    }
    y[i] = s + 0.3 * rng.normal();
  }
  memoryFiles.set('/mem/X.npy', encodeNpy([rows, d], x));
  memoryFiles.set('/mem/y.npy', encodeNpy([rows], y));
}

function dataSpec(n: number[], repeats: number, testSamples: number): object {
  return {
    seed: 1,
    input: { dimension: 100, covariance: { samples: 'X.npy' } },
    teacher: { kind: 'data', labels: 'y.npy' },
    student: { layers: [{ id: 'W1', width: 150, activation: 'tanh' }] },
    ridge: { lambda: [0.01, 1], convention: 'sum' },
    simulate: { n, repeats, testSamples },
  };
}

describe('agreement with the independent NumPy simulation (test/reference/montecarlo.py)', () => {
  // Fixtures from test/reference/make_simulation_fixtures.py: mean and standard error per point.
  // Both sides are unbiased estimates of the same expectation with independent draws, so
  // |ours - numpy| <= k sqrt(se_ours^2 + se_numpy^2). With about 50 comparisons (4 cases, test and
  // train errors), k = 4 keeps the chance of a false alarm of the whole family near 0.3%
  // (k = 3 would raise one in eight seeds).
  const dir = join(repoRoot, 'test', 'golden', 'simulation');
  for (const name of listedCases(dir, (f) => f.endsWith('.json'))) {
    test(name.replace(/\.json$/, ''), () => {
      const fixture = JSON.parse(readFileSync(join(dir, name), 'utf8')) as {
        spec: string;
        convention: string;
        points: { n: number; lambda: number; testError: number; testErrorSE: number; trainError: number; trainErrorSE: number }[];
      };
      const file = join(dir, fixture.spec);
      const spec = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      spec.ridge = { lambda: [...new Set(fixture.points.map((p) => p.lambda))], convention: fixture.convention };
      spec.simulate = { n: [...new Set(fixture.points.map((p) => p.n))], repeats: 30, testSamples: 2000 };
      const outcome = simulate(JSON.stringify(spec), file, nodeHost);
      assert.deepEqual(outcome.problems.filter((p) => !p.code.startsWith('validity/')), []);
      const points = outcome.result?.simulation ?? [];
      assert.equal(points.length, fixture.points.length);
      for (const ref of fixture.points) {
        const ours = points.find((p) => p.n === ref.n && p.lambda === ref.lambda);
        assert.ok(ours && ours.testError !== null && ours.trainError !== null);
        const bound = (std: number | null, se: number): number => 4 * Math.hypot(standardError(std, ours.repeats), se);
        const at = `n = ${ref.n}, lambda = ${ref.lambda}`;
        assert.ok(Math.abs(ours.testError - ref.testError) <= bound(ours.testErrorStd, ref.testErrorSE), `${at}: test error ${ours.testError} vs NumPy ${ref.testError} +- ${ref.testErrorSE}`);
        assert.ok(Math.abs(ours.trainError - ref.trainError) <= bound(ours.trainErrorStd, ref.trainErrorSE), `${at}: train error ${ours.trainError} vs NumPy ${ref.trainError} +- ${ref.trainErrorSE}`);
      }
    });
  }
});

const small = {
  seed: 7,
  input: { dimension: 30 },
  teacher: { kind: 'linear', noise: 0.5 },
  student: { layers: [{ id: 'W1', width: 40, activation: 'tanh' }] },
  ridge: { lambda: [0.05, 2], convention: 'sum' },
  simulate: { n: [20, 60], repeats: 4, testSamples: 200 },
};

describe('reproducibility and conventions', () => {
  test('the same spec gives bit-identical numbers; repetitions differ', () => {
    const a = run(small).simulation;
    const b = run(small).simulation;
    assert.deepEqual(a, b);
    assert.ok(a.every((p) => (p.testErrorStd ?? 0) > 0 && (p.trainErrorStd ?? 0) > 0), 'repetitions draw fresh data');
    const other = run({ ...small, seed: 8 }).simulation;
    assert.notEqual(other[0]?.testError, a[0]?.testError);
  });

  test('a point does not depend on the other sizes simulated (nested training sets per repetition)', () => {
    // The predictions may differ by rounding (the kappa solve is warm-started from the previous n).
    const strip = (points: SimulationPoint[]): object[] => points.map(({ predictedTestError: _t, predictedTrainError: _r, ...rest }) => rest);
    const both = run(small).simulation.filter((p) => p.n === 60);
    const alone = run({ ...small, simulate: { ...small.simulate, n: [60] } }).simulation;
    assert.deepEqual(strip(alone), strip(both));
  });

  test('--repeats override: the first repetitions are the same draws', () => {
    // Runs with 1, 2, 3 and 4 repetitions report means m_k and standard deviations s_k. If run k
    // repeats the first k - 1 draws of run k - 1, its k-th value is e_k = k m_k - (k - 1) m_(k-1),
    // and s_k is the standard deviation of e_1..e_k. Other draws would break that (generically by
    // the spread itself), so s_k is checked against the e's to 1e-9 of its size.
    const runs = [1, 2, 3, 4].map((repeats) => run(small, { repeats }).simulation);
    assert.deepEqual(runs[3], run(small).simulation, 'the spec says 4 repeats: the override to 4 changes nothing');
    runs.forEach((points, k) => assert.ok(points.every((p) => p.repeats === k + 1)));
    for (let i = 0; i < (runs[0] as SimulationPoint[]).length; i++) {
      for (const [mean, std] of [['testError', 'testErrorStd'], ['trainError', 'trainErrorStd']] as const) {
        const m = runs.map((points) => (points[i] as SimulationPoint)[mean] as number);
        const values = m.map((mk, k) => (k === 0 ? mk : (k + 1) * mk - k * (m[k - 1] as number)));
        for (let k = 1; k < 4; k++) {
          const first = values.slice(0, k + 1);
          const average = first.reduce((a, b) => a + b, 0) / (k + 1);
          const expected = Math.sqrt(first.reduce((a, b) => a + (b - average) ** 2, 0) / k);
          const reported = (runs[k] as SimulationPoint[])[i]?.[std] as number;
          assert.ok(expected > 0 && Math.abs(reported - expected) <= 1e-9 * expected, `point ${i}, ${k + 1} repeats: ${std} ${reported}, from the first draws ${expected}`);
        }
      }
    }
  });

  test('mean and paper conventions simulate the same fits as the sum convention at lambda = n lambda_M = p lambda_P', () => {
    const n = 60;
    const p = 40;
    const sum = run({ ...small, ridge: { lambda: [3], convention: 'sum' }, simulate: { ...small.simulate, n: [n] } }).simulation[0];
    const mean = run({ ...small, ridge: { lambda: [3 / n], convention: 'mean' }, simulate: { ...small.simulate, n: [n] } }).simulation[0];
    const paper = run({ ...small, ridge: { lambda: [3 / p], convention: 'paper' }, simulate: { ...small.simulate, n: [n] } }).simulation[0];
    assert.ok(sum && mean && paper);
    assert.equal(mean.lambda, 3 / n, 'lambdas are reported in the spec convention');
    for (const other of [mean, paper]) {
      for (const key of ['testError', 'trainError', 'predictedTestError', 'predictedTrainError'] as const) {
        const u = sum[key] as number;
        const v = other[key] as number;
        assert.ok(Math.abs(u - v) <= 1e-12 * Math.max(1, Math.abs(u)), `${key}: ${u} vs ${v}`);
      }
    }
  });

  test('"optimal" lambda: simulated at the predicted optimum of each n', () => {
    const spec = { ...small, ridge: { lambda: 'optimal', convention: 'mean' } };
    const result = run(spec);
    assert.equal(result.simulation.length, 2);
    for (const point of result.simulation) {
      assert.ok(point.testError !== null && point.predictedTestError !== null);
      assert.equal(point.optimal, true);
      // The predicted test error at this lambda is below that at 0.8 and 1.25 times it (a
      // separate prediction with fixed penalties at this n), so lambda is the optimum.
      const lambdas = [point.lambda, 0.8 * point.lambda, 1.25 * point.lambda];
      const fixed = predict(JSON.stringify({ kind: 'experiment', ...small, ridge: { lambda: lambdas, convention: 'mean' }, samples: { n: [point.n] } }), '/mem/spec.rainbow.json', memoryHost);
      const [at, below, above] = (fixed.result?.points ?? []).map((p) => p.testError as number);
      assert.ok(at !== undefined && below !== undefined && above !== undefined);
      assert.ok(Math.abs(point.predictedTestError - at) <= 1e-12 * at, `n = ${point.n}: predicted ${point.predictedTestError} vs ${at}`);
      assert.ok(at < below && at < above, `n = ${point.n}, lambda = ${point.lambda}: ${at} not below ${below} and ${above}`);
    }
  });

  test('a sweep simulates every value and tags the points', () => {
    const result = run({ ...small, sweep: { parameter: '/teacher/noise', values: [0, 1] } });
    assert.deepEqual(
      result.simulation.map((p) => p.sweepValue),
      [0, 0, 0, 0, 1, 1, 1, 1],
    );
    const [quiet, loud] = [result.simulation[0], result.simulation[4]];
    assert.ok(quiet && loud && (loud.testError as number) > (quiet.testError as number) + 0.5, 'noise 1 adds s^2 = 1 to the test error');
  });
});

describe('exact test error from the population moments', () => {
  test('linear network: the exact expectation agrees with fresh test samples and is reported', () => {
    const spec = { ...small, student: { layers: [{ id: 'W1', width: 40, activation: 'linear' }] }, simulate: { n: [20, 60], repeats: 6, testSamples: 4000 } };
    const samples = run(spec).simulation;
    const exact = run(spec, { testEvaluation: 'population' }).simulation;
    samples.forEach((s, i) => {
      const e = exact[i] as SimulationPoint;
      assert.equal(s.testEvaluation, 'samples');
      assert.equal(e.testEvaluation, 'population');
      assert.equal(e.trainError, s.trainError, 'same training draws');
      // Per repetition the test-sample average has relative spread sqrt(2 / 4000) ~ 2.2%; over 6
      // repetitions the means differ by less than 3 * 2.2% / sqrt(6) ~ 3% (generous: 4%).
      assert.ok(Math.abs((s.testError as number) - (e.testError as number)) <= 0.04 * (e.testError as number), `${s.testError} vs ${e.testError}`);
    });
  });

  test('nonlinear Gaussian network: not available, falls back to test samples', () => {
    const points = run(small, { testEvaluation: 'population' }).simulation;
    assert.ok(points.every((p) => p.testEvaluation === 'samples' && p.testSamples === 200));
  });

  for (const dataSampling of ['with-replacement', 'without-replacement'] as const) {
    test(`data rows drawn ${dataSampling}: the exact expectation agrees with the sampled test rows`, () => {
      writeDataFiles();
      const samples = run(dataSpec([60, 300], 6, 2000), { dataSampling }).simulation;
      const exact = run(dataSpec([60, 300], 6, 2000), { dataSampling, testEvaluation: 'population' }).simulation;
      samples.forEach((s, i) => {
        const e = exact[i] as SimulationPoint;
        assert.equal(s.inputs, `rows-${dataSampling}`);
        assert.equal(e.testEvaluation, 'population');
        assert.equal(e.inputs, `rows-${dataSampling}`);
        // Relative spread of a 2000-row test average ~ sqrt(2/2000) ~ 3% per repetition, 1.3% over 6.
        assert.ok(Math.abs((s.testError as number) - (e.testError as number)) <= 0.04 * (e.testError as number), `${s.testError} vs ${e.testError}`);
      });
    });
  }
});

describe('pipeline', () => {
  test('progress after every (n, repetition), and cancellation by not resuming', () => {
    const text = JSON.stringify({ kind: 'experiment', samples: { n: [100] }, ...small });
    const seen: SimulationProgress[] = [];
    const steps = simulationSteps(text, '/mem/spec.rainbow.json', memoryHost);
    for (let next = steps.next(); !next.done; next = steps.next()) {
      if (next.value.stage === 'simulation') seen.push(next.value as SimulationProgress);
    }
    assert.equal(seen.length, 2 * 4);
    assert.deepEqual(
      seen.map((p) => p.completed),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
    assert.ok(seen.every((p) => p.total === 8));

    // Stopping after 3 of 8 fits (breaking out of the loop returns the generator) leaves nothing
    // behind that changes the next run: it gives the numbers of a run never interrupted.
    const whole = simulate(text, '/mem/spec.rainbow.json', memoryHost).result?.simulation;
    const cancelled = simulationSteps(text, '/mem/spec.rainbow.json', memoryHost);
    let fits = 0;
    for (const step of cancelled) {
      if (step.stage === 'simulation' && ++fits === 3) break;
    }
    assert.equal(fits, 3);
    assert.ok(whole && whole.length === 2 * 2);
    assert.deepEqual(simulate(text, '/mem/spec.rainbow.json', memoryHost).result?.simulation, whole);
  });

  test('a spec without "simulate": a problem, not a crash', () => {
    const { simulate: _, ...noPlan } = small;
    void _;
    const outcome = simulate(JSON.stringify({ kind: 'experiment', samples: { n: [100] }, ...noPlan }), '/mem/spec.rainbow.json', memoryHost);
    assert.equal(outcome.problems.length, 1);
    assert.equal(outcome.problems[0]?.code, 'simulation/no-plan');
    assert.match(outcome.problems[0]?.message ?? '', /no "simulate" section/);
    assert.deepEqual(outcome.result?.simulation, []);
    assert.ok((outcome.result?.points.length ?? 0) > 0, 'the prediction is still there');
  });

  test('resource limit: a problem on /simulate/n that states the limit', () => {
    const text = JSON.stringify({ kind: 'experiment', samples: { n: [100] }, ...small }, null, 2);
    const outcome = simulate(text, '/mem/spec.rainbow.json', memoryHost, { maxDoubles: 1e4 });
    const problem = outcome.problems.find((p) => p.code === 'simulation/too-large');
    assert.ok(problem);
    assert.equal(problem.pointer, '/simulate/n');
    assert.match(problem.message, /limit of 0\.0100 million/);
    const lines = text.split('\n');
    const line = lines.findIndex((l, i) => i > lines.findIndex((m) => m.includes('"simulate"')) && l.includes('"n": ['));
    assert.equal(problem.range.start.line, line, 'placed on the value of "n"');
    assert.deepEqual(outcome.result?.simulation, []);

    // The default limit (2.5e8 numbers = 2 GB), checked before any weight is drawn.
    const big = { ...small, student: { layers: [{ width: 5000, activation: 'tanh' }] }, simulate: { n: [60000], testSamples: 2000 } };
    const loaded = loadExperiment(JSON.stringify({ kind: 'experiment', samples: { n: [100] }, ...big }), '/mem/big.rainbow.json', memoryHost);
    const model = loaded.runs?.[0]?.model;
    assert.ok(model);
    assert.match(simulationSizeProblem(model, {}) ?? '', /above the limit of 250 million \(2\.0 GB\)/);
    assert.equal(simulationSizeProblem({ ...model, simulate: { n: [2000], repeats: 10, testSamples: 2000 } }, {}), undefined);
  });
});

describe('rainbow simulate (CLI)', () => {
  async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await main(args, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) });
    return { code, out, err };
  }
  const dir = mkdtempSync(join(tmpdir(), 'rainbow-simulate-'));
  const specFile = join(dir, 'small.rainbow.json');
  writeFileSync(specFile, JSON.stringify({ kind: 'experiment', samples: { n: [20, 60] }, ...small }, null, 2));

  test('--json: the prediction JSON plus the simulation array of spec-format.md', async () => {
    const r = await cli('simulate', specFile, '--json', '--repeats', '3');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, '');
    const json = JSON.parse(r.out) as Record<string, unknown> & { simulation: Record<string, unknown>[]; points: unknown[]; layers: Record<string, unknown>[] };
    for (const key of ['title', 'features', 'seed', 'layers', 'target', 'points', 'simulation']) assert.ok(key in json, key);
    assert.ok(!('eigenvalues' in (json.layers[0] as object)));
    assert.ok(!('simulationTimings' in json), 'timings only with --timings');
    assert.equal(json.simulation.length, 4);
    const first = json.simulation[0] as Record<string, unknown>;
    for (const key of ['n', 'lambda', 'testError', 'testErrorStd', 'trainError', 'repeats', 'trainErrorStd']) assert.equal(typeof first[key], 'number', key);
    assert.deepEqual([first.n, first.lambda, first.repeats], [20, 0.05, 3]);
  });

  test('tables: theory beside the simulation, with standard errors and z-scores', async () => {
    const r = await cli('simulate', specFile, '--repeats=2');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /n\s+lambda\s+test error\s+generalisation/, 'the prediction tables come first');
    assert.match(r.out, /Monte-Carlo simulation: 2 repetitions, Gaussian inputs, test error on 200 fresh samples per repetition/);
    assert.match(r.out, /n\s+lambda\s+test \(theory\)\s+test \(simulated \+- s\.e\.\)\s+z\s+train \(theory\)\s+train \(simulated \+- s\.e\.\)/);
    assert.match(r.out, /\n60\s+2\s+\S+\s+\S+ \+- \S+\s+-?\d+\.\d\s/);
  });

  test('--timings reports the stages on stderr', async () => {
    const r = await cli('simulate', specFile, '--repeats', '1', '--timings');
    assert.equal(r.code, 0);
    assert.match(r.err, /^time: setup [\d.]+ s, features [\d.]+ s, Gram\/kernel [\d.]+ s, factorisation [\d.]+ s, test evaluation [\d.]+ s/);
  });

  test('a spec without "simulate": a clear message, exit code 1', async () => {
    const file = join(dir, 'no-plan.rainbow.json');
    const { simulate: _, ...noPlan } = small;
    void _;
    writeFileSync(file, JSON.stringify({ kind: 'experiment', samples: { n: [20] }, ...noPlan }));
    const r = await cli('simulate', file);
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.match(r.err, /no-plan\.rainbow\.json:1:1: error \[simulation\/no-plan\] this experiment has no "simulate" section/);
  });

  test('wrong usage: exit code 2', async () => {
    assert.equal((await cli('simulate', specFile, '--repeats', '0')).code, 2);
    assert.equal((await cli('simulate', specFile, '--repeats')).code, 2);
    assert.equal((await cli('simulate', specFile, '--frobnicate')).code, 2);
    assert.equal((await cli('simulate')).code, 2);
  });
});
