/**
 * Deterministic equivalent of the ridge test and training errors ([P] Theorem 3.1, Eq. 12;
 * theory.md section 3), sum convention. Everything about the network and the target enters
 * through the spectrum of Omega, the squared projections of psi on its eigenvectors, and sigma2.
 */
import { solveKappa } from './effectiveRegularization';

/** What the risk formula needs of the features and the target (theory.md section 2). */
export interface RiskInputs {
  /** Eigenvalues omega_i of Omega = E[phi phi^T]. */
  omega: Float64Array;
  /** Squared projections psiTilde_i^2 = (u_i . psi)^2, psi = E[phi y]. */
  psiTilde2: Float64Array;
  /** sigma2 = E[y^2], label noise included. */
  sigma2: number;
  /** s^2, the label-noise variance (generalizationError = testError - s^2). */
  noiseVariance: number;
}

export type PointStatus = 'ok' | 'not-converged' | 'non-finite';

export interface RiskPoint {
  n: number;
  /** Ridge penalty in the sum convention. */
  lambda: number;
  testError: number;
  generalizationError: number;
  trainError: number;
  /** kappa of theory.md section 3. */
  effectiveRegularization: number;
  /** df2 = (1/n) sum omega^2/(omega + kappa)^2, < 1 for lambda > 0. */
  df2: number;
  iterations: number;
  status: PointStatus;
}

export function predictRisk(inputs: RiskInputs, n: number, lambda: number, kappaGuess?: number): RiskPoint {
  const { omega, psiTilde2, sigma2, noiseVariance } = inputs;
  const solution = solveKappa(omega, n, lambda, kappaGuess);
  const kappa = solution.kappa;
  let df1Residual = 0; // sum omega/(omega + kappa)^2
  let df2Sum = 0; // sum omega^2/(omega + kappa)^2
  let explained = 0; // sum psiTilde^2 (omega + 2 kappa)/(omega + kappa)^2
  for (let i = 0; i < omega.length; i++) {
    const w = omega[i] as number;
    const inv = 1 / (w + kappa);
    const inv2 = inv * inv;
    df1Residual += w * inv2;
    df2Sum += w * w * inv2;
    explained += (psiTilde2[i] as number) * (w + 2 * kappa) * inv2;
  }
  // At the root, 1 - df2 = lambda/(n kappa) + (kappa/n) sum omega/(omega+kappa)^2: a sum of positive
  // terms, free of the cancellation that 1 - df2 suffers near the interpolation peak.
  const oneMinusDf2 = lambda / (n * kappa) + (kappa / n) * df1Residual;
  const testError = (sigma2 - explained) / oneMinusDf2;
  const trainFactor = lambda / (n * kappa);
  const trainError = trainFactor * trainFactor * testError;
  const finite = Number.isFinite(testError) && Number.isFinite(trainError) && Number.isFinite(kappa);
  return {
    n,
    lambda,
    testError,
    generalizationError: testError - noiseVariance,
    trainError,
    effectiveRegularization: kappa,
    df2: df2Sum / n,
    iterations: solution.iterations,
    status: !solution.converged ? 'not-converged' : finite ? 'ok' : 'non-finite',
  };
}
