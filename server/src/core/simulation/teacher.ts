/**
 * Simulated labels y = f(x) + s eps (theory.md sections 1 and 5), from the very teacher the
 * prediction describes: the same beta or readout theta (model/readouts.ts), the same teacher
 * weights and centring, and for data specs the labels of the drawn rows.
 */
import type { Matrix } from '../linalg/matrix';
import { matVec } from '../linalg/products';
import type { FeatureMoments } from '../model/moments';
import { teacherBeta, teacherReadout } from '../model/readouts';
import type { ExperimentModel } from '../model/types';
import type { WeightTable } from '../model/weights';
import { foldIntoVector, type InputRoot } from './inputs';
import { forward, simulatedLayers, type SimulatedLayer } from './network';

export type LabelModel =
  /** y = beta . x + noise; beta already folded with Omega0^{1/2} for Gaussian inputs (inputs.ts). */
  | { kind: 'linear'; beta: Float64Array; noise: number }
  | { kind: 'network'; layers: SimulatedLayer[]; theta: Float64Array; noise: number }
  | { kind: 'student'; theta: Float64Array; noise: number }
  | { kind: 'data'; labels: Float64Array; noise: 0 };

/** `root` is Omega0^{1/2} for Gaussian inputs, undefined when the inputs are data rows. */
export function labelModel(model: ExperimentModel, moments: FeatureMoments, weights: WeightTable, root: InputRoot | undefined): LabelModel {
  const target = model.target;
  switch (target.kind) {
    case 'linear': {
      const beta = teacherBeta(model.seed, target.beta, model.dimension);
      return { kind: 'linear', beta: root ? foldIntoVector(beta, root) : beta, noise: target.noise };
    }
    case 'network': {
      const k = target.layers[target.layers.length - 1]?.width ?? model.dimension;
      return {
        kind: 'network',
        layers: simulatedLayers(target.layers, moments.teacher, weights, root),
        theta: teacherReadout(model.seed, target.readout, k),
        noise: target.noise,
      };
    }
    case 'student': {
      const p = model.student[model.student.length - 1]?.width ?? 0;
      return { kind: 'student', theta: teacherReadout(model.seed, target.readout, p), noise: target.noise };
    }
    case 'data':
      return { kind: 'data', labels: target.labels, noise: 0 };
  }
}

/**
 * Noise-free targets f(x) of one block, written to out[i] for the block's row i. `inputs` are the
 * block's input rows (z for Gaussian inputs), `features` its student features, `rows` the data-row
 * indices of the block's samples (data specs).
 */
export function cleanTargets(label: LabelModel, inputs: Matrix, features: Matrix, rows: Int32Array | undefined, out: Float64Array): void {
  switch (label.kind) {
    case 'linear':
      out.set(matVec(inputs, label.beta));
      return;
    case 'network':
      out.set(matVec(forward(label.layers, inputs), label.theta));
      return;
    case 'student':
      out.set(matVec(features, label.theta));
      return;
    case 'data': {
      if (!rows) throw new Error('data labels need the indices of the drawn rows');
      for (let i = 0; i < inputs.rows; i++) out[i] = label.labels[rows[i] as number] as number;
      return;
    }
  }
}
