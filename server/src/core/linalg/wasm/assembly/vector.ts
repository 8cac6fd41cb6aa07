/**
 * Level-1 helpers on contiguous f64 arrays (byte pointers), two lanes at a time with two
 * independent partial sums so that the add latency does not serialise the loop.
 */

export function dot(x: usize, y: usize, len: i32): f64 {
  let s0 = f64x2.splat(0);
  let s1 = f64x2.splat(0);
  let k = 0;
  for (; k + 3 < len; k += 4) {
    const o = <usize>k << 3;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(x + o), v128.load(y + o)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(x + o, 16), v128.load(y + o, 16)));
  }
  const t = f64x2.add(s0, s1);
  let s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  for (; k < len; k++) {
    const o = <usize>k << 3;
    s += load<f64>(x + o) * load<f64>(y + o);
  }
  return s;
}

/** y += alpha x. */
export function axpy(alpha: f64, x: usize, y: usize, len: i32): void {
  const va = f64x2.splat(alpha);
  let k = 0;
  for (; k + 3 < len; k += 4) {
    const o = <usize>k << 3;
    v128.store(y + o, f64x2.add(v128.load(y + o), f64x2.mul(va, v128.load(x + o))));
    v128.store(y + o, f64x2.add(v128.load(y + o, 16), f64x2.mul(va, v128.load(x + o, 16))), 16);
  }
  for (; k < len; k++) {
    const o = <usize>k << 3;
    store<f64>(y + o, load<f64>(y + o) + alpha * load<f64>(x + o));
  }
}

/** x *= alpha. */
export function scal(alpha: f64, x: usize, len: i32): void {
  const va = f64x2.splat(alpha);
  let k = 0;
  for (; k + 1 < len; k += 2) {
    const o = <usize>k << 3;
    v128.store(x + o, f64x2.mul(va, v128.load(x + o)));
  }
  if (k < len) {
    const o = <usize>k << 3;
    store<f64>(x + o, alpha * load<f64>(x + o));
  }
}

/** sqrt(a^2 + b^2) without overflow or destructive underflow. */
export function hypot(a: f64, b: f64): f64 {
  const x = abs(a);
  const y = abs(b);
  const big = max(x, y);
  if (big == 0) return 0;
  const t = min(x, y) / big;
  return big * sqrt(1 + t * t);
}

/** Euclidean norm; the plain sum of squares unless it overflows or underflows, then rescaled. */
export function norm2(x: usize, len: i32): f64 {
  const ss = dot(x, x, len);
  if (ss < 1e-280 || ss > 1e280 || !isFinite(ss)) {
    let scale: f64 = 0;
    for (let k = 0; k < len; k++) scale = max(scale, abs(load<f64>(x + (<usize>k << 3))));
    if (scale == 0 || !isFinite(scale)) return scale;
    let s: f64 = 0;
    for (let k = 0; k < len; k++) {
      const t = load<f64>(x + (<usize>k << 3)) / scale;
      s += t * t;
    }
    return scale * sqrt(s);
  }
  return sqrt(ss);
}
