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
