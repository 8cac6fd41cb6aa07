/**
 * Eigenvalues of a symmetric tridiagonal matrix by the implicit QL algorithm with shifts (EISPACK
 * tql2, Wilkinson and Reinsch, "Handbook for Automatic Computation II", 1971), applying each Givens
 * rotation to the rows of a caller's n x q matrix R instead of accumulating the eigenvector matrix.
 * With R = Z^T [v_1 ... v_q] (Z from the Householder reduction) the result is U^T [v_1 ... v_q], the
 * projections on the eigenvectors; with R = Z^T it is U^T, the eigenvectors as rows.
 *
 * A rotation of rows i and i+1 acts on every column of R independently, and its angle depends only
 * on the tridiagonal, so rotations are logged and later applied to R eight columns at a time: such a
 * slice of R stays in L2 through thousands of rotations. Within one QL sweep the rotations touch rows
 * m-1, m-2, ..., l in turn, so the row shared by consecutive rotations is carried in registers: each
 * entry is loaded and stored once per rotation instead of twice.
 */

/**
 * QL sweeps allowed per eigenvalue before giving up (EISPACK uses 30; typical is 1 to 3). The
 * WebAssembly QL (wasm/eigen.ts) uses the same limits.
 */
export const MAX_SWEEPS_PER_EIGENVALUE = 60;

/** Rotations logged before they are applied to R (20 bytes each: about 1.3 MB). */
export const LOG_CAPACITY = 1 << 16;

/** Columns of R per slice when applying logged rotations. */
const SLICE = 8;

/** sqrt(a^2 + b^2) without overflow or destructive underflow. */
function hypot(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  const big = x > y ? x : y;
  if (big === 0) return 0;
  const small = x > y ? y : x;
  const t = small / big;
  return big * Math.sqrt(1 + t * t);
}

/**
 * Rotations G_t of rows (index[t], index[t] + 1), to be applied to R in order as
 * (r_i, r_{i+1}) <- (c r_i - s r_{i+1}, s r_i + c r_{i+1}).
 */
class RotationLog {
  readonly index: Int32Array;
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  count = 0;
  private readonly slice: Float64Array;
  private readonly column: Float64Array;

  constructor(
    private readonly r: Float64Array,
    private readonly n: number,
    private readonly q: number,
    capacity: number,
  ) {
    this.index = new Int32Array(capacity);
    this.cos = new Float64Array(capacity);
    this.sin = new Float64Array(capacity);
    this.slice = new Float64Array(q >= SLICE ? n * SLICE : 0);
    this.column = new Float64Array(q % SLICE === 0 ? 0 : n);
  }

  record(i: number, c: number, s: number): void {
    const t = this.count;
    this.index[t] = i;
    this.cos[t] = c;
    this.sin[t] = s;
    this.count = t + 1;
    if (this.count === this.index.length) this.flush();
  }

  /** Applies and forgets the logged rotations. */
  flush(): void {
    const { r, n, q, count } = this;
    if (count === 0 || q === 0) {
      this.count = 0;
      return;
    }
    const full = q - (q % SLICE);
    const slice = this.slice;
    for (let k0 = 0; k0 < full; k0 += SLICE) {
      for (let i = 0; i < n; i++) {
        const src = i * q + k0;
        const dst = i * SLICE;
        for (let k = 0; k < SLICE; k++) slice[dst + k] = r[src + k];
      }
      rotateSlice(slice, this.index, this.cos, this.sin, count);
      for (let i = 0; i < n; i++) {
        const src = i * SLICE;
        const dst = i * q + k0;
        for (let k = 0; k < SLICE; k++) r[dst + k] = slice[src + k];
      }
    }
    const column = this.column;
    for (let k = full; k < q; k++) {
      for (let i = 0; i < n; i++) column[i] = r[i * q + k];
      rotateColumn(column, this.index, this.cos, this.sin, count);
      for (let i = 0; i < n; i++) r[i * q + k] = column[i];
    }
    this.count = 0;
  }
}

/** Applies the logged rotations to one column x; consecutive rows (a sweep) carry x_{i+1}. */
function rotateColumn(x: Float64Array, index: Int32Array, cos: Float64Array, sin: Float64Array, count: number): void {
  let t = 0;
  while (t < count) {
    let i = index[t];
    let carry = x[i + 1];
    for (;;) {
      const c = cos[t];
      const s = sin[t];
      const a = x[i];
      x[i + 1] = s * a + c * carry;
      carry = c * a - s * carry;
      t++;
      if (t === count || index[t] !== i - 1) break;
      i--;
    }
    x[i] = carry;
  }
}

/** rotateColumn on eight columns at once, stored contiguously as rows of eight. */
function rotateSlice(x: Float64Array, index: Int32Array, cos: Float64Array, sin: Float64Array, count: number): void {
  let t = 0;
  while (t < count) {
    let i = index[t];
    let o = (i + 1) * 8;
    let v0 = x[o], v1 = x[o + 1], v2 = x[o + 2], v3 = x[o + 3];
    let v4 = x[o + 4], v5 = x[o + 5], v6 = x[o + 6], v7 = x[o + 7];
    for (;;) {
      const c = cos[t];
      const s = sin[t];
      const a = i * 8;
      const b = a + 8;
      // One entry at a time keeps only the eight carries, c, s and y live (no register spills).
      let y = x[a];
      x[b] = s * y + c * v0;
      v0 = c * y - s * v0;
      y = x[a + 1];
      x[b + 1] = s * y + c * v1;
      v1 = c * y - s * v1;
      y = x[a + 2];
      x[b + 2] = s * y + c * v2;
      v2 = c * y - s * v2;
      y = x[a + 3];
      x[b + 3] = s * y + c * v3;
      v3 = c * y - s * v3;
      y = x[a + 4];
      x[b + 4] = s * y + c * v4;
      v4 = c * y - s * v4;
      y = x[a + 5];
      x[b + 5] = s * y + c * v5;
      v5 = c * y - s * v5;
      y = x[a + 6];
      x[b + 6] = s * y + c * v6;
      v6 = c * y - s * v6;
      y = x[a + 7];
      x[b + 7] = s * y + c * v7;
      v7 = c * y - s * v7;
      t++;
      if (t === count || index[t] !== i - 1) break;
      i--;
    }
    o = i * 8;
    x[o] = v0;
    x[o + 1] = v1;
    x[o + 2] = v2;
    x[o + 3] = v3;
    x[o + 4] = v4;
    x[o + 5] = v5;
    x[o + 6] = v6;
    x[o + 7] = v7;
  }
}

/**
 * Implicit QL on the symmetric tridiagonal matrix with diagonal d and off-diagonal e (e[i] couples
 * i-1 and i, e[0] unused), after tql2. On exit d holds the eigenvalues (unsorted) and each rotation
 * has been applied to rows of r (n x q, row-major): r <- V^T r where T = V diag(d) V^T. e is used as
 * scratch. Returns false if some eigenvalue needed more than MAX_SWEEPS_PER_EIGENVALUE sweeps; d and
 * r are then only partly reduced.
 */
export function implicitQL(
  d: Float64Array,
  e: Float64Array,
  n: number,
  r: Float64Array,
  q: number,
  limits: QLLimits = {},
): boolean {
  if (n === 0) return true;
  const log = new RotationLog(r, n, q, q === 0 ? 0 : Math.max(1, limits.logCapacity ?? LOG_CAPACITY));
  const converged = iterate(d, e, n, limits.maxSweepsPerEigenvalue ?? MAX_SWEEPS_PER_EIGENVALUE, q === 0 ? undefined : log);
  log.flush();
  return converged;
}

/** Overrides of the defaults, for tests of the flushing and of the iteration cap. */
export interface QLLimits {
  readonly logCapacity?: number;
  readonly maxSweepsPerEigenvalue?: number;
}

function iterate(d: Float64Array, e: Float64Array, n: number, maxSweeps: number, log: RotationLog | undefined): boolean {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  const eps = Number.EPSILON;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    // Find the first negligible off-diagonal entry at or below l; e[n - 1] = 0 stops the search.
    let m = l;
    while (Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let sweeps = 0;
      do {
        if (++sweeps > maxSweeps) return false;
        // Shift: the eigenvalue of the leading 2x2 block closer to d[l].
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let rr = hypot(p, 1);
        if (p < 0) rr = -rr;
        d[l] = e[l] / (p + rr);
        d[l + 1] = e[l] * (p + rr);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        // Chase the bulge from m up to l with Givens rotations.
        p = d[m];
        let c = 1;
        let c2 = 1;
        let c3 = 1;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          rr = hypot(p, e[i]);
          e[i + 1] = s * rr;
          s = e[i] / rr;
          c = p / rr;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (log !== undefined) log.record(i, c, s);
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
  return true;
}
