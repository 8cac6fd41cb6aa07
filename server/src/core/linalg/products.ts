/**
 * Dense products and elementwise helpers on row-major Float64Array matrices.
 *
 * The three general products (A B, A B^T, A^T B) and the symmetric ones (W S W^T, A A^T, A^T A)
 * share one cache-blocked driver in the style of Goto and van de Geijn: a kc x nc panel of op(B) is
 * packed into 4-column strips, an mc x kc block of op(A) into 4-row strips, and a 4x4
 * register-blocked micro-kernel multiplies one A strip by one B strip with sixteen scalar
 * accumulators. Packing makes the micro-kernel's loads unit-stride whatever the transposition, and
 * zero-padding the last strips lets it run without bounds checks on the shape; only the write-back
 * looks at the edges. Symmetric results compute only the 4x4 blocks that touch the lower triangle
 * and mirror it, which halves that product's work and makes the result exactly symmetric (bit for
 * bit), so callers can hand it to symmetric algorithms without symmetrising it first.
 *
 * Every function allocates its output and scratch once per call; nothing allocates in the loops.
 *
 * The products first offer the call to the installed accelerator (accelerator.ts: the WebAssembly
 * SIMD kernels of wasm/products.ts when backend.ts has selected them); the code below is the pure
 * TypeScript path and the fallback.
 */
import { accelerator } from "./accelerator";
import { Matrix, zeros } from "./matrix";

/** Depth of a packed panel: a strip holds kc x 4 doubles (8 KiB at kc = 256), so the B strip in use stays in L1. */
const KC = 256;
/** Rows of op(A) per packed block: MC x KC doubles = 256 KiB, sized for L2. */
const MC = 128;
/** Columns of op(B) per packed panel. */
const NC = 1024;

/**
 * One operand of the driver: op(X)(x, p) = data[x * strideX + p * strideP], where x is the row
 * index of op(A) (or the column index of op(B)) and p the index along the shared dimension. One of
 * the strides is 1: the operand is a row-major matrix read by rows or by columns.
 */
interface Operand {
  readonly data: Float64Array;
  readonly strideX: number;
  readonly strideP: number;
}

function rowsOf(a: Matrix): Operand {
  return { data: a.data, strideX: a.cols, strideP: 1 };
}

function colsOf(a: Matrix): Operand {
  return { data: a.data, strideX: 1, strideP: a.cols };
}

/**
 * Packs op(X)(x0 + x, p0 + p) for x < count, p < kc into strips of 4 consecutive x:
 * dst[(s * kc + p) * 4 + r] = op(X)(x0 + 4 s + r, p0 + p); x beyond count are zero.
 */
function pack(src: Operand, x0: number, count: number, p0: number, kc: number, dst: Float64Array): void {
  const { data, strideX, strideP } = src;
  const strips = (count + 3) >> 2;
  if (strideP === 1) {
    // Rows of the source are contiguous along p: read each row once, scatter with stride 4.
    for (let s = 0; s < strips; s++) {
      const base = s * kc * 4;
      for (let r = 0; r < 4; r++) {
        const x = 4 * s + r;
        let d = base + r;
        if (x < count) {
          let o = (x0 + x) * strideX + p0;
          for (let p = 0; p < kc; p++, d += 4) dst[d] = data[o++];
        } else {
          for (let p = 0; p < kc; p++, d += 4) dst[d] = 0;
        }
      }
    }
  } else {
    // strideX === 1, the source is contiguous along x: walk each of its rows p once.
    const full = count >> 2;
    for (let p = 0; p < kc; p++) {
      const rowOff = (p0 + p) * strideP + x0 * strideX;
      let d = p * 4;
      let o = rowOff;
      for (let s = 0; s < full; s++, d += kc * 4, o += 4) {
        dst[d] = data[o];
        dst[d + 1] = data[o + 1];
        dst[d + 2] = data[o + 2];
        dst[d + 3] = data[o + 3];
      }
      if (full < strips) {
        for (let r = 0; r < 4; r++) dst[d + r] = 4 * full + r < count ? data[o + r] : 0;
      }
    }
  }
}

/**
 * C[i0.., j0..] += (A strip) (B strip) for a 4x4 block, of which mr x nr entries are inside C.
 * The strips hold kc steps of 4 values each (see pack).
 */
function microKernel(
  kc: number,
  ap: Float64Array,
  aOff: number,
  bp: Float64Array,
  bOff: number,
  c: Float64Array,
  cOff: number,
  ldc: number,
  mr: number,
  nr: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let ai = aOff;
  let bi = bOff;
  const end = aOff + kc * 4;
  while (ai < end) {
    const a0 = ap[ai], a1 = ap[ai + 1], a2 = ap[ai + 2], a3 = ap[ai + 3];
    const b0 = bp[bi], b1 = bp[bi + 1], b2 = bp[bi + 2], b3 = bp[bi + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    ai += 4;
    bi += 4;
  }
  if (mr === 4 && nr === 4) {
    let o = cOff;
    c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03;
    o += ldc;
    c[o] += c10; c[o + 1] += c11; c[o + 2] += c12; c[o + 3] += c13;
    o += ldc;
    c[o] += c20; c[o + 1] += c21; c[o + 2] += c22; c[o + 3] += c23;
    o += ldc;
    c[o] += c30; c[o + 1] += c31; c[o + 2] += c32; c[o + 3] += c33;
    return;
  }
  // Edge block: write only the entries inside C.
  addEdgeRow(c, cOff, nr, c00, c01, c02, c03);
  if (mr > 1) addEdgeRow(c, cOff + ldc, nr, c10, c11, c12, c13);
  if (mr > 2) addEdgeRow(c, cOff + 2 * ldc, nr, c20, c21, c22, c23);
  if (mr > 3) addEdgeRow(c, cOff + 3 * ldc, nr, c30, c31, c32, c33);
}

function addEdgeRow(c: Float64Array, o: number, nr: number, v0: number, v1: number, v2: number, v3: number): void {
  c[o] += v0;
  if (nr > 1) c[o + 1] += v1;
  if (nr > 2) c[o + 2] += v2;
  if (nr > 3) c[o + 3] += v3;
}

/**
 * C = op(A) op(B) with op(A) m x k and op(B) k x n. With lowerOnly (m = n, symmetric result) only
 * 4x4 blocks touching the lower triangle are computed, then the lower triangle is mirrored.
 */
function gemm(m: number, n: number, k: number, a: Operand, b: Operand, lowerOnly: boolean): Matrix {
  const out = zeros(m, n);
  if (m === 0 || n === 0 || k === 0) return out;
  const c = out.data;
  const kcMax = Math.min(KC, k);
  const aPack = new Float64Array(Math.min(MC, (m + 3) & ~3) * kcMax);
  const bPack = new Float64Array(Math.min(NC, (n + 3) & ~3) * kcMax);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    // A symmetric result needs no rows above the panel's first column.
    const icStart = lowerOnly ? jc - (jc % MC) : 0;
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      pack(b, jc, nc, pc, kc, bPack);
      for (let ic = icStart; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        pack(a, ic, mc, pc, kc, aPack);
        for (let jr = 0; jr < nc; jr += 4) {
          const j0 = jc + jr;
          const nr = Math.min(4, nc - jr);
          const bOff = (jr >> 2) * kc * 4;
          // Skip strips of A lying entirely above the diagonal of this column strip.
          let irStart = 0;
          if (lowerOnly && j0 > ic) irStart = (j0 - ic) & ~3;
          for (let ir = irStart; ir < mc; ir += 4) {
            const i0 = ic + ir;
            microKernel(kc, aPack, (ir >> 2) * kc * 4, bPack, bOff, c, i0 * n + j0, n, Math.min(4, mc - ir), nr);
          }
        }
      }
    }
  }
  if (lowerOnly) mirrorLower(out);
  return out;
}

/** Copies the strict lower triangle onto the upper one, making a square matrix exactly symmetric. */
function mirrorLower(a: Matrix): void {
  const n = a.rows;
  const d = a.data;
  for (let i = 1; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < i; j++) d[j * n + i] = d[row + j];
  }
}

function requireShape(ok: boolean, what: string, a: Matrix, b: Matrix): void {
  if (!ok) throw new RangeError(`${what}: incompatible shapes ${a.rows}x${a.cols} and ${b.rows}x${b.cols}`);
}

/** A B. */
export function multiply(a: Matrix, b: Matrix): Matrix {
  requireShape(a.cols === b.rows, "multiply", a, b);
  return accelerator()?.multiply(a, b) ?? gemm(a.rows, b.cols, a.cols, rowsOf(a), colsOf(b), false);
}

/** A B^T (for example W Omega W^T's second factor, or features X W^T). */
export function multiplyTransposed(a: Matrix, b: Matrix): Matrix {
  requireShape(a.cols === b.cols, "multiplyTransposed", a, b);
  return accelerator()?.multiplyTransposed(a, b) ?? gemm(a.rows, b.rows, a.cols, rowsOf(a), rowsOf(b), false);
}

/** A^T B. */
export function transposeMultiply(a: Matrix, b: Matrix): Matrix {
  requireShape(a.rows === b.rows, "transposeMultiply", a, b);
  return accelerator()?.transposeMultiply(a, b) ?? gemm(a.cols, b.cols, a.rows, colsOf(a), colsOf(b), false);
}

/**
 * W S W^T for symmetric S (only S's symmetry is assumed, not definiteness). T = W S is a full
 * product; T W^T is symmetric, so only its lower triangle is computed (m p^2 + m^2 p / 2
 * multiply-adds instead of m p^2 + m^2 p) and the result is exactly symmetric.
 */
export function congruence(w: Matrix, s: Matrix): Matrix {
  requireShape(s.rows === s.cols && w.cols === s.rows, "congruence", w, s);
  const fast = accelerator()?.congruence(w, s);
  if (fast) return fast;
  const t = multiply(w, s);
  return gemm(w.rows, w.rows, w.cols, rowsOf(t), rowsOf(w), true);
}

/**
 * a (W V)(W V)^T + b W W^T, exactly symmetric: W Omega W^T for an Omega = a V V^T + b I kept in
 * factors (a widening layer's, model/layerCovariance.ts), without forming Omega.
 */
export function factoredCongruence(w: Matrix, v: Matrix, a: number, b: number): Matrix {
  requireShape(w.cols === v.rows, "factoredCongruence", w, v);
  const fast = accelerator()?.factoredCongruence(w, v, a, b);
  if (fast) return fast;
  const h = gram(multiply(w, v));
  const g = gram(w);
  for (let i = 0; i < h.data.length; i++) h.data[i] = a * (h.data[i] as number) + b * (g.data[i] as number);
  return h;
}

/** A A^T, exactly symmetric. */
export function gram(a: Matrix): Matrix {
  return accelerator()?.gram(a) ?? gemm(a.rows, a.rows, a.cols, rowsOf(a), rowsOf(a), true);
}

/** A^T A, exactly symmetric. */
export function transposeGram(a: Matrix): Matrix {
  return accelerator()?.transposeGram(a) ?? gemm(a.cols, a.cols, a.rows, colsOf(a), colsOf(a), true);
}

/** A^T, copied in 32x32 tiles so that both the reads and the writes stay in cache. */
export function transpose(a: Matrix): Matrix {
  const { rows, cols } = a;
  const out = zeros(cols, rows);
  const src = a.data;
  const dst = out.data;
  const T = 32;
  for (let i0 = 0; i0 < rows; i0 += T) {
    const i1 = Math.min(rows, i0 + T);
    for (let j0 = 0; j0 < cols; j0 += T) {
      const j1 = Math.min(cols, j0 + T);
      for (let i = i0; i < i1; i++) {
        const row = i * cols;
        for (let j = j0; j < j1; j++) dst[j * rows + i] = src[row + j];
      }
    }
  }
  return out;
}

/** A x. */
export function matVec(a: Matrix, x: Float64Array): Float64Array {
  if (x.length !== a.cols) throw new RangeError(`matVec: ${a.rows}x${a.cols} matrix and vector of length ${x.length}`);
  const { rows, cols, data } = a;
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    let o = i * cols;
    for (let j = 0; j < cols; j++) s += data[o++] * x[j];
    y[i] = s;
  }
  return y;
}

/** A^T x, accumulated row by row so that A is read contiguously. */
export function transposeMatVec(a: Matrix, x: Float64Array): Float64Array {
  if (x.length !== a.rows) throw new RangeError(`transposeMatVec: ${a.rows}x${a.cols} matrix and vector of length ${x.length}`);
  const { rows, cols, data } = a;
  const y = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    let o = i * cols;
    for (let j = 0; j < cols; j++) y[j] += data[o++] * xi;
  }
  return y;
}

/** A + c I for a number c, or A + diag(c) for a vector c (new matrix; A square). */
export function addDiagonal(a: Matrix, c: number | Float64Array): Matrix {
  const n = a.rows;
  if (a.cols !== n) throw new RangeError(`addDiagonal: matrix is ${a.rows}x${a.cols}, not square`);
  if (typeof c !== "number" && c.length !== n) throw new RangeError(`addDiagonal: diagonal of length ${c.length} for a ${n}x${n} matrix`);
  const out: Matrix = { rows: n, cols: n, data: Float64Array.from(a.data) };
  const d = out.data;
  for (let i = 0; i < n; i++) d[i * n + i] += typeof c === "number" ? c : c[i];
  return out;
}

/** diag(d) A: row i multiplied by d[i]. */
export function scaleRows(a: Matrix, d: Float64Array): Matrix {
  if (d.length !== a.rows) throw new RangeError(`scaleRows: ${a.rows} rows and ${d.length} factors`);
  const { rows, cols } = a;
  const out = zeros(rows, cols);
  const src = a.data;
  const dst = out.data;
  for (let i = 0; i < rows; i++) {
    const f = d[i];
    const o = i * cols;
    for (let j = 0; j < cols; j++) dst[o + j] = src[o + j] * f;
  }
  return out;
}

/** A diag(d): column j multiplied by d[j]. */
export function scaleColumns(a: Matrix, d: Float64Array): Matrix {
  if (d.length !== a.cols) throw new RangeError(`scaleColumns: ${a.cols} columns and ${d.length} factors`);
  const { rows, cols } = a;
  const out = zeros(rows, cols);
  const src = a.data;
  const dst = out.data;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) dst[o + j] = src[o + j] * d[j];
  }
  return out;
}
