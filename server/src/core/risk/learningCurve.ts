/**
 * The sweep over sample sizes and penalties: every (n, lambda) point is O(p) work on the one
 * spectrum, and each kappa solve is warm-started from the previous n at the same lambda.
 */
import { fromSumConvention, toSumConvention, type RidgeChoice, type RidgeConvention } from '../model/types';
import { optimalRidge } from './optimalRidge';
import { predictRisk, type RiskInputs, type RiskPoint } from './testError';

export interface CurvePoint extends RiskPoint {
  /** The penalty in the spec's own convention (RiskPoint.lambda is in the sum convention). */
  reportedLambda: number;
  /** Set on optimal-ridge points: whether the optimum lies on the edge of the searched bracket. */
  atBracketEdge?: boolean;
}

/**
 * The points of every ridge choice (fixed penalties and 'optimal'), n outer and choices inner in
 * the order the spec lists them.
 */
export function ridgeCurves(inputs: RiskInputs, samples: readonly number[], choices: readonly RidgeChoice[], convention: RidgeConvention): CurvePoint[] {
  const fixedPoints = learningCurve(inputs, samples, fixedPenalties(choices), convention);
  const optimalPoints = choices.includes('optimal') ? optimalCurve(inputs, samples, convention) : [];
  return mergeCurves(samples, choices, fixedPoints, optimalPoints);
}

export function fixedPenalties(choices: readonly RidgeChoice[]): number[] {
  return choices.filter((c): c is number => c !== 'optimal');
}

/** Interleaves the fixed-penalty points (n outer) and the optimal points (one per n) in the spec's order. */
export function mergeCurves(samples: readonly number[], choices: readonly RidgeChoice[], fixedPoints: readonly CurvePoint[], optimalPoints: readonly CurvePoint[]): CurvePoint[] {
  const fixed = fixedPenalties(choices);
  const out: CurvePoint[] = [];
  samples.forEach((_, i) => {
    let k = 0;
    for (const c of choices) out.push(c === 'optimal' ? (optimalPoints[i] as CurvePoint) : (fixedPoints[i * fixed.length + k++] as CurvePoint));
  });
  return out;
}

/** Points in the order n outer, lambda inner (the order of spec-format.md's `points`). */
export function learningCurve(inputs: RiskInputs, samples: readonly number[], lambdas: readonly number[], convention: RidgeConvention): CurvePoint[] {
  const p = inputs.omega.length;
  const grid: CurvePoint[][] = samples.map(() => []);
  lambdas.forEach((lambda) => {
    let guess: number | undefined;
    samples.forEach((n, i) => {
      const point = predictRisk(inputs, n, toSumConvention(lambda, convention, n, p), guess);
      if (point.status === 'ok') guess = point.effectiveRegularization;
      (grid[i] as CurvePoint[]).push({ ...point, reportedLambda: lambda });
    });
  });
  return grid.flat();
}

export function optimalCurve(inputs: RiskInputs, samples: readonly number[], convention: RidgeConvention): CurvePoint[] {
  const p = inputs.omega.length;
  let trace = 0;
  for (const w of inputs.omega) trace += w;
  return samples.map((n) => {
    const point = optimalRidge(inputs, n, trace / p);
    return { ...point, reportedLambda: fromSumConvention(point.lambda, convention, n, p) };
  });
}
