/**
 * Samples (features, labels) of the simulated experiment, computed in blocks of rows: only one block
 * of inputs and of each hidden layer is alive at a time, whatever the number of samples.
 */
import type { Matrix } from '../linalg/matrix';
import { zeros } from '../linalg/matrix';
import type { Random } from '../rng';
import type { InputStream } from './inputs';
import { forward, type SimulatedLayer } from './network';
import { cleanTargets, type LabelModel } from './teacher';

/** Rows per block: large enough for the blocked products, small enough to bound hidden layers. */
export const BLOCK_ROWS = 512;

export interface SimulatedExperiment {
  student: SimulatedLayer[];
  label: LabelModel;
  /** Number of features p. */
  features: number;
}

export interface SampleSet {
  /** n x p centred features phi(x_mu). */
  features: Matrix;
  /** y_mu = f(x_mu) + s eps_mu. */
  labels: Float64Array;
  /** f(x_mu), without the label noise. */
  targets: Float64Array;
}

/**
 * Calls `visit` on consecutive blocks of `count` samples: the block's features (rows x p), its
 * noise-free targets, and the index of its first sample. `rows` are the data-row indices when the
 * inputs are data rows.
 */
export function forEachBlock(
  experiment: SimulatedExperiment,
  count: number,
  inputs: InputStream,
  rows: Int32Array | undefined,
  visit: (features: Matrix, targets: Float64Array, start: number) => void,
  blockRows = BLOCK_ROWS,
): void {
  const d = inputs.dimension;
  const buffer = new Float64Array(Math.min(blockRows, count) * d);
  const targets = new Float64Array(Math.min(blockRows, count));
  for (let start = 0; start < count; start += blockRows) {
    const m = Math.min(blockRows, count - start);
    const block: Matrix = { rows: m, cols: d, data: buffer.subarray(0, m * d) };
    inputs.fill(block, start);
    const features = forward(experiment.student, block);
    const t = targets.subarray(0, m);
    cleanTargets(experiment.label, block, features, rows?.subarray(start, start + m), t);
    visit(features, t, start);
  }
}

/**
 * Draws `count` samples: features, noise-free targets, and labels with noise from `noise`. `reuse`
 * (a set of the same size from an earlier repetition) is overwritten instead of allocating: the
 * feature matrices are the simulation's largest arrays, and fresh ones every repetition would
 * raise the peak memory by the garbage the collector has not reclaimed yet.
 */
export function drawSampleSet(
  experiment: SimulatedExperiment,
  count: number,
  inputs: InputStream,
  rows: Int32Array | undefined,
  noise: Random,
  blockRows = BLOCK_ROWS,
  reuse?: SampleSet,
): SampleSet {
  const p = experiment.features;
  const fits = reuse !== undefined && reuse.features.rows === count && reuse.features.cols === p;
  const features = fits ? reuse.features : zeros(count, p);
  const targets = fits ? reuse.targets : new Float64Array(count);
  forEachBlock(
    experiment,
    count,
    inputs,
    rows,
    (block, t, start) => {
      features.data.set(block.data, start * p);
      targets.set(t, start);
    },
    blockRows,
  );
  const s = experiment.label.noise;
  const labels = fits ? reuse.labels : new Float64Array(count);
  for (let i = 0; i < count; i++) labels[i] = (targets[i] as number) + (s > 0 ? s * noise.normal() : 0);
  return { features, labels, targets };
}
