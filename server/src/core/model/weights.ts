/**
 * Realises every layer's weight matrix (width x fanIn) from the model ([P] Def. 2.6):
 * W = scale * Z C^{1/2} with Z i.i.d. N(0, 1/fanIn), then adds the `plus` terms.
 * Each layer draws from its own random stream ("<role>/<id>/Z", "<role>/<id>/spike"), so the
 * weights of one layer never depend on which other layers the spec contains.
 */
import type { Matrix } from '../linalg/matrix';
import { zeros } from '../linalg/matrix';
import { gram, multiply, multiplyTransposed, scaleColumns } from '../linalg/products';
import { symmetricEigen } from '../linalg/eigen';
import { ProblemError } from '../problems';
import { Random } from '../rng';
import { weightOrder } from './dependencies';
import type { LayerModel, RowCovarianceModel } from './types';

export type WeightTable = Map<string, Matrix>;

export function realizeWeights(layers: readonly LayerModel[], seed: number): WeightTable {
  const ordering = weightOrder(layers);
  // The resolver has already reported cycles; reaching one here is a programming error.
  if (!ordering.ok) throw new Error(`cyclic weight references: ${ordering.cycle.map((l) => l.id).join(' -> ')}`);
  const table: WeightTable = new Map();
  for (const layer of ordering.order) table.set(layer.id, layerWeights(layer, table, seed));
  return table;
}

function layerWeights(layer: LayerModel, table: WeightTable, seed: number): Matrix {
  const base = layer.weights.base;
  let w: Matrix;
  switch (base.kind) {
    case 'file':
      w = base.matrix;
      break;
    case 'sameAs':
      w = lookup(table, base.layer);
      break;
    case 'gaussian': {
      const rng = Random.stream(seed, `${layer.role}/${layer.id}/Z`);
      const z = zeros(layer.width, layer.fanIn);
      rng.fillNormal(z.data, base.scale / Math.sqrt(layer.fanIn));
      w = applyRowCovarianceRoot(z, base.rowCovariance, layer, table, seed);
      break;
    }
  }
  if (layer.weights.plus.length === 0) return w;
  const sum = zeros(w.rows, w.cols);
  sum.data.set(w.data);
  for (const term of layer.weights.plus) {
    const other = lookup(table, term.layer).data;
    for (let i = 0; i < sum.data.length; i++) sum.data[i] = (sum.data[i] as number) + term.scale * (other[i] as number);
  }
  return sum;
}

function lookup(table: WeightTable, id: string): Matrix {
  const w = table.get(id);
  if (!w) throw new Error(`weights of layer "${id}" requested before they were realised`);
  return w;
}

/** Z C^{1/2}: rows of the result are N(0, C / fanIn) (times scale^2). */
function applyRowCovarianceRoot(z: Matrix, c: RowCovarianceModel, layer: LayerModel, table: WeightTable, seed: number): Matrix {
  switch (c.kind) {
    case 'identity':
      return z;
    case 'diagonal':
      return scaleColumns(z, c.values.map(Math.sqrt));
    case 'spiked':
      return spikedRoot(z, c.strength, c.rank, Random.stream(seed, `${layer.role}/${layer.id}/spike`));
    case 'dense':
      return multiply(z, symmetricPower(c.matrix, 0.5, layer));
    case 'gram':
    case 'inverseGram': {
      const other = lookup(table, c.layer);
      const g = gram(other); // W_j W_j^T, fanIn x fanIn
      for (let i = 0; i < g.rows; i++) g.data[i * g.cols + i] = (g.data[i * g.cols + i] as number) + c.shift;
      return multiply(z, symmetricPower(g, c.kind === 'gram' ? 0.5 : -0.5, layer));
    }
  }
}

/**
 * C = I + s V V^T with V (fanIn x rank) orthonormal: C^{1/2} = I + (sqrt(1 + s) - 1) V V^T, so
 * Z C^{1/2} = Z + a (Z V) V^T costs O(width fanIn rank) instead of a dense square root.
 */
function spikedRoot(z: Matrix, strength: number, rank: number, rng: Random): Matrix {
  const k = z.cols;
  const v = zeros(rank, k); // rows are the spike directions
  rng.fillNormal(v.data);
  // Modified Gram-Schmidt: orthonormal rows.
  for (let r = 0; r < rank; r++) {
    const row = v.data.subarray(r * k, (r + 1) * k);
    for (let q = 0; q < r; q++) {
      const prev = v.data.subarray(q * k, (q + 1) * k);
      let dot = 0;
      for (let i = 0; i < k; i++) dot += (row[i] as number) * (prev[i] as number);
      for (let i = 0; i < k; i++) row[i] = (row[i] as number) - dot * (prev[i] as number);
    }
    let norm = 0;
    for (let i = 0; i < k; i++) norm += (row[i] as number) * (row[i] as number); // not ** 2 (Math.pow's bits depend on the engine)
    norm = Math.sqrt(norm);
    for (let i = 0; i < k; i++) row[i] = (row[i] as number) / norm;
  }
  const a = Math.sqrt(1 + strength) - 1;
  const zv = multiplyTransposed(z, v); // width x rank
  const correction = multiply(zv, v); // width x fanIn
  const out = zeros(z.rows, z.cols);
  for (let i = 0; i < out.data.length; i++) out.data[i] = (z.data[i] as number) + a * (correction.data[i] as number);
  return out;
}

/** C^power for a symmetric positive semi-definite C (power +1/2 or -1/2) by eigendecomposition. */
function symmetricPower(c: Matrix, power: number, layer: LayerModel): Matrix {
  const { values, vectors, converged } = symmetricEigen(c);
  const max = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const problem = (message: string): ProblemError =>
    new ProblemError({
      code: 'weights/row-covariance',
      severity: 'error',
      message: `layer "${layer.id}": ${message}`,
      file: layer.source.file,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      pointer: `${layer.source.pointer}/weights`,
    });
  if (!converged) throw problem('the eigendecomposition of the row covariance did not converge');
  const f = new Float64Array(values.length);
  for (let j = 0; j < values.length; j++) {
    const v = values[j] as number;
    if (v < -1e-10 * max) throw problem(`the row covariance is not positive semi-definite (eigenvalue ${v.toPrecision(3)})`);
    if (power < 0 && v <= 1e-12 * max) throw problem('the row covariance is singular, so its inverse square root does not exist; add a positive "shift"');
    // sqrt, not `** power`: IEEE 754 rounds sqrt exactly, so the weights are the same bits on every
    // JavaScript engine (Math.pow differs between engines in the last bits).
    const root = Math.sqrt(Math.max(v, 0));
    f[j] = power > 0 ? root : 1 / root;
  }
  // U diag(f) U^T
  const scaled = scaleColumns(vectors, f);
  return multiplyTransposed(scaled, vectors);
}
