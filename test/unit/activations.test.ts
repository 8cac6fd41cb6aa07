/**
 * Activations, the error function, and the Gaussian expectations of theory.md sections 4-6:
 * Hermite coefficients (kappa0, kappa1, kappaStar2) and centred cross moments.
 *
 * References: closed forms (theory.md section 6 and classical Gaussian integrals), high-precision
 * mpmath integrals in test/fixtures/activations/reference.json (made by make_reference.py beside
 * it), and a brute-force grid integral computed here. Tolerances are relative unless stated:
 * |a - b| <= tol * max(|a|, |b|, scale) with the scale named in each test.
 */

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
  ACTIVATION_NAMES,
  Activation,
  ActivationName,
  applyCentred,
  makeActivation,
} from '../../server/src/core/model/activations';
import {
  centredCrossMoment,
  hermiteCoefficients,
  HermiteCoefficients,
  quadratureHermiteCoefficients,
} from '../../server/src/core/model/gaussian';
import { centredRule, NormalRuleBuilder } from '../../server/src/core/model/quadrature';
import { erf, erfc, normalCdf } from '../../server/src/core/model/special';

// ------------------------------------------------------------------------------------------------
// helpers

interface Reference {
  erf: { x: number; erf: number; erfc: number }[];
  gelu: { x: number; gelu: number }[];
  hermite: (Omit<HermiteCoefficients, 'variance'> & { name: ActivationName; variance: number; gain: number })[];
  cross: { a: ActivationName; gainA: number; b: ActivationName; gainB: number; ra: number; rb: number; c: number; crossMoment: number }[];
}

/** The repository root, found from this file whether it runs from test/ or from out/test/. */
function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
}

const reference: Reference = JSON.parse(
  fs.readFileSync(path.join(repoRoot(), 'test/fixtures/activations/reference.json'), 'utf8'),
);

/** |actual - expected| <= tol * max(|actual|, |expected|, scale). */
function near(actual: number, expected: number, tol: number, what: string, scale = 0): void {
  const bound = tol * Math.max(Math.abs(actual), Math.abs(expected), scale);
  assert.ok(
    Math.abs(actual - expected) <= bound || actual === expected,
    `${what}: got ${actual}, expected ${expected} (difference ${Math.abs(actual - expected)}, allowed ${bound})`,
  );
}

const act = (name: ActivationName, gain = 1): Activation => makeActivation(name, gain);
const PI = Math.PI;

// ------------------------------------------------------------------------------------------------

describe('special functions', () => {
  test('erf and erfc match mpmath to 1e-15 relative (including erfc deep in the tail)', () => {
    for (const { x, erf: e, erfc: ec } of reference.erf) {
      near(erf(x), e, 1e-15, `erf(${x})`);
      if (ec > 1e-300) near(erfc(x), ec, 1e-15, `erfc(${x})`);
    }
  });

  test('erf is odd, erfc(-x) = 2 - erfc(x), limits', () => {
    for (const x of [1e-8, 0.2, 0.46875, 0.8, 2, 4, 4.5, 7, 30]) {
      assert.equal(erf(-x), -erf(x));
      near(erfc(-x), 2 - erfc(x), 1e-16, `erfc(-${x})`);
    }
    assert.equal(erf(0), 0);
    assert.equal(erfc(0), 1);
    assert.equal(erf(40), 1);
    assert.equal(erf(-Infinity), -1);
    assert.equal(erfc(Infinity), 0);
    assert.ok(Number.isNaN(erf(NaN)) && Number.isNaN(erfc(NaN)));
    assert.equal(normalCdf(0), 0.5);
    near(normalCdf(-10), 7.619853024160527e-24, 1e-14, 'Phi(-10)');
  });
});

describe('normal quadrature rules', () => {
  test('moments of Z: E 1 = 1, E Z^2 = 1, E Z^4 = 3, E |Z| = sqrt(2/pi) to 5e-15, for every grading', () => {
    const rules = [centredRule(0), centredRule(37), centredRule(1e6), new NormalRuleBuilder().build(1.3, 1e-3, 0.2)];
    for (const rule of rules) {
      let m0 = 0;
      let m2 = 0;
      let m4 = 0;
      let abs = 0;
      for (let i = 0; i < rule.length; i++) {
        const z = rule.nodes[i];
        const w = rule.weights[i];
        m0 += w;
        m2 += w * z * z;
        m4 += w * z ** 4;
        abs += w * Math.abs(z);
      }
      near(m0, 1, 1e-15, `sum of weights (${rule.length} nodes)`);
      near(m2, 1, 1e-15, 'E Z^2');
      near(m4, 3, 5e-15, 'E Z^4');
      // |z| is kinked at 0: exact only on rules split at 0.
      if (rule.length !== rules[3].length) near(abs, Math.sqrt(2 / PI), 1e-15, 'E |Z|');
    }
  });

  test('a rule split off-centre integrates a step there exactly: E 1{Z > 1.3} = Phi(-1.3)', () => {
    const rule = new NormalRuleBuilder().build(1.3, 1e-3, 0.2);
    let p = 0;
    for (let i = 0; i < rule.length; i++) if (rule.nodes[i] > 1.3) p += rule.weights[i];
    near(p, normalCdf(-1.3), 1e-14, 'P(Z > 1.3)');
  });
});

describe('activations', () => {
  test('the ten names, flags and labels', () => {
    assert.deepEqual(
      [...ACTIVATION_NAMES],
      ['tanh', 'relu', 'erf', 'sign', 'linear', 'sigmoid', 'gelu', 'silu', 'softplus', 'sin'],
    );
    for (const name of ACTIVATION_NAMES) {
      const a = act(name);
      assert.equal(a.name, name);
      assert.equal(a.gain, 1);
      assert.equal(a.label, name);
      assert.equal(a.kinked, name === 'relu' || name === 'sign');
    }
    assert.equal(act('tanh', 2).label, 'tanh(2h)');
    assert.equal(act('relu', 0.5).label, 'relu(0.5h)');
    assert.equal(act('sin', -1).label, 'sin(-h)');
  });

  test('values, with gain, and numerically stable tails', () => {
    assert.equal(act('sign').apply(0), 0);
    assert.equal(act('sign').apply(-0), 0);
    assert.equal(act('sign').apply(-3), -1);
    assert.equal(act('relu').apply(-2), 0);
    assert.equal(act('relu', 2).apply(1.5), 3);
    assert.equal(act('relu', -2).apply(-1.5), 3);
    assert.equal(act('tanh', 2).apply(0.3), Math.tanh(0.6));
    assert.equal(act('linear', 3).apply(2), 6);
    assert.equal(act('sin', 2).apply(0.4), Math.sin(0.8));
    // sigmoid and softplus: no overflow, no NaN, tiny values kept.
    assert.equal(act('sigmoid').apply(1000), 1);
    assert.equal(act('sigmoid').apply(-1000), 0);
    near(act('sigmoid').apply(-700), Math.exp(-700), 1e-14, 'sigmoid(-700)');
    assert.equal(act('softplus').apply(1000), 1000);
    near(act('softplus').apply(-700), Math.exp(-700), 1e-14, 'softplus(-700)');
    near(act('softplus').apply(0), Math.LN2, 1e-16, 'softplus(0)');
    near(act('silu').apply(-800), 0, 0, 'silu(-800)');
    near(act('silu').apply(3), 3 / (1 + Math.exp(-3)), 1e-15, 'silu(3)');
    // gelu is the exact h Phi(h) (mpmath references), not the tanh approximation.
    for (const { x, gelu } of reference.gelu) {
      const got = act('gelu').apply(x);
      near(got, gelu, 1e-14, `gelu(${x})`, 1e-300);
    }
    near(act('gelu').apply(1), 0.8413447460685429, 1e-15, 'gelu(1)');
  });

  test('makeActivation rejects unknown names and non-finite gains', () => {
    assert.throws(() => makeActivation('swish' as ActivationName), /unknown activation "swish"/);
    assert.throws(() => makeActivation('tanh', NaN), /gain must be a finite number/);
    assert.throws(() => makeActivation('tanh', Infinity), /gain must be a finite number/);
  });

  test('applyCentred equals apply(h) - kappa0 on the given range only', () => {
    const h = [-3, -1.2, -0.1, 0, 0.05, 0.7, 2.5, 40, -40];
    for (const name of ACTIVATION_NAMES) {
      for (const gain of [1, -1.5]) {
        const a = act(name, gain);
        const buffer = Float64Array.from(h);
        applyCentred(a, 0.25, buffer, 2, 8);
        for (let i = 0; i < h.length; i++) {
          const expected = i >= 2 && i < 8 ? a.apply(h[i]) - 0.25 : h[i];
          assert.equal(buffer[i], expected, `${a.label} at index ${i}`);
        }
        const whole = Float64Array.from(h);
        applyCentred(a, 0, whole);
        assert.deepEqual([...whole], h.map((x) => a.apply(x)));
      }
    }
  });
});

describe('Hermite coefficients: closed forms of theory.md section 6', () => {
  // Tolerance 1e-14 relative: these use the engine's exact formulas.
  test('relu: kappa0 = sqrt(r/(2 pi)), kappa1 = 1/2, kappaStar2 = r (1/4 - 1/(2 pi))', () => {
    for (const r of [1e-6, 0.01, 0.5, 1, 3, 100]) {
      const h = hermiteCoefficients(act('relu'), r);
      assert.equal(h.variance, r);
      near(h.kappa0, Math.sqrt(r / (2 * PI)), 1e-14, `relu kappa0 at ${r}`);
      near(h.kappa1, 0.5, 1e-14, `relu kappa1 at ${r}`);
      near(h.secondMoment, r / 2, 1e-14, `relu E sigma^2 at ${r}`);
      near(h.kappaStar2, r * (0.25 - 1 / (2 * PI)), 1e-14, `relu kappaStar2 at ${r}`);
    }
  });

  test('sign: kappa0 = 0, kappa1 = sqrt(2/(pi r)), kappaStar2 = 1 - 2/pi', () => {
    for (const r of [1e-6, 0.01, 0.5, 1, 3, 100]) {
      const h = hermiteCoefficients(act('sign'), r);
      assert.equal(h.kappa0, 0);
      near(h.kappa1, Math.sqrt(2 / (PI * r)), 1e-14, `sign kappa1 at ${r}`);
      assert.equal(h.secondMoment, 1);
      near(h.kappaStar2, 1 - 2 / PI, 1e-14, `sign kappaStar2 at ${r}`);
    }
  });

  test('erf: kappa1 = (2/sqrt(pi))/sqrt(1+2r), E erf^2 = (2/pi) asin(2r/(1+2r))', () => {
    for (const r of [0.01, 0.5, 1, 3, 100]) {
      const h = hermiteCoefficients(act('erf'), r);
      const kappa1 = 2 / Math.sqrt(PI) / Math.sqrt(1 + 2 * r);
      const second = (2 / PI) * Math.asin((2 * r) / (1 + 2 * r));
      assert.equal(h.kappa0, 0);
      near(h.kappa1, kappa1, 1e-14, `erf kappa1 at ${r}`);
      near(h.secondMoment, second, 1e-14, `erf E sigma^2 at ${r}`);
      // The difference loses (second / kappaStar2) digits, hence the looser 1e-11 here.
      near(h.kappaStar2, second - r * kappa1 * kappa1, 1e-11, `erf kappaStar2 at ${r}`);
    }
  });

  test('tanh at r = 1: kappa1 = 0.60570551, kappaStar2 = 0.02741533 (8 digits given)', () => {
    const h = hermiteCoefficients(act('tanh'), 1);
    near(h.kappa1, 0.60570551, 1e-8, 'tanh kappa1');
    near(h.kappaStar2, 0.02741533, 2e-7, 'tanh kappaStar2');
    assert.equal(h.kappa0, 0); // odd activation
  });

  test('linear: kappa1 = gain, kappaStar2 = 0', () => {
    for (const [r, g] of [[1, 1], [0.3, 2], [5, -0.5]]) {
      const h = hermiteCoefficients(act('linear', g), r);
      assert.deepEqual([h.kappa0, h.kappa1, h.kappaStar2], [0, g, 0]);
      near(h.secondMoment, g * g * r, 1e-15, 'linear E sigma^2');
    }
  });

  test('sin: kappa1 = g e^{-g^2 r/2}, E sin^2 = (1 - e^{-2 g^2 r})/2', () => {
    for (const [r, g] of [[0.01, 1], [1, 1], [2, -1.5], [30, 1]]) {
      const u = g * g * r;
      const h = hermiteCoefficients(act('sin', g), r);
      near(h.kappa1, g * Math.exp(-u / 2), 1e-14, `sin kappa1 at ${r}, ${g}`);
      near(h.secondMoment, (1 - Math.exp(-2 * u)) / 2, 1e-14, `sin E sigma^2 at ${r}, ${g}`);
    }
  });
});

describe('Hermite coefficients by quadrature', () => {
  const fields = ['kappa0', 'kappa1', 'secondMoment', 'kappaStar2', 'centredSecondMoment'] as const;

  test('quadrature reproduces the closed forms of relu, sign, erf, sin, linear over gains and variances', () => {
    // 1e-13 relative, kappaStar2 (a residual variance) 1e-12. sin restricted to g sqrt(r) <= 8, where e^{-g^2 r/2} is still resolvable.
    for (const name of ['relu', 'sign', 'erf', 'sin', 'linear'] as ActivationName[]) {
      for (const g of [1, -0.7, 3, 30, 300]) {
        for (const r of [1e-3, 0.1, 1, 7, 100]) {
          if (name === 'sin' && Math.abs(g) * Math.sqrt(r) > 8) continue;
          const a = act(name, g);
          const exact = hermiteCoefficients(a, r);
          const quad = quadratureHermiteCoefficients(a, r);
          const scale = Math.sqrt(exact.secondMoment);
          for (const f of fields) {
            const tol = f === 'kappaStar2' ? 1e-12 : 1e-13;
            // kappa0, kappa1 relative to their natural scales; kappaStar2 (0 for linear) to 1e-4 E sigma^2.
            const s = f === 'kappa0' ? scale : f === 'kappa1' ? scale / Math.sqrt(r) : f === 'kappaStar2' ? 1e-4 * scale ** 2 : 0;
            near(quad[f], exact[f], tol, `${a.label} ${f} at r=${r}`, s);
          }
        }
      }
    }
  });

  test('gelu: kappa0 = s^2/sqrt(2 pi (1 + s^2)) and kappa1 = g/2 (s = g sqrt(r)), from tiny to huge s', () => {
    for (const g of [1, -0.7, 3, 1000]) {
      for (const r of [1e-4, 0.1, 1, 7, 100]) {
        const s2 = g * g * r;
        const h = hermiteCoefficients(act('gelu', g), r);
        near(h.kappa0, s2 / Math.sqrt(2 * PI * (1 + s2)), 1e-12, `gelu kappa0 at ${g}, ${r}`);
        near(h.kappa1, g / 2, 1e-13, `gelu kappa1 at ${g}, ${r}`);
      }
    }
  });

  test('tanh, sigmoid, gelu, silu, softplus (and erf, sin, relu, sign) match mpmath integrals', () => {
    // 1e-13 relative (measured: below 1e-14); kappa0 and kappa1 relative to their natural scales
    // sqrt(E sigma^2) and sqrt(E sigma^2 / r). For s = g sqrt(r) < 0.1 the residual kappaStar2 ~ s^6
    // carries rounding of order 1e-16 / s^2, so it is checked to 1e-13 / (10 s)^2 there.
    for (const ref of reference.hermite) {
      const a = act(ref.name, ref.gain);
      const h = hermiteCoefficients(a, ref.variance);
      const what = `${a.label} at r=${ref.variance}`;
      const scale = Math.sqrt(ref.secondMoment);
      const s = Math.abs(ref.gain) * Math.sqrt(ref.variance);
      near(h.kappa0, ref.kappa0, 1e-13, `${what} kappa0`, scale);
      near(h.kappa1, ref.kappa1, 1e-13, `${what} kappa1`, scale / Math.sqrt(ref.variance));
      near(h.secondMoment, ref.secondMoment, 1e-13, `${what} E sigma^2`);
      near(h.centredSecondMoment, ref.centredSecondMoment, 1e-13, `${what} E (sigma - kappa0)^2`);
      near(h.kappaStar2, ref.kappaStar2, 1e-13 / Math.min(1, 100 * s * s), `${what} kappaStar2`);
    }
  });

  test('kappaStar2 = E sigma^2 - kappa0^2 - r kappa1^2 >= 0 and centredSecondMoment = E sigma^2 - kappa0^2', () => {
    for (const name of ACTIVATION_NAMES) {
      for (const [r, g] of [[1, 1], [0.2, 2], [9, -1]]) {
        const h = hermiteCoefficients(act(name, g), r);
        assert.ok(h.kappaStar2 >= 0);
        const scale = h.secondMoment;
        near(h.kappaStar2, h.secondMoment - h.kappa0 ** 2 - r * h.kappa1 ** 2, 1e-14, `${name} kappaStar2`, scale);
        near(h.centredSecondMoment, h.secondMoment - h.kappa0 ** 2, 1e-14, `${name} centred`, scale);
      }
    }
  });

  test('gain: relu(2h) = 2 relu(h); erf and tanh with gain g at r equal gain 1 at g^2 r', () => {
    for (const r of [0.1, 1, 5]) {
      const one = hermiteCoefficients(act('relu'), r);
      const two = hermiteCoefficients(act('relu', 2), r);
      near(two.kappa0, 2 * one.kappa0, 1e-15, 'relu(2h) kappa0');
      near(two.kappa1, 2 * one.kappa1, 1e-15, 'relu(2h) kappa1');
      near(two.kappaStar2, 4 * one.kappaStar2, 1e-15, 'relu(2h) kappaStar2');
      const flipped = hermiteCoefficients(act('relu', -1), r);
      near(flipped.kappa0, one.kappa0, 1e-15, 'relu(-h) kappa0');
      near(flipped.kappa1, -one.kappa1, 1e-15, 'relu(-h) kappa1');
      for (const name of ['erf', 'tanh', 'softplus', 'sign'] as ActivationName[]) {
        for (const g of [2.5, -0.4]) {
          const withGain = hermiteCoefficients(act(name, g), r);
          const scaled = hermiteCoefficients(act(name), g * g * r);
          // sigma(g N) with N ~ N(0, r) is sigma(M), M ~ N(0, g^2 r): kappa1 scales by g.
          near(withGain.kappa0, scaled.kappa0, 1e-13, `${name} gain kappa0`, 1);
          near(withGain.kappa1, g * scaled.kappa1, 1e-13, `${name} gain kappa1`);
          near(withGain.secondMoment, scaled.secondMoment, 1e-13, `${name} gain E sigma^2`);
          near(withGain.kappaStar2, scaled.kappaStar2, 1e-12, `${name} gain kappaStar2`);
        }
      }
    }
  });

  test('sigmoid(h) = 1/2 + tanh(h/2)/2: kappa0 = 1/2, kappa1 and kappaStar2 from tanh(h/2)', () => {
    for (const [r, g] of [[1e-3, 1], [1, 1], [3, 4], [1, 60]]) {
      const sig = hermiteCoefficients(act('sigmoid', g), r);
      const th = hermiteCoefficients(act('tanh', g / 2), r);
      near(sig.kappa0, 0.5, 1e-14, 'sigmoid kappa0');
      near(sig.kappa1, th.kappa1 / 2, 1e-13, 'sigmoid kappa1');
      near(sig.kappaStar2, th.kappaStar2 / 4, 1e-12, 'sigmoid kappaStar2');
    }
  });

  test('variance 0: sigma(0), derivative at 0 for kappa1; sign and invalid variances throw', () => {
    const expectedSlope: Record<ActivationName, number> = {
      tanh: 1, relu: 0.5, erf: 2 / Math.sqrt(PI), sign: NaN, linear: 1, sigmoid: 0.25, gelu: 0.5, silu: 0.5,
      softplus: 0.5, sin: 1,
    };
    for (const name of ACTIVATION_NAMES) {
      if (name === 'sign') continue;
      const h = hermiteCoefficients(act(name, 2), 0);
      assert.equal(h.kappa0, act(name).apply(0));
      near(h.kappa1, 2 * expectedSlope[name], 1e-15, `${name} kappa1 at r = 0`);
      assert.equal(h.kappaStar2, 0);
      // continuity: r -> 0
      const small = hermiteCoefficients(act(name, 2), 1e-10);
      near(small.kappa1, h.kappa1, 1e-8, `${name} kappa1 as r -> 0`);
    }
    assert.throws(() => hermiteCoefficients(act('sign'), 0), /pre-activation variance of sign is zero/);
    for (const bad of [-1, NaN, Infinity, -Infinity]) {
      assert.throws(() => hermiteCoefficients(act('tanh'), bad), /pre-activation variance must be a finite non-negative number/);
    }
    assert.throws(() => hermiteCoefficients(act('relu', 1e200), 1e300), /overflows/);
    assert.throws(() => hermiteCoefficients(act('relu', 1e200), 1e200), /not finite/);
  });
});

describe('centred cross moments', () => {
  const rhos = [-1, -0.999, -0.6, 0, 0.3, 0.9, 0.999999, 1];
  const variances: [number, number][] = [[1, 1], [0.3, 4]];

  /** The same quantity from E[sigma_a sigma_b] closed forms minus kappa0_a kappa0_b. */
  function checkClosedForm(
    a: Activation,
    b: Activation,
    joint: (ra: number, rb: number, rho: number) => number,
    tol: number,
  ): void {
    for (const [ra, rb] of variances) {
      for (const rho of rhos) {
        const c = rho * Math.sqrt(ra * rb);
        const expected = joint(ra, rb, rho);
        const got = centredCrossMoment(a, b, ra, rb, c);
        const scale = Math.sqrt(hermiteCoefficients(a, ra).centredSecondMoment * hermiteCoefficients(b, rb).centredSecondMoment);
        near(got, expected, tol, `${a.label}-${b.label} at ra=${ra}, rb=${rb}, rho=${rho}`, scale);
      }
    }
  }

  test('relu-relu: arc-cosine kernel sqrt(ra rb)/(2 pi) (sin t + (pi - t) cos t) - kappa0^2, t = acos rho', () => {
    checkClosedForm(act('relu'), act('relu', 2), (ra, rb, rho) => {
      const t = Math.acos(rho);
      const k = 2 * Math.sqrt(ra * rb);
      return (k / (2 * PI)) * (Math.sin(t) + (PI - t) * Math.cos(t)) - k / (2 * PI);
    }, 1e-13);
  });

  test('sign-sign: (2/pi) asin(rho)', () => {
    checkClosedForm(act('sign'), act('sign'), (_ra, _rb, rho) => (2 / PI) * Math.asin(rho), 1e-13);
    checkClosedForm(act('sign'), act('sign', -3), (_ra, _rb, rho) => -(2 / PI) * Math.asin(rho), 1e-13);
  });

  test('erf-erf: (2/pi) asin(2 c / sqrt((1 + 2 ra)(1 + 2 rb))), with gains', () => {
    checkClosedForm(act('erf'), act('erf'), (ra, rb, rho) => {
      const c = rho * Math.sqrt(ra * rb);
      return (2 / PI) * Math.asin((2 * c) / Math.sqrt((1 + 2 * ra) * (1 + 2 * rb)));
    }, 1e-13);
    checkClosedForm(act('erf', 2), act('erf', 0.5), (ra, rb, rho) => {
      const c = rho * Math.sqrt(ra * rb);
      return (2 / PI) * Math.asin((2 * c) / Math.sqrt((1 + 8 * ra) * (1 + 0.5 * rb)));
    }, 1e-13);
  });

  test('sin-sin: exp(-(ra ga^2 + rb gb^2)/2) sinh(ga gb c)', () => {
    checkClosedForm(act('sin'), act('sin', 1.5), (ra, rb, rho) => {
      const c = rho * Math.sqrt(ra * rb);
      return Math.exp(-(ra + 2.25 * rb) / 2) * Math.sinh(1.5 * c);
    }, 1e-13);
  });

  test('linear-anything: gain * c * kappa1 (Stein)', () => {
    for (const name of ACTIVATION_NAMES) {
      checkClosedForm(act('linear', 2), act(name), (_ra, rb, rho) => {
        const c = rho * Math.sqrt(_ra * rb);
        return 2 * c * hermiteCoefficients(act(name), rb).kappa1;
      }, 1e-14);
    }
  });

  test('relu-sign and relu-erf against the direct closed forms', () => {
    // relu(N) = (N + |N|)/2 and E[|N| f(M)] = 0 for odd f (the pair (N, M) is symmetric under
    // negation), so E[relu(N) f(M)] = E[N f(M)]/2 = c kappa1_f / 2 (Stein's lemma).
    // sign: kappa1 = sqrt(2/(pi rb)).
    checkClosedForm(act('relu'), act('sign'), (ra, rb, rho) => {
      const c = rho * Math.sqrt(ra * rb);
      return (c * Math.sqrt(2 / (PI * rb))) / 2;
    }, 1e-13);
    // erf: kappa1 = (2/sqrt(pi))/sqrt(1 + 2 rb).
    checkClosedForm(act('relu'), act('erf'), (ra, rb, rho) => {
      const c = rho * Math.sqrt(ra * rb);
      return (c * (2 / Math.sqrt(PI)) / Math.sqrt(1 + 2 * rb)) / 2;
    }, 1e-13);
  });

  test('symmetric in (a, b); equals kappaStar2 + r kappa1^2 when a = b and c = r; 0 when c = 0', () => {
    const pairs: [Activation, Activation][] = [
      [act('tanh'), act('relu')],
      [act('gelu', 2), act('sin')],
      [act('sigmoid'), act('sign')],
      [act('tanh'), act('softplus', 0.5)],
      [act('silu'), act('erf')],
    ];
    for (const [a, b] of pairs) {
      for (const rho of [-1, -0.5, 0.8, 1]) {
        const [ra, rb] = [0.7, 2];
        const c = rho * Math.sqrt(ra * rb);
        near(centredCrossMoment(a, b, ra, rb, c), centredCrossMoment(b, a, rb, ra, c), 1e-13, `${a.label}-${b.label} symmetry`, 1e-3);
      }
      assert.equal(centredCrossMoment(a, b, 1, 2, 0), 0);
    }
    for (const name of ACTIVATION_NAMES) {
      for (const r of [0.3, 2]) {
        const a = act(name, 1.5);
        const h = hermiteCoefficients(a, r);
        near(centredCrossMoment(a, a, r, r, r), h.kappaStar2 + r * h.kappa1 ** 2, 1e-13, `${name} diagonal at r=${r}`);
      }
    }
  });

  test('matches high-precision mpmath integrals (tanh-relu, gelu-sin, sigmoid-sign, tanh-tanh, ...)', () => {
    // 1e-13 relative to max(|value|, 1e-3) (measured: below 2e-15).
    for (const ref of reference.cross) {
      const a = act(ref.a, ref.gainA);
      const b = act(ref.b, ref.gainB);
      const got = centredCrossMoment(a, b, ref.ra, ref.rb, ref.c);
      near(got, ref.crossMoment, 1e-13, `${a.label}-${b.label} at ra=${ref.ra}, rb=${ref.rb}, c=${ref.c}`, 1e-3);
    }
  });

  test('matches a brute-force grid integral (tanh-relu, gelu-sin, sigmoid-sign)', () => {
    // Coordinates M = sqrt(rb) u, N = sqrt(ra) (rho u + q v): sigma_b's kink lies on the grid line
    // u = 0, a Simpson panel boundary (sign(0) = 0 there averages the one-sided values, as the two
    // adjacent panels need). Composite Simpson in u (h = 0.01, error O(h^4)) and the trapezoid
    // rule in v (h = 0.1; spectrally accurate for the smooth sigma_a times the normal density),
    // both on [-9, 9]. Agreement to 1e-9 relative to max(|value|, 1e-3) (measured: 2e-10).
    const cases: [Activation, Activation, number, number, number][] = [
      [act('tanh'), act('relu'), 1, 1.5, 0.6],
      [act('gelu'), act('sin'), 0.8, 1, -0.7],
      [act('sigmoid', 2), act('sign'), 1.2, 1, 0.45],
    ];
    for (const [a, b, ra, rb, rho] of cases) {
      const expected = gridCrossMoment(a, b, ra, rb, rho);
      const got = centredCrossMoment(a, b, ra, rb, rho * Math.sqrt(ra * rb));
      near(got, expected, 1e-9, `${a.label}-${b.label} brute force`, 1e-3);
    }
  });

  test('boundary |c| = sqrt(ra rb), rounding beyond it, invalid arguments', () => {
    const a = act('tanh');
    const b = act('sign');
    const exact = centredCrossMoment(a, b, 2, 3, Math.sqrt(6));
    near(centredCrossMoment(a, b, 2, 3, Math.sqrt(6) * (1 + 1e-13)), exact, 1e-14, 'rounded past the bound');
    near(centredCrossMoment(a, b, 2, 3, -Math.sqrt(6) * (1 + 1e-13)), -exact, 1e-14, 'rounded past -bound');
    // Within a few rounding errors of the bound: the fully correlated value.
    near(centredCrossMoment(act('sign'), act('sign'), 2, 3, Math.sqrt(6) * (1 - 4e-16)), 1, 1e-14, 'sign at the bound');
    // Continuous up to the boundary: rho = 1 - 1e-12 differs by O(sqrt(1 - rho)).
    near(centredCrossMoment(a, b, 2, 3, Math.sqrt(6) * (1 - 1e-12)), exact, 1e-5, 'next to the bound');
    assert.throws(() => centredCrossMoment(a, b, 1, 1, 1.01), /exceeds sqrt\(ra rb\)/);
    assert.throws(() => centredCrossMoment(a, b, -1, 1, 0), /variance ra must be a finite non-negative number/);
    assert.throws(() => centredCrossMoment(a, b, 1, NaN, 0), /variance rb must be a finite non-negative number/);
    assert.throws(() => centredCrossMoment(a, b, 1, 1, NaN), /covariance must be finite/);
    assert.equal(centredCrossMoment(a, b, 0, 1, 0), 0);
    assert.equal(centredCrossMoment(act('sign'), act('sign'), 0, 0, 0), 0);
  });

});

// ------------------------------------------------------------------------------------------------

/** Brute-force E[(sigma_a(N) - k0a)(sigma_b(M) - k0b)] on a fine grid (see the test above). */
function gridCrossMoment(a: Activation, b: Activation, ra: number, rb: number, rho: number): number {
  const L = 9;
  const hu = 0.01;
  const nu = Math.round((2 * L) / hu); // divisible by 4: u = 0 is a Simpson panel boundary
  const hv = 0.1;
  const nv = Math.round((2 * L) / hv);
  const q = Math.sqrt(1 - rho * rho);
  const phi = (z: number): number => Math.exp(-0.5 * z * z) / Math.sqrt(2 * PI);
  let ea = 0;
  let eb = 0;
  let eab = 0;
  for (let i = 0; i <= nu; i++) {
    const u = -L + i * hu;
    const wu = (hu / 3) * (i === 0 || i === nu ? 1 : i % 2 === 1 ? 4 : 2) * phi(u);
    const fb = b.apply(Math.sqrt(rb) * u);
    let inner = 0;
    for (let j = 0; j <= nv; j++) {
      const v = -L + j * hv;
      inner += hv * phi(v) * a.apply(Math.sqrt(ra) * (rho * u + q * v));
    }
    ea += wu * inner;
    eb += wu * fb;
    eab += wu * fb * inner;
  }
  return eab - ea * eb;
}
