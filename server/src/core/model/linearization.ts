/**
 * One layer of the Gaussian-equivalent recursion ([P] Def. 4.2; theory.md section 4):
 *
 *     average:    Omega_l = kappa1^2 W Omega_{l-1} W^T + kappaStar2 I,  r = mean_i (W Omega W^T)_ii
 *     perNeuron:  Omega_l = D (H - diag H) D + diag(E sigma(N_i)^2 - kappa0_i^2),  H = W Omega W^T,
 *                 D = diag(kappa1_i), r_i = H_ii
 *
 * The per-layer `gain` (kappa1, or kappa1_i per neuron) is what every propagated cross moment
 * multiplies by (psi_l = D W psi_{l-1}, theory.md section 5).
 */
import type { Matrix } from '../linalg/matrix';
import { ProblemError } from '../problems';
import { hermiteCoefficients, type HermiteCoefficients } from './gaussian';
import { exactCovarianceInPlace } from './exactMoments';
import { congruenceWithAny, diagonalOfCongruence, LayerCovariance } from './layerCovariance';
import type { Covariance, LayerModel } from './types';

export interface LayerLinearization {
  id: string;
  width: number;
  activation: string;
  linearization: 'average' | 'perNeuron';
  /** Mean pre-activation variance r (neuron average for perNeuron). */
  preactivationVariance: number;
  kappa0: number;
  kappa1: number;
  kappaStar: number;
  /** kappa1 per neuron (all equal for the average linearisation). */
  gain: Float64Array;
  /** Pre-activation variance per neuron (all equal to r for the average linearisation). */
  variances: Float64Array;
  /**
   * kappa0 per neuron: the population mean the network subtracts from sigma(h) (theory.md
   * section 4). Simulations centre with these, not with an empirical mean.
   */
  centring: Float64Array;
  /** Whether Omega_l is the exact covariance under Gaussian pre-activations (model/exactMoments.ts). */
  moments: 'linearized' | 'exact';
  /** What the validity diagnostics need about H = W Omega_{l-1} W^T (model/validity.ts). */
  preactivation: PreactivationStatistics;
}

export interface PreactivationStatistics {
  /** Tr H. */
  trace: number;
  /** Tr H^2 when H was formed; otherwise the validity diagnostics recover it from Omega_l's spectrum. */
  traceOfSquare: number | undefined;
  /** Coefficient of variation of the per-neuron variances H_ii. */
  varianceSpread: number;
}

export interface LinearizedLayer {
  omega: LayerCovariance;
  layer: LayerLinearization;
}

export function coefficientsOrProblem(layer: LayerModel, variance: number): HermiteCoefficients {
  try {
    return hermiteCoefficients(layer.activation, variance);
  } catch (error) {
    throw new ProblemError({
      code: 'moments/activation',
      severity: 'error',
      message: `layer "${layer.id}": ${(error as Error).message}`,
      file: layer.source.file,
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      pointer: layer.source.pointer,
    });
  }
}

/**
 * @param formOmega whether Omega_l must exist as a dense matrix (it feeds another layer or the
 *   per-neuron formula). A widening last layer with the average linearisation stays factored.
 */
export function linearizeLayer(layer: LayerModel, w: Matrix, previous: Covariance | LayerCovariance, formOmega = true): LinearizedLayer {
  const k = w.rows;
  const gain = new Float64Array(k);
  const variances = new Float64Array(k);
  const centring = new Float64Array(k);
  const exact = layer.moments === 'exact';

  if (layer.linearization === 'average' && !exact) {
    const h = formOmega ? congruenceWithAny(w, previous) : undefined; // H = W Omega_{l-1} W^T
    const diagonal = h ? diagonalOf(h) : diagonalOfCongruence(w, previous);
    const stats = statistics(diagonal, h);
    const r = stats.trace / k;
    const c = coefficientsOrProblem(layer, r);
    const a = c.kappa1 * c.kappa1;
    const factors = { w, inner: previous, a, b: c.kappaStar2 };
    if (h) {
      // Omega_l = kappa1^2 H + kappaStar2 I, in place.
      const d = h.data;
      for (let i = 0; i < d.length; i++) d[i] = a * (d[i] as number);
      for (let i = 0; i < k; i++) d[i * k + i] = (d[i * k + i] as number) + c.kappaStar2;
    }
    const omega = h ? LayerCovariance.dense(h, factors) : LayerCovariance.factored(factors);
    gain.fill(c.kappa1);
    variances.fill(r);
    centring.fill(c.kappa0);
    return { omega, layer: report(layer, r, c.kappa0, c.kappa1, Math.sqrt(c.kappaStar2), { gain, variances, centring, preactivation: stats }) };
  }

  const h = congruenceWithAny(w, previous);
  const d = h.data;
  const stats = statistics(diagonalOf(h), h);
  // Per-neuron: coefficients at each neuron's own variance (useful for trained rows of unequal norm).
  // The exact moments use them too (kappa1_i is exactly E[sigma'(h_i)], Stein's lemma), but keep the
  // centring of the layer's linearisation, so that "moments" changes the prediction, not the network.
  const average = layer.linearization === 'average' ? coefficientsOrProblem(layer, stats.trace / k) : undefined;
  const variance = new Float64Array(k);
  let sumK0 = 0;
  let sumK1 = 0;
  let sumStar2 = 0;
  for (let i = 0; i < k; i++) {
    const r = d[i * k + i] as number;
    const c = coefficientsOrProblem(layer, r);
    gain[i] = c.kappa1;
    variances[i] = r;
    centring[i] = average ? average.kappa0 : c.kappa0;
    variance[i] = c.centredSecondMoment;
    sumK0 += c.kappa0;
    sumK1 += c.kappa1;
    sumStar2 += c.kappaStar2;
  }
  const extra = { gain, variances, centring, preactivation: stats };
  if (exact) {
    exactCovarianceInPlace(h, { activation: layer.activation, variances, centring });
    const lin = average
      ? report(layer, stats.trace / k, average.kappa0, average.kappa1, Math.sqrt(average.kappaStar2), extra)
      : report(layer, stats.trace / k, sumK0 / k, sumK1 / k, Math.sqrt(Math.max(0, sumStar2 / k)), extra);
    return { omega: LayerCovariance.dense(h), layer: lin };
  }
  for (let i = 0; i < k; i++) {
    const gi = gain[i] as number;
    const row = i * k;
    for (let j = 0; j < k; j++) d[row + j] = gi * (gain[j] as number) * (d[row + j] as number);
    d[row + i] = variance[i] as number;
  }
  return {
    omega: LayerCovariance.dense(h),
    layer: report(layer, stats.trace / k, sumK0 / k, sumK1 / k, Math.sqrt(Math.max(0, sumStar2 / k)), extra),
  };
}

/** Trace, Tr H^2 (when H is formed) and the spread of the per-neuron variances. */
function statistics(diagonal: Float64Array, h: Matrix | undefined): PreactivationStatistics {
  let trace = 0;
  for (const x of diagonal) trace += x;
  const mean = trace / diagonal.length;
  let spread = 0;
  for (const x of diagonal) spread += (x - mean) ** 2;
  spread = mean > 0 ? Math.sqrt(spread / diagonal.length) / mean : 0;
  let traceOfSquare: number | undefined;
  if (h) {
    traceOfSquare = 0;
    for (const x of h.data) traceOfSquare += x * x;
  }
  return { trace, traceOfSquare, varianceSpread: spread };
}

function diagonalOf(m: Matrix): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + i] as number;
  return out;
}

function report(
  layer: LayerModel,
  r: number,
  kappa0: number,
  kappa1: number,
  kappaStar: number,
  perNeuron: Pick<LayerLinearization, 'gain' | 'variances' | 'centring' | 'preactivation'>,
): LayerLinearization {
  return {
    id: layer.id,
    width: layer.width,
    activation: layer.activation.label,
    linearization: layer.linearization,
    moments: layer.moments,
    preactivationVariance: r,
    kappa0,
    kappa1,
    kappaStar,
    ...perNeuron,
  };
}
