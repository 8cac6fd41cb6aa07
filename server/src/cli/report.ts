/**
 * The readable tables `rainbow predict` and `rainbow simulate` print (the `--json` output is the
 * core's serializer, core/output.ts).
 */
import type { PredictionResult, SimulationResult } from '../core';
import { formatNumber as f, printable, table } from './table';

export function predictionTables(result: PredictionResult): string {
  const sweep = result.sweep;
  const sweepColumn = sweep ? [sweepHeader(sweep.parameter)] : [];
  const sweepCell = (v: number | undefined): string[] => (sweep ? [f(v)] : []);
  const out: string[] = [];
  out.push(`${printable(result.title)}: p = ${result.features} features, seed ${result.seed}, ridge convention "${result.convention}"`);
  if (sweep) out.push(`sweep over ${printable(sweep.parameter)}: ${sweep.values.join(', ')}`);
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
  out.push(validityTables(result));
  out.push('');
  const lambdaHeader = 'lambda';
  out.push(
    table(
      [...sweepColumn, 'n', lambdaHeader, 'test error', 'generalisation', 'train error', 'kappa'],
      result.points.map((p) => [
        ...sweepCell(p.sweepValue),
        String(p.n),
        f(p.lambda) + (p.optimal ? (p.lambdaAtBracketEdge ? ' (optimal, bracket edge)' : ' (optimal)') : ''),
        p.status === 'ok' ? f(p.testError) : p.status,
        f(p.generalizationError),
        f(p.trainError),
        f(p.effectiveRegularization),
      ]),
    ),
  );
  return out.join('\n');
}

/**
 * The prediction's tables, then theory beside simulation per (n, lambda): the simulated mean with
 * its standard error std / sqrt(R), and z = (simulated - predicted) / standard error.
 */
export function simulationTables(result: SimulationResult): string {
  const out = [predictionTables(result), ''];
  const points = result.simulation;
  const first = points[0];
  if (!first) return out.join('\n');
  const sweep = result.sweep;
  const evaluation =
    first.testEvaluation === 'population'
      ? 'test error: exact expectation over the test distribution'
      : `test error on ${first.testSamples ?? 0} fresh samples per repetition`;
  const inputs =
    first.inputs === 'gaussian' ? 'Gaussian inputs' : first.inputs === 'rows-without-replacement' ? 'data rows drawn without replacement' : 'data rows drawn with replacement';
  out.push(`Monte-Carlo simulation: ${first.repeats} repetitions, ${inputs}, ${evaluation}; simulated: mean +- s.e. (standard error of the mean = standard deviation / sqrt(${first.repeats}); the JSON gives the standard deviation)`);
  out.push('');
  const se = (std: number | null, r: number): number | null => (std === null ? null : std / Math.sqrt(r));
  const withError = (mean: number | null, std: number | null, r: number): string => {
    const e = se(std, r);
    return e === null ? f(mean, 4) : `${f(mean, 4)} +- ${f(e, 2)}`;
  };
  out.push(
    table(
      [...(sweep ? [sweepHeader(sweep.parameter)] : []), 'n', 'lambda', 'test (theory)', 'test (simulated +- s.e.)', 'z', 'train (theory)', 'train (simulated +- s.e.)'],
      points.map((p) => {
        const e = se(p.testErrorStd, p.repeats);
        const z = p.testError !== null && p.predictedTestError !== null && e !== null && e > 0 ? (p.testError - p.predictedTestError) / e : null;
        return [
          ...(sweep ? [f(p.sweepValue)] : []),
          String(p.n),
          f(p.lambda) + (p.optimal ? ' (optimal)' : ''),
          f(p.predictedTestError, 4),
          withError(p.testError, p.testErrorStd, p.repeats),
          z === null ? '—' : z.toFixed(1),
          f(p.predictedTrainError, 4),
          withError(p.trainError, p.trainErrorStd, p.repeats),
        ];
      }),
    ),
  );
  return out.join('\n');
}

/**
 * The diagnostics of the theory's assumptions per layer (c = p Tr(H^2)/(Tr H)^2, the spread of the
 * per-neuron variances, the non-linear share) and the warnings they call for, once per distinct text.
 */
function validityTables(result: PredictionResult): string {
  const sweep = result.sweep;
  const out: string[] = [];
  const dims = [...new Set(result.validity.map((v) => f(v.inputEffectiveDimension)))];
  const shares = result.validity.flatMap((v) => (v.linearTargetShare === undefined ? [] : [f(v.linearTargetShare)]));
  out.push(
    `validity: input effective dimension (Tr Omega0)^2/Tr(Omega0^2) = ${dims.join(', ')}` +
      (shares.length > 0 ? `; share of E[y^2] explained linearly by the input = ${[...new Set(shares)].join(', ')}` : ''),
  );
  out.push('');
  out.push(
    table(
      [...(sweep ? [sweepHeader(sweep.parameter)] : []), 'layer', 'moments', 'c = p Tr(H^2)/(Tr H)^2', 'variance spread', 'non-linear share'],
      result.validity.flatMap((v) =>
        v.layers.map((l) => [
          ...(sweep ? [f(v.sweepValue)] : []),
          (l.role === 'teacher' ? 'teacher ' : '') + l.id,
          l.moments,
          f(l.preactivationCorrelation),
          f(l.varianceSpread),
          f(l.nonlinearShare),
        ]),
      ),
    ),
  );
  const messages = [...new Set(result.validity.flatMap((v) => v.warnings.map((w) => `${w.severity} [${w.code}] ${w.message}`)))];
  if (messages.length > 0) out.push('', ...messages);
  return out.join('\n');
}

/** The swept field's name as a column header ("/teacher/noise" -> "noise"); the full pointer is printed above the tables. */
function sweepHeader(pointer: string): string {
  return pointer.split('/').pop() || pointer;
}
