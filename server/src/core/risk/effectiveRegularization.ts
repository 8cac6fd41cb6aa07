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
/**
 * trace(Omega) by spectrum: a learning curve solves hundreds of times with one spectrum, and the
 * sum would otherwise be one more pass over it per solve. Spectra are results, never modified.
 */
const traces = new WeakMap<Float64Array, number>();

function traceOf(omega: Float64Array): number {
  let trace = traces.get(omega);
  if (trace === undefined) {
    trace = 0;
    for (let i = 0; i < omega.length; i++) trace += omega[i] as number;
    traces.set(omega, trace);
  }
  return trace;
}

export function solveKappa(omega: Float64Array, n: number, lambda: number, guess?: number): KappaSolution {
  const p = omega.length;
  const traceOmega = traceOf(omega);
  let lo = lambda;
  let hi = lambda + traceOmega;
  // Newton on a convex F converges monotonically from the right end of the bracket.
  let K = guess !== undefined && guess * n > lo && guess * n < hi ? guess * n : hi;

  for (let iteration = 1; iteration <= MAX_KAPPA_ITERATIONS; iteration++) {
    let s1 = 0; // sum 1/(n omega + K)
    let s2 = 0; // sum 1/(n omega + K)^2
    for (let i = 0; i < p; i++) {
      const inv = 1 / (n * (omega[i] as number) + K);
      s1 += inv;
      s2 += inv * inv;
    }
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
