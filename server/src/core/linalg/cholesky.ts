/**
 * Cholesky factorisation A = L L^T of a symmetric positive definite matrix and the matching
 * solves, used for ridge fits (F^T F + lambda I) w = F^T y.
 *
 * Row-oriented (Cholesky-Crout): entry (i, j) of L needs the dot product of rows i and j of L over
 * columns 0..j-1, both contiguous in row-major storage. The solves likewise only ever walk rows of L.
 */
import { Matrix, zeros } from "./matrix";

/** Dot product of x[xo .. xo+len) and y[yo .. yo+len) with four partial sums (shorter add chains). */
function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += x[xo + k] * y[yo + k];
    s1 += x[xo + k + 1] * y[yo + k + 1];
    s2 += x[xo + k + 2] * y[yo + k + 2];
    s3 += x[xo + k + 3] * y[yo + k + 3];
  }
  for (; k < len; k++) s0 += x[xo + k] * y[yo + k];
  return s0 + s1 + (s2 + s3);
}

/**
 * The lower triangular L with positive diagonal and L L^T = A, reading only the lower triangle of a
 * (a is not modified); undefined if A is not (numerically) positive definite, that is if a pivot is
 * not strictly positive, or if a has non-finite entries.
 */
export function choleskyFactor(a: Matrix): Matrix | undefined {
  const n = a.rows;
  if (a.cols !== n) throw new RangeError(`choleskyFactor: matrix is ${a.rows}x${a.cols}, not square`);
  const l = zeros(n, n);
  const ld = l.data;
  const ad = a.data;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      ld[ri + j] = (ad[ri + j] - dot(ld, ri, ld, rj, j)) / ld[rj + j];
    }
    const pivot = ad[ri + i] - dot(ld, ri, ld, ri, i);
    // Also rejects NaN, which would otherwise propagate silently.
    if (!(pivot > 0) || !Number.isFinite(pivot)) return undefined;
    ld[ri + i] = Math.sqrt(pivot);
  }
  return l;
}

/** Solves L L^T x = b for a vector b, or L L^T X = B column by column for a matrix B. */
export function choleskySolve(l: Matrix, b: Float64Array): Float64Array;
export function choleskySolve(l: Matrix, b: Matrix): Matrix;
export function choleskySolve(l: Matrix, b: Matrix | Float64Array): Matrix | Float64Array {
  const n = l.rows;
  if (l.cols !== n) throw new RangeError(`choleskySolve: factor is ${l.rows}x${l.cols}, not square`);
  const isVector = b instanceof Float64Array;
  const q = isVector ? 1 : b.cols;
  const rows = isVector ? b.length : b.rows;
  if (rows !== n) throw new RangeError(`choleskySolve: right-hand side has ${rows} rows, factor is ${n}x${n}`);
  // x is n x q row-major; a vector is the case q = 1.
  const x = Float64Array.from(isVector ? b : b.data);
  const ld = l.data;
  // Forward substitution L y = b: row i of Y is (b_i - sum_{k<i} L[i][k] y_k) / L[i][i].
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const xi = i * q;
    for (let k = 0; k < i; k++) {
      const lik = ld[ri + k];
      if (lik === 0) continue;
      const xk = k * q;
      for (let c = 0; c < q; c++) x[xi + c] -= lik * x[xk + c];
    }
    const inv = 1 / ld[ri + i];
    for (let c = 0; c < q; c++) x[xi + c] *= inv;
  }
  // Back substitution L^T x = y by rows of L: once x_i is final, remove L[i][k] x_i from rows k < i.
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    const xi = i * q;
    const inv = 1 / ld[ri + i];
    for (let c = 0; c < q; c++) x[xi + c] *= inv;
    for (let k = 0; k < i; k++) {
      const lik = ld[ri + k];
      if (lik === 0) continue;
      const xk = k * q;
      for (let c = 0; c < q; c++) x[xk + c] -= lik * x[xi + c];
    }
  }
  return isVector ? x : { rows: n, cols: q, data: x };
}
