/**
 * Seeded, platform-independent random numbers.
 *
 * Generator: xoshiro128** (Blackman and Vigna) on 32-bit integer arithmetic (Math.imul, >>>), whose
 * results are exact on every JavaScript engine. Each purpose draws from its own stream, derived from
 * the spec's seed and a label (for example "student/W1/Z") by FNV-1a hashing and SplitMix32
 * seeding, so adding a layer or a simulation never changes the draws of another part of the spec.
 *
 * Uniforms in [0, 1) use 53 random bits (two 32-bit outputs). Normals use the ziggurat method of
 * Marsaglia and Tsang (2000) with 128 layers, taking the layer index from a separate 32-bit draw
 * (sharing bits between index and value correlates them, Doornik 2005): about two 32-bit draws and
 * no transcendental function per normal in 99% of cases, several times faster than the polar
 * method, which matters for the millions of weights and simulated inputs of a spec.
 *
 * Engine independence: the tables and the rare slow paths need exp and log. `Math.exp` and
 * `Math.log` differ in the last bits between JavaScript engines (Node and Chromium disagree on
 * many inputs), so they use `reproducibleMath.ts` (fdlibm's algorithms from exactly rounded
 * operations) and `Math.sqrt` (correctly rounded by IEEE 754). Every other step is 32-bit integer
 * arithmetic or one of + - * / on doubles, which IEEE 754 rounds exactly one way, so the same seed
 * and label give the same bits in Node, in a browser and in VS Code's own runtime
 * (test/browser/rng.test.ts draws the same streams in both).
 */
import { exp, log } from './reproducibleMath';

// Ziggurat tables (Marsaglia and Tsang 2000, "The ziggurat method for generating random
// variables", 128 layers): R is the start of the tail, V the area of each layer. Built at load
// from exactly rounded operations and reproducibleMath, so the tables are the same on every engine.
const ZIGGURAT_R = 3.442619855899;
const ZIGGURAT_V = 9.91256303526217e-3;
const ZIG_K = new Float64Array(128); // acceptance thresholds on |hz|
const ZIG_W = new Float64Array(128); // hz -> x scale per layer
const ZIG_F = new Float64Array(128); // density at the layer edges
(function buildZiggurat(): void {
  const m1 = 2147483648;
  let dn = ZIGGURAT_R;
  let tn = dn;
  const q = ZIGGURAT_V / exp(-0.5 * dn * dn);
  ZIG_K[0] = Math.floor((dn / q) * m1);
  ZIG_K[1] = 0;
  ZIG_W[0] = q / m1;
  ZIG_W[127] = dn / m1;
  ZIG_F[0] = 1;
  ZIG_F[127] = exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * log(ZIGGURAT_V / dn + exp(-0.5 * dn * dn)));
    ZIG_K[i + 1] = Math.floor((dn / tn) * m1);
    tn = dn;
    ZIG_F[i] = exp(-0.5 * dn * dn);
    ZIG_W[i] = dn / m1;
  }
})();

function fnv1a(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A stream determined by the spec's seed and a purpose label. */
  static stream(seed: number, label: string): Random {
    // Seeds are integers up to 2^53; fold the high part in so that seed 1 and 2^32 + 1 differ.
    const low = seed >>> 0;
    const high = Math.floor(seed / 4294967296) >>> 0;
    const mix = splitmix32((fnv1a(label) ^ low ^ Math.imul(high, 0x27d4eb2f)) >>> 0);
    // Stored as signed 32-bit integers (| 0), the form the xor-shift steps produce, so the fields
    // keep one representation and the hot loops stay optimised.
    return new Random(mix() | 0, mix() | 0, mix() | 0, mix() | 0);
  }

  private constructor(a: number, b: number, c: number, d: number) {
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    if ((a | b | c | d) === 0) this.d = 1; // the all-zero state is a fixed point of xoshiro
  }

  /** Next 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal (ziggurat). */
  normal(): number {
    for (;;) {
      const hz = this.nextUint32() | 0; // signed: value and sign
      const iz = this.nextUint32() & 127; // layer, from its own draw
      if (Math.abs(hz) < (ZIG_K[iz] as number)) return hz * (ZIG_W[iz] as number); // inside the rectangle: ~99%
      const x = this.outsideRectangle(hz, iz);
      if (x !== undefined) return x;
    }
  }

  /** The tail (layer 0) or the wedge between a layer's rectangle and the density; undefined = rejected. */
  private outsideRectangle(hz: number, iz: number): number | undefined {
    if (iz === 0) {
      // The tail beyond R, by Marsaglia's exponential rejection.
      let tail: number;
      let y: number;
      do {
        tail = -log(1 - this.uniform()) / ZIGGURAT_R;
        y = -log(1 - this.uniform());
      } while (y + y < tail * tail);
      return hz > 0 ? ZIGGURAT_R + tail : -ZIGGURAT_R - tail;
    }
    const x = hz * (ZIG_W[iz] as number);
    const f = ZIG_F[iz] as number;
    return f + this.uniform() * ((ZIG_F[iz - 1] as number) - f) < exp(-0.5 * x * x) ? x : undefined;
  }

  /**
   * Fills `out` with independent N(0, scale^2) draws: exactly the values of successive normal()
   * calls. The fast path runs in `rectangleRun`, a small function that V8 optimises after a few
   * calls (a long single loop would run mostly in on-stack-replaced code, 4-5x slower here).
   */
  fillNormal(out: Float64Array, scale = 1): Float64Array {
    this.saveState();
    let i = 0;
    while (i < out.length) {
      i = rectangleRun(this.state, out, i, scale);
      if (i < out.length) {
        // rectangleRun stopped at a draw outside the rectangle: finish it here.
        this.a = this.state[0] as number;
        this.b = this.state[1] as number;
        this.c = this.state[2] as number;
        this.d = this.state[3] as number;
        const hz = this.state[4] as number;
        const iz = this.state[5] as number;
        const x = this.outsideRectangle(hz, iz);
        out[i] = scale * (x !== undefined ? x : this.normal());
        i++;
        this.saveState();
      }
    }
    this.a = this.state[0] as number;
    this.b = this.state[1] as number;
    this.c = this.state[2] as number;
    this.d = this.state[3] as number;
    return out;
  }

  /** Generator state shared with rectangleRun: a, b, c, d, then the pending hz and iz. */
  private readonly state = new Int32Array(6);

  private saveState(): void {
    this.state[0] = this.a;
    this.state[1] = this.b;
    this.state[2] = this.c;
    this.state[3] = this.d;
  }

  /** Uniform integer in [0, n). */
  integer(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Normals from the ziggurat's rectangles into out[i..], until the end or until a draw falls
 * outside its rectangle (about 1 in 100): then its hz and iz are left in state[4], state[5] and
 * the index is returned. `state` holds xoshiro128**'s four words, updated in place.
 */
function rectangleRun(state: Int32Array, out: Float64Array, start: number, scale: number): number {
  let a = state[0] as number;
  let b = state[1] as number;
  let c = state[2] as number;
  let d = state[3] as number;
  let i = start;
  for (; i < out.length; i++) {
    // Two xoshiro128** steps, as in Random.nextUint32.
    const r1 = Math.imul(rotl(Math.imul(b, 5), 7), 9);
    let t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    const r2 = Math.imul(rotl(Math.imul(b, 5), 7), 9);
    t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    const iz = r2 & 127;
    if (Math.abs(r1) < (ZIG_K[iz] as number)) {
      out[i] = scale * (r1 * (ZIG_W[iz] as number));
    } else {
      state[4] = r1;
      state[5] = iz;
      break;
    }
  }
  state[0] = a;
  state[1] = b;
  state[2] = c;
  state[3] = d;
  return i;
}
