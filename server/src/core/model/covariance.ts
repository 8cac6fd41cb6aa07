/**
 * Products with covariances kept in their cheapest form (identity, diagonal, dense), so that an
 * isotropic input never costs a d x d matrix.
 */
import type { Matrix } from '../linalg/matrix';
import { zeros } from '../linalg/matrix';
import { congruence, gram, matVec, multiply, multiplyTransposed, scaleColumns } from '../linalg/products';
import type { Covariance } from './types';

export function covarianceSize(c: Covariance): number {
  return c.kind === 'identity' ? c.size : c.kind === 'diagonal' ? c.values.length : c.matrix.rows;
}

/** W C W^T, exactly symmetric. */
export function congruenceWith(w: Matrix, c: Covariance): Matrix {
  switch (c.kind) {
    case 'identity':
      return gram(w);
    case 'diagonal':
      return gram(scaleColumns(w, c.values.map(Math.sqrt)));
    case 'dense':
      return congruence(w, c.matrix);
  }
}

/** W C (not symmetric in general). */
export function timesCovariance(w: Matrix, c: Covariance): Matrix {
  switch (c.kind) {
    case 'identity':
      return w;
    case 'diagonal':
      return scaleColumns(w, c.values);
    case 'dense':
      return multiply(w, c.matrix);
  }
}

/** C v. */
export function covarianceTimesVector(c: Covariance, v: Float64Array): Float64Array {
  switch (c.kind) {
    case 'identity':
      return v.slice();
    case 'diagonal':
      return v.map((x, i) => x * (c.values[i] as number));
    case 'dense':
      return matVec(c.matrix, v);
  }
}

/** v^T C v. */
export function quadraticForm(c: Covariance, v: Float64Array): number {
  const cv = covarianceTimesVector(c, v);
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] as number) * (cv[i] as number);
  return s;
}

export function toDense(c: Covariance): Matrix {
  if (c.kind === 'dense') return c.matrix;
  const n = covarianceSize(c);
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = c.kind === 'identity' ? 1 : (c.values[i] as number);
  return m;
}

/** A B^T where A and B may be given with a covariance between them: W C V^T. */
export function crossCongruence(w: Matrix, c: Covariance, v: Matrix): Matrix {
  return multiplyTransposed(timesCovariance(w, c), v);
}
