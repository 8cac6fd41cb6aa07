/**
 * The widening-layer shortcut (model/layerCovariance.ts) against a plain eigendecomposition of the
 * formed Omega = a W C W^T + b I: the risk formula's inputs must agree, i.e. eigenvalues, and the
 * squared projections of psi summed within each distinct eigenvalue (a degenerate eigenspace has no
 * preferred basis). Tolerance 1e-10 relative to the largest eigenvalue or |psi|^2.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { symmetricEigenvalues } from '../../server/src/core/linalg/eigen';
import { gram } from '../../server/src/core/linalg/products';
import { LayerCovariance } from '../../server/src/core/model/layerCovariance';
import type { Covariance } from '../../server/src/core/model/types';
import { Random } from '../../server/src/core/rng';
import { predictRisk } from '../../server/src/core/risk/testError';

function randomMatrix(rows: number, cols: number, label: string) {
  return { rows, cols, data: Random.stream(3, label).fillNormal(new Float64Array(rows * cols), 1 / Math.sqrt(cols)) };
}

const inners: [string, (m: number) => Covariance][] = [
  ['identity', (m) => ({ kind: 'identity', size: m })],
  ['diagonal', (m) => ({ kind: 'diagonal', values: new Float64Array(m).map((_, i) => 1 / (1 + i)) })],
  ['dense', (m) => ({ kind: 'dense', matrix: gram(randomMatrix(m, m + 5, 'inner')) })],
];

for (const [name, inner] of inners) {
  test(`widening shortcut = dense eigendecomposition (${name} inner covariance)`, () => {
    const k = 90;
    const m = 35;
    const w = randomMatrix(k, m, `w-${name}`);
    const factors = { w, inner: inner(m), a: 0.6, b: 0.04 };
    const psi = Random.stream(4, `psi-${name}`).fillNormal(new Float64Array(k));
    const shortcut = LayerCovariance.factored(factors).spectrum([psi]);
    const dense = symmetricEigenvalues(LayerCovariance.factored(factors).matrix(), [psi]);
    assert.ok(shortcut.converged && dense.converged);
    const top = dense.values[k - 1] as number;
    shortcut.values.forEach((v, i) => assert.ok(Math.abs(v - (dense.values[i] as number)) < 1e-10 * top, `eigenvalue ${i}: ${v} vs ${dense.values[i]}`));
    // Same risk: the formula sees only eigenvalues and projection mass per eigenvalue.
    const p2 = shortcut.projections2[0] as Float64Array;
    const d2 = (dense.projections[0] as Float64Array).map((x) => x * x);
    const norm2 = psi.reduce((s, x) => s + x * x, 0);
    assert.ok(Math.abs(p2.reduce((s, x) => s + x, 0) - norm2) < 1e-10 * norm2);
    for (const [n, lambda] of [[20, 1e-3], [60, 0.1], [500, 1]] as const) {
      const a = predictRisk({ omega: shortcut.values, psiTilde2: p2, sigma2: 2 * norm2, noiseVariance: 0 }, n, lambda);
      const b = predictRisk({ omega: dense.values, psiTilde2: d2, sigma2: 2 * norm2, noiseVariance: 0 }, n, lambda);
      assert.ok(Math.abs(a.testError - b.testError) < 1e-9 * Math.abs(b.testError), `n = ${n}: ${a.testError} vs ${b.testError}`);
    }
  });
}

test('times(v) equals the formed matrix times v', () => {
  const w = randomMatrix(50, 20, 'times');
  const cov = LayerCovariance.factored({ w, inner: { kind: 'identity', size: 20 }, a: 2, b: 0.5 });
  const v = Random.stream(5, 'v').fillNormal(new Float64Array(50));
  const fast = cov.times(v);
  const m = cov.matrix();
  for (let i = 0; i < 50; i++) {
    let s = 0;
    for (let j = 0; j < 50; j++) s += (m.data[i * 50 + j] as number) * (v[j] as number);
    assert.ok(Math.abs(s - (fast[i] as number)) < 1e-12 * Math.max(1, Math.abs(s)));
  }
});

test('the next layer through the factors: W Omega W^T and its diagonal equal the dense route (identity and diagonal inner)', () => {
  for (const inner of [{ kind: 'identity', size: 30 } as Covariance, { kind: 'diagonal', values: new Float64Array(30).map((_, i) => 1 / (1 + i)) } as Covariance]) {
    const v = randomMatrix(70, 30, `v-${inner.kind}`);
    const w = randomMatrix(50, 70, `next-${inner.kind}`);
    const factored = LayerCovariance.factored({ w: v, inner, a: 0.7, b: 0.05 });
    const viaFactors = factored.congruence(w);
    const diagonal = factored.diagonalOfCongruence(w);
    const dense = LayerCovariance.dense(LayerCovariance.factored({ w: v, inner, a: 0.7, b: 0.05 }).matrix()).congruence(w);
    let scale = 0;
    for (const x of dense.data) scale = Math.max(scale, Math.abs(x));
    viaFactors.data.forEach((x, i) => assert.ok(Math.abs(x - (dense.data[i] as number)) < 1e-12 * scale, `entry ${i}`));
    for (let i = 0; i < 50; i++) {
      const h = dense.data[i * 50 + i] as number;
      assert.ok(Math.abs((diagonal[i] as number) - h) < 1e-12 * h, `variance of neuron ${i}`);
    }
  }
});
