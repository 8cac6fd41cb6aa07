/**
 * Matrix products, and the rotations that form eigenvectors, shared with helper threads over the
 * kernels' shared memory.
 *
 * The engine stays synchronous: the thread that calls a kernel describes the job in a control block
 * on the memory's reserved first page, wakes the helpers (Atomics.notify), takes parts of the job
 * itself from a shared counter (Atomics.add) until none are left, then waits (Atomics.wait) until
 * every woken helper is idle again. The parts are tiles of C for a product, groups of columns for
 * logged QL rotations (every column undergoes the same rotations independently), and row ranges of
 * the symmetric matrix-vector product that dominates the tridiagonal reduction. They are
 * claimed dynamically, so a helper that starts late or runs on a core busy with something else
 * simply takes fewer of them. Each helper runs its own instance of the module, with its own
 * scratch, on the same memory; the host only has to start threads that call serveHelper (the
 * engine does not import worker_threads). The pool knows jobs (tiles, column groups, product
 * parts), not the algorithms that issue them.
 *
 * A helper must live as long as the thread that uses it (terminate both together): a helper
 * stopped in the middle of a tile would leave the caller waiting.
 */
import type { KernelExports } from "./exports";

/** Uint32 index of the job description in the reserved first page (byte 1024). */
const JOB = 256;
/** Uint32 index of the first helper's control words (byte 4096); 16 words per helper. */
const SLOTS = 1024;
const SLOT_WORDS = 16;
/** Helper slots the first page has room for. */
export const MAX_HELPERS = 64;

/** Slot words: the state, whether the helper has started, job parts it has computed. */
const STATE = 0;
const READY = 1;
const PARTS = 2;
/**
 * IDLE -> GO (the caller offers a shared job) -> BUSY (the helper took it) -> IDLE (done). Only
 * the calling thread moves a slot out of IDLE.
 */
const IDLE = 0;
const GO = 1;
const BUSY = 2;

/** Job words: the kind, the claim counter, then the arguments. */
const KIND = 0;
const NEXT = 1;
const ARGS = 2;
const GEMM_TILES = 0;
const ROTATION_COLUMNS = 1;
const PRODUCT_PARTS = 2;
/** Parts of a split symmetric product (assembly/tridiagonal.ts). */
const SYMMETRIC_PRODUCT_PARTS = 8;
/**
 * Symmetric products of orders in [SHARED_PRODUCT_MIN, SHARED_PRODUCT_MAX] are shared. From 512
 * on (the order from which the kernel splits them at all), sharing paid on this machine kind with
 * huge pages: eigenvalues with projections at p = 1000 in 90 ms instead of 100 ms, at p = 2000 in
 * 530 ms instead of 560 ms (each the median of 5, sharing from 1024 before). Larger ones read a
 * triangle beyond the L3 cache (32 MiB at 2896), and two threads on two cores gained nothing over
 * one from memory bandwidth there (p = 4000 on this machine kind: 8.5 s alone, 9.5 s shared).
 */
const SHARED_PRODUCT_MIN = 512;
const SHARED_PRODUCT_MAX = 2896;
/**
 * Polls before sleeping: during a reduction, jobs follow each other within microseconds, faster
 * than a sleeping thread wakes up.
 */
const SPINS = 20000;

/** Tile of C claimed at a time: multiples of the kernel's 128-row blocks and 4-column strips. */
const TILE_ROWS = 256;
const TILE_COLUMNS = 256;
/** Products smaller than this (m n k) are not worth waking a helper for. */
const PARALLEL_MIN_WORK = 1 << 21;
const LOWER = 4;

export type GemmArguments = [
  m: number, n: number, k: number,
  a: number, aStrideX: number, aStrideP: number,
  b: number, bStrideX: number, bStrideP: number,
  c: number, ldc: number, flags: number,
];

function control(memory: WebAssembly.Memory): Uint32Array {
  // The first page never moves: a view of it stays valid when the memory grows.
  return new Uint32Array(memory.buffer, 0, 16384);
}

/** Columns of the rotated matrix claimed at a time (eight slices of eight). */
const ROTATION_CHUNK = 64;

/**
 * Claims and computes parts of the described job until none are left; returns how many it did.
 * `slice` is the calling thread's scratch for rotation slices (8 n doubles).
 */
function runJob(exports: KernelExports, job: Uint32Array, slice: number): number {
  const next = new Int32Array(job.buffer, job.byteOffset, job.length);
  const arg = (i: number): number => job[JOB + ARGS + i];
  if (job[JOB + KIND] === PRODUCT_PARTS) {
    const i = arg(0), a = arg(1), pitch = arg(2), v = arg(3), parts = arg(4);
    for (let done = 0; ; done++) {
      const t = Atomics.add(next, JOB + NEXT, 1);
      if (t >= SYMMETRIC_PRODUCT_PARTS) return done;
      exports.symmetricProductPart(i, t, a, pitch, v, parts);
    }
  }
  if (job[JOB + KIND] === ROTATION_COLUMNS) {
    const y = arg(0), n = arg(1), index = arg(2), cosines = arg(3), sines = arg(4), count = arg(5);
    const chunks = Math.ceil(n / ROTATION_CHUNK);
    for (let done = 0; ; done++) {
      const t = Atomics.add(next, JOB + NEXT, 1);
      if (t >= chunks) return done;
      const k0 = t * ROTATION_CHUNK;
      exports.rotateColumns(y, n, k0, Math.min(n, k0 + ROTATION_CHUNK), index, cosines, sines, count, slice);
    }
  }
  const m = arg(0), n = arg(1), k = arg(2);
  const a = arg(3), aX = arg(4), aP = arg(5);
  const b = arg(6), bX = arg(7), bP = arg(8);
  const c = arg(9), ldc = arg(10), flags = arg(11);
  const lower = (flags & LOWER) !== 0;
  const down = Math.ceil(m / TILE_ROWS);
  const count = down * Math.ceil(n / TILE_COLUMNS);
  for (let done = 0; ; done++) {
    const t = Atomics.add(next, JOB + NEXT, 1);
    if (t >= count) return done;
    // Down the rows first: tiles taken together share the packed panel of B.
    const i0 = (t % down) * TILE_ROWS;
    const j0 = Math.floor(t / down) * TILE_COLUMNS;
    const mt = Math.min(TILE_ROWS, m - i0);
    const nt = Math.min(TILE_COLUMNS, n - j0);
    if (lower && j0 > i0 + mt - 1) continue;
    exports.gemm(mt, nt, k, a + i0 * aX * 8, aX, aP, b + j0 * bX * 8, bX, bP, c + (i0 * ldc + j0) * 8, ldc, flags, lower ? i0 - j0 : 0);
  }
}

/** The calling thread's side: the helper slots in use and the jobs shared with them. */
export class HelperPool {
  private readonly words: Int32Array;
  private readonly job: Uint32Array;

  constructor(
    private readonly exports: KernelExports,
    memory: WebAssembly.Memory,
    /** Slots first..first+count-1 belong to this pool's helpers. */
    private readonly first: number,
    readonly count: number,
    /** Rows of the largest matrix whose rotations a helper's scratch can take (8 doubles a row). */
    private readonly maxRotationRows: number,
  ) {
    this.job = control(memory);
    this.words = new Int32Array(this.job.buffer, 0, this.job.length);
    for (let s = first; s < first + count; s++) {
      Atomics.store(this.words, SLOTS + s * SLOT_WORDS + STATE, IDLE);
      Atomics.store(this.words, SLOTS + s * SLOT_WORDS + READY, 0);
      Atomics.store(this.words, SLOTS + s * SLOT_WORDS + PARTS, 0);
    }
  }

  /** Helpers that have started and serve products. */
  ready(): number {
    let count = 0;
    for (let s = this.first; s < this.first + this.count; s++) count += Atomics.load(this.words, SLOTS + s * SLOT_WORDS + READY);
    return count;
  }

  /** Job parts computed by the helpers so far (for diagnostics and tests). */
  helperParts(): number {
    let count = 0;
    for (let s = this.first; s < this.first + this.count; s++) count += Atomics.load(this.words, SLOTS + s * SLOT_WORDS + PARTS);
    return count;
  }

  /** gemm (assembly/gemm.ts, diagonal 0), shared with the helpers that have started. */
  gemm(...args: GemmArguments): void {
    const [m, n, k] = args;
    const ready = m * n * k >= PARALLEL_MIN_WORK && (m > TILE_ROWS || n > TILE_COLUMNS) ? this.readySlots() : [];
    if (ready.length === 0) this.exports.gemm(...args, 0);
    else this.share(GEMM_TILES, args, ready, 0);
  }

  /**
   * rotateColumns (assembly/ql.ts) over all n columns of y, shared with the helpers that have
   * started; `slice` is the calling thread's scratch.
   */
  rotateRows(y: number, n: number, index: number, cosines: number, sines: number, count: number, slice: number): void {
    const ready = n > ROTATION_CHUNK && n <= this.maxRotationRows && n * count >= PARALLEL_MIN_WORK ? this.readySlots() : [];
    if (ready.length === 0) this.exports.rotateColumns(y, n, 0, n, index, cosines, sines, count, slice);
    else this.share(ROTATION_COLUMNS, [y, n, index, cosines, sines, count], ready, slice);
  }

  /**
   * y = B v by parts (assembly/tridiagonal.ts, sharedSymmetricProduct), the parts shared with the
   * helpers that have started; `parts` is scratch for them. The parts are summed in a fixed order,
   * so the result does not depend on which thread made which part.
   */
  symmetricProduct(i: number, a: number, pitch: number, v: number, y: number, parts: number): void {
    const ready = i >= SHARED_PRODUCT_MIN && i <= SHARED_PRODUCT_MAX ? this.readySlots() : [];
    if (ready.length === 0) {
      for (let t = 0; t < SYMMETRIC_PRODUCT_PARTS; t++) this.exports.symmetricProductPart(i, t, a, pitch, v, parts);
    } else {
      this.share(PRODUCT_PARTS, [i, a, pitch, v, parts], ready, 0);
    }
    this.exports.sumProductParts(i, parts, y);
  }

  /** Helpers that have started and are idle. */
  private readySlots(): number[] {
    const ready: number[] = [];
    for (let s = this.first; s < this.first + this.count; s++) {
      const base = SLOTS + s * SLOT_WORDS;
      if (Atomics.load(this.words, base + READY) === 1 && Atomics.load(this.words, base + STATE) === IDLE) ready.push(s);
    }
    return ready;
  }

  /** Describes the job, wakes the helpers, takes its own share, then waits for the helpers. */
  private share(kind: number, args: readonly number[], ready: readonly number[], slice: number): void {
    const job = this.job;
    job[JOB + KIND] = kind;
    for (let i = 0; i < args.length; i++) job[JOB + ARGS + i] = args[i] >>> 0;
    Atomics.store(this.words, JOB + NEXT, 0);
    for (const s of ready) {
      const state = SLOTS + s * SLOT_WORDS + STATE;
      Atomics.store(this.words, state, GO);
      Atomics.notify(this.words, state);
    }
    runJob(this.exports, job, slice);
    for (const s of ready) {
      const state = SLOTS + s * SLOT_WORDS + STATE;
      // A helper that has not woken up yet is not waited for: the offer is withdrawn (and the
      // whole job is done by now anyway).
      if (Atomics.compareExchange(this.words, state, GO, IDLE) === GO) continue;
      for (let spin = 0; spin < SPINS && Atomics.load(this.words, state) !== IDLE; spin++);
      while (Atomics.load(this.words, state) === BUSY) Atomics.wait(this.words, state, BUSY);
    }
  }
}

/**
 * A helper thread's loop: marks its slot ready, then serves jobs until the thread ends. `slice` is
 * its scratch for rotation slices (its gemm scratch: jobs never need both at once).
 */
export function serveHelper(exports: KernelExports, memory: WebAssembly.Memory, slot: number, slice: number): never {
  const job = control(memory);
  const words = new Int32Array(job.buffer, 0, job.length);
  const state = SLOTS + slot * SLOT_WORDS + STATE;
  Atomics.store(words, SLOTS + slot * SLOT_WORDS + READY, 1);
  for (;;) {
    let now = Atomics.load(words, state);
    for (let spin = 0; spin < SPINS && now === IDLE; spin++) now = Atomics.load(words, state);
    if (now === IDLE) {
      Atomics.wait(words, state, IDLE);
      continue;
    }
    if (Atomics.compareExchange(words, state, GO, BUSY) !== GO) continue;
    Atomics.add(words, SLOTS + slot * SLOT_WORDS + PARTS, runJob(exports, job, slice));
    Atomics.store(words, state, IDLE);
    Atomics.notify(words, state);
  }
}
