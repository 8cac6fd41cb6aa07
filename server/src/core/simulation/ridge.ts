/**
 * Ridge readouts of one training set for several penalties, sum convention (theory.md section 1):
 *
 *     w = (F^T F + lambda I)^-1 F^T y = F^T (F F^T + lambda I)^-1 y.
 *
 * The smaller side is factored: the p x p Gram matrix G = F^T F when n >= p ("primal"), the n x n
 * kernel K = F F^T when n < p ("dual"). Either one factorisation serves every lambda, or there is
 * one per lambda:
 *  - "tridiagonal": the Householder reduction G = Q T Q^T (the first, dominant half of an
 *    eigendecomposition, linalg/eigen.ts symmetricTridiagonalForm, on the WebAssembly kernels when
 *    available) serves all penalties, since (G + lambda I)^-1 b = Q (T + lambda I)^-1 Q^T b costs
 *    a tridiagonal solve per lambda on top of it, plus Q^T b and one product Q X for all lambdas.
 *    Eigenvectors are never formed; QL would cost several times the reduction;
 *  - "cholesky": one factorisation of G + lambda I per lambda.
 * Measured at sizes 500 and 1000 with the TypeScript kernels, the reduction costs two to three
 * Cholesky factorisations (the two break even at three penalties; on the WebAssembly kernels the
 * reduction with Q formed costs about one), so `auto` uses Cholesky for up to
 * CHOLESKY_MAX_PENALTIES penalties and the reduction beyond, and falls back to the reduction if a
 * Cholesky factorisation fails (a penalty below rounding on a singular Gram matrix).
 *
 * Training error = (1/n) |y - F w|^2. In the dual form the residual is exactly lambda alpha with
 * alpha = (K + lambda I)^-1 y, so it needs no product and suffers no cancellation; in the primal
 * form it is computed from F w directly.
 */
import { choleskyFactor, choleskySolve } from '../linalg/cholesky';
import { symmetricTridiagonalForm } from '../linalg/eigen';
import type { Matrix } from '../linalg/matrix';
import { zeros } from '../linalg/matrix';
import { addDiagonal, gram, matVec, multiply, transposeGram, transposeMatVec, transposeMultiply } from '../linalg/products';

export type RidgeMethod = 'auto' | 'tridiagonal' | 'cholesky';

/** Up to this many penalties per training set, `auto` factors G + lambda I once per lambda. */
export const CHOLESKY_MAX_PENALTIES = 2;

export interface RidgeFits {
  /** p x L: column k is the readout w for lambdas[k]. */
  weights: Matrix;
  /** (1/n) sum_mu (y_mu - w . phi_mu)^2 for each lambda. */
  trainErrors: Float64Array;
  form: 'primal' | 'dual';
  /** The factorisation actually used (after any fallback). */
  method: 'tridiagonal' | 'cholesky';
}

/** Fits for training features f (n x p) and labels y; builds G or K itself (tests, one-off fits). */
export function fitRidge(f: Matrix, y: Float64Array, lambdas: readonly number[], method: RidgeMethod = 'auto'): RidgeFits {
  return f.rows >= f.cols ? primalRidge(f, y, transposeGram(f), transposeMatVec(f, y), lambdas, method) : dualRidge(f, y, gram(f), lambdas, method);
}

/** n >= p: from G = F^T F and b = F^T y (given, so that callers can accumulate them over nested training sets). */
export function primalRidge(f: Matrix, y: Float64Array, g: Matrix, b: Float64Array, lambdas: readonly number[], method: RidgeMethod = 'auto'): RidgeFits {
  const count = lambdas.length;
  const { solutions: weights, used } = solveShifted(g, b, lambdas, method);
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
  const { solutions: alphas, used } = solveShifted(kernel, y, lambdas, method);
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

function chooseMethod(method: RidgeMethod, penalties: number): 'tridiagonal' | 'cholesky' {
  if (method !== 'auto') return method;
  return penalties <= CHOLESKY_MAX_PENALTIES ? 'cholesky' : 'tridiagonal';
}

/**
 * Columns (A + lambda_k I)^-1 v for every penalty (A = G in the primal form, K in the dual), by the
 * chosen factorisation; a Cholesky factorisation that fails sends all of them to the reduction.
 */
function solveShifted(
  a: Matrix,
  v: Float64Array,
  lambdas: readonly number[],
  method: RidgeMethod,
): { solutions: Matrix; used: 'tridiagonal' | 'cholesky' } {
  if (chooseMethod(method, lambdas.length) === 'cholesky') {
    const solutions = zeros(a.rows, lambdas.length);
    let failed = false;
    for (let k = 0; k < lambdas.length && !failed; k++) {
      const l = choleskyFactor(addDiagonal(a, lambdas[k] as number));
      if (!l) failed = true;
      else setColumn(solutions, k, choleskySolve(l, v));
    }
    if (!failed) return { solutions, used: 'cholesky' };
  }
  return { solutions: shiftedSolves(a, v, lambdas), used: 'tridiagonal' };
}

/**
 * Columns (A + lambda_k I)^-1 v for symmetric positive semi-definite A (lower triangle read), from
 * one reduction A = Q T Q^T: c = Q^T v, x_k = (T + lambda_k I)^-1 c, result Q X with X = [x_k] in
 * one matrix product. A shifted matrix that is not numerically positive definite (a penalty below
 * rounding) gives a NaN column, reported as a failed point rather than a wrong number.
 */
function shiftedSolves(a: Matrix, v: Float64Array, lambdas: readonly number[]): Matrix {
  const m = a.rows;
  const count = lambdas.length;
  const out = zeros(m, count);
  // The reduction requires finite entries; a non-finite Gram matrix (overflowing features) fails
  // every penalty, as the Cholesky path does.
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) if (!Number.isFinite(a.data[i * m + j] as number)) return { ...out, data: out.data.fill(NaN) };
  }
  const { diagonal, offDiagonal, qTransposed } = symmetricTridiagonalForm(a);
  const c = matVec(qTransposed, v);
  const x = new Float64Array(m);
  const pivots = new Float64Array(m);
  for (let k = 0; k < count; k++) {
    if (!shiftedTridiagonalSolve(diagonal, offDiagonal, lambdas[k] as number, c, x, pivots)) x.fill(NaN);
    for (let i = 0; i < m; i++) out.data[i * count + k] = x[i] as number;
  }
  return transposeMultiply(qTransposed, out);
}

/**
 * x = (T + lambda I)^-1 c for the symmetric tridiagonal T with diagonal d and e[i] coupling i-1
 * and i, by T + lambda I = L D L^T (L unit lower bidiagonal; stable without pivoting for a
 * positive definite matrix). False if a pivot is not positive. `pivots` is scratch of length m.
 */
function shiftedTridiagonalSolve(d: Float64Array, e: Float64Array, lambda: number, c: Float64Array, x: Float64Array, pivots: Float64Array): boolean {
  const m = d.length;
  if (m === 0) return true;
  // Forward: pivots D_i into `pivots`, y = L^-1 c into x.
  let pivot = (d[0] as number) + lambda;
  if (!(pivot > 0)) return false;
  x[0] = c[0] as number;
  pivots[0] = pivot;
  for (let i = 1; i < m; i++) {
    const ei = e[i] as number;
    const li = ei / pivot;
    pivot = (d[i] as number) + lambda - li * ei;
    if (!(pivot > 0)) return false;
    x[i] = (c[i] as number) - li * (x[i - 1] as number);
    pivots[i] = pivot;
  }
  // Back substitution: x_i = y_i / D_i - (e_{i+1} / D_i) x_{i+1}, with L's entries e_{i+1} / D_i.
  x[m - 1] = (x[m - 1] as number) / (pivots[m - 1] as number);
  for (let i = m - 2; i >= 0; i--) x[i] = ((x[i] as number) - (e[i + 1] as number) * (x[i + 1] as number)) / (pivots[i] as number);
  return true;
}

function setColumn(m: Matrix, k: number, v: Float64Array): void {
  for (let i = 0; i < m.rows; i++) m.data[i * m.cols + k] = v[i] as number;
}
