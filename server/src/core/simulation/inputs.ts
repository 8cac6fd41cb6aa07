/**
 * Where the simulated inputs come from (theory.md section 1).
 *
 * Gaussian inputs x ~ N(0, Omega0) are written x = S z with S = Omega0^{1/2} (symmetric) and
 * z ~ N(0, I_d). S is folded once into everything that reads x: the first-layer weights
 * (W x = (W S) z) and the linear teacher (beta . x = (S beta) . z). The simulation then draws only
 * i.i.d. normals, and a dense Omega0 costs one square root per run instead of a d x d product per
 * block. For the identity nothing is folded; a diagonal Omega0 scales columns.
 *
 * Data specs (input covariance given by samples X, N x d) draw rows of X, by default i.i.d. with
 * replacement: from the empirical distribution whose moments Omega0 = X^T X / N the prediction
 * uses (theory.md section 5). On request, without replacement (disjoint training and test rows, a
 * held-out split); see SimulationOptions.dataSampling in run.ts for why that is not the default.
 */
import { psdSquareRoot } from '../linalg/eigen';
import type { Matrix } from '../linalg/matrix';
import { covarianceTimesVector, timesCovariance } from '../model/covariance';
import type { Covariance } from '../model/types';
import type { Random } from '../rng';

/** Omega0^{1/2}, itself a covariance in the cheapest exact form (identity, diagonal, dense). */
export type InputRoot = Covariance;

/** The square root of the input covariance; throws (with the reason) when Omega0 is not PSD. */
export function inputRoot(covariance: Covariance): InputRoot {
  switch (covariance.kind) {
    case 'identity':
      return covariance;
    case 'diagonal':
      return { kind: 'diagonal', values: covariance.values.map((v) => Math.sqrt(Math.max(0, v))) };
    case 'dense':
      return { kind: 'dense', matrix: psdSquareRoot(covariance.matrix) };
  }
}

/** W S: the weights a first layer applies to z so that it sees x = S z. */
export function foldIntoWeights(w: Matrix, root: InputRoot): Matrix {
  return timesCovariance(w, root);
}

/** S v (S symmetric), so that v . x = (S v) . z. */
export function foldIntoVector(v: Float64Array, root: InputRoot): Float64Array {
  return covarianceTimesVector(root, v);
}

/** Fills consecutive blocks of input rows; blocks must be requested in order (row 0 first). */
export interface InputStream {
  readonly dimension: number;
  /** Writes rows start .. start + block.rows - 1 of the sample into block. */
  fill(block: Matrix, start: number): void;
}

/** z ~ N(0, I_d), row after row from one random stream (row i is the same whatever the block size). */
export function gaussianStream(dimension: number, rng: Random): InputStream {
  return {
    dimension,
    fill(block) {
      rng.fillNormal(block.data);
    },
  };
}

/** Rows rows[start + i] of the data matrix X. */
export function rowStream(x: Matrix, rows: Int32Array): InputStream {
  const d = x.cols;
  return {
    dimension: d,
    fill(block, start) {
      for (let i = 0; i < block.rows; i++) {
        const src = (rows[start + i] as number) * d;
        block.data.set(x.data.subarray(src, src + d), i * d);
      }
    },
  };
}

/** True when `train` + `test` distinct rows of `total` exist: sample without replacement. */
export function rowsWithoutReplacement(total: number, train: number, test: number): boolean {
  return train + test <= total;
}

export interface RowDraw {
  train: Int32Array;
  test: Int32Array;
}

/**
 * Row indices of one repetition. Without replacement: the first train + test entries of a uniform
 * random permutation (partial Fisher-Yates), training rows first, so that the training set of a
 * smaller n is a prefix of a larger one. With replacement: i.i.d. uniform indices.
 */
export function drawRows(rng: Random, total: number, train: number, test: number, withoutReplacement: boolean): RowDraw {
  if (!withoutReplacement) {
    const pick = (count: number): Int32Array => {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = rng.integer(total);
      return out;
    };
    return { train: pick(train), test: pick(test) };
  }
  const order = new Int32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  const take = train + test;
  for (let i = 0; i < take; i++) {
    const j = i + rng.integer(total - i);
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return { train: order.slice(0, train), test: order.slice(train, take) };
}
