/**
 * Optimal ridge: the lambda minimising the predicted test error at a given n (theory.md section 3).
 * Search over t = log(lambda) on the bracket [1e-8, 1e8] * n * trace(Omega)/p (sum convention; the
 * factor n makes it the bracket [1e-8, 1e8] * trace(Omega)/p of the mean-convention penalty):
 * a coarse log grid finds the basin of the global minimum, golden-section search refines it.
 */
import { predictRisk, type RiskInputs, type RiskPoint } from './testError';

export const OPTIMAL_RIDGE_DECADES = { below: 8, above: 8 } as const;
const GRID_POINTS_PER_DECADE = 4;
const LOG_TOLERANCE = 1e-9;

export interface OptimalRidgePoint extends RiskPoint {
  /** True when the minimum sits on the edge of the searched bracket (the optimum may lie beyond it). */
  atBracketEdge: boolean;
}

export function optimalRidge(inputs: RiskInputs, n: number, traceOverP: number): OptimalRidgePoint {
  const scale = n * (traceOverP > 0 ? traceOverP : 1);
  const tMin = Math.log(scale) - OPTIMAL_RIDGE_DECADES.below * Math.LN10;
  const tMax = Math.log(scale) + OPTIMAL_RIDGE_DECADES.above * Math.LN10;
  const gridSize = (OPTIMAL_RIDGE_DECADES.below + OPTIMAL_RIDGE_DECADES.above) * GRID_POINTS_PER_DECADE + 1;
  const step = (tMax - tMin) / (gridSize - 1);

  let kappaGuess: number | undefined;
  const evaluate = (t: number): RiskPoint => {
    const point = predictRisk(inputs, n, Math.exp(t), kappaGuess);
    if (point.status === 'ok') kappaGuess = point.effectiveRegularization;
    return point;
  };
  const value = (p: RiskPoint): number => (p.status === 'ok' ? p.testError : Infinity);

  let bestIndex = 0;
  let best = evaluate(tMin);
  for (let k = 1; k < gridSize; k++) {
    const point = evaluate(tMin + k * step);
    if (value(point) < value(best)) {
      best = point;
      bestIndex = k;
    }
  }
  if (value(best) === Infinity) return { ...best, atBracketEdge: false };

  // Golden-section search on [t(best) - step, t(best) + step], clipped to the bracket.
  let a = tMin + Math.max(0, bestIndex - 1) * step;
  let b = tMin + Math.min(gridSize - 1, bestIndex + 1) * step;
  const invPhi = (Math.sqrt(5) - 1) / 2;
  let c = b - invPhi * (b - a);
  let d = a + invPhi * (b - a);
  let pc = evaluate(c);
  let pd = evaluate(d);
  while (b - a > LOG_TOLERANCE) {
    if (value(pc) <= value(pd)) {
      b = d;
      d = c;
      pd = pc;
      c = b - invPhi * (b - a);
      pc = evaluate(c);
    } else {
      a = c;
      c = d;
      pc = pd;
      d = a + invPhi * (b - a);
      pd = evaluate(d);
    }
  }
  const refined = value(pc) <= value(pd) ? pc : pd;
  const chosen = value(refined) <= value(best) ? refined : best;
  return { ...chosen, atBracketEdge: bestIndex === 0 || bestIndex === gridSize - 1 };
}
