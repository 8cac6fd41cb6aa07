/**
 * Symmetric eigenproblems: Householder tridiagonalisation (householder.ts) followed by the implicit
 * QL algorithm with shifts (tridiagonalQL.ts), the EISPACK tred2/tql2 pair (Wilkinson and Reinsch,
 * "Handbook for Automatic Computation II", 1971) reorganised for row-major storage.
 *
 * The engine mostly needs the spectrum of a covariance together with the projections u_i . v of a
 * few vectors on its eigenvectors (theory.md section 3: Omega = U diag(omega) U^T and
 * psiTilde = U^T psi, of which only the squares enter), not the eigenvectors themselves. `symmetricEigenvalues` therefore applies each
 * Householder reflector and each Givens rotation directly to those vectors (O(p) per reflector or
 * rotation and vector) instead of accumulating the p x p eigenvector matrix: 4/3 p^3 flops for the
 * reduction plus O(p^2) for QL, where forming the eigenvectors costs several p^3 more.
 *
 * Both decompositions are first offered to the installed accelerator (accelerator.ts: the
 * WebAssembly SIMD kernels of wasm/eigen.ts, blocked reduction and the same QL, when backend.ts has
 * selected them); the TypeScript path below is the fallback.
 */
import { accelerator } from "./accelerator";
import { Matrix, zeros } from "./matrix";
import { accumulateReflectors, applyReflectors, tridiagonalise } from "./householder";
import { ascendingOrder } from "./order";
import { gram, scaleColumns } from "./products";
import type { EigenResult, EigenvaluesResult, TridiagonalForm } from "./results";
import { implicitQL } from "./tridiagonalQL";

export type { EigenResult, EigenvaluesResult, TridiagonalForm } from "./results";

/** Square with a finite lower triangle (the only part the reduction reads). */
function requireSymmetricInput(a: Matrix, what: string): void {
  const n = a.rows;
  if (a.cols !== n) throw new RangeError(`${what}: matrix is ${a.rows}x${a.cols}, not square`);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      if (!Number.isFinite(a.data[i * n + j])) throw new RangeError(`${what}: matrix entry (${i}, ${j}) is not finite`);
    }
  }
}

/**
 * Eigenvalues (ascending) of the symmetric matrix a and, for each given vector v, the projections
 * U^T v on the corresponding unit eigenvectors, without forming U. Only the lower triangle of a is
 * read; a is not modified. Eigenvectors are defined up to sign, so are the projections; their
 * squares are not (and for a repeated eigenvalue only the sum of squares over it is meaningful).
 */
export function symmetricEigenvalues(a: Matrix, vectors: readonly Float64Array[] = []): EigenvaluesResult {
  requireSymmetricInput(a, "symmetricEigenvalues");
  const n = a.rows;
  const q = vectors.length;
  vectors.forEach((v, k) => {
    if (v.length !== n) throw new RangeError(`symmetricEigenvalues: vector ${k} has length ${v.length}, matrix is ${n}x${n}`);
  });
  const fast = accelerator()?.symmetricEigenvalues(a, vectors);
  if (fast) return fast;
  const w = Float64Array.from(a.data);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const h = new Float64Array(n);
  const scratch = new Float64Array(Math.max(n, q));
  // r is n x q: column k is vector k, so that a rotation of two coordinates touches two short rows.
  const r = new Float64Array(n * q);
  for (let k = 0; k < q; k++) {
    const v = vectors[k];
    for (let j = 0; j < n; j++) r[j * q + k] = v[j];
  }
  let converged = true;
  if (n > 0) {
    tridiagonalise(w, n, d, e, h, scratch, new Float64Array(n));
    if (q > 0) applyReflectors(w, n, h, r, q, scratch);
    converged = implicitQL(d, e, n, r, q);
  }
  const order = ascendingOrder(d);
  const values = new Float64Array(n);
  const projections = vectors.map(() => new Float64Array(n));
  for (let j = 0; j < n; j++) {
    const src = order[j];
    values[j] = d[src];
    for (let k = 0; k < q; k++) projections[k][j] = r[src * q + k];
  }
  return { values, projections, converged };
}

/**
 * Full eigendecomposition A = U diag(values) U^T of a symmetric matrix (lower triangle read, a not
 * modified), eigenvalues ascending, column j of `vectors` the unit eigenvector of values[j].
 */
export function symmetricEigen(a: Matrix): EigenResult {
  requireSymmetricInput(a, "symmetricEigen");
  const fast = accelerator()?.symmetricEigen(a);
  if (fast) return fast;
  const n = a.rows;
  // Rows of y are the eigenvectors being formed: Q^T, then U^T after QL's rotations.
  const { diagonal: d, offDiagonal: e, qTransposed } = tridiagonalFormTs(a);
  const y = qTransposed.data;
  const converged = n > 0 ? implicitQL(d, e, n, y, n) : true;
  const order = ascendingOrder(d);
  const values = new Float64Array(n);
  const vectors = zeros(n, n);
  const u = vectors.data;
  for (let j = 0; j < n; j++) {
    const src = order[j];
    values[j] = d[src];
    const ys = src * n;
    for (let k = 0; k < n; k++) u[k * n + j] = y[ys + k];
  }
  return { values, vectors, converged };
}

/**
 * A = Q T Q^T with T symmetric tridiagonal: diagonal d, offDiagonal e (e[i] couples i-1 and i,
 * e[0] = 0), and Q^T as a matrix (row i of qTransposed is column i of Q). Only the lower triangle
 * of a is read; a is not modified. The first half of symmetricEigen, for callers that solve with
 * T directly: shifted systems (A + lambda I)^-1 v = Q (T + lambda I)^-1 Q^T v for many lambda cost
 * O(n^2) each once Q is formed, and Q^T v, Q X are matrix products. T and Q are determined only up
 * to the signs of Q's columns (and of e), which differ between the backends.
 */
export function symmetricTridiagonalForm(a: Matrix): TridiagonalForm {
  requireSymmetricInput(a, "symmetricTridiagonalForm");
  return accelerator()?.symmetricTridiagonalForm(a) ?? tridiagonalFormTs(a);
}

/** The TypeScript reduction behind symmetricTridiagonalForm and symmetricEigen. */
function tridiagonalFormTs(a: Matrix): TridiagonalForm {
  const n = a.rows;
  const w = Float64Array.from(a.data);
  const diagonal = new Float64Array(n);
  const offDiagonal = new Float64Array(n);
  const h = new Float64Array(n);
  let y: Float64Array = new Float64Array(0);
  if (n > 0) {
    tridiagonalise(w, n, diagonal, offDiagonal, h, new Float64Array(n), new Float64Array(n));
    // Y = Z^T with A = Z T Z^T (householder.ts), so Z is the Q documented above.
    y = accumulateReflectors(w, n, h);
  }
  return { diagonal, offDiagonal, qTransposed: { rows: n, cols: n, data: y } };
}

/**
 * The symmetric positive semi-definite square root U diag(sqrt(max(lambda, 0))) U^T. Eigenvalues
 * below zero by no more than rounding (1e-10 of the largest magnitude) are clipped to zero; a
 * clearly negative eigenvalue means the matrix is not a covariance and throws. Computed as
 * B B^T with B = U diag(lambda^(1/4)), so the result is exactly symmetric.
 */
export function psdSquareRoot(a: Matrix): Matrix {
  const { values, vectors, converged } = symmetricEigen(a);
  if (!converged) throw new Error("psdSquareRoot: the eigenvalue iteration did not converge");
  const n = values.length;
  let largest = 0;
  for (let j = 0; j < n; j++) largest = Math.max(largest, Math.abs(values[j]));
  const quarter = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const lambda = values[j];
    if (lambda < -1e-10 * largest) {
      throw new Error(
        `psdSquareRoot: matrix is not positive semi-definite (eigenvalue ${lambda.toPrecision(6)}, largest magnitude ${largest.toPrecision(6)})`,
      );
    }
    quarter[j] = lambda > 0 ? Math.sqrt(Math.sqrt(lambda)) : 0;
  }
  return gram(scaleColumns(vectors, quarter));
}
