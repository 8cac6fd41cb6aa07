/**
 * Gaussian expectations of the activations: Hermite coefficients (theory.md section 4) and the
 * centred cross moments of two activations of jointly Gaussian pre-activations (section 5).
 *
 * With N ~ N(0, r) write N = sqrt(r) Z and s = gain * sqrt(r), so sigma(gain N) = sigma(s Z):
 *   kappa0 = E sigma(s Z),  kappa1 = E[N sigma(gain N)] / r = E[Z sigma(s Z)] / sqrt(r),
 *   kappaStar2 = E sigma^2 - kappa0^2 - r kappa1^2.
 * Closed forms are used for linear, relu, sign, erf and sin; tanh, sigmoid, gelu, silu and softplus
 * use the composite normal quadrature of quadrature.ts (accurate to ~1e-15 for any s, see there).
 * kappaStar2 is computed as E[(sigma - kappa0 - kappa1 N)^2], the squared residual of the linear
 * part, which is non-negative by construction and avoids the cancellation of the defining
 * difference when s is small (there kappaStar2 ~ s^6 while E sigma^2 ~ s^2).
 */

import type { Activation, ActivationName } from './activations';
import { softplus } from './activations';
import { centredOscillatingRule, centredRule, NormalRule, NormalRuleBuilder } from './quadrature';
import { erf, INV_SQRT_2PI, normalCdf, normalPdf } from './special';

export interface HermiteCoefficients {
  /** r, the pre-activation variance */
  variance: number;
  /** E sigma(N), N ~ N(0, r) */
  kappa0: number;
  /** E[N sigma(N)] / r */
  kappa1: number;
  /** E sigma(N)^2 (uncentred) */
  secondMoment: number;
  /** E sigma^2 - kappa0^2 - r kappa1^2 (>= 0) */
  kappaStar2: number;
  /**
   * E (sigma(N) - kappa0)^2 = secondMoment - kappa0^2, computed without that cancellation
   * (the diagonal of the per-neuron linearisation, theory.md section 4).
   */
  centredSecondMoment: number;
}

const TWO_OVER_PI = 2 / Math.PI;
const TWO_OVER_SQRT_PI = 1.1283791670955125739;
const SQRT1_2 = 0.7071067811865475244;

/**
 * Activations whose steepest part has unit width in their argument (poles of tanh, sigmoid, silu,
 * softplus at distance pi/2 or pi from the real axis; fast growth of erf, gelu off the axis).
 * sigma(s z) then has width 1/|s| in z, which sets the grading of the quadrature at 0.
 * relu, sign and linear are piecewise polynomial: the split at 0 is all they need.
 */
const UNIT_WIDTH_STEP: ReadonlySet<ActivationName> = new Set<ActivationName>([
  'tanh',
  'sigmoid',
  'gelu',
  'silu',
  'softplus',
  'erf',
]);

function sharpnessOf(name: ActivationName, s: number): number {
  return UNIT_WIDTH_STEP.has(name) ? Math.abs(s) : 0;
}

function frequencyOf(name: ActivationName, s: number): number {
  return name === 'sin' ? Math.abs(s) : 0;
}

function checkVariance(r: number, what = 'pre-activation variance'): void {
  if (typeof r !== 'number' || !Number.isFinite(r) || r < 0) {
    throw new Error(`${what} must be a finite non-negative number, got ${String(r)}`);
  }
}

function coefficients(
  variance: number,
  kappa0: number,
  kappa1: number,
  secondMoment: number,
  kappaStar2: number,
  centredSecondMoment: number,
): HermiteCoefficients {
  return {
    variance,
    kappa0,
    kappa1,
    secondMoment,
    kappaStar2: Math.max(0, kappaStar2),
    centredSecondMoment: Math.max(0, centredSecondMoment),
  };
}

/** asin(t) - t for 0 <= t <= 1 given t = 2 s2 / (1 + 2 s2), without cancellation at small t. */
function asinMinusT(s2: number, t: number): number {
  if (t === 0) return 0;
  if (t < 0.5) {
    // sum_{k>=1} a_k t^(2k+1) / (2k+1), a_k = (2k)! / (4^k k!^2)
    const t2 = t * t;
    let a = 1;
    let power = t;
    let sum = 0;
    for (let k = 1; k < 200; k++) {
      a *= (2 * k - 1) / (2 * k);
      power *= t2;
      const term = (a * power) / (2 * k + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return sum;
  }
  // asin(t) = atan(t / sqrt(1 - t^2)) = atan(2 s2 / sqrt(1 + 4 s2)), accurate as t -> 1.
  return Math.atan2(2 * s2, Math.sqrt(1 + 4 * s2)) - t;
}

/** sinh(u) - u without cancellation at small u. */
function sinhMinusU(u: number): number {
  if (u < 1) {
    const u2 = u * u;
    let term = u;
    let sum = 0;
    for (let k = 1; k < 40; k++) {
      term *= u2 / ((2 * k) * (2 * k + 1));
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return sum;
  }
  return Math.sinh(u) - u;
}

/** Exact coefficients for r > 0 (theory.md section 6), or undefined when only quadrature applies. */
function closedFormCoefficients(act: Activation, r: number, s: number): HermiteCoefficients | undefined {
  const g = act.gain;
  const s2 = s * s;
  switch (act.name) {
    case 'linear':
      return coefficients(r, 0, g, s2, 0, s2);
    case 'relu': {
      // E relu(sZ) = |s|/sqrt(2 pi), E[Z relu(sZ)] = s/2, E relu(sZ)^2 = s^2/2.
      const kappa0 = Math.abs(s) * INV_SQRT_2PI;
      return coefficients(r, kappa0, g / 2, s2 / 2, s2 * (0.25 - 0.5 / Math.PI), s2 * (0.5 - 0.5 / Math.PI));
    }
    case 'sign': {
      if (s === 0) return coefficients(r, 0, 0, 0, 0, 0);
      // E[Z sign(sZ)] = sign(s) E|Z| = sign(s) sqrt(2/pi).
      const kappa1 = (Math.sign(g) * Math.sqrt(TWO_OVER_PI)) / Math.sqrt(r);
      return coefficients(r, 0, kappa1, 1, 1 - TWO_OVER_PI, 1);
    }
    case 'erf': {
      // E[Z erf(sZ)] = s (2/sqrt(pi)) / sqrt(1 + 2 s^2); E erf(sZ)^2 = (2/pi) asin(2 s^2 / (1 + 2 s^2));
      // r kappa1^2 = (2/pi) t with t = 2 s^2 / (1 + 2 s^2).
      const t = (2 * s2) / (1 + 2 * s2);
      const second = TWO_OVER_PI * Math.atan2(2 * s2, Math.sqrt(1 + 4 * s2));
      const kappa1 = (g * TWO_OVER_SQRT_PI) / Math.sqrt(1 + 2 * s2);
      return coefficients(r, 0, kappa1, second, TWO_OVER_PI * asinMinusT(s2, t), second);
    }
    case 'sin': {
      // E[Z sin(sZ)] = s e^{-s^2/2}; E sin(sZ)^2 = (1 - e^{-2 s^2})/2 = e^{-u} sinh(u), u = s^2;
      // kappaStar2 = e^{-u} (sinh(u) - u).
      const u = s2;
      const second = -0.5 * Math.expm1(-2 * u);
      const kappaStar2 = u < 1 ? Math.exp(-u) * sinhMinusU(u) : second - u * Math.exp(-u);
      return coefficients(r, 0, g * Math.exp(-0.5 * u), second, kappaStar2, second);
    }
    default:
      return undefined;
  }
}

const ODD: ReadonlySet<ActivationName> = new Set<ActivationName>(['tanh', 'erf', 'sign', 'linear', 'sin']);

let values = new Float64Array(512);
const ruleBuilder = new NormalRuleBuilder();

/**
 * sigmoid and softplus sit on an offset sigma(0) = 1/2, log 2; their quadrature integrates
 * sigma(x) - sigma(0), computed without that cancellation, so that the residual
 * sigma - kappa0 - kappa1 N keeps its relative accuracy when r is small.
 */
const OFFSET_FORMS: Partial<Record<ActivationName, { offset: number; centred: (x: number) => number }>> = {
  sigmoid: { offset: 0.5, centred: (x) => 0.5 * Math.tanh(0.5 * x) },
  softplus: {
    offset: Math.LN2,
    // log(1 + e^x) - log 2 = log1p((e^x - 1)/2)
    centred: (x) => (Math.abs(x) < 1 ? Math.log1p(0.5 * Math.expm1(x)) : softplus(x) - Math.LN2),
  },
};

/** Coefficients by quadrature on the composite rule (any activation, r > 0). */
function quadratureCoefficients(act: Activation, r: number, s: number): HermiteCoefficients {
  const rule = centredOscillatingRule(sharpnessOf(act.name, s), frequencyOf(act.name, s), ruleBuilder);
  const { nodes, weights, length } = rule;
  if (values.length < length) values = new Float64Array(2 * length);
  const sr = Math.sqrt(r);
  const form = OFFSET_FORMS[act.name];
  const offset = form === undefined ? 0 : form.offset;
  const g = act.gain;
  const sigma = form === undefined ? act.apply : (h: number) => form.centred(g * h);
  // f = sigma(g sqrt(r) z) - offset
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i < length; i++) {
    const f = sigma(sr * nodes[i]);
    values[i] = f;
    m0 += weights[i] * f;
    m1 += weights[i] * nodes[i] * f;
    m2 += weights[i] * f * f;
  }
  // kappa0 = offset + m0; m1 = E[Z sigma] = sqrt(r) kappa1 (the offset adds sum w z = 0).
  // The rule is symmetric, so for an odd sigma m0 is rounding only: make it exactly 0, as
  // theory.md section 4 has it (centring changes nothing for odd activations).
  if (ODD.has(act.name)) m0 = 0;
  let centred = 0;
  let residual = 0;
  for (let i = 0; i < length; i++) {
    const d = values[i] - m0;
    const e = d - m1 * nodes[i];
    centred += weights[i] * d * d;
    residual += weights[i] * e * e;
  }
  const second = offset === 0 ? m2 : offset * offset + 2 * offset * m0 + m2;
  return coefficients(r, offset + m0, m1 / sr, second, residual, centred);
}

/** r = 0: N = 0, kappa1 is the limit of E[N sigma(N)]/r, i.e. the derivative sigma'(0). */
function zeroVarianceCoefficients(act: Activation): HermiteCoefficients {
  const g = act.gain;
  const value = act.apply(0);
  let slope: number;
  switch (act.name) {
    case 'sign':
      if (g !== 0) {
        throw new Error(
          `the pre-activation variance of ${act.label} is zero: kappa1 = E[N sign(N)]/r is infinite`,
        );
      }
      slope = 0;
      break;
    case 'relu':
      slope = g / 2; // lim E[N relu(N)]/r
      break;
    case 'erf':
      slope = g * TWO_OVER_SQRT_PI;
      break;
    case 'sigmoid':
      slope = g / 4;
      break;
    case 'gelu':
    case 'silu':
    case 'softplus':
      slope = g / 2;
      break;
    default: // tanh, linear, sin
      slope = g;
  }
  return coefficients(0, value, slope, value * value, 0, 0);
}

function checkResult(act: Activation, r: number, h: HermiteCoefficients): HermiteCoefficients {
  const { kappa0, kappa1, secondMoment, kappaStar2 } = h;
  if (![kappa0, kappa1, secondMoment, kappaStar2].every(Number.isFinite)) {
    throw new Error(`Hermite coefficients of ${act.label} are not finite at pre-activation variance ${r}`);
  }
  return h;
}

function scaleOf(act: Activation, r: number): number {
  const s = act.gain * Math.sqrt(r);
  if (!Number.isFinite(s)) {
    throw new Error(`gain * sqrt(variance) overflows for ${act.label} at pre-activation variance ${r}`);
  }
  return s;
}

/** Hermite coefficients of sigma(gain h) at pre-activation variance r (theory.md section 4). */
export function hermiteCoefficients(act: Activation, variance: number): HermiteCoefficients {
  checkVariance(variance);
  if (variance === 0) return zeroVarianceCoefficients(act);
  const s = scaleOf(act, variance);
  const exact = closedFormCoefficients(act, variance, s);
  return checkResult(act, variance, exact ?? quadratureCoefficients(act, variance, s));
}

/**
 * The same coefficients by quadrature only, for every activation (closed forms not used); serves to
 * validate the quadrature against the closed forms.
 */
export function quadratureHermiteCoefficients(act: Activation, variance: number): HermiteCoefficients {
  checkVariance(variance);
  if (variance === 0) return zeroVarianceCoefficients(act);
  return checkResult(act, variance, quadratureCoefficients(act, variance, scaleOf(act, variance)));
}

// ---------------------------------------------------------------------------------------------
// Cross moments

/** Activations with a closed form for E sigma(m + v Z), Z ~ N(0, 1) (sigma without gain). */
const SMOOTHABLE: ReadonlySet<ActivationName> = new Set<ActivationName>(['linear', 'relu', 'sign', 'erf', 'sin', 'gelu']);

/** E sigma(m + v Z) for sigma in SMOOTHABLE (without gain), v > 0. */
function smoothedUnit(name: ActivationName, m: number, v: number): number {
  switch (name) {
    case 'linear':
      return m;
    case 'relu': {
      const t = m / v;
      return m * normalCdf(t) + v * normalPdf(t);
    }
    case 'sign':
      return erf((m / v) * SQRT1_2);
    case 'erf':
      return erf(m / Math.sqrt(1 + 2 * v * v));
    case 'sin':
      return Math.sin(m) * Math.exp(-0.5 * v * v);
    case 'gelu': {
      // E[(m + vZ) Phi(m + vZ)] = m Phi(m/w) + (v^2/w) phi(m/w), w = sqrt(1 + v^2).
      const w = Math.sqrt(1 + v * v);
      const t = m / w;
      return m * normalCdf(t) + ((v * v) / w) * normalPdf(t);
    }
    default:
      throw new Error(`no closed-form Gaussian smoothing for ${name}`);
  }
}

/** Width^-1 of the steepest part of z -> E sigma(slope z + v Z) at z = 0. */
function smoothedSharpness(name: ActivationName, slope: number, v: number): number {
  switch (name) {
    case 'relu':
    case 'sign':
      return Math.abs(slope) / v;
    case 'erf':
      return Math.abs(slope) / Math.sqrt(1 + 2 * v * v);
    case 'gelu':
    case 'tanh':
    case 'sigmoid':
    case 'silu':
    case 'softplus':
      return Math.abs(slope) / Math.sqrt(1 + v * v);
    default: // linear, sin (sin oscillates: see frequencyOf)
      return 0;
  }
}

/** Distance from |rho| = 1 (8 units in the last place) below which the pair is fully correlated. */
const RHO_SNAP = 8 * Number.EPSILON / 2;

const outerBuilder = new NormalRuleBuilder();
const innerBuilder = new NormalRuleBuilder();

function outerRule(sharpness: number, frequency: number): NormalRule {
  return centredOscillatingRule(sharpness, frequency, outerBuilder);
}

/**
 * Centred cross moment E[(sigma_a(N) - kappa0_a)(sigma_b(M) - kappa0_b)] for (N, M) jointly
 * Gaussian with variances ra, rb and covariance c (|c| <= sqrt(ra rb)). Used for kappaCheck2 of
 * theory.md section 5 (kappaCheck2 = crossMoment - c kappa1_a kappa1_b).
 *
 * Method: N = sqrt(ra) Z1, M = sqrt(rb) (rho Z1 + q Z2), rho = c / sqrt(ra rb), q = sqrt(1 - rho^2).
 * The inner expectation over Z2 is the Gaussian smoothing of sigma_b, in closed form for linear,
 * relu, sign, erf, sin and gelu (the roles of a and b are swapped when only a has one), otherwise
 * by quadrature split at sigma_b's step; the outer expectation over Z1 uses the composite rule
 * split at 0, graded for the sharper of sigma_a and the smoothed sigma_b. |rho| = 1 (a layer
 * shared with the teacher; also |rho| within 8 ulps of 1) reduces to a one-dimensional integral. linear-anything uses Stein's
 * lemma: E[g N sigma_b(M)] = g c kappa1_b.
 */
export function centredCrossMoment(a: Activation, b: Activation, ra: number, rb: number, c: number): number {
  checkVariance(ra, 'variance ra');
  checkVariance(rb, 'variance rb');
  if (typeof c !== 'number' || !Number.isFinite(c)) throw new Error(`covariance must be finite, got ${String(c)}`);
  // sqrt(ra rb) is exact for ra = rb (no over- or underflow), so c = r gives rho = 1 exactly.
  const product = ra * rb;
  const bound = product > 1e-300 && product < 1e300 ? Math.sqrt(product) : Math.sqrt(ra) * Math.sqrt(rb);
  if (Math.abs(c) > bound * (1 + 1e-9)) {
    throw new Error(`covariance ${c} exceeds sqrt(ra rb) = ${bound}: not a valid Gaussian pair`);
  }
  // A zero variance or zero gain makes one centred factor identically 0; c = 0 makes them independent.
  if (c === 0 || ra === 0 || rb === 0 || a.gain === 0 || b.gain === 0) return 0;
  if (a.name === 'linear') return a.gain * c * hermiteCoefficients(b, rb).kappa1;
  if (b.name === 'linear') return b.gain * c * hermiteCoefficients(a, ra).kappa1;

  // |rho| within a few rounding errors of 1 is a fully correlated pair (a shared layer whose c and
  // r were summed in different orders). Snapping matters for sign, whose cross moment
  // (2/pi) asin(rho) moves by sqrt(1 - rho): 1e-8 for 1 - rho = 1e-16.
  let rho = c / bound;
  if (Math.abs(rho) >= 1 - RHO_SNAP) rho = rho > 0 ? 1 : -1;
  const kappa0a = hermiteCoefficients(a, ra).kappa0;
  const kappa0b = hermiteCoefficients(b, rb).kappa0;
  if (rho === 1 || rho === -1) return fullyCorrelated(a, b, ra, rb, rho, kappa0a, kappa0b);
  if (SMOOTHABLE.has(b.name)) return smoothedInner(a, b, ra, rb, rho, kappa0a, kappa0b);
  if (SMOOTHABLE.has(a.name)) return smoothedInner(b, a, rb, ra, rho, kappa0b, kappa0a);
  return quadratureInner(a, b, ra, rb, rho, kappa0a, kappa0b);
}

/** M = rho sqrt(rb/ra) N with rho = +-1: E[(sigma_a(sqrt(ra) Z) - k0a)(sigma_b(+-sqrt(rb) Z) - k0b)]. */
function fullyCorrelated(
  a: Activation,
  b: Activation,
  ra: number,
  rb: number,
  rho: number,
  kappa0a: number,
  kappa0b: number,
): number {
  const sqa = Math.sqrt(ra);
  const sqb = rho * Math.sqrt(rb);
  const sa = a.gain * sqa;
  const sb = b.gain * sqb;
  const rule = outerRule(
    Math.max(sharpnessOf(a.name, sa), sharpnessOf(b.name, sb)),
    Math.max(frequencyOf(a.name, sa), frequencyOf(b.name, sb)),
  );
  const { nodes, weights, length } = rule;
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const z = nodes[i];
    sum += weights[i] * (a.apply(sqa * z) - kappa0a) * (b.apply(sqb * z) - kappa0b);
  }
  return sum;
}

/** Inner expectation over Z2 in closed form: G(z) = E sigma_b(gain_b sqrt(rb) (rho z + q Z2)). */
function smoothedInner(
  a: Activation,
  b: Activation,
  ra: number,
  rb: number,
  rho: number,
  kappa0a: number,
  kappa0b: number,
): number {
  const sqa = Math.sqrt(ra);
  const sa = a.gain * sqa;
  const q = Math.sqrt((1 - rho) * (1 + rho));
  const slope = b.gain * Math.sqrt(rb) * rho; // mean of b's argument per unit z
  const v = Math.abs(b.gain) * Math.sqrt(rb) * q; // its standard deviation given z
  const rule = outerRule(
    Math.max(sharpnessOf(a.name, sa), smoothedSharpness(b.name, slope, v)),
    Math.max(frequencyOf(a.name, sa), frequencyOf(b.name, slope)),
  );
  const { nodes, weights, length } = rule;
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const z = nodes[i];
    sum += weights[i] * (a.apply(sqa * z) - kappa0a) * (smoothedUnit(b.name, slope * z, v) - kappa0b);
  }
  return sum;
}

/** Both activations without closed-form smoothing (tanh, sigmoid, silu, softplus): 2-D quadrature. */
function quadratureInner(
  a: Activation,
  b: Activation,
  ra: number,
  rb: number,
  rho: number,
  kappa0a: number,
  kappa0b: number,
): number {
  const sqa = Math.sqrt(ra);
  const sqb = Math.sqrt(rb);
  const sa = a.gain * sqa;
  const q = Math.sqrt((1 - rho) * (1 + rho));
  const slope = b.gain * sqb * rho;
  const v = Math.abs(b.gain) * sqb * q;
  const outer = outerRule(Math.max(sharpnessOf(a.name, sa), smoothedSharpness(b.name, slope, v)), 0);
  const unitRule = centredRule(0);
  const bRho = sqb * rho;
  const bQ = sqb * q;
  let sum = 0;
  for (let i = 0; i < outer.length; i++) {
    const z1 = outer.nodes[i];
    // sigma_b(sqrt(rb) (rho z1 + q z2)) steps at z2 = -rho z1 / q with width 1/v in z2.
    const inner = v <= 1 ? unitRule : innerBuilder.build((-rho * z1) / q, 1 / v, 1);
    const shift = bRho * z1;
    let g = 0;
    for (let j = 0; j < inner.length; j++) g += inner.weights[j] * b.apply(shift + bQ * inner.nodes[j]);
    sum += outer.weights[i] * (a.apply(sqa * z1) - kappa0a) * (g - kappa0b);
  }
  return sum;
}

// ---------------------------------------------------------------------------------------------
// Hermite series (exact moments, theory.md section 5b)

const seriesBuilder = new NormalRuleBuilder();

/**
 * b_k = E[sigma(gain sqrt(r) Z) He_k(Z)] for k = 0..order (probabilists' Hermite polynomials,
 * He_{k+1} = z He_k - k He_{k-1}), on the same composite rule as the coefficients. b_0 = kappa0 and
 * b_1 = sqrt(r) kappa1. Mehler's formula then gives the centred covariance of two jointly Gaussian
 * pre-activations with correlation rho as sum_{k>=1} b_k(i) b_k(j) rho^k / k!.
 */
export function hermiteSeries(act: Activation, variance: number, order: number): Float64Array {
  checkVariance(variance);
  const b = new Float64Array(order + 1);
  if (variance === 0) {
    b[0] = act.apply(0);
    return b;
  }
  const s = scaleOf(act, variance);
  const rule = centredOscillatingRule(sharpnessOf(act.name, s), frequencyOf(act.name, s), seriesBuilder);
  const sr = Math.sqrt(variance);
  for (let i = 0; i < rule.length; i++) {
    const z = rule.nodes[i] as number;
    const f = (rule.weights[i] as number) * act.apply(sr * z);
    let previous = 1;
    let current = z;
    b[0] += f;
    if (order >= 1) b[1] += f * z;
    for (let k = 1; k < order; k++) {
      const next = z * current - k * previous;
      previous = current;
      current = next;
      b[k + 1] += f * current;
    }
  }
  if (ODD.has(act.name)) for (let k = 0; k <= order; k += 2) b[k] = 0;
  return b;
}
