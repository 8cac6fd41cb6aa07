/**
 * The part of the pipeline that the prediction and the Monte-Carlo simulation share for one
 * resolved experiment: draw the weights, run the layer recursion, diagonalise Omega. A generator,
 * so that callers can report progress and stop between stages.
 */
import type { LayerCovariance } from './model/layerCovariance';
import { computeMoments, type FeatureMoments } from './model/moments';
import { featureSpectrum, type SpectrumSummary } from './model/spectrum';
import type { ExperimentModel } from './model/types';
import { realizeWeights, type WeightTable } from './model/weights';
import { ProblemError } from './problems';
import type { RiskInputs } from './risk/testError';

export type Stage = 'load' | 'weights' | 'moments' | 'spectrum' | 'curve' | 'optimal' | 'simulation';

export interface Analysis {
  weights: WeightTable;
  moments: FeatureMoments;
  /** Eigenvalues of Omega with the squared projections of psi, and sigma2: the risk formula's inputs. */
  risk: RiskInputs;
  summary: SpectrumSummary;
}

/** Yields the name of each stage before running it; throws ProblemError for a meaningless moment matrix. */
export function* analyse(model: ExperimentModel): Generator<Stage, Analysis> {
  yield 'weights';
  const weights = realizeWeights([...model.student, ...(model.target.kind === 'network' ? model.target.layers : [])], model.seed);
  yield 'moments';
  const moments = computeMoments(model, weights);
  yield 'spectrum';
  const omega = moments.layerCovariances[moments.layerCovariances.length - 1] as LayerCovariance;
  const spectrum = featureSpectrum(omega, moments.psi, moments.sigma2, moments.noiseVariance);
  if (!spectrum.ok) {
    throw new ProblemError({
      code: 'moments/not-psd',
      severity: 'error',
      message: spectrum.reason,
      file: model.sources.teacher.file,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      pointer: model.sources.teacher.pointer,
    });
  }
  return { weights, moments, risk: spectrum.inputs, summary: spectrum.summary };
}
