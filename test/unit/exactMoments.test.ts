/**
 * Exact moments under Gaussian pre-activations (theory.md section 5b, model/exactMoments.ts):
 * closed forms and the Hermite series against the two-dimensional integral, the mean left by the
 * network's centring, and the feature covariance of a first layer against Monte-Carlo.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeActivation, type ActivationName } from '../../server/src/core/model/activations';
import { exactCovarianceInPlace, exactCrossMomentInPlace, HERMITE_ORDER } from '../../server/src/core/model/exactMoments';
import { centredCrossMoment, hermiteCoefficients, hermiteSeries } from '../../server/src/core/model/gaussian';
import { predict } from '../../server/src/core/prediction';
import { Random } from '../../server/src/core/rng';
import { experimentText, memoryHost } from '../support/memoryHost';

const close = (a: number, b: number, tol: number, what: string): void =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b} (tolerance ${tol})`);

/** 2 x 2 pre-activation covariance [[r1, c], [c, r2]]. */
function pair(r1: number, r2: number, c: number) {
  return { rows: 2, cols: 2, data: Float64Array.of(r1, c, c, r2) };
}

test('off-diagonal entries equal the two-dimensional Gaussian integral: closed forms (relu, erf, sign, sin, linear) and the series (tanh, sigmoid, gelu, silu, softplus)', () => {
  const names: ActivationName[] = ['relu', 'erf', 'sign', 'sin', 'linear', 'tanh', 'sigmoid', 'gelu', 'silu', 'softplus'];
  for (const name of names) {
    for (const gain of [1, 1.7]) {
      const act = makeActivation(name, gain);
      for (const [r1, r2, rho] of [
        [1, 1, 0.3],
        [0.6, 1.8, -0.55],
        [2.5, 0.9, 0.8],
      ] as const) {
        const c = rho * Math.sqrt(r1 * r2);
        const h = pair(r1, r2, c);
        const variances = Float64Array.of(r1, r2);
        // Per-neuron centring: no mean left, so the entry is the centred cross moment.
        const centring = variances.map((r) => hermiteCoefficients(act, r).kappa0);
        exactCovarianceInPlace(h, { activation: act, variances, centring });
        const expected = centredCrossMoment(act, act, r1, r2, c);
        // The series is truncated at order 12: its tail is below |rho|^13 times the variance.
        const tolerance = ['relu', 'erf', 'sign', 'sin', 'linear'].includes(name) ? 1e-9 : Math.max(1e-9, Math.abs(rho) ** (HERMITE_ORDER + 1));
        close(h.data[1] as number, expected, tolerance, `${act.label} at r = (${r1}, ${r2}), rho = ${rho}`);
        assert.equal(h.data[1], h.data[2]);
        close(h.data[0] as number, hermiteCoefficients(act, r1).centredSecondMoment, 1e-12, `${act.label} variance`);
      }
    }
  }
});

test('Hermite series: b_0 = kappa0, b_1 = sqrt(r) kappa1, and sum b_k^2 / k! tends to the variance (Parseval)', () => {
  for (const name of ['tanh', 'sigmoid', 'gelu', 'softplus'] as const) {
    const act = makeActivation(name);
    const r = 0.8;
    const b = hermiteSeries(act, r, 30);
    const c = hermiteCoefficients(act, r);
    close(b[0] as number, c.kappa0, 1e-12, `${name} b_0`);
    close(b[1] as number, Math.sqrt(r) * c.kappa1, 1e-12, `${name} b_1`);
    let sum = 0;
    let factorial = 1;
    for (let k = 1; k <= 30; k++) {
      factorial *= k;
      sum += (b[k] as number) ** 2 / factorial;
    }
    // tanh's poles at +-i pi/2 make its tail decay geometrically: about 3e-8 beyond order 30.
    close(sum, c.centredSecondMoment, 1e-6, `${name} Parseval`);
  }
});

test('average centring leaves each neuron the mean kappa0_i - kappa0(mean r): the second moment adds their product', () => {
  const act = makeActivation('relu');
  const [r1, r2, c] = [0.5, 2, 0.4];
  const h = pair(r1, r2, c);
  const variances = Float64Array.of(r1, r2);
  const shared = hermiteCoefficients(act, (r1 + r2) / 2).kappa0;
  exactCovarianceInPlace(h, { activation: act, variances, centring: Float64Array.of(shared, shared) });
  const m1 = hermiteCoefficients(act, r1).kappa0 - shared;
  const m2 = hermiteCoefficients(act, r2).kappa0 - shared;
  close(h.data[1] as number, centredCrossMoment(act, act, r1, r2, c) + m1 * m2, 1e-10, 'off-diagonal');
  close(h.data[0] as number, hermiteCoefficients(act, r1).centredSecondMoment + m1 * m1, 1e-12, 'diagonal');
});

test('cross moments of two different activations: the diagonal is the exact integral even at |rho| close to 1', () => {
  const s = makeActivation('tanh');
  const t = makeActivation('sign');
  const rs = Float64Array.of(1.2, 0.7);
  const rt = Float64Array.of(0.9, 1.5);
  const cross = { rows: 2, cols: 2, data: Float64Array.of(0.99 * Math.sqrt(1.2 * 0.9), 0.2, -0.3, 0.5) };
  const c = Float64Array.from(cross.data);
  exactCrossMomentInPlace(cross, { activation: s, variances: rs, centring: new Float64Array(2) }, { activation: t, variances: rt, centring: new Float64Array(2) });
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) {
      const expected = centredCrossMoment(s, t, rs[i] as number, rt[j] as number, c[i * 2 + j] as number);
      const rho = Math.abs((c[i * 2 + j] as number) / Math.sqrt((rs[i] as number) * (rt[j] as number)));
      close(cross.data[i * 2 + j] as number, expected, i === j ? 1e-9 : Math.max(1e-9, rho ** (HERMITE_ORDER + 1)), `entry (${i}, ${j})`);
    }
  }
});

test('exact moments of a linear layer equal the linearised ones', () => {
  const spec = (moments: string) =>
    experimentText({ moments, input: { dimension: 12, covariance: { powerLaw: 0.7 } }, student: { layers: [{ width: 9, activation: { name: 'linear', gain: 1.3 } }] } });
  const [lin, exact] = ['linearized', 'exact'].map((m) => {
    const text = spec(m);
    const outcome = predict(text, '/spec.rainbow.json', memoryHost({ '/spec.rainbow.json': text }));
    assert.ok(outcome.result);
    return outcome.result;
  });
  lin?.points.forEach((p, i) => close(p.testError as number, exact?.points[i]?.testError as number, 1e-10, `point ${i}`));
});

test('Monte-Carlo: a relu pair on Gaussian inputs, centred at kappa0 of the mean variance, matches the exact second moment within 4 standard errors', () => {
  const act = makeActivation('relu');
  const d = 4;
  const rng = Random.stream(11, 'test/exact');
  const w = rng.fillNormal(new Float64Array(2 * d), 1 / Math.sqrt(d));
  const h = { rows: 2, cols: 2, data: new Float64Array(4) };
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < d; k++) h.data[i * 2 + j] += (w[i * d + k] as number) * (w[j * d + k] as number);
  const variances = Float64Array.of(h.data[0] as number, h.data[3] as number);
  const shared = hermiteCoefficients(act, (variances[0]! + variances[1]!) / 2).kappa0;
  const omega = { rows: 2, cols: 2, data: Float64Array.from(h.data) };
  exactCovarianceInPlace(omega, { activation: act, variances, centring: Float64Array.of(shared, shared) });
  const samples = 400_000;
  const x = new Float64Array(d);
  let s01 = 0;
  let s01sq = 0;
  for (let s = 0; s < samples; s++) {
    rng.fillNormal(x, 1);
    let a = 0;
    let b = 0;
    for (let k = 0; k < d; k++) {
      a += (w[k] as number) * (x[k] as number);
      b += (w[d + k] as number) * (x[k] as number);
    }
    const v = (act.apply(a) - shared) * (act.apply(b) - shared);
    s01 += v;
    s01sq += v * v;
  }
  const mean = s01 / samples;
  const se = Math.sqrt((s01sq / samples - mean * mean) / samples);
  assert.ok(Math.abs((omega.data[1] as number) - mean) < 4 * se, `exact ${omega.data[1]} vs Monte-Carlo ${mean} +- ${se}`);
});

test('the experiment\'s "moments" is the default of every layer, student and teacher; a layer\'s own "moments" wins', () => {
  const text = experimentText({
    moments: 'exact',
    input: { dimension: 10 },
    teacher: { kind: 'network', network: { layers: [{ id: 'V', width: 8, activation: 'sign' }] }, noise: 0 },
    student: { layers: [{ id: 'A', width: 12, activation: 'tanh' }, { id: 'B', width: 8, activation: 'relu', moments: 'linearized' }] },
  });
  const outcome = predict(text, '/spec.rainbow.json', memoryHost({ '/spec.rainbow.json': text }));
  assert.ok(outcome.result);
  assert.deepEqual(outcome.result.layers.map((l) => l.moments), ['exact', 'linearized']);
  assert.deepEqual(
    outcome.result.validity[0]?.layers.map((l) => `${l.role} ${l.id} ${l.moments}`),
    ['student A exact', 'student B linearized', 'teacher V exact'],
  );
});
