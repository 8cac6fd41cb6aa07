/**
 * One eigendecomposition per spec (theory.md section 3): the eigenvalues of Omega and the squared
 * projections of psi on its eigenvectors are all the risk formula needs, for every (n, lambda).
 * Also checks that the joint moment matrix [[Omega, psi], [psi^T, sigma2]] is positive
 * semi-definite; otherwise the formula is meaningless (theory.md section 2).
 */
import type { LayerCovariance } from './layerCovariance';
import type { RiskInputs } from '../risk/testError';

export interface SpectrumSummary {
  min: number;
  max: number;
  mean: number;
}

export type FeatureSpectrum =
  | { ok: true; inputs: RiskInputs; summary: SpectrumSummary }
  | { ok: false; reason: string };

/** Relative tolerance for eigenvalues counted as zero or negative (rounding of O(p^3) products). */
const PSD_TOLERANCE = 1e-9;
/**
 * Relative tolerance of the Schur complement sigma2 - psi^T Omega^+ psi: exactly 0 for a noiseless
 * well-specified target, where small eigenvalues amplify rounding in psiTilde^2 / omega.
 */
const SCHUR_TOLERANCE = 1e-6;

export function summarize(values: Float64Array): SpectrumSummary {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, max, mean: sum / values.length };
}

export function featureSpectrum(omega: LayerCovariance, psi: Float64Array, sigma2: number, noiseVariance: number): FeatureSpectrum {
  const { values, projections2, converged } = omega.spectrum([psi]);
  if (!converged) return { ok: false, reason: 'the eigendecomposition of the feature covariance did not converge' };
  const psiTilde2 = projections2[0] as Float64Array;
  const summary = summarize(values);
  const scale = Math.max(Math.abs(summary.max), Math.abs(summary.min));
  if (summary.min < -PSD_TOLERANCE * scale) {
    return { ok: false, reason: `the feature covariance Omega is not positive semi-definite (smallest eigenvalue ${summary.min.toPrecision(4)})` };
  }
  // Schur complement of Omega in the joint moment matrix: sigma2 - psi^T Omega^+ psi >= 0, and psi
  // must lie in the range of Omega.
  let explained = 0;
  let outside = 0;
  let psiNorm2 = 0;
  for (let i = 0; i < values.length; i++) {
    const w = values[i] as number;
    const q = psiTilde2[i] as number;
    psiNorm2 += q;
    if (w > PSD_TOLERANCE * scale) explained += q / w;
    else outside += q;
  }
  if (outside > PSD_TOLERANCE * Math.max(psiNorm2, sigma2) || sigma2 - explained < -SCHUR_TOLERANCE * Math.max(sigma2, explained)) {
    return {
      ok: false,
      reason:
        `the joint moment matrix [[Omega, psi], [psi^T, sigma2]] is not positive semi-definite ` +
        `(E[y^2] = ${sigma2.toPrecision(6)} is smaller than the part the features explain, ${explained.toPrecision(6)}); ` +
        `are the covariance, the data and the labels from the same sample?`,
    };
  }
  return { ok: true, inputs: { omega: values, psiTilde2, sigma2, noiseVariance }, summary };
}
