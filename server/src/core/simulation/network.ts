/**
 * The forward pass the simulation runs: phi_l = sigma_l(W_l phi_{l-1}) - kappa0_l with the realised
 * weights of the prediction and the population centring kappa0 of each neuron (theory.md
 * section 4: simulations centre with the population kappa0, not with an empirical mean, so that
 * simulation and theory describe the same model). Rows are samples; a block of rows goes through
 * all layers at once, so only one block of each hidden layer is ever held.
 */
import type { Matrix } from '../linalg/matrix';
import { multiplyTransposed } from '../linalg/products';
import { applyCentred, type Activation } from '../model/activations';
import type { LayerLinearization } from '../model/linearization';
import type { LayerModel } from '../model/types';
import type { WeightTable } from '../model/weights';
import { foldIntoWeights, type InputRoot } from './inputs';

export interface SimulatedLayer {
  id: string;
  /** width x fanIn; for the first layer of a Gaussian-input network, W Omega0^{1/2} (inputs.ts). */
  weights: Matrix;
  activation: Activation;
  /** kappa0 of each neuron, subtracted after the activation. */
  centring: Float64Array;
  /** The common kappa0 when every neuron has the same one (average linearisation), else undefined. */
  uniformCentring: number | undefined;
}

/** The layers of a network (student or teacher) as the simulation applies them. */
export function simulatedLayers(layers: readonly LayerModel[], linearizations: readonly LayerLinearization[], weights: WeightTable, root: InputRoot | undefined): SimulatedLayer[] {
  return layers.map((layer, l) => {
    const w = weights.get(layer.id);
    const lin = linearizations[l];
    if (!w || !lin) throw new Error(`layer "${layer.id}" has no realised weights or linearisation`);
    const centring = lin.centring;
    const first = centring[0] ?? 0;
    const uniform = centring.every((c) => c === first);
    return {
      id: layer.id,
      weights: l === 0 && root ? foldIntoWeights(w, root) : w,
      activation: layer.activation,
      centring,
      uniformCentring: uniform ? first : undefined,
    };
  });
}

/** phi_L of a block of input rows (rows x fanIn of the first layer) -> rows x width of the last. */
export function forward(layers: readonly SimulatedLayer[], inputs: Matrix): Matrix {
  let h = inputs;
  for (const layer of layers) {
    h = multiplyTransposed(h, layer.weights); // rows x width: H = Phi_{l-1} W^T
    activate(layer, h);
  }
  return h;
}

/** In place: sigma(h_ij) - kappa0_j. */
export function activate(layer: SimulatedLayer, h: Matrix): void {
  if (layer.uniformCentring !== undefined) {
    applyCentred(layer.activation, layer.uniformCentring, h.data);
    return;
  }
  applyCentred(layer.activation, 0, h.data);
  const { rows, cols, data } = h;
  const c = layer.centring;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) data[o + j] = (data[o + j] as number) - (c[j] as number);
  }
}
