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
import type { Matrix } from "../matrix";
import { ascendingOrder } from "../order";
import type { EigenResult, EigenvaluesResult, TridiagonalForm } from "../results";
import type { KernelExports } from "./exports";
import { LOG_CAPACITY, MAX_SWEEPS_PER_EIGENVALUE } from "../tridiagonalQL";
import type { WasmKernels } from "./instance";

/** ql's target: q vectors one after the other, or the rows of an n x n matrix. */
const QL_VECTORS = 0;
const QL_ROWS = 1;

/** Where one eigenvalue problem's arrays lie in the kernels' memory (byte offsets). */
interface EigenvaluesLayout {
  readonly n: number;
  /** Number of projected vectors. */
  readonly q: number;
  readonly a: number;
  readonly d: number;
  readonly e: number;
  readonly tau: number;
  /** The q vectors one after the other, projected in place. */
  readonly r: number;
  readonly work: number;
}

/** Doubles of each array of an n x n problem with q vectors, in the order of EigenvaluesLayout. */
function eigenvaluesArrays(exports: KernelExports, n: number, q: number): number[] {
  const work = Math.max(exports.tridiagonaliseWorkDoubles(n), exports.qlWorkDoubles(n, LOG_CAPACITY));
  return [n * n, n, n, n, q * n, work];
}

function eigenvaluesLayout(n: number, q: number, offsets: readonly number[]): EigenvaluesLayout {
  const [a, d, e, tau, r, work] = offsets as [number, number, number, number, number, number];
  return { n, q, a, d, e, tau, r, work };
}

/**
 * The kernels' part of an eigenvalue problem whose matrix and vectors are in place: reduction,
 * reflectors applied to the vectors, QL. Returns whether QL converged.
 */
function runEigenvalues(exports: KernelExports, l: EigenvaluesLayout): boolean {
  if (l.n === 0) return true;
  exports.tridiagonalise(l.n, l.a, l.d, l.e, l.tau, l.work);
  if (l.q > 0) exports.applyReflectors(l.n, l.a, l.tau, l.r, l.q);
  return exports.ql(l.n, l.d, l.e, l.r, l.q, QL_VECTORS, MAX_SWEEPS_PER_EIGENVALUE, LOG_CAPACITY, l.work) === 1;
}

/** Copies the problem's inputs into place. */
function writeEigenvaluesInputs(kernels: WasmKernels, l: EigenvaluesLayout, a: Matrix, vectors: readonly Float64Array[]): void {
  kernels.write(l.a, a.data);
  vectors.forEach((v, i) => kernels.write(l.r + i * l.n * 8, v));
}

/** Reads the results: eigenvalues ascending with their projections. */
function readEigenvaluesResult(kernels: WasmKernels, l: EigenvaluesLayout, converged: boolean): EigenvaluesResult {
  const { n, q } = l;
  const d = kernels.read(l.d, n);
  const r = kernels.read(l.r, q * n);
  const order = ascendingOrder(d);
  const values = new Float64Array(n);
  const projections = Array.from({ length: q }, () => new Float64Array(n));
  for (let j = 0; j < n; j++) {
    const src = order[j];
    values[j] = d[src];
    for (let i = 0; i < q; i++) projections[i][j] = r[i * n + src];
  }
  return { values, projections, converged };
}

/** Eigenvalues (ascending) of the symmetric a and the projections U^T v of each vector. */
export function symmetricEigenvalues(kernels: WasmKernels, a: Matrix, vectors: readonly Float64Array[]): EigenvaluesResult | undefined {
  const n = a.rows;
  const offsets = kernels.allocate(...eigenvaluesArrays(kernels.exports, n, vectors.length));
  if (offsets === undefined) return undefined;
  const layout = eigenvaluesLayout(n, vectors.length, offsets);
  writeEigenvaluesInputs(kernels, layout, a, vectors);
  return readEigenvaluesResult(kernels, layout, runEigenvalues(kernels.exports, layout));
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
