/**
 * The engine end to end on small specs: invariants a researcher would check by hand.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { congruence } from '../../server/src/core/linalg/products';
import { symmetricEigenvalues } from '../../server/src/core/linalg/eigen';
import { encodeNpy } from '../../server/src/core/npy';
import { predict } from '../../server/src/core/prediction';
import { Random } from '../../server/src/core/rng';
import { experimentText, memoryHost } from '../support/memoryHost';

function run(files: Record<string, string | Uint8Array>) {
  const outcome = predict(files['/spec.rainbow.json'] as string, '/spec.rainbow.json', memoryHost(files));
  assert.deepEqual(outcome.problems, []);
  assert.ok(outcome.result);
  return outcome.result;
}

function randomMatrix(rows: number, cols: number, seed: number): Float64Array {
  return Random.stream(seed, 'test').fillNormal(new Float64Array(rows * cols), 1 / Math.sqrt(cols));
}

test('linear activations: kappa1 = 1, kappaStar = 0 and Omega = W2 W1 Omega0 W1^T W2^T exactly', () => {
  const w1 = randomMatrix(25, 20, 1);
  const w2 = randomMatrix(15, 25, 2);
  const result = run({
    '/spec.rainbow.json': experimentText({
      input: { dimension: 20, covariance: { powerLaw: 0.5 } },
      student: {
        layers: [
          { width: 25, activation: 'linear', weights: { file: 'w1.npy' } },
          { width: 15, activation: 'linear', weights: { file: 'w2.npy' } },
        ],
      },
    }),
    '/w1.npy': encodeNpy([25, 20], w1),
    '/w2.npy': encodeNpy([15, 25], w2),
  });
  for (const layer of result.layers) {
    assert.equal(layer.kappa1, 1);
    assert.ok(Math.abs(layer.kappaStar) < 1e-12);
  }
  const omega0 = { rows: 20, cols: 20, data: new Float64Array(400) };
  for (let k = 0; k < 20; k++) omega0.data[k * 21] = Math.pow(k + 1, -0.5);
  const exact = congruence({ rows: 15, cols: 25, data: w2 }, congruence({ rows: 25, cols: 20, data: w1 }, omega0));
  const expected = symmetricEigenvalues(exact).values;
  const last = result.layers[1];
  assert.ok(last);
  last.eigenvalues.forEach((v, i) => assert.ok(Math.abs(v - (expected[i] as number)) < 1e-12, `eigenvalue ${i}`));
});

test('a widening layer has the eigenvalue kappaStar2 with multiplicity (width - fan-in)', () => {
  const result = run({ '/spec.rainbow.json': experimentText({ input: { dimension: 30 }, student: { layers: [{ width: 70, activation: 'erf' }] } }) });
  const layer = result.layers[0];
  assert.ok(layer);
  const star2 = layer.kappaStar ** 2;
  const atFloor = layer.eigenvalues.filter((v) => Math.abs(v - star2) < 1e-10 * star2).length;
  assert.equal(atFloor, 40);
});

test('per-neuron linearisation equals the average one when every row has the same norm', () => {
  // Rows normalised to equal length make every neuron's pre-activation variance equal (identity input).
  const w = randomMatrix(40, 30, 5);
  for (let i = 0; i < 40; i++) {
    let norm = 0;
    for (let j = 0; j < 30; j++) norm += (w[i * 30 + j] as number) ** 2;
    for (let j = 0; j < 30; j++) w[i * 30 + j] = (w[i * 30 + j] as number) / Math.sqrt(norm);
  }
  const spec = (linearization: string) =>
    experimentText({ student: { layers: [{ width: 40, activation: 'relu', linearization, weights: { file: 'w.npy' } }] } });
  const npy = encodeNpy([40, 30], w);
  const average = run({ '/spec.rainbow.json': spec('average'), '/w.npy': npy });
  const perNeuron = run({ '/spec.rainbow.json': spec('perNeuron'), '/w.npy': npy });
  average.points.forEach((a, i) => {
    const b = perNeuron.points[i];
    assert.ok(b && a.testError !== null && b.testError !== null);
    assert.ok(Math.abs(a.testError - b.testError) < 1e-12 * a.testError);
  });
});

test('the same spec and seed give bit-identical output; another seed gives other weights', () => {
  const files = { '/spec.rainbow.json': experimentText({ seed: 11 }) };
  const a = run(files);
  const b = run(files);
  assert.deepEqual(a, b);
  const c = run({ '/spec.rainbow.json': experimentText({ seed: 12 }) });
  assert.notEqual(c.points[0]?.testError, a.points[0]?.testError);
});

test('Omega of an identity-input Gaussian layer is kappa1^2 W W^T + kappaStar2 I (weights drawn from the seed)', () => {
  const result = run({ '/spec.rainbow.json': experimentText({ student: { layers: [{ id: 'W', width: 40, activation: 'tanh' }] } }) });
  const layer = result.layers[0];
  assert.ok(layer);
  // r = trace(W W^T)/width is close to 1 for Z with N(0, 1/fanIn) entries.
  assert.ok(Math.abs(layer.preactivationVariance - 1) < 0.1);
  const eigs = layer.eigenvalues;
  const mean = eigs.reduce((s, v) => s + v, 0) / eigs.length;
  const expectedMean = layer.kappa1 ** 2 * layer.preactivationVariance + layer.kappaStar ** 2;
  assert.ok(Math.abs(mean - expectedMean) < 1e-12);
  assert.ok(Math.abs(layer.spectrum.mean - mean) < 1e-12);
});

test('ridge conventions: the same penalty written in the three conventions gives the same errors', () => {
  const n = 80;
  const p = 40;
  const base = { samples: { n: [n] } };
  const sum = run({ '/spec.rainbow.json': experimentText({ ...base, ridge: { lambda: [2], convention: 'sum' } }) });
  const mean = run({ '/spec.rainbow.json': experimentText({ ...base, ridge: { lambda: [2 / n], convention: 'mean' } }) });
  const paper = run({ '/spec.rainbow.json': experimentText({ ...base, ridge: { lambda: [2 / p], convention: 'paper' } }) });
  const t = sum.points[0]?.testError as number;
  assert.ok(Math.abs((mean.points[0]?.testError as number) - t) < 1e-13 * t);
  assert.ok(Math.abs((paper.points[0]?.testError as number) - t) < 1e-13 * t);
  assert.equal(mean.points[0]?.lambda, 2 / n);
});

test('the student teacher without noise is the well-specified model: psi = Omega theta', () => {
  const result = run({ '/spec.rainbow.json': experimentText({ teacher: { kind: 'student', noise: 0 }, samples: { n: [10, 1000, 100000] } }) });
  const errors = result.points.map((p) => p.testError as number);
  // More data, less error; with n >> p and a small ridge the readout is recovered.
  assert.ok((errors[0] as number) > (errors[1] as number) && (errors[1] as number) > (errors[2] as number));
  assert.ok((errors[2] as number) < 1e-3 * result.target.variance);
});

test('a sweep gives one curve per value, every point and layer tagged with its value', () => {
  const result = run({
    '/spec.rainbow.json': experimentText({ sweep: { parameter: '/teacher/noise', values: [0, 0.5, 1] } }),
  });
  assert.deepEqual(result.points.map((p) => p.sweepValue), [0, 0, 0.5, 0.5, 1, 1]);
  assert.deepEqual(result.layers.map((l) => l.sweepValue), [0, 0.5, 1]);
  assert.deepEqual(result.targets?.map((t) => t.noiseVariance), [0, 0.25, 1]);
  // Only the noise changes: generalisation error grows with it, weights are the same.
  const gen = result.points.filter((p) => p.n === 80).map((p) => p.generalizationError as number);
  assert.ok((gen[0] as number) < (gen[1] as number) && (gen[1] as number) < (gen[2] as number));
});

test('spiked and gram row covariances: W^T W sees the structure', () => {
  const result = run({
    '/spec.rainbow.json': experimentText({
      student: {
        layers: [
          { id: 'A', width: 30, activation: 'linear', weights: { gaussian: { rowCovariance: { spiked: { strength: 50, rank: 2 } } } } },
          { id: 'B', width: 30, activation: 'linear', weights: { gaussian: { rowCovariance: { inverseGram: { layer: 'A', shift: 0.5 } } } } },
        ],
      },
    }),
  });
  const a = result.layers[0];
  assert.ok(a);
  // Two spiked directions of strength 50 dominate: the top two eigenvalues are far above the rest.
  const sorted = [...a.eigenvalues].sort((x, y) => y - x);
  assert.ok((sorted[1] as number) > 10 * (sorted[2] as number));
  assert.equal(result.layers.length, 2);
});

test('"optimal" beside fixed penalties: one point per choice in the listed order, the optimum below the others', () => {
  const result = run({ '/spec.rainbow.json': experimentText({ ridge: { lambda: [0.001, 'optimal', 10], convention: 'mean' }, samples: { n: [20, 80, 400] } }) });
  assert.equal(result.optimalLambda, true);
  assert.equal(result.points.length, 9);
  for (let i = 0; i < 3; i++) {
    const [low, best, high] = result.points.slice(3 * i, 3 * i + 3);
    assert.ok(low && best && high);
    assert.deepEqual([low.lambda, high.lambda], [0.001, 10]);
    assert.equal(best.optimal, true);
    assert.equal(low.optimal, undefined);
    assert.ok((best.testError as number) <= (low.testError as number) && (best.testError as number) <= (high.testError as number));
  }
});
