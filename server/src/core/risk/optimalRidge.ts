/**
 * Optimal ridge: the lambda minimising the predicted test error at a given n (theory.md section 3).
 * Search over t = log(lambda) on the bracket [1e-8, 1e8] * n * trace(Omega)/p (sum convention; the
 * factor n makes it the bracket [1e-8, 1e8] * trace(Omega)/p of the mean-convention penalty):
 * a coarse log grid (one point per decade) finds the basin of the global minimum, and Brent's
 * method (parabolic interpolation safeguarded by golden sections) refines it within the two
 * neighbouring decades: about 17 + 15 evaluations of the O(p) formula per n.
 */
import { predictRisk, type RiskInputs, type RiskPoint } from './testError';

export const OPTIMAL_RIDGE_DECADES = { below: 8, above: 8 } as const;
const GRID_POINTS_PER_DECADE = 1;
/**
 * Absolute tolerance on log(lambda). The test error is quadratic around its minimum, so rounding
 * in it (1e-16 relative) blurs log(lambda) by about 1e-8: asking for more only costs evaluations.
 */
const LOG_TOLERANCE = 1e-7;
const MAX_BRENT_ITERATIONS = 100;

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

  const a = tMin + Math.max(0, bestIndex - 1) * step;
  const b = tMin + Math.min(gridSize - 1, bestIndex + 1) * step;
  const refined = brentMinimum(evaluate, value, a, b, Math.log(best.lambda), best);
  const chosen = value(refined) <= value(best) ? refined : best;
  return { ...chosen, atBracketEdge: bestIndex === 0 || bestIndex === gridSize - 1 };
}

const GOLDEN = 0.3819660112501051; // (3 - sqrt(5)) / 2

/**
 * Brent's minimisation on [a, b] starting from x0 (R. P. Brent, Algorithms for Minimization
 * without Derivatives, 1973, chapter 5): returns the best point evaluated.
 */
function brentMinimum<P>(evaluate: (t: number) => P, value: (p: P) => number, lo: number, hi: number, x0: number, p0: P): P {
  let a = lo;
  let b = hi;
  let x = x0;
  let w = x0;
  let v = x0;
  let px = p0;
  let fx = value(p0);
  let fw = fx;
  let fv = fx;
  let d = 0;
  let e = 0;
  for (let iteration = 0; iteration < MAX_BRENT_ITERATIONS; iteration++) {
    const middle = 0.5 * (a + b);
    const tol1 = LOG_TOLERANCE;
    const tol2 = 2 * tol1;
    if (Math.abs(x - middle) <= tol2 - 0.5 * (b - a)) break;
    let golden = true;
    if (Math.abs(e) > tol1) {
      // Parabola through x, w, v.
      const r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      q = Math.abs(q);
      const eOld = e;
      e = d;
      if (Math.abs(p) < Math.abs(0.5 * q * eOld) && p > q * (a - x) && p < q * (b - x)) {
        d = p / q;
        const u = x + d;
        if (u - a < tol2 || b - u < tol2) d = middle >= x ? tol1 : -tol1;
        golden = false;
      }
    }
    if (golden) {
      e = x >= middle ? a - x : b - x;
      d = GOLDEN * e;
    }
    const u = Math.abs(d) >= tol1 ? x + d : x + (d > 0 ? tol1 : -tol1);
    const pu = evaluate(u);
    const fu = value(pu);
    if (fu <= fx) {
      if (u >= x) a = x;
      else b = x;
      v = w;
      fv = fw;
      w = x;
      fw = fx;
      x = u;
      fx = fu;
      px = pu;
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    }
  }
  return px;
}
