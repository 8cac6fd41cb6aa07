/**
 * Exact test error of a fitted readout when only the fit is random: with the population moments of
 * the actual features and targets, Omega = E[phi phi^T], psi = E[phi f], E[f^2],
 *
 *     E (y - w . phi(x))^2 = E f^2 - 2 w . psi + w^T Omega w + s^2      (theory.md section 2),
 *
 * which replaces the average over testSamples fresh samples by its expectation. Available when these
 * moments are known exactly:
 *  - Gaussian inputs through networks whose activations are all linear (student, and teacher
 *    network if any): the features are linear in x and the prediction's moments are exact
 *    (theory.md section 6, "Linear activations");
 *  - data specs: the population is the finite set of rows, and the moments are averages over all
 *    of them of the features the simulation computes.
 */
import type { Matrix } from '../linalg/matrix';
import { multiply, transposeGram, transposeMatVec } from '../linalg/products';
import { zeros } from '../linalg/matrix';
import type { FeatureMoments } from '../model/moments';
import type { ExperimentModel } from '../model/types';
import { forEachBlock, type SimulatedExperiment } from './dataset';
import { rowStream } from './inputs';

export interface PopulationMoments {
  /** E[phi phi^T] of the centred features (p x p). */
  omega: Matrix;
  /** E[phi f], f the noise-free target. */
  psi: Float64Array;
  /** E[f^2]. */
  targetSquare: number;
  /** s^2. */
  noiseVariance: number;
}

/** The prediction's moments when they are exact: Gaussian inputs and linear activations throughout. */
export function exactLinearMoments(model: ExperimentModel, moments: FeatureMoments): PopulationMoments | undefined {
  if (model.inputSamples) return undefined;
  const linear = (layers: readonly { activation: { name: string } }[]): boolean => layers.every((l) => l.activation.name === 'linear');
  if (!linear(model.student)) return undefined;
  if (model.target.kind === 'network' && !linear(model.target.layers)) return undefined;
  if (model.target.kind === 'data') return undefined;
  const omega = moments.layerCovariances[moments.layerCovariances.length - 1];
  if (!omega) return undefined;
  return { omega: omega.matrix(), psi: moments.psi, targetSquare: moments.sigma2 - moments.noiseVariance, noiseVariance: moments.noiseVariance };
}

/** Averages over every row of the data matrix x (N x d) of the simulated features and targets. */
export function dataRowMoments(experiment: SimulatedExperiment, x: Matrix): PopulationMoments {
  const total = x.rows;
  const p = experiment.features;
  const all = Int32Array.from({ length: total }, (_, i) => i);
  const omega = zeros(p, p);
  const psi = new Float64Array(p);
  let targetSquare = 0;
  forEachBlock(experiment, total, rowStream(x, all), all, (features, targets) => {
    const g = transposeGram(features);
    for (let i = 0; i < g.data.length; i++) omega.data[i] = (omega.data[i] as number) + (g.data[i] as number);
    const c = transposeMatVec(features, targets);
    for (let i = 0; i < p; i++) psi[i] = (psi[i] as number) + (c[i] as number);
    for (let i = 0; i < targets.length; i++) targetSquare += (targets[i] as number) ** 2;
  });
  for (let i = 0; i < omega.data.length; i++) omega.data[i] = (omega.data[i] as number) / total;
  for (let i = 0; i < p; i++) psi[i] = (psi[i] as number) / total;
  const s = experiment.label.noise;
  return { omega, psi, targetSquare: targetSquare / total, noiseVariance: s * s };
}

/**
 * E (f - w . phi)^2 (noise excluded) for each column w of `weights` (p x L). The quadratic form is
 * evaluated as w^T (Omega w), one p x p x L product for all penalties.
 */
export function cleanPopulationErrors(m: PopulationMoments, weights: Matrix): Float64Array {
  const p = weights.rows;
  const count = weights.cols;
  const ow = multiply(m.omega, weights);
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    let quadratic = 0;
    let cross = 0;
    for (let i = 0; i < p; i++) {
      const w = weights.data[i * count + k] as number;
      quadratic += w * (ow.data[i * count + k] as number);
      cross += w * (m.psi[i] as number);
    }
    // Never below 0: a rounding-level negative value of a near-perfect fit is reported as 0.
    out[k] = Math.max(0, m.targetSquare - 2 * cross + quadratic);
  }
  return out;
}
