/**
 * The matrix products of products.ts on the WebAssembly kernels: operands are copied into the
 * kernels' memory (O(n^2), against the product's O(n^3)), multiplied there by the SIMD gemm, and the
 * result copied out. Symmetric results compute only the blocks touching the lower triangle and then
 * mirror it, so they are exactly symmetric, as in the TypeScript path.
 *
 * Each function returns undefined when its arrays do not fit in the 4 GiB a WebAssembly memory can
 * address; the caller then uses the TypeScript kernel.
 */
import { Matrix, zeros } from "../matrix";
import { GEMM_ACCUMULATE, GEMM_LOWER, GEMM_SUBTRACT, WasmKernels } from "./instance";

/** How op(X) reads a row-major matrix: by rows (X itself) or by columns (X^T). */
interface Operand {
  readonly matrix: Matrix;
  readonly transposed: boolean;
}

function strides(op: Operand): [number, number] {
  // op(X)(x, p) = data[x * strideX + p * strideP].
  return op.transposed ? [1, op.matrix.cols] : [op.matrix.cols, 1];
}

/**
 * C = op(A) op(B), m x n with inner dimension k; with `symmetric` (m = n and the product known to be
 * symmetric) only the lower triangle is computed and then mirrored. A and B may be the same matrix.
 */
function product(kernels: WasmKernels, m: number, n: number, k: number, a: Operand, b: Operand, symmetric: boolean): Matrix | undefined {
  if (m === 0 || n === 0 || k === 0) return zeros(m, n);
  const same = a.matrix === b.matrix;
  const offsets = kernels.allocate(a.matrix.data.length, same ? 0 : b.matrix.data.length, m * n);
  if (offsets === undefined) return undefined;
  const [pa, pbOwn, pc] = offsets;
  const pb = same ? pa : pbOwn;
  kernels.write(pa, a.matrix.data);
  if (!same) kernels.write(pb, b.matrix.data);
  const [aX, aP] = strides(a);
  const [bX, bP] = strides(b);
  kernels.gemm(m, n, k, pa, aX, aP, pb, bX, bP, pc, n, symmetric ? GEMM_LOWER : 0);
  if (symmetric) kernels.exports.mirrorLower(pc, m);
  return { rows: m, cols: n, data: kernels.read(pc, m * n) };
}

const rows = (matrix: Matrix): Operand => ({ matrix, transposed: false });
const columns = (matrix: Matrix): Operand => ({ matrix, transposed: true });

/** A B (shapes checked by the caller). */
export function multiply(kernels: WasmKernels, a: Matrix, b: Matrix): Matrix | undefined {
  return product(kernels, a.rows, b.cols, a.cols, rows(a), columns(b), false);
}

/** A B^T. */
export function multiplyTransposed(kernels: WasmKernels, a: Matrix, b: Matrix): Matrix | undefined {
  return product(kernels, a.rows, b.rows, a.cols, rows(a), rows(b), false);
}

/** A^T B. */
export function transposeMultiply(kernels: WasmKernels, a: Matrix, b: Matrix): Matrix | undefined {
  return product(kernels, a.cols, b.cols, a.rows, columns(a), columns(b), false);
}

/** A A^T, exactly symmetric. */
export function gram(kernels: WasmKernels, a: Matrix): Matrix | undefined {
  return product(kernels, a.rows, a.rows, a.cols, rows(a), rows(a), true);
}

/** A^T A, exactly symmetric. */
export function transposeGram(kernels: WasmKernels, a: Matrix): Matrix | undefined {
  return product(kernels, a.cols, a.cols, a.rows, columns(a), columns(a), true);
}

/**
 * W S W^T for symmetric S: T = W S in full, then T W^T lower triangle only, both in the kernels'
 * memory (W is copied in once), exactly symmetric.
 */
export function congruence(kernels: WasmKernels, w: Matrix, s: Matrix): Matrix | undefined {
  const m = w.rows;
  const p = w.cols;
  if (m === 0 || p === 0) return zeros(m, m);
  // S is dead once T = W S is formed: the result overwrites it.
  const offsets = kernels.allocate(m * p, m * p, Math.max(p * p, m * m));
  if (offsets === undefined) return undefined;
  const [pw, pt, ps] = offsets;
  const pc = ps;
  kernels.write(pw, w.data);
  kernels.write(ps, s.data);
  kernels.gemm(m, p, p, pw, p, 1, ps, 1, p, pt, p, 0);
  kernels.gemm(m, m, p, pt, p, 1, pw, p, 1, pc, m, GEMM_LOWER);
  kernels.exports.mirrorLower(pc, m);
  return { rows: m, cols: m, data: kernels.read(pc, m * m) };
}

/**
 * a (W V)(W V)^T + b W W^T, exactly symmetric, with W, V, T = W V and the result only in the
 * kernels' memory (one copy out instead of three). The scalars go into the factors (sqrt(a) T,
 * sqrt(|b|) W) so that the second product accumulates onto the first in place; b < 0 (kappaStar2
 * at rounding level for a nearly linear activation) subtracts.
 */
export function factoredCongruence(kernels: WasmKernels, w: Matrix, v: Matrix, a: number, b: number): Matrix | undefined {
  const k = w.rows;
  const m = w.cols;
  const n = v.cols;
  if (k === 0) return zeros(0, 0);
  // V is dead once T = W V is formed: the result overwrites it (less fresh memory to fault in).
  const offsets = kernels.allocate(k * m, k * n, Math.max(m * n, k * k));
  if (offsets === undefined) return undefined;
  const [pw, pt, pv] = offsets;
  const pc = pv;
  kernels.write(pw, w.data);
  kernels.write(pv, v.data);
  const { exports } = kernels;
  kernels.gemm(k, n, m, pw, m, 1, pv, 1, n, pt, n, 0);
  exports.scal(Math.sqrt(a), pt, k * n);
  kernels.gemm(k, k, n, pt, n, 1, pt, n, 1, pc, k, GEMM_LOWER);
  exports.scal(Math.sqrt(Math.abs(b)), pw, k * m);
  kernels.gemm(k, k, m, pw, m, 1, pw, m, 1, pc, k, GEMM_LOWER | GEMM_ACCUMULATE | (b < 0 ? GEMM_SUBTRACT : 0));
  exports.mirrorLower(pc, k);
  return { rows: k, cols: k, data: kernels.read(pc, k * k) };
}
