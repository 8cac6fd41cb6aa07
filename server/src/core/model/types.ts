/**
 * The engine's domain model: a validated, resolved experiment with defaults applied, files loaded
 * and references checked. Everything after the resolver works on these types only, never on raw
 * JSON, so numerical code does not re-check user input.
 */
import type { Matrix } from '../linalg/matrix';
import type { Activation } from './activations';

/** Where a model element came from, so that late (numerical) problems still point into the file. */
export interface SourceRef {
  file: string;
  pointer: string;
}

/** A covariance in the cheapest exact representation; identity and diagonal stay implicit. */
export type Covariance =
  | { kind: 'identity'; size: number }
  | { kind: 'diagonal'; values: Float64Array }
  | { kind: 'dense'; matrix: Matrix };

export type RowCovarianceModel =
  | { kind: 'identity' }
  | { kind: 'diagonal'; values: Float64Array }
  | { kind: 'spiked'; strength: number; rank: number }
  | { kind: 'gram' | 'inverseGram'; layer: string; shift: number }
  | { kind: 'dense'; matrix: Matrix };

export type WeightBase =
  | { kind: 'gaussian'; rowCovariance: RowCovarianceModel; scale: number }
  | { kind: 'sameAs'; layer: string }
  | { kind: 'file'; matrix: Matrix };

export interface WeightsModel {
  base: WeightBase;
  /** Scaled copies of other layers' weights added to the base (theory.md section 5). */
  plus: { layer: string; scale: number }[];
}

export type Role = 'student' | 'teacher';

export interface LayerModel {
  id: string;
  role: Role;
  /** 1-based depth within its network. */
  depth: number;
  width: number;
  fanIn: number;
  activation: Activation;
  /** The activation as the spec writes it ("tanh" or { "name": "tanh", "gain": 2 }), echoed in reports. */
  activationSpec: string | { name: string; gain?: number };
  weights: WeightsModel;
  linearization: 'average' | 'perNeuron';
  /** 'exact': the feature covariance under Gaussian pre-activations instead of the linearisation (model/exactMoments.ts). */
  moments: 'linearized' | 'exact';
  source: SourceRef;
}

export type TargetModel =
  | { kind: 'linear'; beta: Float64Array | undefined; noise: number }
  | { kind: 'network'; layers: LayerModel[]; readout: Float64Array | undefined; noise: number }
  | { kind: 'student'; readout: Float64Array | undefined; noise: number }
  | { kind: 'data'; labels: Float64Array };

export type RidgeConvention = 'sum' | 'mean' | 'paper';

export type RidgeChoice = number | 'optimal';

export interface SimulationPlan {
  n: number[];
  repeats: number;
  testSamples: number;
}

export interface ExperimentModel {
  file: string;
  title: string;
  seed: number;
  dimension: number;
  inputCovariance: Covariance;
  /** Data rows (N x d) when the input is given by samples; Omega0 = X^T X / N. */
  inputSamples: Matrix | undefined;
  student: LayerModel[];
  target: TargetModel;
  /** Penalties in the spec's own convention; 'optimal' stands for the optimal penalty at each n. */
  lambdas: RidgeChoice[];
  convention: RidgeConvention;
  samples: number[];
  simulate: SimulationPlan | undefined;
  /** Source pointers used to place late problems. */
  sources: { ridge: SourceRef; samples: SourceRef; teacher: SourceRef; input: SourceRef };
}

/** Converts a penalty from the spec's convention to the sum convention (theory.md section 1). */
export function toSumConvention(lambda: number, convention: RidgeConvention, n: number, p: number): number {
  switch (convention) {
    case 'sum':
      return lambda;
    case 'mean':
      return n * lambda;
    case 'paper':
      return p * lambda;
  }
}

export function fromSumConvention(lambda: number, convention: RidgeConvention, n: number, p: number): number {
  switch (convention) {
    case 'sum':
      return lambda;
    case 'mean':
      return lambda / n;
    case 'paper':
      return lambda / p;
  }
}
