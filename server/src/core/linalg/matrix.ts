/**
 * Dense matrices: row-major Float64Array with explicit shape. Every kernel in linalg/ works on this
 * one type so that the TypeScript and WebAssembly paths are interchangeable.
 */
import { allocateDoubles } from './memory';

export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major: entry (i, j) is data[i * cols + j]. */
  readonly data: Float64Array;
}

export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: allocateDoubles(rows * cols) };
}

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
