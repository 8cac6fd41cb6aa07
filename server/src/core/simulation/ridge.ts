/**
 * Ridge readouts of one training set for several penalties, sum convention (theory.md section 1):
 *
 *     w = (F^T F + lambda I)^-1 F^T y = F^T (F F^T + lambda I)^-1 y.
 *
 * The smaller side is factored: the p x p Gram matrix G = F^T F when n >= p ("primal"), the n x n
 * kernel K = F F^T when n < p ("dual"). Either one eigendecomposition serves every lambda
 * (w = U diag(1/(g + lambda)) U^T F^T y), or one Cholesky factorisation per lambda; with few
 * penalties the Cholesky route is cheaper (measured: a full eigendecomposition with vectors costs
 * about 13 Cholesky factorisations at size 1000), so `auto` takes it for up to
 * CHOLESKY_MAX_PENALTIES penalties, and falls back to the eigendecomposition if a factorisation
 * fails (a penalty below rounding on a singular Gram matrix).
 *
 * Training error = (1/n) |y - F w|^2. In the dual form the residual is exactly lambda alpha with
 * alpha = (K + lambda I)^-1 y, so it needs no product and suffers no cancellation; in the primal
 * form it is computed from F w directly.
 */
import { choleskyFactor, choleskySolve } from '../linalg/cholesky';
import { symmetricEigen } from '../linalg/eigen';
import type { Matrix } from '../linalg/matrix';
import { zeros } from '../linalg/matrix';
import { addDiagonal, gram, multiply, transposeGram, transposeMatVec, transposeMultiply } from '../linalg/products';

export type RidgeMethod = 'auto' | 'eigen' | 'cholesky';

/** Up to this many penalties per training set, `auto` factors G + lambda I once per lambda. */
export const CHOLESKY_MAX_PENALTIES = 8;

export interface RidgeFits {
  /** p x L: column k is the readout w for lambdas[k]. */
  weights: Matrix;
  /** (1/n) sum_mu (y_mu - w . phi_mu)^2 for each lambda. */
  trainErrors: Float64Array;
  form: 'primal' | 'dual';
  /** The factorisation actually used (after any fallback). */
  method: 'eigen' | 'cholesky';
}

/** Fits for training features f (n x p) and labels y; builds G or K itself (tests, one-off fits). */
export function fitRidge(f: Matrix, y: Float64Array, lambdas: readonly number[], method: RidgeMethod = 'auto'): RidgeFits {
  return f.rows >= f.cols ? primalRidge(f, y, transposeGram(f), transposeMatVec(f, y), lambdas, method) : dualRidge(f, y, gram(f), lambdas, method);
}

/** n >= p: from G = F^T F and b = F^T y (given, so that callers can accumulate them over nested training sets). */
export function primalRidge(f: Matrix, y: Float64Array, g: Matrix, b: Float64Array, lambdas: readonly number[], method: RidgeMethod = 'auto'): RidgeFits {
  const p = g.rows;
  const count = lambdas.length;
  let used: 'eigen' | 'cholesky' = chooseMethod(method, count);
  let weights: Matrix | undefined;
  if (used === 'cholesky') {
    weights = zeros(p, count);
    for (let k = 0; k < count && weights; k++) {
      const l = choleskyFactor(addDiagonal(g, lambdas[k] as number));
      if (!l) weights = undefined;
      else setColumn(weights, k, choleskySolve(l, b));
    }
  }
  if (!weights) {
    used = 'eigen';
    weights = spectralSolve(g, b, lambdas); // w = U diag(1/(g_i + lambda)) U^T b
  }
  // Residuals y - F W for all penalties at once (n x L product).
  const fitted = multiply(f, weights);
  const n = f.rows;
  const trainErrors = new Float64Array(count);
  for (let i = 0; i < n; i++) {
    const yi = y[i] as number;
    const o = i * count;
    for (let k = 0; k < count; k++) {
      const r = yi - (fitted.data[o + k] as number);
      trainErrors[k] = (trainErrors[k] as number) + r * r;
    }
  }
  for (let k = 0; k < count; k++) trainErrors[k] = (trainErrors[k] as number) / n;
  return { weights, trainErrors, form: 'primal', method: used };
}

/** n < p: from the kernel K = F F^T; w = F^T alpha with alpha = (K + lambda I)^-1 y. */
export function dualRidge(f: Matrix, y: Float64Array, kernel: Matrix, lambdas: readonly number[], method: RidgeMethod = 'auto'): RidgeFits {
  const n = kernel.rows;
  const count = lambdas.length;
  let used: 'eigen' | 'cholesky' = chooseMethod(method, count);
  let alphas: Matrix | undefined;
  if (used === 'cholesky') {
    alphas = zeros(n, count);
    for (let k = 0; k < count && alphas; k++) {
      const l = choleskyFactor(addDiagonal(kernel, lambdas[k] as number));
      if (!l) alphas = undefined;
      else setColumn(alphas, k, choleskySolve(l, y));
    }
  }
  if (!alphas) {
    used = 'eigen';
    alphas = spectralSolve(kernel, y, lambdas);
  }
  // The training residual is y - K alpha = lambda alpha.
  const trainErrors = new Float64Array(count);
  for (let i = 0; i < n; i++) {
    const o = i * count;
    for (let k = 0; k < count; k++) {
      const r = (lambdas[k] as number) * (alphas.data[o + k] as number);
      trainErrors[k] = (trainErrors[k] as number) + r * r;
    }
  }
  for (let k = 0; k < count; k++) trainErrors[k] = (trainErrors[k] as number) / n;
  return { weights: transposeMultiply(f, alphas), trainErrors, form: 'dual', method: used };
}

function chooseMethod(method: RidgeMethod, penalties: number): 'eigen' | 'cholesky' {
  if (method !== 'auto') return method;
  return penalties <= CHOLESKY_MAX_PENALTIES ? 'cholesky' : 'eigen';
}

/**
 * Columns (A + lambda_k I)^-1 v for symmetric PSD A, from one eigendecomposition A = U diag(a) U^T.
 * Eigenvalues below zero by rounding are clipped (A is a Gram matrix). A non-converged
 * decomposition gives NaN columns, reported as failed points rather than wrong numbers.
 */
function spectralSolve(a: Matrix, v: Float64Array, lambdas: readonly number[]): Matrix {
  const m = a.rows;
  const count = lambdas.length;
  const { values, vectors, converged } = symmetricEigen(a);
  const c = transposeMatVec(vectors, v); // U^T v
  const scaled = zeros(m, count);
  for (let i = 0; i < m; i++) {
    const ai = Math.max(0, values[i] as number);
    const ci = c[i] as number;
    for (let k = 0; k < count; k++) scaled.data[i * count + k] = converged ? ci / (ai + (lambdas[k] as number)) : NaN;
  }
  return multiply(vectors, scaled);
}

function setColumn(m: Matrix, k: number, v: Float64Array): void {
  for (let i = 0; i < m.rows; i++) m.data[i * m.cols + k] = v[i] as number;
}
