/**
 * Activation functions sigma(gain * h) of the network layers (spec-format.md "Network",
 * theory.md section 4). The network applies them centred, sigma(g h) - kappa0 with
 * kappa0 = E sigma(g N), N ~ N(0, r); the Gaussian expectations live in gaussian.ts.
 */

import { erf, normalCdf } from './special';

export type ActivationName =
  | 'tanh'
  | 'relu'
  | 'erf'
  | 'sign'
  | 'linear'
  | 'sigmoid'
  | 'gelu'
  | 'silu'
  | 'softplus'
  | 'sin';

export const ACTIVATION_NAMES: readonly ActivationName[] = [
  'tanh',
  'relu',
  'erf',
  'sign',
  'linear',
  'sigmoid',
  'gelu',
  'silu',
  'softplus',
  'sin',
];

export interface Activation {
  readonly name: ActivationName;
  readonly gain: number;
  /** sigma(gain * h), NOT centred */
  apply(h: number): number;
  /** true when sigma is not smooth at 0 (relu, sign) */
  readonly kinked: boolean;
  /** label for reports: 'tanh' or 'tanh(2h)' */
  readonly label: string;
}

/** Logistic function, without overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow, no loss of the tiny values for x << 0. */
export function softplus(x: number): number {
  return (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** The activations without gain, sigma(x). */
const UNIT: Readonly<Record<ActivationName, (x: number) => number>> = {
  tanh: Math.tanh,
  relu: (x) => (x > 0 ? x : 0),
  erf,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  linear: (x) => x,
  sigmoid,
  // Exact GELU x * Phi(x), not the tanh approximation.
  gelu: (x) => x * normalCdf(x),
  silu: (x) => x * sigmoid(x),
  softplus,
  sin: Math.sin,
};

const KINKED: ReadonlySet<ActivationName> = new Set<ActivationName>(['relu', 'sign']);

export function isActivationName(name: string): name is ActivationName {
  return (ACTIVATION_NAMES as readonly string[]).includes(name);
}

function label(name: ActivationName, gain: number): string {
  if (gain === 1) return name;
  if (gain === -1) return `${name}(-h)`;
  return `${name}(${gain}h)`;
}

/** The activation h -> sigma(gain * h). Throws on an unknown name or a non-finite gain. */
export function makeActivation(name: ActivationName, gain = 1): Activation {
  if (!isActivationName(name)) {
    throw new Error(`unknown activation "${String(name)}"; expected one of ${ACTIVATION_NAMES.join(', ')}`);
  }
  if (typeof gain !== 'number' || !Number.isFinite(gain)) {
    throw new Error(`activation gain must be a finite number, got ${String(gain)}`);
  }
  const unit = UNIT[name];
  return {
    name,
    gain,
    apply: gain === 1 ? unit : (h: number) => unit(gain * h),
    kinked: KINKED.has(name),
    label: label(name, gain),
  };
}

/** In-place sigma(gain*h) - kappa0 over a buffer (used by the Monte-Carlo simulation; fast, no allocation). */
export function applyCentred(
  act: Activation,
  kappa0: number,
  values: Float64Array,
  start = 0,
  end = values.length,
): void {
  const g = act.gain;
  // Dedicated loops for the common activations; the others go through their unit function.
  switch (act.name) {
    case 'tanh':
      for (let i = start; i < end; i++) values[i] = Math.tanh(g * values[i]) - kappa0;
      return;
    case 'relu':
      for (let i = start; i < end; i++) {
        const x = g * values[i];
        values[i] = (x > 0 ? x : 0) - kappa0;
      }
      return;
    case 'sign':
      for (let i = start; i < end; i++) {
        const x = g * values[i];
        values[i] = (x > 0 ? 1 : x < 0 ? -1 : 0) - kappa0;
      }
      return;
    case 'linear':
      for (let i = start; i < end; i++) values[i] = g * values[i] - kappa0;
      return;
    default: {
      const unit = UNIT[act.name];
      for (let i = start; i < end; i++) values[i] = unit(g * values[i]) - kappa0;
    }
  }
}
