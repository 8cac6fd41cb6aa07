/**
 * Seeded, platform-independent random numbers.
 *
 * Generator: xoshiro128** (Blackman and Vigna) on 32-bit integer arithmetic (Math.imul, >>>), whose
 * results are exact on every JavaScript engine. Each purpose draws from its own stream, derived from
 * the spec's seed and a label (for example "student/W1/Z") by FNV-1a hashing and SplitMix32
 * seeding, so adding a layer or a simulation never changes the draws of another part of the spec.
 *
 * Uniforms in [0, 1) use 53 random bits (two 32-bit outputs). Normals use Marsaglia's polar method,
 * which needs only +, *, sqrt (correctly rounded by IEEE 754) and log (V8's fdlibm port, the same
 * code on every platform), so the same spec and seed give bit-identical weights on every machine
 * running Node.js.
 */

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
  private spareNormal: number | undefined;

  /** A stream determined by the spec's seed and a purpose label. */
  static stream(seed: number, label: string): Random {
    // Seeds are integers up to 2^53; fold the high part in so that seed 1 and 2^32 + 1 differ.
    const low = seed >>> 0;
    const high = Math.floor(seed / 4294967296) >>> 0;
    const mix = splitmix32((fnv1a(label) ^ low ^ Math.imul(high, 0x27d4eb2f)) >>> 0);
    return new Random(mix(), mix(), mix(), mix());
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

  /** Standard normal (Marsaglia polar method; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const v = this.spareNormal;
      this.spareNormal = undefined;
      return v;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = v * f;
        return u * f;
      }
    }
  }

  /** Fills `out` with independent N(0, scale^2) draws. */
  fillNormal(out: Float64Array, scale = 1): Float64Array {
    for (let i = 0; i < out.length; i++) out[i] = scale * this.normal();
    return out;
  }

  /** Uniform integer in [0, n). */
  integer(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
