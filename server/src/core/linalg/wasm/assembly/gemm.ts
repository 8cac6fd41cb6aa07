/**
 * Cache-blocked matrix product C (+/-)= op(A) op(B) with an f64x2 SIMD micro-kernel (Goto and van
 * de Geijn's layering, as in products.ts): a KC x NC panel of op(B) is packed into strips of four
 * columns, an MC x KC block of op(A) into strips of four rows, and a 4x4 micro-kernel keeps its
 * sixteen sums in eight f64x2 registers. WebAssembly has no fused multiply-add, so each step is a
 * broadcast of one A value, a multiply by two B vectors and two adds.
 *
 * Operands are read through (pointer, strideX, strideP) in elements: op(X)(x, p) =
 * X[x * strideX + p * strideP], x the row of op(A) (or column of op(B)), p the shared index.
 * Pointers are byte offsets chosen by the host; nothing here allocates.
 */

/** Depth of a packed panel: one B strip holds KC x 4 doubles (8 KiB), kept in L1. */
const KC: i32 = 256;
/** Rows of op(A) per packed block: MC x KC doubles (256 KiB) stay in L2. */
const MC: i32 = 128;
/** Columns of op(B) per packed panel (2 MiB at KC = 256, in L3). */
const NC: i32 = 1024;

/** Set by the host: scratch for the packed A block (MC x KC) and B panel (KC x NC). */
let packA: usize = 0;
let packB: usize = 0;

/** Doubles of scratch gemm needs, for the host's memory layout. */
export function gemmScratchDoubles(): i32 {
  return MC * KC + KC * NC;
}

export function setGemmScratch(pointer: usize): void {
  packA = pointer;
  packB = pointer + (<usize>(MC * KC) << 3);
}

/** Flag: add to C instead of overwriting it. */
export const ACCUMULATE: i32 = 1;
/** Flag: subtract the product. */
export const SUBTRACT: i32 = 2;
/** Flag: square C, only blocks touching the lower triangle (j <= i) are computed. */
export const LOWER: i32 = 4;

/**
 * Packs op(X)(x0 + x, p0 + p), x < count, p < kc, into strips of four x:
 * dst[(s * kc + p) * 4 + r] = op(X)(x0 + 4 s + r, p0 + p), zero beyond count.
 */
function pack(src: usize, strideX: i32, strideP: i32, x0: i32, count: i32, p0: i32, kc: i32, dst: usize): void {
  const strips = (count + 3) >> 2;
  if (strideP == 1) {
    for (let s = 0; s < strips; s++) {
      const base = dst + (<usize>(s * kc * 4) << 3);
      for (let r = 0; r < 4; r++) {
        const x = 4 * s + r;
        let d = base + (<usize>r << 3);
        if (x < count) {
          let o = src + (<usize>((x0 + x) * strideX + p0) << 3);
          const end = o + (<usize>kc << 3);
          // Two values per load, written 32 bytes apart.
          while (o + 8 < end) {
            const v = v128.load(o);
            store<f64>(d, f64x2.extract_lane(v, 0));
            store<f64>(d, f64x2.extract_lane(v, 1), 32);
            o += 16;
            d += 64;
          }
          if (o < end) store<f64>(d, load<f64>(o));
        } else {
          for (let p = 0; p < kc; p++, d += 32) store<f64>(d, 0.0);
        }
      }
    }
  } else {
    // strideX == 1: op(X) is contiguous along x, copy four at a time.
    const full = count >> 2;
    const stripBytes = <usize>(kc * 4) << 3;
    for (let p = 0; p < kc; p++) {
      let o = src + (<usize>((p0 + p) * strideP + x0) << 3);
      let d = dst + (<usize>(p * 4) << 3);
      for (let s = 0; s < full; s++) {
        v128.store(d, v128.load(o));
        v128.store(d, v128.load(o, 16), 16);
        o += 32;
        d += stripBytes;
      }
      if (full < strips) {
        for (let r = 0; r < 4; r++) store<f64>(d + (<usize>r << 3), 4 * full + r < count ? load<f64>(o + (<usize>r << 3)) : 0.0);
      }
    }
  }
}

/**
 * C[0..mr, 0..nr] (+/-)= (A strip)(B strip) over kc steps, C at byte offset c with row pitch ldc
 * bytes. negate selects subtraction.
 */
function microKernel(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, mr: i32, nr: i32, negate: bool): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  const end = ap + (<usize>(kc * 4) << 3);
  while (ap < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load64_splat(ap);
    c00 = f64x2.add(c00, f64x2.mul(a, b0));
    c01 = f64x2.add(c01, f64x2.mul(a, b1));
    a = v128.load64_splat(ap, 8);
    c10 = f64x2.add(c10, f64x2.mul(a, b0));
    c11 = f64x2.add(c11, f64x2.mul(a, b1));
    a = v128.load64_splat(ap, 16);
    c20 = f64x2.add(c20, f64x2.mul(a, b0));
    c21 = f64x2.add(c21, f64x2.mul(a, b1));
    a = v128.load64_splat(ap, 24);
    c30 = f64x2.add(c30, f64x2.mul(a, b0));
    c31 = f64x2.add(c31, f64x2.mul(a, b1));
    ap += 32;
    bp += 32;
    // Unrolled twice: the loop's bookkeeping and the engine's interrupt check run half as often.
    if (ap >= end) break;
    const d0 = v128.load(bp);
    const d1 = v128.load(bp, 16);
    a = v128.load64_splat(ap);
    c00 = f64x2.add(c00, f64x2.mul(a, d0));
    c01 = f64x2.add(c01, f64x2.mul(a, d1));
    a = v128.load64_splat(ap, 8);
    c10 = f64x2.add(c10, f64x2.mul(a, d0));
    c11 = f64x2.add(c11, f64x2.mul(a, d1));
    a = v128.load64_splat(ap, 16);
    c20 = f64x2.add(c20, f64x2.mul(a, d0));
    c21 = f64x2.add(c21, f64x2.mul(a, d1));
    a = v128.load64_splat(ap, 24);
    c30 = f64x2.add(c30, f64x2.mul(a, d0));
    c31 = f64x2.add(c31, f64x2.mul(a, d1));
    ap += 32;
    bp += 32;
  }
  if (negate) {
    c00 = f64x2.neg(c00); c01 = f64x2.neg(c01);
    c10 = f64x2.neg(c10); c11 = f64x2.neg(c11);
    c20 = f64x2.neg(c20); c21 = f64x2.neg(c21);
    c30 = f64x2.neg(c30); c31 = f64x2.neg(c31);
  }
  if (mr == 4 && nr == 4) {
    v128.store(c, f64x2.add(v128.load(c), c00));
    v128.store(c, f64x2.add(v128.load(c, 16), c01), 16);
    c += ldc;
    v128.store(c, f64x2.add(v128.load(c), c10));
    v128.store(c, f64x2.add(v128.load(c, 16), c11), 16);
    c += ldc;
    v128.store(c, f64x2.add(v128.load(c), c20));
    v128.store(c, f64x2.add(v128.load(c, 16), c21), 16);
    c += ldc;
    v128.store(c, f64x2.add(v128.load(c), c30));
    v128.store(c, f64x2.add(v128.load(c, 16), c31), 16);
    return;
  }
  addEdgeRow(c, nr, c00, c01);
  if (mr > 1) addEdgeRow(c + ldc, nr, c10, c11);
  if (mr > 2) addEdgeRow(c + 2 * ldc, nr, c20, c21);
  if (mr > 3) addEdgeRow(c + 3 * ldc, nr, c30, c31);
}

function addEdgeRow(c: usize, nr: i32, v0: v128, v1: v128): void {
  store<f64>(c, load<f64>(c) + f64x2.extract_lane(v0, 0));
  if (nr > 1) store<f64>(c, load<f64>(c, 8) + f64x2.extract_lane(v0, 1), 8);
  if (nr > 2) store<f64>(c, load<f64>(c, 16) + f64x2.extract_lane(v1, 0), 16);
  if (nr > 3) store<f64>(c, load<f64>(c, 24) + f64x2.extract_lane(v1, 1), 24);
}

/**
 * C = op(A) op(B), or C (+/-)= op(A) op(B) with ACCUMULATE / SUBTRACT; op(A) m x k, op(B) k x n,
 * C row-major with row pitch ldc elements. With LOWER only the 4x4 blocks touching the region
 * j <= i + diagonal are computed (diagonal = 0: the lower triangle of a square C; another offset
 * when C is a tile of a larger symmetric result); entries beyond it inside those blocks are written
 * too and are to be ignored or overwritten (mirrorLower) by the caller.
 */
export function gemm(
  m: i32, n: i32, k: i32,
  a: usize, aStrideX: i32, aStrideP: i32,
  b: usize, bStrideX: i32, bStrideP: i32,
  c: usize, ldc: i32, flags: i32, diagonal: i32,
): void {
  const lower = (flags & LOWER) != 0;
  const negate = (flags & SUBTRACT) != 0;
  const ldcBytes = <usize>ldc << 3;
  if ((flags & ACCUMULATE) == 0) {
    for (let i = 0; i < m; i++) memory.fill(c + <usize>i * ldcBytes, 0, <usize>n << 3);
  }
  if (m == 0 || n == 0 || k == 0) return;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    // A lower-triangle result needs no rows i with i + diagonal < jc.
    let icStart = 0;
    if (lower && jc - diagonal > 0) icStart = (jc - diagonal) - ((jc - diagonal) % MC);
    if (icStart >= m) continue;
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      pack(b, bStrideX, bStrideP, jc, nc, pc, kc, packB);
      for (let ic = icStart; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        pack(a, aStrideX, aStrideP, ic, mc, pc, kc, packA);
        const stripBytes = <usize>(kc * 4) << 3;
        for (let jr = 0; jr < nc; jr += 4) {
          const j0 = jc + jr;
          const nr = min(4, nc - jr);
          const bp = packB + <usize>(jr >> 2) * stripBytes;
          let irStart = 0;
          if (lower && j0 - diagonal > ic) irStart = (j0 - diagonal - ic) & ~3;
          if (irStart >= mc) continue;
          let cp = c + (<usize>((ic + irStart) * ldc + j0) << 3);
          let ap = packA + <usize>(irStart >> 2) * stripBytes;
          for (let ir = irStart; ir < mc; ir += 4) {
            microKernel(kc, ap, bp, cp, ldcBytes, min(4, mc - ir), nr, negate);
            ap += stripBytes;
            cp += ldcBytes << 2;
          }
        }
      }
    }
  }
}

/** Copies the strict lower triangle of the n x n row-major matrix at c onto its upper triangle. */
export function mirrorLower(c: usize, n: i32): void {
  // 32 x 32 tiles keep both the reads and the writes in cache.
  const T = 32;
  const rowBytes = <usize>n << 3;
  for (let i0 = 0; i0 < n; i0 += T) {
    const i1 = min(n, i0 + T);
    for (let j0 = 0; j0 <= i0; j0 += T) {
      for (let i = max(i0, j0 + 1); i < i1; i++) {
        const jEnd = min(i, j0 + T);
        const src = c + <usize>i * rowBytes;
        for (let j = j0; j < jEnd; j++) store<f64>(c + <usize>j * rowBytes + (<usize>i << 3), load<f64>(src + (<usize>j << 3)));
      }
    }
  }
}
