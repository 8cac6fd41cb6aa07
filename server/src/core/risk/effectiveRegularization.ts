/**
 * The effective regularisation kappa of the deterministic equivalent ([P] Theorem 3.1, Eq. 12;
 * theory.md section 3), sum convention:
 *
 *     kappa = lambda/n + (kappa/n) * sum_i omega_i / (omega_i + kappa)
 *
 * Solved for K = n * kappa through the cancellation-free form
 *
 *     F(K) = K (1 - p/n) + (K^2/n) * sum_i 1/(n omega_i + K) - lambda = 0,
 *
 * F(lambda) <= 0, F(lambda + sum omega) >= 0, and F'' = (2/n) sum (n omega)^2/(n omega + K)^3 >= 0,
 * so F is convex on the bracket and its root is unique. Newton steps are kept inside the bracket
 * (bisection otherwise), and the bracket shrinks with the sign of F, so the solve always ends;
 * a cap on iterations turns a pathological case into a reported status, never a hang.
 */

export interface KappaSolution {
  /** kappa (not K): the effective regularisation in the units of Omega. */
  kappa: number;
  iterations: number;
  converged: boolean;
}

export const MAX_KAPPA_ITERATIONS = 200;

/**
 * @param omega eigenvalues of Omega (any order, all >= 0)
 * @param n number of training samples
 * @param lambda ridge penalty in the sum convention (> 0)
 * @param guess optional warm start for kappa (e.g. the neighbouring sweep point)
 */
/** What the solve needs to know of a spectrum besides its values. */
interface SpectrumFacts {
  trace: number;
  min: number;
  max: number;
}

/**
 * Facts by spectrum: a learning curve solves hundreds of times with one spectrum, and each would
 * otherwise cost one more pass over it. Spectra are results, never modified.
 */
const facts = new WeakMap<Float64Array, SpectrumFacts>();

function factsOf(omega: Float64Array): SpectrumFacts {
  let f = facts.get(omega);
  if (f === undefined) {
    f = { trace: 0, min: Infinity, max: -Infinity };
    for (let i = 0; i < omega.length; i++) {
      const w = omega[i] as number;
      f.trace += w;
      f.min = Math.min(f.min, w);
      f.max = Math.max(f.max, w);
    }
    facts.set(omega, f);
  }
  return f;
}

export function solveKappa(omega: Float64Array, n: number, lambda: number, guess?: number): KappaSolution {
  const p = omega.length;
  const traceOmega = factsOf(omega).trace;
  let lo = lambda;
  let hi = lambda + traceOmega;
  // Newton on a convex F converges monotonically from the right end of the bracket.
  let K = guess !== undefined && guess * n > lo && guess * n < hi ? guess * n : hi;

  for (let iteration = 1; iteration <= MAX_KAPPA_ITERATIONS; iteration++) {
    const [s1, s2] = resolventSums(omega, n, K); // sum 1/(n omega + K), sum 1/(n omega + K)^2
    const F = K * (1 - p / n) + ((K * K) / n) * s1 - lambda;
    const dF = 1 - p / n + ((2 * K) / n) * s1 - ((K * K) / n) * s2;
    if (F > 0) hi = K;
    else lo = K;
    let next = dF > 0 ? K - F / dF : NaN;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    const step = Math.abs(next - K);
    K = next;
    if (step <= 1e-15 * K || hi - lo <= 4e-16 * hi) return { kappa: K / n, iterations: iteration, converged: true };
  }
  return { kappa: K / n, iterations: MAX_KAPPA_ITERATIONS, converged: false };
}

/**
 * sum_i 1/(n omega_i + K) and sum_i 1/(n omega_i + K)^2, the Newton step's only O(p) work. The loop
 * is bound by the throughput of division, so two terms share one: 1/x = y/(x y) and 1/y = x/(x y)
 * (one division and three products for two reciprocals, within 2 ulp; 30% faster here). That
 * needs x y neither to overflow nor to underflow, which the extreme terms tell for all of them;
 * otherwise (or if a term is not positive) each term gets its own division.
 */
export function resolventSums(omega: Float64Array, n: number, K: number): [number, number] {
  const p = omega.length;
  const { min, max } = factsOf(omega);
  let s1 = 0;
  let s2 = 0;
  let i = 0;
  if (n * min + K > 1e-150 && n * max + K < 1e150) {
    for (; i + 1 < p; i += 2) {
      const x = n * (omega[i] as number) + K;
      const y = n * (omega[i + 1] as number) + K;
      const r = 1 / (x * y);
      const a = y * r;
      const b = x * r;
      s1 += a + b;
      s2 += a * a + b * b;
    }
  }
  for (; i < p; i++) {
    const a = 1 / (n * (omega[i] as number) + K);
    s1 += a;
    s2 += a * a;
  }
  return [s1, s2];
}
