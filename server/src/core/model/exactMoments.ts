/**
 * Exact second moments of a layer under Gaussian pre-activations (theory.md section 5b), the
 * `"moments": "exact"` option: instead of the linearisation's kappa1^2 H + kappaStar2 I, every
 * entry E[(sigma(h_i) - c_i)(sigma(h_j) - c_j)] of the feature covariance (and every student-teacher
 * cross moment) is the Gaussian expectation itself, given the pre-activation covariance H.
 *
 * Exact when the layer's pre-activations are jointly Gaussian given the weights: the first layer on
 * Gaussian inputs, or a layer after linear layers only. Deeper, the inputs are not Gaussian and this
 * is the same Gaussian-equivalence approximation as the linearisation, but without dropping the
 * orders k >= 2 off the diagonal, which are what fails when pre-activations are strongly correlated
 * (c_l = p Tr(H^2) / (Tr H)^2 large).
 *
 * Off the diagonal: closed forms for pairs of the same activation (linear; relu: the arc-cosine
 * kernel; erf and sign: the arcsine kernels; sin: e^{-(r_i + r_j)/2} sinh(H_ij)); otherwise Mehler's
 * series sum_{k=1..HERMITE_ORDER} b_k(i) b_k(j) rho_ij^k / k!, whose truncation error is at most
 * |rho|^(HERMITE_ORDER + 1) times the non-linear variance. On the diagonal of Omega: the exact
 * variance E sigma(h_i)^2 - kappa0_i^2; on the diagonal of a square cross moment: the exact
 * two-dimensional integral (gaussian.ts centredCrossMoment), since rho_ii is close to 1 for
 * correlated student and teacher layers, where the series converges slowly.
 *
 * The network subtracts c_i (its centring: kappa0 at the mean variance for the average
 * linearisation, kappa0_i per neuron for the per-neuron one), so the features keep a mean
 * m_i = kappa0_i - c_i: the second moment the ridge readout sees adds m_i m_j.
 */
import type { Matrix } from '../linalg/matrix';
import type { Activation } from './activations';
import { centredCrossMoment, hermiteCoefficients, hermiteSeries } from './gaussian';

/** Highest Hermite order kept off the diagonal when no closed form exists. */
export const HERMITE_ORDER = 12;

const CLOSED_FORMS = new Set(['linear', 'relu', 'erf', 'sign', 'sin']);

/** One side of a pair: an activation and, per neuron, its pre-activation variance and the centring the network subtracts. */
export interface GaussianNeurons {
  activation: Activation;
  variances: Float64Array;
  centring: Float64Array;
}

/**
 * Overwrites H = W Omega_{l-1} W^T (k x k) by the exact feature covariance of the layer.
 * `neurons.variances` must be H's diagonal.
 */
export function exactCovarianceInPlace(h: Matrix, neurons: GaussianNeurons): void {
  const k = h.rows;
  const d = h.data;
  const pair = pairKernel(neurons, neurons);
  const mean = featureMeans(neurons);
  for (let i = 0; i < k; i++) {
    const row = i * k;
    for (let j = i + 1; j < k; j++) {
      const v = pair(i, j, d[row + j] as number) + (mean[i] as number) * (mean[j] as number);
      d[row + j] = v;
      d[j * k + i] = v;
    }
    const c = hermiteCoefficients(neurons.activation, neurons.variances[i] as number);
    d[row + i] = c.centredSecondMoment + (mean[i] as number) ** 2;
  }
}

/**
 * Overwrites C = W Phi_{l-1} V^T (student width x teacher width, the covariance of student and
 * teacher pre-activations) by the exact cross moment E[(sigma(h_i) - c_i)(tau(g_j) - c~_j)].
 */
export function exactCrossMomentInPlace(c: Matrix, student: GaussianNeurons, teacher: GaussianNeurons): void {
  const pair = pairKernel(student, teacher);
  const ms = featureMeans(student);
  const mt = featureMeans(teacher);
  for (let i = 0; i < c.rows; i++) {
    const row = i * c.cols;
    for (let j = 0; j < c.cols; j++) {
      const cij = c.data[row + j] as number;
      const centred =
        i === j
          ? centredCrossMoment(
              student.activation,
              teacher.activation,
              student.variances[i] as number,
              teacher.variances[j] as number,
              clamp(cij, student.variances[i] as number, teacher.variances[j] as number),
            )
          : pair(i, j, cij);
      c.data[row + j] = centred + (ms[i] as number) * (mt[j] as number);
    }
  }
}

/** m_i = kappa0_i - c_i: what the network's centring leaves of each neuron's mean. */
function featureMeans(n: GaussianNeurons): Float64Array {
  return n.variances.map((r, i) => hermiteCoefficients(n.activation, r).kappa0 - (n.centring[i] as number));
}

function clamp(c: number, ra: number, rb: number): number {
  const bound = Math.sqrt(ra * rb);
  return Math.max(-bound, Math.min(bound, c));
}

/** (i, j, covariance) -> centred cross moment of neuron i of `a` and neuron j of `b`. */
type PairKernel = (i: number, j: number, covariance: number) => number;

function pairKernel(a: GaussianNeurons, b: GaussianNeurons): PairKernel {
  const same = a.activation.name === b.activation.name && a.activation.gain === b.activation.gain;
  if (same && CLOSED_FORMS.has(a.activation.name)) return closedFormKernel(a.activation, a.variances, b.variances);
  return seriesKernel(a, b);
}

/** Correlation of a pair, clamped to [-1, 1] against rounding; 0 when a variance is 0. */
function correlation(ri: number, rj: number, c: number): number {
  const s = Math.sqrt(ri * rj);
  if (!(s > 0)) return 0;
  return Math.max(-1, Math.min(1, c / s));
}

function closedFormKernel(act: Activation, ra: Float64Array, rb: Float64Array): PairKernel {
  const g2 = act.gain * act.gain;
  switch (act.name) {
    case 'linear':
      return (_i, _j, c) => g2 * c;
    case 'relu':
      // E relu(u) relu(v) = sqrt(r_i r_j)/(2 pi) (sqrt(1 - rho^2) + rho (pi - acos rho)) (arc-cosine kernel of
      // order 1), minus kappa0_i kappa0_j = sqrt(r_i r_j)/(2 pi); a negative gain flips both signs alike.
      return (i, j, c) => {
        const ri = ra[i] as number;
        const rj = rb[j] as number;
        const rho = correlation(ri, rj, c);
        return ((g2 * Math.sqrt(ri * rj)) / (2 * Math.PI)) * (Math.sqrt((1 - rho) * (1 + rho)) + rho * (Math.PI - Math.acos(rho)) - 1);
      };
    case 'sign':
      return (i, j, c) => (act.gain === 0 ? 0 : (2 / Math.PI) * Math.asin(correlation(ra[i] as number, rb[j] as number, c)));
    case 'erf':
      // E erf(g u) erf(g v) = (2/pi) asin(2 g^2 c / sqrt((1 + 2 g^2 r_i)(1 + 2 g^2 r_j))).
      return (i, j, c) => {
        const t = (2 * g2 * c) / Math.sqrt((1 + 2 * g2 * (ra[i] as number)) * (1 + 2 * g2 * (rb[j] as number)));
        return (2 / Math.PI) * Math.asin(Math.max(-1, Math.min(1, t)));
      };
    case 'sin':
      // E sin(g u) sin(g v) = (E cos(g(u - v)) - E cos(g(u + v))) / 2 = e^{-g^2 (r_i + r_j)/2} sinh(g^2 c).
      return (i, j, c) => Math.exp((-g2 * ((ra[i] as number) + (rb[j] as number))) / 2) * Math.sinh(g2 * c);
    default:
      throw new Error(`no closed-form kernel for ${act.name}`);
  }
}

/** Mehler's series with a_k = b_k / sqrt(k!) per neuron: sum_k a_k(i) a_k(j) rho^k. */
function seriesKernel(a: GaussianNeurons, b: GaussianNeurons): PairKernel {
  const K = HERMITE_ORDER;
  const ta = seriesTable(a, K);
  const tb = seriesTable(b, K);
  return (i, j, c) => {
    const rho = correlation(a.variances[i] as number, b.variances[j] as number, c);
    let power = 1;
    let sum = 0;
    const ra = i * K;
    const rb = j * K;
    for (let k = 0; k < K; k++) {
      power *= rho;
      sum += (ta[ra + k] as number) * (tb[rb + k] as number) * power;
    }
    return sum;
  };
}

/** Row i: b_1(i) / sqrt(1!), ..., b_K(i) / sqrt(K!). Neurons of equal variance share one series. */
function seriesTable(n: GaussianNeurons, K: number): Float64Array {
  const table = new Float64Array(n.variances.length * K);
  const cache = new Map<number, Float64Array>();
  n.variances.forEach((r, i) => {
    let b = cache.get(r);
    if (!b) {
      b = hermiteSeries(n.activation, r, K);
      cache.set(r, b);
    }
    let factorial = 1;
    for (let k = 1; k <= K; k++) {
      factorial *= k;
      table[i * K + k - 1] = (b[k] as number) / Math.sqrt(factorial);
    }
  });
  return table;
}
