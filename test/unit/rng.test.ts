/**
 * The seeded generator: reproducible to the bit, independent streams, and normals with the right
 * distribution. Statistical checks use fixed seeds (so they are deterministic) and a 4.5-sigma
 * tolerance on z-scores; Kolmogorov-Smirnov checks at the 0.1% level. The cross-engine check (Node
 * against Chromium, bit for bit) is test/browser/rng.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalCdf } from '../../server/src/core/model/special';
import { Random } from '../../server/src/core/rng';
import { exp, log, powPositive } from '../../server/src/core/reproducibleMath';

test('a stream is pinned: the same seed and label give these exact numbers on every machine', () => {
  // If this changes, every seeded spec gives different weights: a breaking change for users.
  const r = Random.stream(42, 'student/W1/Z');
  assert.deepEqual([r.nextUint32(), r.nextUint32(), r.uniform(), r.normal(), r.normal()], [475937183, 3199354959, 0.9586203335211725, -0.961527905371124, 0.4687274246389627]);
});

test('fillNormal gives exactly the values of successive normal() calls, scaled', () => {
  const filled = Random.stream(5, 'z').fillNormal(new Float64Array(50_000), 2);
  const r = Random.stream(5, 'z');
  for (let i = 0; i < filled.length; i++) assert.equal(filled[i], 2 * r.normal(), `draw ${i}`);
});

test('streams with different labels or seeds differ; seeds above 2^32 are distinct', () => {
  const first = (seed: number, label: string) => Random.stream(seed, label).nextUint32();
  assert.notEqual(first(1, 'a'), first(1, 'b'));
  assert.notEqual(first(1, 'a'), first(2, 'a'));
  assert.notEqual(first(1, 'a'), first(2 ** 32 + 1, 'a'));
});

test('uniforms lie in [0, 1) with mean 1/2 and variance 1/12', () => {
  const r = Random.stream(3, 'uniform');
  const n = 400_000;
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < n; i++) {
    const u = r.uniform();
    assert.ok(u >= 0 && u < 1);
    sum += u;
    sum2 += u * u;
  }
  const mean = sum / n;
  assert.ok(Math.abs(mean - 0.5) / Math.sqrt(1 / 12 / n) < 4.5);
  assert.ok(Math.abs(sum2 / n - mean * mean - 1 / 12) < 4.5 * Math.sqrt(1 / 180 / n));
});

test('normals: mean, variance, kurtosis and the CDF at tail and centre points match N(0, 1)', () => {
  const n = 2_000_000;
  const x = Random.stream(11, 'normal-check').fillNormal(new Float64Array(n));
  let m = 0;
  for (const v of x) m += v;
  m /= n;
  let v2 = 0;
  let v4 = 0;
  for (const v of x) {
    v2 += (v - m) ** 2;
    v4 += (v - m) ** 4;
  }
  v2 /= n;
  const kurtosis = v4 / n / (v2 * v2);
  assert.ok(Math.abs(m) / Math.sqrt(1 / n) < 4.5, `mean ${m}`);
  assert.ok(Math.abs(v2 - 1) / Math.sqrt(2 / n) < 4.5, `variance ${v2}`);
  assert.ok(Math.abs(kurtosis - 3) / Math.sqrt(24 / n) < 4.5, `kurtosis ${kurtosis}`);
  // Points inside layers, at the ziggurat's tail start R = 3.44, and in the tail.
  for (const t of [-4, -3.44, -2, -1, -0.25, 0, 0.7, 1.8, 3, 3.6]) {
    let below = 0;
    for (const v of x) if (v < t) below++;
    const p = normalCdf(t);
    const z = (below / n - p) / Math.sqrt((p * (1 - p)) / n);
    assert.ok(Math.abs(z) < 4.5, `P(x < ${t}) = ${below / n}, expected ${p} (z = ${z.toFixed(2)})`);
  }
});

test('successive normals are uncorrelated (lag 1 and lag 2)', () => {
  const n = 1_000_000;
  const x = Random.stream(12, 'lag').fillNormal(new Float64Array(n));
  for (const lag of [1, 2]) {
    let c = 0;
    for (let i = lag; i < n; i++) c += (x[i] as number) * (x[i - lag] as number);
    assert.ok(Math.abs(c / Math.sqrt(n)) < 4.5, `lag ${lag}: z = ${c / Math.sqrt(n)}`);
  }
});

test('normals pass a Kolmogorov-Smirnov test against N(0, 1) (200 000 draws, critical value at the 0.1% level)', () => {
  const n = 200_000;
  const x = Random.stream(13, 'ks').fillNormal(new Float64Array(n)).sort();
  let d = 0;
  for (let i = 0; i < n; i++) {
    const p = normalCdf(x[i] as number);
    d = Math.max(d, (i + 1) / n - p, p - i / n);
  }
  // sqrt(n) D is asymptotically Kolmogorov-distributed: P(sqrt(n) D > 1.949) = 0.001.
  assert.ok(Math.sqrt(n) * d < 1.949, `sqrt(n) D = ${(Math.sqrt(n) * d).toFixed(3)}`);
});

test('the tail beyond the ziggurat start R = 3.4426 has the normal shape (KS on the exceedances of 4 million draws)', () => {
  const R = 3.442619855899;
  const x = Random.stream(14, 'tail').fillNormal(new Float64Array(4_000_000));
  const tail = Float64Array.from(x.filter((v) => Math.abs(v) > R).map(Math.abs)).sort();
  const n = tail.length;
  const expected = 4_000_000 * 2 * normalCdf(-R);
  assert.ok(Math.abs(n - expected) < 4.5 * Math.sqrt(expected), `${n} exceedances, expected ${expected.toFixed(0)}`);
  // P(|x| <= t given |x| > R) = 1 - Phi(-t) / Phi(-R).
  const tailR = normalCdf(-R);
  let d = 0;
  for (let i = 0; i < n; i++) {
    const p = 1 - normalCdf(-(tail[i] as number)) / tailR;
    d = Math.max(d, (i + 1) / n - p, p - i / n);
  }
  assert.ok(Math.sqrt(n) * d < 1.949, `sqrt(n) D = ${(Math.sqrt(n) * d).toFixed(3)} over ${n} tail draws`);
});

/** Distance in units in the last place between two finite doubles of the same sign. */
function ulps(a: number, b: number): number {
  const view = new DataView(new ArrayBuffer(16));
  view.setFloat64(0, a);
  view.setFloat64(8, b);
  return Math.abs(Number(view.getBigInt64(0) - view.getBigInt64(8)));
}

test('reproducibleMath exp and log are within 1 ulp of Math.exp and Math.log, with their special values', () => {
  const r = Random.stream(15, 'math');
  let worstExp = 0;
  let worstLog = 0;
  for (let i = 0; i < 200_000; i++) {
    const x = (r.uniform() - 0.5) * 1450; // over- and underflow included
    const e = exp(x);
    worstExp = Math.max(worstExp, Math.exp(x) === 0 || !Number.isFinite(Math.exp(x)) ? (e === Math.exp(x) ? 0 : Infinity) : ulps(e, Math.exp(x)));
    const y = 2 ** Math.floor((r.uniform() - 0.5) * 2140) * (1 + r.uniform()); // subnormals to near the largest double
    if (y > 0 && Number.isFinite(y)) worstLog = Math.max(worstLog, ulps(log(y), Math.log(y)));
    const near1 = 1 + (r.uniform() - 0.5) * 1e-5; // the short-series branch of log
    worstLog = Math.max(worstLog, ulps(log(near1), Math.log(near1)));
  }
  assert.ok(worstExp <= 1, `exp: ${worstExp} ulp from Math.exp`);
  assert.ok(worstLog <= 1, `log: ${worstLog} ulp from Math.log`);
  assert.equal(exp(0), 1);
  assert.equal(exp(-Infinity), 0);
  assert.equal(exp(Infinity), Infinity);
  assert.ok(Number.isNaN(exp(NaN)));
  assert.equal(exp(710), Infinity);
  assert.equal(exp(-746), 0);
  assert.equal(exp(-745), 5e-324);
  assert.equal(log(1), 0);
  assert.equal(log(0), -Infinity);
  assert.equal(log(Infinity), Infinity);
  assert.ok(Number.isNaN(log(-1)) && Number.isNaN(log(NaN)));
  assert.equal(log(5e-324), Math.log(5e-324));
  assert.equal(powPositive(2, 10), 1024);
  assert.ok(ulps(powPositive(7, -0.3), Math.pow(7, -0.3)) <= 2);
});
