/**
 * What `rainbow predict` prints: the JSON of spec-format.md (`--json`) or readable tables.
 */
import type { PredictionResult } from '../core/prediction';
import { formatNumber as f, table } from './table';

/** The output contract of spec-format.md, plus documented extra fields; eigenvalues only on request. */
export function predictionJson(result: PredictionResult, withEigenvalues: boolean): unknown {
  const { layers, ...rest } = result;
  return {
    ...rest,
    layers: layers.map(({ eigenvalues, ...layer }) => (withEigenvalues ? { ...layer, eigenvalues } : layer)),
  };
}

export function predictionTables(result: PredictionResult): string {
  const sweep = result.sweep;
  const sweepColumn = sweep ? [sweep.parameter] : [];
  const sweepCell = (v: number | undefined): string[] => (sweep ? [f(v)] : []);
  const out: string[] = [];
  out.push(`${result.title}: p = ${result.features} features, seed ${result.seed}, ridge convention "${result.convention}"`);
  out.push('');
  out.push(
    table(
      [...sweepColumn, 'layer', 'width', 'activation', 'r (pre-act. var.)', 'kappa0', 'kappa1', 'kappaStar', 'eig min', 'eig mean', 'eig max'],
      result.layers.map((l) => [
        ...sweepCell(l.sweepValue),
        l.id + (l.linearization === 'perNeuron' ? ' (per neuron)' : ''),
        String(l.width),
        l.activationLabel,
        f(l.preactivationVariance),
        f(l.kappa0),
        f(l.kappa1),
        f(l.kappaStar),
        f(l.spectrum.min),
        f(l.spectrum.mean),
        f(l.spectrum.max),
      ]),
    ),
  );
  if (result.teacherLayers.length > 0) {
    out.push('');
    out.push(
      table(
        [...sweepColumn, 'teacher layer', 'width', 'activation', 'r (pre-act. var.)', 'kappa0', 'kappa1', 'kappaStar'],
        result.teacherLayers.map((l) => [...sweepCell(l.sweepValue), l.id, String(l.width), l.activation, f(l.preactivationVariance), f(l.kappa0), f(l.kappa1), f(l.kappaStar)]),
      ),
    );
  }
  out.push('');
  out.push(`target: E[y^2] = ${f(result.target.variance)}, label-noise variance = ${f(result.target.noiseVariance)}`);
  out.push('');
  const lambdaHeader = result.optimalLambda ? 'optimal lambda' : 'lambda';
  out.push(
    table(
      [...sweepColumn, 'n', lambdaHeader, 'test error', 'generalisation', 'train error', 'kappa'],
      result.points.map((p) => [
        ...sweepCell(p.sweepValue),
        String(p.n),
        f(p.lambda) + (p.lambdaAtBracketEdge ? ' (bracket edge)' : ''),
        p.status === 'ok' ? f(p.testError) : p.status,
        f(p.generalizationError),
        f(p.trainError),
        f(p.effectiveRegularization),
      ]),
    ),
  );
  return out.join('\n');
}
