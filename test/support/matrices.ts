/** Small constructors and accessors for test matrices (the engine itself needs none of them). */
import { zeros, type Matrix } from '../../server/src/core/linalg/matrix';

export function identity(n: number): Matrix {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const r = rows.length;
  const c = r === 0 ? 0 : (rows[0] as readonly number[]).length;
  const m = zeros(r, c);
  rows.forEach((row, i) => m.data.set(row, i * c));
  return m;
}

export function get(m: Matrix, i: number, j: number): number {
  return m.data[i * m.cols + j] as number;
}
