/**
 * Implicit QL with shifts on a symmetric tridiagonal matrix (EISPACK tql2, Wilkinson and Reinsch,
 * "Handbook for Automatic Computation II", 1971), as in tridiagonalQL.ts: the Givens rotations are
 * logged and applied afterwards, either to q vectors stored one after the other (projections) or
 * to the rows of an n x n matrix (eigenvectors), the latter eight columns at a time so that the
 * slice being rotated stays in L2 through thousands of rotations.
 *
 * Rotation t acts on entries (i, i+1) = (index[t], index[t] + 1) as
 * (x_i, x_{i+1}) <- (c x_i - s x_{i+1}, s x_i + c x_{i+1}); within one sweep consecutive rotations
 * walk i downwards, so the entry shared by two rotations is carried in registers.
 */
import { hypot } from "./vector";

/** Where the logged rotations go. */
const VECTORS: i32 = 0;
const ROWS: i32 = 1;

/** Doubles of work space ql needs: the log and one slice of eight columns. */
export function qlWorkDoubles(n: i32, logCapacity: i32): i32 {
  return logCapacity * 2 + ((logCapacity + 1) >> 1) + 8 * n;
}

let logIndex: usize = 0;
let logCos: usize = 0;
let logSin: usize = 0;
let logCount: i32 = 0;
let logCapacity: i32 = 0;
let target: usize = 0;
let targetN: i32 = 0;
let targetQ: i32 = 0;
let targetMode: i32 = VECTORS;
let slice: usize = 0;

function rotateVector(x: usize, count: i32): void {
  let t = 0;
  while (t < count) {
    let i = load<i32>(logIndex + (<usize>t << 2));
    let carry = load<f64>(x + (<usize>(i + 1) << 3));
    for (;;) {
      const c = load<f64>(logCos + (<usize>t << 3));
      const s = load<f64>(logSin + (<usize>t << 3));
      const p = x + (<usize>i << 3);
      const a = load<f64>(p);
      store<f64>(p, s * a + c * carry, 8);
      carry = c * a - s * carry;
      t++;
      if (t == count || load<i32>(logIndex + (<usize>t << 2)) != i - 1) break;
      i--;
    }
    store<f64>(x + (<usize>i << 3), carry);
  }
}

/** rotateVector on eight interleaved vectors: x is n x 8 row-major. */
function rotateSlice(x: usize, count: i32, index: usize, cosines: usize, sines: usize): void {
  let t = 0;
  while (t < count) {
    let i = load<i32>(index + (<usize>t << 2));
    let o = x + (<usize>(i + 1) << 6);
    let v0 = v128.load(o), v1 = v128.load(o, 16), v2 = v128.load(o, 32), v3 = v128.load(o, 48);
    for (;;) {
      const c = v128.load64_splat(cosines + (<usize>t << 3));
      const s = v128.load64_splat(sines + (<usize>t << 3));
      const p = x + (<usize>i << 6);
      let y = v128.load(p);
      v128.store(p, f64x2.add(f64x2.mul(s, y), f64x2.mul(c, v0)), 64);
      v0 = f64x2.sub(f64x2.mul(c, y), f64x2.mul(s, v0));
      y = v128.load(p, 16);
      v128.store(p, f64x2.add(f64x2.mul(s, y), f64x2.mul(c, v1)), 80);
      v1 = f64x2.sub(f64x2.mul(c, y), f64x2.mul(s, v1));
      y = v128.load(p, 32);
      v128.store(p, f64x2.add(f64x2.mul(s, y), f64x2.mul(c, v2)), 96);
      v2 = f64x2.sub(f64x2.mul(c, y), f64x2.mul(s, v2));
      y = v128.load(p, 48);
      v128.store(p, f64x2.add(f64x2.mul(s, y), f64x2.mul(c, v3)), 112);
      v3 = f64x2.sub(f64x2.mul(c, y), f64x2.mul(s, v3));
      t++;
      if (t == count || load<i32>(index + (<usize>t << 2)) != i - 1) break;
      i--;
    }
    o = x + (<usize>i << 6);
    v128.store(o, v0);
    v128.store(o, v1, 16);
    v128.store(o, v2, 32);
    v128.store(o, v3, 48);
  }
}

/**
 * Applies `count` logged rotations (index, cosines, sines) to the rows of columns [k0, k1) of the
 * n x n matrix y, eight columns at a time through `slice` (8 n doubles of scratch). Columns are
 * independent, so threads can share the columns of one log.
 */
export function rotateColumns(y: usize, n: i32, k0: i32, k1: i32, index: usize, cosines: usize, sines: usize, count: i32, slice: usize): void {
  const pitch = <usize>n << 3;
  for (let k = k0; k < k1; k += 8) {
    const width = min(8, k1 - k);
    const bytes = <usize>width << 3;
    for (let i = 0; i < n; i++) {
      const dst = slice + (<usize>i << 6);
      memory.copy(dst, y + <usize>i * pitch + (<usize>k << 3), bytes);
      if (width < 8) memory.fill(dst + bytes, 0, 64 - bytes);
    }
    rotateSlice(slice, count, index, cosines, sines);
    for (let i = 0; i < n; i++) memory.copy(y + <usize>i * pitch + (<usize>k << 3), slice + (<usize>i << 6), bytes);
  }
}

/** Provided by the host: rotateColumns over all n columns, shared with helper threads if any. */
declare function rotateRows(y: usize, n: i32, index: usize, cosines: usize, sines: usize, count: i32, slice: usize): void;

/** Applies and forgets the logged rotations. */
function flush(): void {
  const count = logCount;
  logCount = 0;
  if (count == 0) return;
  const n = targetN;
  const pitch = <usize>n << 3;
  if (targetMode == VECTORS) {
    for (let k = 0; k < targetQ; k++) rotateVector(target + <usize>k * pitch, count);
    return;
  }
  rotateRows(target, n, logIndex, logCos, logSin, count, slice);
}

function record(i: i32, c: f64, s: f64): void {
  const t = logCount;
  store<i32>(logIndex + (<usize>t << 2), i);
  store<f64>(logCos + (<usize>t << 3), c);
  store<f64>(logSin + (<usize>t << 3), s);
  logCount = t + 1;
  if (logCount == logCapacity) flush();
}

/**
 * Eigenvalues of the tridiagonal (d, e), e[i] coupling i and i+1, into d (unsorted); e is destroyed.
 * Every rotation is applied to x: q vectors of length n one after the other (mode 0), or the rows of
 * the n x n matrix x (mode 1, q ignored), so that x <- V^T x for T = V diag(d) V^T. Returns 1, or 0
 * if some eigenvalue needed more than maxSweeps sweeps (d and x are then only partly reduced).
 */
export function ql(n: i32, d: usize, e: usize, x: usize, q: i32, mode: i32, maxSweeps: i32, capacity: i32, work: usize): i32 {
  logCapacity = max(1, capacity);
  logCos = work;
  logSin = logCos + (<usize>logCapacity << 3);
  logIndex = logSin + (<usize>logCapacity << 3);
  slice = logIndex + (<usize>((logCapacity + 1) >> 1) << 3);
  logCount = 0;
  target = x;
  targetN = n;
  targetQ = q;
  targetMode = mode;
  const logging = mode == ROWS || q > 0;
  const converged = iterate(n, d, e, maxSweeps, logging);
  if (logging) flush();
  return converged ? 1 : 0;
}

function iterate(n: i32, d: usize, e: usize, maxSweeps: i32, logging: bool): bool {
  if (n == 0) return true;
  store<f64>(e + (<usize>(n - 1) << 3), 0.0);
  const eps = f64.EPSILON;
  let f: f64 = 0;
  let tst1: f64 = 0;
  for (let l = 0; l < n; l++) {
    const dl = d + (<usize>l << 3);
    const el = e + (<usize>l << 3);
    tst1 = max(tst1, abs(load<f64>(dl)) + abs(load<f64>(el)));
    // First negligible off-diagonal entry at or below l; e[n - 1] = 0 stops the search.
    let m = l;
    while (abs(load<f64>(e + (<usize>m << 3))) > eps * tst1) m++;
    if (m > l) {
      let sweeps = 0;
      do {
        if (++sweeps > maxSweeps) return false;
        // Shift: the eigenvalue of the leading 2x2 block closer to d[l].
        let g = load<f64>(dl);
        const elv = load<f64>(el);
        let p = (load<f64>(dl, 8) - g) / (2 * elv);
        let r = hypot(p, 1);
        if (p < 0) r = -r;
        store<f64>(dl, elv / (p + r));
        store<f64>(dl, elv * (p + r), 8);
        const dl1 = load<f64>(dl, 8);
        let h = g - load<f64>(dl);
        for (let i = l + 2; i < n; i++) {
          const di = d + (<usize>i << 3);
          store<f64>(di, load<f64>(di) - h);
        }
        f += h;
        // Chase the bulge from m up to l.
        p = load<f64>(d + (<usize>m << 3));
        let c: f64 = 1, c2: f64 = 1, c3: f64 = 1;
        const el1 = load<f64>(el, 8);
        let s: f64 = 0, s2: f64 = 0;
        for (let i = m - 1; i >= l; i--) {
          const di = d + (<usize>i << 3);
          const ei = e + (<usize>i << 3);
          c3 = c2;
          c2 = c;
          s2 = s;
          const eiv = load<f64>(ei);
          g = c * eiv;
          h = c * p;
          r = hypot(p, eiv);
          store<f64>(ei, s * r, 8);
          s = eiv / r;
          c = p / r;
          const div = load<f64>(di);
          p = c * div - s * g;
          store<f64>(di, h + s * (c * g + s * div), 8);
          if (logging) record(i, c, s);
        }
        p = (-s * s2 * c3 * el1 * load<f64>(el)) / dl1;
        store<f64>(el, s * p);
        store<f64>(dl, c * p);
      } while (abs(load<f64>(el)) > eps * tst1);
    }
    store<f64>(dl, load<f64>(dl) + f);
    store<f64>(el, 0.0);
  }
  return true;
}
