/**
 * Quadrature rules for expectations over a standard normal variable, E f(Z) ~ sum_i w_i f(z_i).
 *
 * Why not plain Gauss-Hermite: the activations are evaluated at s Z with s = gain * sqrt(r), and
 * (i) relu and sign are kinked or discontinuous at 0, where Gauss-Hermite converges only
 * algebraically (about 1e-5 with 100 nodes for sign); (ii) for large s a smooth activation such
 * as tanh(s z) has poles at distance pi/(2 s) from the real axis, so a global polynomial rule
 * needs O(s^2) nodes; (iii) sin(s z) oscillates. A composite Gauss-Legendre rule against the
 * normal density handles all three:
 * - panels end exactly at the split point (0 for an activation, where its kink or its steepest
 *   part sits), so a kinked integrand is smooth (piecewise polynomial times phi) on every panel;
 * - next to the split, panel widths grow geometrically from minWidth = 1/sharpness (panel
 *   [a, 2a] next to [0, a]); a singularity at distance >= a/2 from such a panel keeps the
 *   Bernstein-ellipse parameter above ~5.8, so 12 nodes per panel give an error below
 *   5.8^-24 ~ 5e-19 relative to the panel's contribution, at a cost of only log2(sharpness) extra
 *   panels;
 * - elsewhere panels are at most maxWidth = min(1, 2/frequency) wide (unit width for
 *   non-oscillating integrands: the normal density alone is then integrated to ~1e-16);
 * - the rule covers [-10, 10]: the normal mass beyond is 1.5e-23, negligible even for integrands
 *   growing like z^4.
 * The weights include phi(z), so a rule's weights sum to 1 within rounding.
 */

import { INV_SQRT_2PI } from './special';

/** Half-width of the covered range [-Z_MAX, Z_MAX]. */
export const Z_MAX = 10;
/** Gauss-Legendre nodes per panel. */
const NODES_PER_PANEL = 12;

/** Gauss-Legendre nodes and weights on [-1, 1] by Newton's method on the Legendre recurrence. */
function gaussLegendre(n: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let t = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 1;
    for (let iter = 0; iter < 100; iter++) {
      let p0 = 1;
      let p1 = t;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (t * p1 - p0)) / (t * t - 1);
      const step = p1 / dp;
      t -= step;
      if (Math.abs(step) <= 1e-16) break;
    }
    // Recompute the derivative at the converged node for the weight.
    let p0 = 1;
    let p1 = t;
    for (let k = 2; k <= n; k++) {
      const p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
      p0 = p1;
      p1 = p2;
    }
    dp = (n * (t * p1 - p0)) / (t * t - 1);
    x[i] = t;
    w[i] = 2 / ((1 - t * t) * dp * dp);
  }
  return { x, w };
}

const GL = gaussLegendre(NODES_PER_PANEL);

/** A quadrature rule for E f(Z), Z ~ N(0, 1): the first `length` entries of nodes and weights. */
export interface NormalRule {
  readonly nodes: Float64Array;
  readonly weights: Float64Array;
  readonly length: number;
}

/**
 * Builds composite rules into reusable buffers (no allocation once the buffers are large enough).
 * The returned rule is valid until the next build on the same builder.
 */
export class NormalRuleBuilder implements NormalRule {
  nodes = new Float64Array(0);
  weights = new Float64Array(0);
  length = 0;

  /**
   * Rule split at `split`, panels growing geometrically from minWidth next to the split up to
   * maxWidth (both clipped to (0, 1]); a split outside (-Z_MAX, Z_MAX) gives uniform panels.
   */
  build(split: number, minWidth: number, maxWidth: number): NormalRule {
    const wMax = Math.min(1, maxWidth);
    const wMin = Math.min(wMax, minWidth);
    if (!(wMin > 0)) throw new Error(`quadrature panel width must be positive, got ${minWidth}, ${maxWidth}`);
    this.length = 0;
    if (split > -Z_MAX && split < Z_MAX) {
      this.side(split, Z_MAX, wMin, wMax);
      this.side(split, -Z_MAX, wMin, wMax);
    } else {
      this.side(-Z_MAX, Z_MAX, wMax, wMax);
    }
    return this;
  }

  /** Panels from `from` towards `to`, graded away from `from`. */
  private side(from: number, to: number, wMin: number, wMax: number): void {
    const dir = to > from ? 1 : -1;
    const span = Math.abs(to - from);
    let d = 0;
    while (d < span) {
      const width = d === 0 ? wMin : Math.min(d, wMax);
      const dNext = Math.min(d + width, span);
      this.panel(from + dir * d, from + dir * dNext);
      d = dNext;
    }
  }

  private panel(a: number, b: number): void {
    const n = NODES_PER_PANEL;
    if (this.length + n > this.nodes.length) this.grow(this.length + n);
    const mid = 0.5 * (a + b);
    const half = 0.5 * (b - a);
    const scale = Math.abs(half) * INV_SQRT_2PI;
    for (let i = 0; i < n; i++) {
      const z = mid + half * GL.x[i];
      this.nodes[this.length] = z;
      this.weights[this.length] = scale * GL.w[i] * Math.exp(-0.5 * z * z);
      this.length++;
    }
  }

  private grow(min: number): void {
    const capacity = Math.max(min, 2 * this.nodes.length, 256);
    const nodes = new Float64Array(capacity);
    const weights = new Float64Array(capacity);
    nodes.set(this.nodes.subarray(0, this.length));
    weights.set(this.weights.subarray(0, this.length));
    this.nodes = nodes;
    this.weights = weights;
  }
}

/** Copy of a builder's current rule, for caching. */
function frozen(rule: NormalRule): NormalRule {
  return { nodes: rule.nodes.slice(0, rule.length), weights: rule.weights.slice(0, rule.length), length: rule.length };
}

const cache = new Map<number, NormalRule>();
const scratchBuilder = new NormalRuleBuilder();

/**
 * Rule split at 0 resolving an integrand whose steepest part around 0 has width 1/sharpness
 * (sharpness <= 1: unit panels). Cached per power-of-two grading level, so repeated calls with
 * similar sharpness cost a map lookup.
 */
export function centredRule(sharpness: number): NormalRule {
  const level = sharpness > 1 ? Math.ceil(Math.log2(sharpness)) : 0;
  let rule = cache.get(level);
  if (rule === undefined) {
    rule = frozen(scratchBuilder.build(0, Math.pow(2, -level), 1));
    cache.set(level, rule);
  }
  return rule;
}

/** Rule split at 0 with grading for `sharpness` and panels narrow enough for `frequency`. */
export function centredOscillatingRule(sharpness: number, frequency: number, builder: NormalRuleBuilder): NormalRule {
  if (!(frequency > 0.5)) return centredRule(sharpness);
  const level = sharpness > 1 ? Math.ceil(Math.log2(sharpness)) : 0;
  return builder.build(0, Math.pow(2, -level), 2 / frequency);
}
