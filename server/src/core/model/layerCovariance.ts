/**
 * Omega_l of one layer, kept in the form that makes its spectrum cheapest.
 *
 * With the average linearisation Omega_l = a W Omega_{l-1} W^T + b I (a = kappa1^2,
 * b = kappaStar2). When the layer widens (width k > fan-in m), W Omega_{l-1} W^T = A A^T with
 * A = W L, L L^T = Omega_{l-1} (Cholesky), has rank at most m: its non-zero eigenvalues are those of
 * the m x m matrix A^T A, and Omega_l has the eigenvalue b with multiplicity k - m
 * (the low-rank shortcut for widening layers). For a vector psi, the projections on
 * the eigenvectors u_i = A v_i / sqrt(mu_i) are (v_i . A^T psi) / sqrt(mu_i), and the degenerate
 * eigenspace of b receives the rest of |psi|^2. The risk formula only needs sums over eigenvalues,
 * so giving that whole remainder to one copy of b is exact.
 */
import { choleskyFactor } from '../linalg/cholesky';
import { symmetricEigenvalues, type EigenvaluesResult } from '../linalg/eigen';
import type { Matrix } from '../linalg/matrix';
import { factoredCongruence, matVec, multiply, scaleColumns, transposeGram, transposeMatVec } from '../linalg/products';
import { congruenceWith, covarianceTimesVector, timesCovariance } from './covariance';
import type { Covariance } from './types';

export interface LayerFactors {
  w: Matrix;
  /** Omega_{l-1}: the input covariance or the previous layer's. */
  inner: Covariance | LayerCovariance;
  a: number;
  b: number;
}

/** W C W^T for a plain covariance or a layer's Omega (which picks its cheaper route). */
export function congruenceWithAny(w: Matrix, c: Covariance | LayerCovariance): Matrix {
  return c instanceof LayerCovariance ? c.congruence(w) : congruenceWith(w, c);
}

/** diag(W C W^T) (each neuron's pre-activation variance) without forming the k x k product. */
export function diagonalOfCongruence(w: Matrix, c: Covariance | LayerCovariance): Float64Array {
  if (c instanceof LayerCovariance) return c.diagonalOfCongruence(w);
  return rowDots(timesCovariance(w, c), w);
}

/** out_i = sum_j a_ij b_ij. */
function rowDots(a: Matrix, b: Matrix): Float64Array {
  const out = new Float64Array(a.rows);
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    for (let j = i * a.cols, end = j + a.cols; j < end; j++) s += (a.data[j] as number) * (b.data[j] as number);
    out[i] = s;
  }
  return out;
}

function asCovariance(c: Covariance | LayerCovariance): Covariance {
  return c instanceof LayerCovariance ? { kind: 'dense', matrix: c.matrix() } : c;
}

export interface LayerSpectrum {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** Squared projections of each requested vector, aligned with values. */
  projections2: Float64Array[];
  converged: boolean;
}

export class LayerCovariance {
  private dense: Matrix | undefined;

  private constructor(
    readonly size: number,
    dense: Matrix | undefined,
    readonly factors: LayerFactors | undefined,
  ) {
    this.dense = dense;
  }

  /** A formed matrix; `factors`, when known, still enable the widening shortcut for its spectrum. */
  static dense(matrix: Matrix, factors?: LayerFactors): LayerCovariance {
    return new LayerCovariance(matrix.rows, matrix, factors);
  }

  /** a W inner W^T + b I, formed only if someone asks for the matrix. */
  static factored(factors: LayerFactors): LayerCovariance {
    return new LayerCovariance(factors.w.rows, undefined, factors);
  }

  /** The dense matrix (formed on first use for a factored layer). */
  matrix(): Matrix {
    if (!this.dense) {
      const { w, inner, a, b } = this.factors as LayerFactors;
      const m = congruenceWithAny(w, inner);
      const k = m.rows;
      for (let i = 0; i < m.data.length; i++) m.data[i] = a * (m.data[i] as number);
      for (let i = 0; i < k; i++) m.data[i * k + i] = (m.data[i * k + i] as number) + b;
      this.dense = m;
    }
    return this.dense;
  }

  /** Omega v without forming Omega. */
  times(v: Float64Array): Float64Array {
    if (this.dense || !this.factors) return matVec(this.matrix(), v);
    // a W (C (W^T v)) + b v: three O(k m) products instead of a k x k matrix.
    const { w, inner, a, b } = this.factors;
    const wv = transposeMatVec(w, v);
    const out = matVec(w, inner instanceof LayerCovariance ? inner.times(wv) : covarianceTimesVector(inner, wv));
    for (let i = 0; i < out.length; i++) out[i] = a * (out[i] as number) + b * (v[i] as number);
    return out;
  }

  /**
   * The next layer's H = W Omega W^T. For an unformed Omega = a V C V^T + b I with C the identity or
   * diagonal: a (W V C^1/2)(W V C^1/2)^T + b W W^T, which costs 2kmn + k^2 n + k^2 m flops
   * (W: k x m, V: m x n, n < m since the layer widened) instead of forming Omega (m^2 n) and
   * W Omega W^T (2 k m^2 + k^2 m), and never holds the m x m matrix.
   */
  congruence(w: Matrix): Matrix {
    const f = this.unformed();
    return f ? factoredCongruence(w, f.root, f.a, f.b) : congruenceWith(w, { kind: 'dense', matrix: this.matrix() });
  }

  diagonalOfCongruence(w: Matrix): Float64Array {
    const f = this.unformed();
    if (!f) return diagonalOfCongruence(w, { kind: 'dense', matrix: this.matrix() });
    const wv = multiply(w, f.root);
    const fromRoot = rowDots(wv, wv);
    const fromShift = rowDots(w, w);
    return fromRoot.map((x, i) => f.a * x + f.b * (fromShift[i] as number));
  }

  /**
   * Omega = a V C V^T + b I kept unformed with an identity or diagonal C, as root = V C^1/2 (the
   * next layer multiplies through it); undefined once formed or for another inner covariance.
   */
  private unformed(): { root: Matrix; a: number; b: number } | undefined {
    const f = this.factors;
    if (this.dense || !f || f.inner instanceof LayerCovariance || f.inner.kind === 'dense') return undefined;
    return { root: timesCovarianceRoot(f.w, f.inner), a: f.a, b: f.b };
  }

  /** The spectrum, computed now (with every helper thread sharing the work). */
  spectrum(vectors: readonly Float64Array[] = []): LayerSpectrum {
    const f = this.factors;
    if (f && f.w.rows > f.w.cols) {
      const shortcut = widenedLayerSpectrum(f, vectors);
      if (shortcut) return shortcut;
    }
    const { values, projections, converged } = symmetricEigenvalues(this.matrix(), vectors);
    return { values, projections2: projections.map((p) => p.map((x) => x * x)), converged };
  }
}

/** W C^1/2 for an identity or diagonal covariance C. */
function timesCovarianceRoot(w: Matrix, c: Exclude<Covariance, { kind: 'dense' }>): Matrix {
  return c.kind === 'identity' ? w : scaleColumns(w, c.values.map(Math.sqrt));
}

/** Returns undefined when Omega_{l-1} is not positive definite (no Cholesky factor): the caller diagonalises Omega_l itself. */
function widenedLayerSpectrum(factors: LayerFactors, vectors: readonly Float64Array[]): LayerSpectrum | undefined {
  const { w, inner: innerAny } = factors;
  const inner = asCovariance(innerAny);
  let factorA: Matrix;
  if (inner.kind === 'dense') {
    const l = choleskyFactor(inner.matrix);
    if (!l) return undefined;
    factorA = multiply(w, l);
  } else factorA = timesCovarianceRoot(w, inner);
  const gramSmall = transposeGram(factorA); // A^T A, m x m
  const reduced = vectors.map((v) => transposeMatVec(factorA, v)); // A^T psi
  return widenedSpectrum(factors, vectors, symmetricEigenvalues(gramSmall, reduced));
}

/** Omega_l's spectrum from the eigenvalues mu of A^T A and the projections of A^T v. */
function widenedSpectrum({ w, a, b }: LayerFactors, vectors: readonly Float64Array[], small: EigenvaluesResult): LayerSpectrum {
  const k = w.rows;
  const m = w.cols;
  const mu = small.values;
  let muMax = 0;
  for (const x of mu) muMax = Math.max(muMax, Math.abs(x));
  // Directions with mu ~ 0 belong to the eigenvalue b, like the k - m missing ones.
  const zeroTolerance = 1e-12 * muMax;

  const values = new Float64Array(k).fill(b);
  const offset = k - m;
  for (let i = 0; i < m; i++) values[offset + i] = a * Math.max(mu[i] as number, 0) + b;
  const projections2 = vectors.map((v, j) => {
    const proj = small.projections[j] as Float64Array;
    const out = new Float64Array(k);
    let explained = 0;
    for (let i = 0; i < m; i++) {
      const mi = mu[i] as number;
      if (mi > zeroTolerance) {
        const q = ((proj[i] as number) * (proj[i] as number)) / mi;
        out[offset + i] = q;
        explained += q;
      }
    }
    let norm2 = 0;
    for (const x of v) norm2 += x * x;
    out[0] = Math.max(0, norm2 - explained);
    return out;
  });
  return { values, projections2, converged: small.converged };
}
