/**
 * The engine end to end on small specs: invariants a researcher would check by hand.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EigenvalueDecomposition, Matrix as MlMatrix } from 'ml-matrix';
import { loadExperiment } from '../../server/src/core/format/load';
import { congruence } from '../../server/src/core/linalg/products';
import { symmetricEigenvalues } from '../../server/src/core/linalg/eigen';
import type { Matrix } from '../../server/src/core/linalg/matrix';
import { realizeWeights } from '../../server/src/core/model/weights';
import { encodeNpy } from '../../server/src/core/npy';
import { predict } from '../../server/src/core';
import { Random } from '../../server/src/core/rng';
import { experimentText, memoryHost } from '../support/memoryHost';

/** Predicts the spec with every layer's eigenvalues kept (layerSpectra). */
function run(files: Record<string, string | Uint8Array>) {
  const outcome = predict(files['/spec.rainbow.json'] as string, '/spec.rainbow.json', memoryHost(files), undefined, { layerSpectra: true });
  assert.deepEqual(outcome.problems, []);
  assert.ok(outcome.result);
  return outcome.result;
}

/** The weights the engine draws for a spec (model/weights.ts), by layer id. */
function drawnWeights(text: string): Map<string, Matrix> {
  const loaded = loadExperiment(text, '/spec.rainbow.json', memoryHost({ '/spec.rainbow.json': text }));
  const model = loaded.runs?.[0]?.model;
  assert.ok(model, JSON.stringify(loaded.problems));
  return realizeWeights(model.student, model.seed);
}

const toMl = (m: Matrix): MlMatrix => new MlMatrix(Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols))));

/** Eigenvalues (ascending) of a symmetric ml-matrix matrix, by ml-matrix (independent of the engine's kernels). */
const mlEigenvalues = (m: MlMatrix): number[] => [...new EigenvalueDecomposition(m, { assumeSymmetric: true }).realEigenvalues].sort((a, b) => a - b);

/** E[f(z)] for z ~ N(0, r) by composite Simpson on +-12 standard deviations (4000 panels). */
function gaussianMean(f: (z: number) => number, r: number): number {
  const m = 4000;
  const h = (24 * Math.sqrt(r)) / m;
  let sum = 0;
  for (let k = 0; k <= m; k++) {
    const z = -12 * Math.sqrt(r) + k * h;
    sum += (k === 0 || k === m ? 1 : k % 2 === 1 ? 4 : 2) * f(z) * Math.exp((-z * z) / (2 * r));
  }
  return (sum * h) / 3 / Math.sqrt(2 * Math.PI * r);
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
  (last.eigenvalues ?? []).forEach((v, i) => assert.ok(Math.abs(v - (expected[i] as number)) < 1e-12, `eigenvalue ${i}`));
});

test('a widening layer has the eigenvalue kappaStar2 with multiplicity (width - fan-in)', () => {
  const result = run({ '/spec.rainbow.json': experimentText({ input: { dimension: 30 }, student: { layers: [{ width: 70, activation: 'erf' }] } }) });
  const layer = result.layers[0];
  assert.ok(layer);
  const star2 = layer.kappaStar ** 2;
  const atFloor = (layer.eigenvalues ?? []).filter((v) => Math.abs(v - star2) < 1e-10 * star2).length;
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
    experimentText({ student: { layers: [{ width: 40, activation: 'relu', weights: { file: 'w.npy', linearization } }] } });
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
  const text = experimentText({ seed: 4, student: { layers: [{ id: 'W', width: 40, activation: 'tanh' }] } });
  const result = run({ '/spec.rainbow.json': text });
  const layer = result.layers[0];
  assert.ok(layer);
  const w = drawnWeights(text).get('W');
  assert.ok(w && w.rows === 40 && w.cols === 30);
  // r = mean_i (W W^T)_ii for the identity input covariance (average linearisation).
  const wwT = toMl(w).mmul(toMl(w).transpose());
  const r = wwT.trace() / 40;
  assert.ok(Math.abs(layer.preactivationVariance - r) <= 1e-13 * r, `r: ${layer.preactivationVariance} vs ${r}`);
  // tanh is odd (kappa0 = 0): kappa1 = E[tanh'(z)] (Stein), kappaStar2 = E[tanh(z)^2] - kappa1^2 r.
  const kappa1 = gaussianMean((z) => 1 - Math.tanh(z) ** 2, r);
  const kappaStar2 = gaussianMean((z) => Math.tanh(z) ** 2, r) - kappa1 ** 2 * r;
  assert.ok(Math.abs(layer.kappa1 - kappa1) <= 1e-10, `kappa1: ${layer.kappa1} vs ${kappa1}`);
  assert.ok(Math.abs(layer.kappaStar ** 2 - kappaStar2) <= 1e-10, `kappaStar2: ${layer.kappaStar ** 2} vs ${kappaStar2}`);
  // The spectrum of kappa1^2 W W^T + kappaStar2 I, from the realised weights and ml-matrix.
  const expected = mlEigenvalues(wwT.mul(kappa1 ** 2).add(MlMatrix.eye(40).mul(kappaStar2)));
  assert.equal(layer.eigenvalues?.length, 40);
  (layer.eigenvalues ?? []).forEach((v, i) => assert.ok(Math.abs(v - (expected[i] as number)) <= 1e-10, `eigenvalue ${i}: ${v} vs ${expected[i]}`));
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

test('spiked and inverse-Gram row covariances: W_A^T W_A sees the spikes, W_B (W_A W_A^T + c I) W_B^T = Z Z^T', () => {
  const text = experimentText({
    seed: 9,
    student: {
      layers: [
        { id: 'A', width: 30, activation: 'linear', weights: { gaussian: { rowCovariance: { spiked: { strength: 50, rank: 2 } } } } },
        { id: 'B', width: 30, activation: 'linear', weights: { gaussian: { rowCovariance: { inverseGram: { layer: 'A', shift: 0.5 } } } } },
      ],
    },
  });
  const result = run({ '/spec.rainbow.json': text });
  const weights = drawnWeights(text);
  const a = toMl(weights.get('A') as Matrix);
  const b = toMl(weights.get('B') as Matrix);
  // W_A = Z C^1/2 with C = I + 50 V V^T (rank 2): W_A^T W_A ~ C, two eigenvalues near 51 above the rest near 1.
  const sideways = mlEigenvalues(a.transpose().mmul(a)).reverse();
  assert.ok((sideways[1] as number) > 20 && (sideways[2] as number) < 5, `top eigenvalues of W_A^T W_A: ${sideways.slice(0, 3).join(', ')}`);
  // W_B = Z (G + c I)^-1/2 with G = W_A W_A^T, so W_B (G + c I) W_B^T = Z Z^T, Z drawn with N(0, 1/30) entries.
  const z = new MlMatrix([...Array(30)].map(() => new Array<number>(30).fill(0)));
  const zData = Random.stream(9, 'student/B/Z').fillNormal(new Float64Array(900), 1 / Math.sqrt(30));
  for (let i = 0; i < 30; i++) for (let j = 0; j < 30; j++) z.set(i, j, zData[i * 30 + j] as number);
  const gram = a.mmul(a.transpose());
  const whitened = b.mmul(gram.clone().add(MlMatrix.eye(30).mul(0.5))).mmul(b.transpose());
  const zzT = z.mmul(z.transpose());
  for (let i = 0; i < 30; i++) {
    for (let j = 0; j < 30; j++) assert.ok(Math.abs(whitened.get(i, j) - zzT.get(i, j)) <= 1e-10, `(${i}, ${j}): ${whitened.get(i, j)} vs ${zzT.get(i, j)}`);
  }
  // Linear layers, identity input: Omega_A = G and Omega_B = W_B G W_B^T.
  assert.ok(Math.abs((result.layers[0]?.spectrum.max as number) - (mlEigenvalues(gram).at(-1) as number)) <= 1e-10 * (sideways[0] as number));
  const omegaB = mlEigenvalues(b.mmul(gram).mmul(b.transpose()));
  (result.layers[1]?.eigenvalues ?? []).forEach((v, i) => assert.ok(Math.abs(v - (omegaB[i] as number)) <= 1e-10, `Omega_B eigenvalue ${i}: ${v} vs ${omegaB[i]}`));
  assert.equal(result.layers[1]?.eigenvalues?.length, 30);
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

test('every layer\'s eigenvalues are kept only when asked for (layerSpectra); the summaries are the same either way', () => {
  const text = experimentText({ input: { dimension: 30 }, student: { layers: [{ width: 40, activation: 'tanh' }, { width: 50, activation: 'relu' }] } });
  const files = { '/spec.rainbow.json': text };
  const plain = predict(text, '/spec.rainbow.json', memoryHost(files)).result;
  const asked = run(files);
  assert.ok(plain);
  assert.deepEqual(plain.layers.map((l) => l.eigenvalues), [undefined, undefined]);
  assert.deepEqual(asked.layers.map((l) => l.eigenvalues?.length), [40, 50]);
  asked.layers.forEach((layer, l) => {
    const eigenvalues = layer.eigenvalues ?? [];
    assert.deepEqual(plain.layers[l]?.spectrum, layer.spectrum);
    assert.equal(layer.spectrum.min, Math.min(...eigenvalues));
    assert.equal(layer.spectrum.max, Math.max(...eigenvalues));
    assert.ok(Math.abs(layer.spectrum.mean - eigenvalues.reduce((s, v) => s + v, 0) / eigenvalues.length) <= 1e-14 * layer.spectrum.max);
  });
  assert.deepEqual({ ...plain, layers: [] }, { ...asked, layers: [] }, 'nothing else changes');
});
