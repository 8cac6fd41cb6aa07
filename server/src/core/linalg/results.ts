/**
 * The results of the symmetric eigenproblems (eigen.ts), in a module of their own so that both
 * backends, the TypeScript one (eigen.ts) and the WebAssembly one (wasm/eigen.ts), return them
 * without importing each other.
 */
import type { Matrix } from "./matrix";

export interface EigenvaluesResult {
  /** Eigenvalues in ascending order. */
  readonly values: Float64Array;
  /** For each input vector v, the projections (U^T v)_j on the eigenvector of values[j]. */
  readonly projections: Float64Array[];
  /** False if QL hit its iteration cap; values and projections are then unreliable. */
  readonly converged: boolean;
}

export interface EigenResult {
  /** Eigenvalues in ascending order. */
  readonly values: Float64Array;
  /** Orthogonal matrix whose column j is the unit eigenvector of values[j]. */
  readonly vectors: Matrix;
  readonly converged: boolean;
}

/** A = Q T Q^T with T symmetric tridiagonal (see symmetricTridiagonalForm). */
export interface TridiagonalForm {
  /** Diagonal of T. */
  readonly diagonal: Float64Array;
  /** offDiagonal[i] couples i-1 and i; offDiagonal[0] = 0. */
  readonly offDiagonal: Float64Array;
  /** Q^T: row i is column i of Q (orthogonal). */
  readonly qTransposed: Matrix;
}
