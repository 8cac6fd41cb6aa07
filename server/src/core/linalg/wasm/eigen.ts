/**
 * The symmetric eigenproblems of eigen.ts on the WebAssembly kernels: blocked Householder
 * tridiagonalisation (assembly/tridiagonal.ts), then implicit QL (assembly/ql.ts) with its rotations
 * applied either to the projected vectors Q^T v (eigenvalues and projections U^T v, no eigenvector
 * matrix) or to the rows of Q^T formed by blocked products (full eigendecomposition). Inputs are
 * validated by eigen.ts; results have the same form (ascending values, converged flag).
 *
 * Each function returns undefined when its arrays do not fit in the kernels' memory; the caller
 * then uses the TypeScript path.
 */
import type { EigenResult, EigenvaluesResult, TridiagonalForm } from "../eigen";
import type { Matrix } from "../matrix";
import { WasmKernels } from "./instance";
import { ascendingOrder } from "../order";

/** QL sweeps allowed per eigenvalue before giving up (as tridiagonalQL.ts). */
const MAX_SWEEPS_PER_EIGENVALUE = 60;
/** Rotations logged before they are applied (as tridiagonalQL.ts). */
const LOG_CAPACITY = 1 << 16;
/** ql's target: q vectors one after the other, or the rows of an n x n matrix. */
const QL_VECTORS = 0;
const QL_ROWS = 1;

/** Eigenvalues (ascending) of the symmetric a and the projections U^T v of each vector. */
export function symmetricEigenvalues(kernels: WasmKernels, a: Matrix, vectors: readonly Float64Array[]): EigenvaluesResult | undefined {
  const n = a.rows;
  const q = vectors.length;
  const k = kernels.exports;
  const work = Math.max(k.tridiagonaliseWorkDoubles(n), k.qlWorkDoubles(n, LOG_CAPACITY));
  const offsets = kernels.allocate(n * n, n, n, n, q * n, work);
  if (offsets === undefined) return undefined;
  const [pa, pd, pe, ptau, pr, pw] = offsets;
  kernels.write(pa, a.data);
  vectors.forEach((v, i) => kernels.write(pr + i * n * 8, v));
  let converged = true;
  if (n > 0) {
    k.tridiagonalise(n, pa, pd, pe, ptau, pw);
    if (q > 0) k.applyReflectors(n, pa, ptau, pr, q);
    converged = k.ql(n, pd, pe, pr, q, QL_VECTORS, MAX_SWEEPS_PER_EIGENVALUE, LOG_CAPACITY, pw) === 1;
  }
  const d = kernels.read(pd, n);
  const r = kernels.read(pr, q * n);
  const order = ascendingOrder(d);
  const values = new Float64Array(n);
  const projections = vectors.map(() => new Float64Array(n));
  for (let j = 0; j < n; j++) {
    const src = order[j];
    values[j] = d[src];
    for (let i = 0; i < q; i++) projections[i][j] = r[i * n + src];
  }
  return { values, projections, converged };
}

/**
 * A = Q T Q^T with Q^T formed by blocked products (the first half of symmetricEigen). The kernel's
 * off-diagonal e[i] couples i and i+1 (tridiagonal.ts); it is shifted here to the convention of
 * eigen.ts, offDiagonal[i] coupling i-1 and i with offDiagonal[0] = 0.
 */
export function symmetricTridiagonalForm(kernels: WasmKernels, a: Matrix): TridiagonalForm | undefined {
  const n = a.rows;
  const k = kernels.exports;
  const work = Math.max(k.tridiagonaliseWorkDoubles(n), k.reflectorProductWorkDoubles(n));
  const offsets = kernels.allocate(n * n, n * n, n, n, n, work);
  if (offsets === undefined) return undefined;
  const [pa, py, pd, pe, ptau, pw] = offsets;
  kernels.write(pa, a.data);
  if (n > 0) {
    k.tridiagonalise(n, pa, pd, pe, ptau, pw);
    k.formReflectorProduct(n, pa, ptau, py, pw);
  }
  const diagonal = kernels.read(pd, n);
  const coupling = kernels.read(pe, n);
  const offDiagonal = new Float64Array(n);
  if (n > 1) offDiagonal.set(coupling.subarray(0, n - 1), 1);
  return { diagonal, offDiagonal, qTransposed: { rows: n, cols: n, data: kernels.read(py, n * n) } };
}

/** A = U diag(values) U^T, values ascending, column j of vectors the unit eigenvector of values[j]. */
export function symmetricEigen(kernels: WasmKernels, a: Matrix): EigenResult | undefined {
  const n = a.rows;
  const k = kernels.exports;
  const work = Math.max(k.tridiagonaliseWorkDoubles(n), k.reflectorProductWorkDoubles(n), k.qlWorkDoubles(n, LOG_CAPACITY));
  // The input's array is reused for the sorted eigenvectors once Q^T has been formed.
  const offsets = kernels.allocate(n * n, n * n, n, n, n, Math.ceil(n / 2), work);
  if (offsets === undefined) return undefined;
  const [pa, py, pd, pe, ptau, porder, pw] = offsets;
  kernels.write(pa, a.data);
  let converged = true;
  if (n > 0) {
    k.tridiagonalise(n, pa, pd, pe, ptau, pw);
    // Rows of y: Q^T, then U^T = V^T Q^T after QL's rotations (T = V diag V^T).
    k.formReflectorProduct(n, pa, ptau, py, pw);
    converged = k.ql(n, pd, pe, py, n, QL_ROWS, MAX_SWEEPS_PER_EIGENVALUE, LOG_CAPACITY, pw) === 1;
  }
  const d = kernels.read(pd, n);
  const order = ascendingOrder(d);
  kernels.i32.set(order, porder / 4);
  k.gatherColumns(n, py, porder, pa);
  const values = new Float64Array(n);
  for (let j = 0; j < n; j++) values[j] = d[order[j]];
  const vectors = { rows: n, cols: n, data: kernels.read(pa, n * n) };
  return { values, vectors, converged };
}
