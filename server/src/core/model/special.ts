/**
 * Special functions for Gaussian expectations: the error function and the standard normal
 * density and distribution function. JavaScript has no Math.erf, so erf and erfc follow
 * W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969)
 * 631-638, in the form of his CALERF routine (Netlib SPECFUN, public domain): three rational
 * approximations on |x| <= 0.46875, 0.46875 < |x| <= 4 and |x| > 4, each accurate to better than
 * double precision. erfc is computed directly (not as 1 - erf) beyond 0.46875, so it keeps full
 * relative accuracy deep in the tail; exp(-x^2) is evaluated as exp(-x0^2) exp(-(x - x0)(x + x0))
 * with x0 = x rounded down to a multiple of 1/16, which avoids the rounding error of forming x^2.
 * Measured against mpmath (test/unit/activations.test.ts): relative error below 4e-16.
 */

/** 1/sqrt(pi) */
const INV_SQRT_PI = 0.56418958354775628695;
/** 1/sqrt(2 pi) */
export const INV_SQRT_2PI = 0.3989422804014326779399461;
/** 1/sqrt(2) */
const SQRT1_2 = 0.7071067811865475244008444;

const A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131,
  881.95222124176909, 1712.04761263407058, 2051.07837782607147, 1230.33935479799725,
  2.15311535474403846e-8,
];
const D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019,
  3290.79923573345963, 4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
];
const P = [
  0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766,
  6.58749161529837803e-4, 0.0163153871373020978,
];
const Q = [2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];

/** Below this |x|, erf(x) = 2x/sqrt(pi) to double precision (and x^2 would only lose accuracy). */
const X_SMALL = 1.11e-16;
/** Above this x, erfc(x) underflows to 0. */
const X_BIG = 26.543;

/** erf(x) / x-free kernel for |x| <= 0.46875: erf(x) = x * smallKernel(x^2). */
function smallKernel(ysq: number): number {
  let num = A[4] * ysq;
  let den = ysq;
  for (let i = 0; i < 3; i++) {
    num = (num + A[i]) * ysq;
    den = (den + B[i]) * ysq;
  }
  return (num + A[3]) / (den + B[3]);
}

/** erfc(y) for y > 0.46875. */
function erfcPositive(y: number): number {
  let result: number;
  if (y <= 4) {
    let num = C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + C[i]) * y;
      den = (den + D[i]) * y;
    }
    result = (num + C[7]) / (den + D[7]);
  } else {
    if (y >= X_BIG) return 0;
    const ysq = 1 / (y * y);
    let num = P[5] * ysq;
    let den = ysq;
    for (let i = 0; i < 4; i++) {
      num = (num + P[i]) * ysq;
      den = (den + Q[i]) * ysq;
    }
    result = (ysq * (num + P[4])) / (den + Q[4]);
    result = (INV_SQRT_PI - result) / y;
  }
  // exp(-y^2) without the rounding error of y*y: y0 = trunc(16 y)/16 has an exactly
  // representable square, and (y - y0)(y + y0) is small.
  const y0 = Math.trunc(y * 16) / 16;
  const del = (y - y0) * (y + y0);
  return Math.exp(-y0 * y0) * Math.exp(-del) * result;
}

/** The error function erf(x) = (2/sqrt(pi)) int_0^x exp(-t^2) dt. */
export function erf(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.46875) {
    return x * smallKernel(y > X_SMALL ? y * y : 0);
  }
  if (Number.isNaN(x)) return NaN;
  const r = 0.5 - erfcPositive(y) + 0.5;
  return x < 0 ? -r : r;
}

/** The complementary error function erfc(x) = 1 - erf(x), accurate relative to itself for large x. */
export function erfc(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.46875) {
    return 1 - x * smallKernel(y > X_SMALL ? y * y : 0);
  }
  if (Number.isNaN(x)) return NaN;
  const r = erfcPositive(y);
  return x < 0 ? 2 - r : r;
}

/** Standard normal density phi(z). */
export function normalPdf(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

/** Standard normal distribution function Phi(z) = P(N(0, 1) <= z), accurate in both tails. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z * SQRT1_2);
}
