/**
 * Blocked Householder reduction of a symmetric matrix to tridiagonal form (LAPACK's dsytrd with
 * dlatrd, upper variant: Dongarra, Hammarling and Sorensen, "Block reduction of matrices to
 * condensed forms for eigenvalue computations", 1989), and the two uses of its reflectors.
 *
 * Storage: row-major n x n, lower triangle read. Row i's entries 0..i are column i of the
 * column-major upper triangle, so LAPACK's upper variant works here on contiguous rows. Columns
 * (rows here) are reduced from the last: reflector H_i = I - tau_i v_i v_i^T, v_i supported on
 * 0..i-1 with v_i[i-1] = 1, annihilates entries 0..i-2 of row i. With Q = H_{n-1} ... H_1,
 * T = Q^T A Q is tridiagonal with diagonal d and off-diagonal e (e[i] couples i and i+1).
 *
 * A panel of NB rows is reduced with the trailing matrix left as it is (dlatrd): each new
 * reflector's product with the current matrix is the product with the stored one (a symmetric
 * matrix-vector product, memory bound) corrected by the panel's V and W. The trailing matrix is
 * then updated once per panel, A -= V W^T + W V^T, as one SIMD matrix product of depth 2 NB, so
 * about half of the 4/3 n^3 flops run at matrix-product speed.
 */
import { ACCUMULATE, LOWER, SUBTRACT } from "./gemm";
import { axpy, dot, hypot, norm2, scal } from "./vector";

/**
 * Provided by the host: gemm (gemm.ts) on the whole of C, shared with helper threads if any. The
 * reduction's rank-2k updates and the reflector products go through it.
 */
declare function sharedGemm(
  m: i32, n: i32, k: i32,
  a: usize, aStrideX: i32, aStrideP: i32,
  b: usize, bStrideX: i32, bStrideP: i32,
  c: usize, ldc: i32, flags: i32,
): void;

/**
 * Provided by the host: y[0..i) = B v (as symmetricProductRows from row 0) for i >= SHARED_PRODUCT_MIN,
 * computed as the sum of PRODUCT_PARTS parts (symmetricProductPart) that helper threads can share.
 */
declare function sharedSymmetricProduct(i: i32, a: usize, pitch: usize, v: usize, y: usize): void;

/** From this order on, the symmetric product is split into parts (whether or not threads share them). */
const SHARED_PRODUCT_MIN: i32 = 512;
/** Parts of a split symmetric product: row ranges of equal work (row j costs j). */
const PRODUCT_PARTS: i32 = 8;

/** Rows per panel. */
const NB: i32 = 32;

/** Doubles of work space tridiagonalise needs for an n x n matrix. */
export function tridiagonaliseWorkDoubles(n: i32): i32 {
  return 5 * NB * n + 2 * NB;
}

/**
 * y[0..i) = the part of B v from rows j0..i-1 of the leading i x i block B of the lower triangle at a
 * (row pitch in bytes; rows below j0 are left out, their share of y not added), four rows per pass: each pass reads the four rows once for both their dot products with v and their
 * mirrored contributions v[j] row_j added to y, so y and v are loaded and stored once per four rows.
 * This product reads the whole trailing matrix for every reflector: it is the memory-bound half
 * of the reduction.
 */
function symmetricProductRows(j0: i32, i: i32, a: usize, pitch: usize, v: usize, y: usize): void {
  memory.fill(y, 0, <usize>i << 3);
  let j = j0;
  for (; j + 3 < i; j += 4) {
    const r0 = a + <usize>j * pitch;
    const r1 = r0 + pitch;
    const r2 = r1 + pitch;
    const r3 = r2 + pitch;
    const vo = v + (<usize>j << 3);
    const vj0 = load<f64>(vo), vj1 = load<f64>(vo, 8), vj2 = load<f64>(vo, 16), vj3 = load<f64>(vo, 24);
    const b0 = f64x2.splat(vj0), b1 = f64x2.splat(vj1), b2 = f64x2.splat(vj2), b3 = f64x2.splat(vj3);
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    let k = 0;
    for (; k + 1 < j; k += 2) {
      const o = <usize>k << 3;
      const vk = v128.load(v + o);
      const x0 = v128.load(r0 + o);
      const x1 = v128.load(r1 + o);
      const x2 = v128.load(r2 + o);
      const x3 = v128.load(r3 + o);
      s0 = f64x2.add(s0, f64x2.mul(x0, vk));
      s1 = f64x2.add(s1, f64x2.mul(x1, vk));
      s2 = f64x2.add(s2, f64x2.mul(x2, vk));
      s3 = f64x2.add(s3, f64x2.mul(x3, vk));
      v128.store(y + o, f64x2.add(f64x2.add(v128.load(y + o), f64x2.add(f64x2.mul(x0, b0), f64x2.mul(x1, b1))), f64x2.add(f64x2.mul(x2, b2), f64x2.mul(x3, b3))));
    }
    let d0 = f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s0, 1);
    let d1 = f64x2.extract_lane(s1, 0) + f64x2.extract_lane(s1, 1);
    let d2 = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
    let d3 = f64x2.extract_lane(s3, 0) + f64x2.extract_lane(s3, 1);
    for (; k < j; k++) {
      const o = <usize>k << 3;
      const x0 = load<f64>(r0 + o), x1 = load<f64>(r1 + o), x2 = load<f64>(r2 + o), x3 = load<f64>(r3 + o);
      const vk = load<f64>(v + o);
      store<f64>(y + o, load<f64>(y + o) + x0 * vj0 + x1 * vj1 + x2 * vj2 + x3 * vj3);
      d0 += x0 * vk; d1 += x1 * vk; d2 += x2 * vk; d3 += x3 * vk;
    }
    // The 4 x 4 diagonal block (lower part in rows j..j+3, columns j..j+3).
    const o = <usize>j << 3;
    const a00 = load<f64>(r0 + o);
    const a10 = load<f64>(r1 + o), a11 = load<f64>(r1 + o, 8);
    const a20 = load<f64>(r2 + o), a21 = load<f64>(r2 + o, 8), a22 = load<f64>(r2 + o, 16);
    const a30 = load<f64>(r3 + o), a31 = load<f64>(r3 + o, 8), a32 = load<f64>(r3 + o, 16), a33 = load<f64>(r3 + o, 24);
    const yo = y + o;
    store<f64>(yo, load<f64>(yo) + d0 + a00 * vj0 + a10 * vj1 + a20 * vj2 + a30 * vj3);
    store<f64>(yo, load<f64>(yo, 8) + d1 + a10 * vj0 + a11 * vj1 + a21 * vj2 + a31 * vj3, 8);
    store<f64>(yo, load<f64>(yo, 16) + d2 + a20 * vj0 + a21 * vj1 + a22 * vj2 + a32 * vj3, 16);
    store<f64>(yo, load<f64>(yo, 24) + d3 + a30 * vj0 + a31 * vj1 + a32 * vj2 + a33 * vj3, 24);
  }
  for (; j < i; j++) {
    const r0 = a + <usize>j * pitch;
    const vj = load<f64>(v + (<usize>j << 3));
    const s = dot(r0, v, j);
    axpy(vj, r0, y, j);
    const o = <usize>j << 3;
    store<f64>(y + o, load<f64>(y + o) + s + load<f64>(r0 + o) * vj);
  }
}

/** First row of part `part` of a split symmetric product of order i (a multiple of 4). */
function partStart(i: i32, part: i32): i32 {
  if (part <= 0) return 0;
  if (part >= PRODUCT_PARTS) return i;
  return (<i32>(<f64>i * sqrt(<f64>part / <f64>PRODUCT_PARTS))) & ~3;
}

/**
 * Part `part` of a split symmetric product B v of order i: the contributions of its rows to all of
 * y[0..i), into parts + part * i (doubles). Parts are independent: threads can compute them at once.
 */
export function symmetricProductPart(i: i32, part: i32, a: usize, pitch: usize, v: usize, parts: usize): void {
  const y = parts + (<usize>(part * i) << 3);
  const end = partStart(i, part + 1);
  symmetricProductRows(partStart(i, part), end, a, pitch, v, y);
  memory.fill(y + (<usize>end << 3), 0, <usize>(i - end) << 3);
}

/** y[0..i) = the sum of the PRODUCT_PARTS parts, in part order (the same whichever thread made them). */
export function sumProductParts(i: i32, parts: usize, y: usize): void {
  memory.copy(y, parts, <usize>i << 3);
  for (let part = 1; part < PRODUCT_PARTS; part++) axpy(1.0, parts + (<usize>(part * i) << 3), y, i);
}

/**
 * Householder vector for row i (dlarfg): alpha = row[i-1], x = row[0..i-1). Scales x in place into
 * v (v[i-1] = 1 stored explicitly), stores tau (0 when x is already zero: H = I) and returns beta,
 * the new off-diagonal entry.
 */
function reflector(row: usize, i: i32, tauOut: usize): f64 {
  const alpha = load<f64>(row + (<usize>(i - 1) << 3));
  const xnorm = i > 1 ? norm2(row, i - 1) : 0.0;
  store<f64>(row + (<usize>(i - 1) << 3), 1.0);
  if (xnorm == 0) {
    store<f64>(tauOut, 0.0);
    return alpha;
  }
  const beta = -copysign<f64>(hypot(alpha, xnorm), alpha);
  store<f64>(tauOut, (beta - alpha) / beta);
  scal(1.0 / (alpha - beta), row, i - 1);
  return beta;
}

/**
 * dlatrd: reduces rows nn-1 down to nn-nb of the leading nn x nn block, leaving the block's leading
 * (nn-nb) x (nn-nb) part unchanged, and returns in the rows of wt (pitch as a) the matrix W with
 * which that part is to be updated: A -= V W^T + W V^T (V the panel's reflectors).
 */
function reducePanel(nn: i32, nb: i32, a: usize, pitch: usize, e: usize, tau: usize, wt: usize, t1: usize, t2: usize): void {
  const i0 = nn - nb;
  for (let i = nn - 1; i >= i0; i--) {
    const iw = i - i0;
    const rowI = a + <usize>i * pitch;
    // Bring row i (entries 0..i) up to date with the panel's earlier reflectors.
    for (let c = i + 1; c < nn; c++) {
      const wc = wt + <usize>(c - i0) * pitch;
      const rc = a + <usize>c * pitch;
      axpy(-load<f64>(wc + (<usize>i << 3)), rc, rowI, i + 1);
      axpy(-load<f64>(rc + (<usize>i << 3)), wc, rowI, i + 1);
    }
    store<f64>(e + (<usize>(i - 1) << 3), reflector(rowI, i, tau + (<usize>i << 3)));
    const taui = load<f64>(tau + (<usize>i << 3));
    const w = wt + <usize>iw * pitch;
    // w = A v with A the current leading i x i block: the stored one, corrected for the panel.
    if (i < SHARED_PRODUCT_MIN) symmetricProductRows(0, i, a, pitch, rowI, w);
    else sharedSymmetricProduct(i, a, pitch, rowI, w);
    if (i < nn - 1) {
      for (let c = i + 1; c < nn; c++) {
        const jw = <usize>(c - i0);
        store<f64>(t1 + (jw << 3), dot(wt + jw * pitch, rowI, i));
        store<f64>(t2 + (jw << 3), dot(a + <usize>c * pitch, rowI, i));
      }
      for (let c = i + 1; c < nn; c++) {
        const jw = <usize>(c - i0);
        axpy(-load<f64>(t1 + (jw << 3)), a + <usize>c * pitch, w, i);
        axpy(-load<f64>(t2 + (jw << 3)), wt + jw * pitch, w, i);
      }
    }
    // w = tau A v - (tau^2 / 2)(v^T A v) v, so that H A H = A - v w^T - w v^T.
    scal(taui, w, i);
    axpy(-0.5 * taui * dot(w, rowI, i), rowI, w, i);
  }
}

/**
 * Reduces the symmetric matrix a (n x n row-major, lower triangle read, overwritten) to tridiagonal
 * form: d[0..n), e[0..n) with e[n-1] = 0, tau[0..n) with tau[0] = 0. On return row i (i >= 1) holds
 * v_i in entries 0..i-1. work: tridiagonaliseWorkDoubles(n) doubles; the gemm scratch must be set.
 */
export function tridiagonalise(n: i32, a: usize, d: usize, e: usize, tau: usize, work: usize): void {
  const pitch = <usize>n << 3;
  const wt = work;
  const s1 = wt + <usize>NB * pitch;
  const s2 = s1 + <usize>(2 * NB) * pitch;
  const t1 = s2 + <usize>(2 * NB) * pitch;
  const t2 = t1 + (<usize>NB << 3);
  store<f64>(tau, 0.0);
  store<f64>(e + (<usize>(n - 1) << 3), 0.0);
  let nn = n;
  while (nn > 1) {
    const nb = min(NB, nn - 1);
    const i0 = nn - nb;
    reducePanel(nn, nb, a, pitch, e, tau, wt, t1, t2);
    for (let j = i0; j < nn; j++) store<f64>(d + (<usize>j << 3), load<f64>(a + <usize>j * pitch + (<usize>j << 3)));
    // Leading i0 x i0 block -= V W^T + W V^T = [V W] [W V]^T: one product of depth 2 nb.
    const len = <usize>i0 << 3;
    for (let j = 0; j < nb; j++) {
      const v = a + <usize>(i0 + j) * pitch;
      const w = wt + <usize>j * pitch;
      memory.copy(s1 + <usize>j * len, v, len);
      memory.copy(s1 + <usize>(nb + j) * len, w, len);
      memory.copy(s2 + <usize>j * len, w, len);
      memory.copy(s2 + <usize>(nb + j) * len, v, len);
    }
    sharedGemm(i0, i0, 2 * nb, s1, 1, i0, s2, 1, i0, a, n, ACCUMULATE | SUBTRACT | LOWER);
    nn = i0;
  }
  store<f64>(d, load<f64>(a));
}

/**
 * r_k <- Q^T r_k = H_1 H_2 ... H_{n-1} r_k for q vectors stored one after the other (q x n),
 * applying H_{n-1} first.
 */
export function applyReflectors(n: i32, a: usize, tau: usize, r: usize, q: i32): void {
  const pitch = <usize>n << 3;
  for (let i = n - 1; i >= 1; i--) {
    const t = load<f64>(tau + (<usize>i << 3));
    if (t == 0) continue;
    const v = a + <usize>i * pitch;
    for (let k = 0; k < q; k++) {
      const x = r + <usize>k * pitch;
      axpy(-t * dot(v, x, i), v, x, i);
    }
  }
}

/** Reflectors applied together in formReflectorProduct (the depth of its products). */
const RB: i32 = 64;

/** Doubles of work space formReflectorProduct needs. */
export function reflectorProductWorkDoubles(n: i32): i32 {
  return 3 * RB * n + RB * RB;
}

/**
 * y = Q^T = H_1 H_2 ... H_{n-1} (n x n row-major; row r is column r of Q), built by right-multiplying
 * the identity by H_1, H_2, ... a block of RB reflectors at a time (compact WY in row form, as in
 * householder.ts): for reflectors i0..i1-1 only the leading c x c block changes, c = i1 - 1; with U
 * the block's vectors as rows, G = Y U^T, C = U U^T, S[r][t] = tau_t (G[r][t] - sum_{j<t} S[r][j] C[j][t])
 * and Y -= S U.
 */
export function formReflectorProduct(n: i32, a: usize, tau: usize, y: usize, work: usize): void {
  const pitch = <usize>n << 3;
  memory.fill(y, 0, <usize>n * pitch);
  for (let i = 0; i < n; i++) store<f64>(y + <usize>i * pitch + (<usize>i << 3), 1.0);
  const u = work;
  const g = u + <usize>RB * pitch;
  const s = g + <usize>RB * pitch;
  const cross = s + <usize>RB * pitch;
  for (let i0 = 1; i0 < n; i0 += RB) {
    const i1 = min(n, i0 + RB);
    const b = i1 - i0;
    const c = i1 - 1;
    const rowBytes = <usize>c << 3;
    for (let t = 0; t < b; t++) {
      const i = i0 + t;
      const dst = u + <usize>t * rowBytes;
      memory.copy(dst, a + <usize>i * pitch, <usize>i << 3);
      memory.fill(dst + (<usize>i << 3), 0, <usize>(c - i) << 3);
    }
    sharedGemm(c, b, c, y, n, 1, u, c, 1, g, b, 0);
    sharedGemm(b, b, c, u, c, 1, u, c, 1, cross, b, 0);
    const bBytes = <usize>b << 3;
    for (let r = 0; r < c; r++) {
      const gr = g + <usize>r * bBytes;
      const sr = s + <usize>r * bBytes;
      for (let t = 0; t < b; t++) {
        let v = load<f64>(gr + (<usize>t << 3));
        for (let j = 0; j < t; j++) v -= load<f64>(sr + (<usize>j << 3)) * load<f64>(cross + <usize>j * bBytes + (<usize>t << 3));
        store<f64>(sr + (<usize>t << 3), load<f64>(tau + (<usize>(i0 + t) << 3)) * v);
      }
    }
    sharedGemm(c, c, b, s, b, 1, u, 1, c, y, n, ACCUMULATE | SUBTRACT);
  }
}
