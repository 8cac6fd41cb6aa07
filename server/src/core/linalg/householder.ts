/**
 * Householder reduction of a symmetric matrix to tridiagonal form, T = Z^T A Z (the reduction of
 * EISPACK's tred2, Wilkinson and Reinsch, "Handbook for Automatic Computation II", 1971), and the two
 * ways of using Z afterwards: applying Z^T to a few vectors, or forming Z^T.
 *
 * Layout: the working copy is row-major and only its lower triangle is used. Step i reduces row i,
 * whose entries 0..i-1 are contiguous; the symmetric product B u and the rank-2 update
 * B -= u q^T + q u^T both sweep the lower triangle row by row, and the Householder vector is kept in
 * place in row i, so every inner loop is unit-stride.
 */
import { zeros } from "./matrix";
import { gram, multiply, multiplyTransposed } from "./products";

/**
 * Householder reduction of the symmetric matrix held (lower triangle) in w, n x n row-major, to
 * tridiagonal form T = Z^T A Z with Z = P_{n-1} P_{n-2} ... P_2.
 *
 * Step i (from n-1 down to 2) builds P_i = I - u u^T / h[i] acting on indices 0..i-1 that maps row
 * i's entries 0..i-1 onto a multiple of e_{i-1}, and replaces the leading i x i block B by
 * P_i B P_i = B - u q^T - q u^T, where p = B u / h and q = p - (u.p / 2h) u.
 * On return d is the diagonal of T, e[i] couples i-1 and i (e[0] = 0), row i of w holds u in
 * entries 0..i-1 and h[i] > 0 (h[i] = 0 where row i was already reduced and no reflector was used).
 *
 * The matrix does not fit in L2 for p in the thousands, so memory traffic sets the speed: the
 * rank-2 update of step i is fused with the product B' u' of step i-1 (row i-1, which defines u',
 * is updated first), so that each step reads and writes the lower triangle once instead of
 * reading it twice and writing it once.
 *
 * p and pNext are scratch vectors of length n.
 */
export function tridiagonalise(
  w: Float64Array,
  n: number,
  d: Float64Array,
  e: Float64Array,
  h: Float64Array,
  p: Float64Array,
  pNext: Float64Array,
): void {
  h.fill(0);
  e.fill(0);
  // Whether p already holds B u / h for the reflector of the current step (from the fused pass).
  let prepared = false;
  for (let i = n - 1; i >= 2; i--) {
    const row = i * n;
    if (!prepared) {
      const hh = buildReflector(w, n, i, e);
      h[i] = hh;
      if (hh === 0) continue;
      symmetricProduct(w, n, i, row, p);
    }
    prepared = false;
    const hh = h[i];
    let up = 0;
    for (let k = 0; k < i; k++) {
      p[k] /= hh;
      up += w[row + k] * p[k];
    }
    const kk = up / (hh + hh);
    for (let k = 0; k < i; k++) p[k] -= kk * w[row + k];
    // p now holds q. Update row i-1 first: it defines the next reflector.
    const l = i - 1;
    const rl = l * n;
    {
      const ul = w[row + l];
      const ql = p[l];
      for (let k = 0; k <= l; k++) w[rl + k] -= ul * p[k] + ql * w[row + k];
    }
    if (l >= 2) {
      const hNext = buildReflector(w, n, l, e);
      h[l] = hNext;
      if (hNext !== 0) {
        // Fused: update rows 0..l-1 and accumulate pNext = B' u' with u' in row l.
        pNext.fill(0, 0, l);
        for (let j = 0; j < l; j++) {
          const rj = j * n;
          const uj = w[row + j];
          const qj = p[j];
          const vj = w[rl + j];
          // Unrolled by four with four partial sums: the dot product's add chain is the bottleneck.
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          let k = 0;
          for (; k + 3 < j; k += 4) {
            const b0 = w[rj + k] - (uj * p[k] + qj * w[row + k]);
            const b1 = w[rj + k + 1] - (uj * p[k + 1] + qj * w[row + k + 1]);
            const b2 = w[rj + k + 2] - (uj * p[k + 2] + qj * w[row + k + 2]);
            const b3 = w[rj + k + 3] - (uj * p[k + 3] + qj * w[row + k + 3]);
            w[rj + k] = b0;
            w[rj + k + 1] = b1;
            w[rj + k + 2] = b2;
            w[rj + k + 3] = b3;
            s0 += b0 * w[rl + k];
            s1 += b1 * w[rl + k + 1];
            s2 += b2 * w[rl + k + 2];
            s3 += b3 * w[rl + k + 3];
            pNext[k] += b0 * vj;
            pNext[k + 1] += b1 * vj;
            pNext[k + 2] += b2 * vj;
            pNext[k + 3] += b3 * vj;
          }
          for (; k < j; k++) {
            const b = w[rj + k] - (uj * p[k] + qj * w[row + k]);
            w[rj + k] = b;
            s0 += b * w[rl + k];
            pNext[k] += b * vj;
          }
          const s = s0 + s1 + (s2 + s3);
          const bjj = w[rj + j] - (uj * p[j] + qj * w[row + j]);
          w[rj + j] = bjj;
          pNext[j] += s + bjj * vj;
        }
        const t = p;
        p = pNext;
        pNext = t;
        prepared = true;
        continue;
      }
    }
    for (let j = 0; j < l; j++) {
      const rj = j * n;
      const uj = w[row + j];
      const qj = p[j];
      for (let k = 0; k <= j; k++) w[rj + k] -= uj * p[k] + qj * w[row + k];
    }
  }
  if (n >= 2) e[1] = w[n];
  for (let i = 0; i < n; i++) d[i] = w[i * n + i];
}

/**
 * Householder vector for row i (i >= 2): scales row i's entries 0..i-1 in place into u, sets e[i]
 * and returns h = |u|^2 / 2, or 0 (with e[i] = 0) if the row is already zero.
 */
function buildReflector(w: Float64Array, n: number, i: number, e: Float64Array): number {
  const row = i * n;
  // Scale by the 1-norm so that the squares below can neither overflow nor underflow.
  let scale = 0;
  for (let k = 0; k < i; k++) scale += Math.abs(w[row + k]);
  if (scale === 0) {
    e[i] = 0;
    return 0;
  }
  let sigma = 0;
  for (let k = 0; k < i; k++) {
    const u = w[row + k] / scale;
    w[row + k] = u;
    sigma += u * u;
  }
  const l = i - 1;
  const f = w[row + l];
  const g = f >= 0 ? -Math.sqrt(sigma) : Math.sqrt(sigma);
  e[i] = scale * g;
  w[row + l] = f - g;
  // |u|^2 = 2 h for u = x - g e_{i-1}, so P = I - u u^T / h is the reflector mapping x to g e_{i-1}.
  return sigma - f * g;
}

/** p[0..i) = B u for the leading i x i block B (lower triangle, read row by row) and u in row `row`. */
function symmetricProduct(w: Float64Array, n: number, i: number, row: number, p: Float64Array): void {
  p.fill(0, 0, i);
  for (let j = 0; j < i; j++) {
    const rj = j * n;
    const uj = w[row + j];
    let s = 0;
    for (let k = 0; k < j; k++) {
      const b = w[rj + k];
      s += b * w[row + k];
      p[k] += b * uj;
    }
    p[j] += s + w[rj + j] * uj;
  }
}

/**
 * r <- P_i r for every reflector in the order they were built (i = n-1 down to 2), where r is
 * n x q row-major (its columns are the vectors): afterwards r holds Z^T v for each column v.
 */
export function applyReflectors(w: Float64Array, n: number, h: Float64Array, r: Float64Array, q: number, s: Float64Array): void {
  for (let i = n - 1; i >= 2; i--) {
    const hh = h[i];
    if (hh === 0) continue;
    const row = i * n;
    s.fill(0, 0, q);
    for (let j = 0; j < i; j++) {
      const uj = w[row + j];
      const rj = j * q;
      for (let k = 0; k < q; k++) s[k] += uj * r[rj + k];
    }
    for (let k = 0; k < q; k++) s[k] /= hh;
    for (let j = 0; j < i; j++) {
      const uj = w[row + j];
      const rj = j * q;
      for (let k = 0; k < q; k++) r[rj + k] -= uj * s[k];
    }
  }
}

/** Reflectors applied together in accumulateReflectors (the inner dimension of its products). */
const ACCUMULATE_BLOCK = 48;

/**
 * Builds Y = Z^T = P_2 P_3 ... P_{n-1} (rows of Y are columns of Z) by right-multiplying the
 * identity by P_2, P_3, ... in turn, a block of reflectors i0..i1-1 at a time so that the work is
 * done by matrix products (the compact WY idea of Schreiber and Van Loan, 1989, in row form).
 *
 * Only the leading c x c block of Y changes, c = i1 - 1 (row r < i is supported on 0..i-1, and
 * rows r >= i are still e_r, orthogonal to u_i). For each row y of that block, applying the
 * reflectors in turn subtracts s_t u_t with
 *   s_t = (y . u_t - sum_{j<t} s_j (u_j . u_t)) / h_t,
 * so with U the block's Householder vectors as rows: G = Y U^T, C = U U^T, S from the recurrence
 * row by row, and Y <- Y - S U. About 4/3 n^3 flops, nearly all in the two products.
 */
export function accumulateReflectors(w: Float64Array, n: number, h: Float64Array): Float64Array {
  const y = new Float64Array(n * n);
  for (let i = 0; i < n; i++) y[i * n + i] = 1;
  for (let i0 = 2; i0 < n; i0 += ACCUMULATE_BLOCK) {
    const i1 = Math.min(n, i0 + ACCUMULATE_BLOCK);
    const b = i1 - i0;
    const c = i1 - 1;
    // U: b x c, row t = u_{i0+t} (entries 0..i0+t-1 of row i0+t of w), zero beyond.
    const u = zeros(b, c);
    for (let t = 0; t < b; t++) {
      const i = i0 + t;
      if (h[i] !== 0) u.data.set(w.subarray(i * n, i * n + i), t * c);
    }
    const block = zeros(c, c);
    for (let r = 0; r < c; r++) block.data.set(y.subarray(r * n, r * n + c), r * c);
    const g = multiplyTransposed(block, u);
    const cross = gram(u);
    const coefficients = zeros(c, b);
    const sd = coefficients.data;
    for (let r = 0; r < c; r++) {
      const row = r * b;
      for (let t = 0; t < b; t++) {
        const ht = h[i0 + t];
        if (ht === 0) continue;
        let v = g.data[row + t];
        for (let j = 0; j < t; j++) v -= sd[row + j] * cross.data[j * b + t];
        sd[row + t] = v / ht;
      }
    }
    const change = multiply(coefficients, u);
    const cd = change.data;
    for (let r = 0; r < c; r++) {
      const yr = r * n;
      const cr = r * c;
      for (let k = 0; k < c; k++) y[yr + k] -= cd[cr + k];
    }
  }
  return y;
}
