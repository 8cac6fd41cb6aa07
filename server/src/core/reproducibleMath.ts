/**
 * exp and log that give the same bits on every JavaScript engine.
 *
 * `Math.exp`, `Math.log` and `Math.pow` are only required to be approximations (ECMA-262
 * section 21.3.2), and engines differ in the last bits: Node 20 and Chromium disagree on many
 * inputs. Everything that must be bit-identical across engines (the random draws, their tables,
 * a power-law covariance) uses these instead. They are built only from operations that IEEE 754
 * rounds exactly (+ - * /, comparisons, Math.floor, and reading or writing the bits of a double),
 * so each step has one correct result and every engine computes the same one.
 *
 * The algorithms are fdlibm's (Sun Microsystems, 1993; e_exp.c and e_log.c, as kept in FreeBSD's
 * msun), written again here: argument reduction by k ln 2 with ln 2 split in a high part with
 * trailing zero bits and a low part, then a minimax polynomial on the reduced interval (Remez
 * coefficients published with fdlibm). Both are accurate to less than 1 ulp.
 */

/** The bits of one double, with an explicit byte order (a typed-array alias would follow the platform's). */
const bits = new DataView(new ArrayBuffer(8));

function highWord(x: number): number {
  bits.setFloat64(0, x);
  return bits.getInt32(0);
}

/** x with its high 32 bits replaced (the low 32 bits kept). */
function withHighWord(x: number, high: number): number {
  bits.setFloat64(0, x);
  bits.setInt32(0, high);
  return bits.getFloat64(0);
}

/** 2^k for an integer k in [-1022, 1023], exactly. */
function powerOfTwo(k: number): number {
  bits.setInt32(0, (k + 1023) << 20);
  bits.setInt32(4, 0);
  return bits.getFloat64(0);
}

// ln 2 = LN2_HI + LN2_LO; LN2_HI has 32 trailing zero bits, so k * LN2_HI is exact for |k| < 2^20.
const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700;

// e_exp.c: R(r^2) ~ r (e^r + 1) / (e^r - 1) on |r| <= ln2 / 2, error below 2^-59.
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;

const EXP_OVERFLOW = 7.09782712893383973096e2;
const EXP_UNDERFLOW = -7.45133219101941108420e2;

/** e^x, the same bits on every engine (fdlibm's e_exp.c). */
export function exp(x: number): number {
  if (x !== x) return x;
  if (x > EXP_OVERFLOW) return Infinity;
  if (x < EXP_UNDERFLOW) return 0;
  if (Math.abs(x) < 3.725290298461914e-9) return 1 + x; // |x| < 2^-28: e^x = 1 + x to the last bit
  // x = k ln2 + r, |r| <= ln2 / 2, with r carried as hi - lo.
  const k = Math.floor(x * INV_LN2 + 0.5);
  const hi = x - k * LN2_HI;
  const lo = k * LN2_LO;
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const y = 1 - (lo - (r * c) / (2 - c) - hi);
  // y * 2^k; below 2^-1022 in two exact-exponent steps (the second one rounds once, as a subnormal).
  if (k >= -1021) return k === 1024 ? y * 2 * powerOfTwo(1023) : y * powerOfTwo(k);
  return y * powerOfTwo(k + 1000) * powerOfTwo(-1000);
}

// e_log.c: R(s^2) ~ (log(1 + f) - 2s) / s with s = f / (2 + f), error below 2^-58.45.
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;
const TWO54 = 1.80143985094819840000e16;

/** Natural logarithm, the same bits on every engine (fdlibm's e_log.c). */
export function log(x: number): number {
  if (x !== x || x < 0) return NaN;
  if (x === 0) return -Infinity;
  if (x === Infinity) return x;
  let k = 0;
  if (x < 2.2250738585072014e-308) {
    // Subnormal: scale into the normal range first.
    k -= 54;
    x *= TWO54;
  }
  let hx = highWord(x);
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  // Normalise the mantissa to x or x / 2 in [sqrt(2)/2, sqrt(2)), so that f = x - 1 is small.
  const i = (hx + 0x95f64) & 0x100000;
  x = withHighWord(x, hx | (i ^ 0x3ff00000));
  k += i >> 20;
  const f = x - 1;
  const dk = k;
  if ((0x000fffff & (2 + hx)) < 3) {
    // -2^-20 <= f < 2^-20: a short series.
    if (f === 0) return k === 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const r = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - r : dk * LN2_HI - (r - dk * LN2_LO - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const r = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    // The mantissa is far from 1: subtract half of f^2 separately for accuracy.
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + r)) : dk * LN2_HI - (hfsq - (s * (hfsq + r) + dk * LN2_LO) - f);
  }
  return k === 0 ? f - s * (f - r) : dk * LN2_HI - (s * (f - r) - dk * LN2_LO - f);
}

/** x^y for x > 0 as e^(y log x): reproducible, with a relative error of about |y log x| ulp. */
export function powPositive(x: number, y: number): number {
  return exp(y * log(x));
}
