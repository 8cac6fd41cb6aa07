/**
 * One instance of the WebAssembly kernels (assembly/*.ts, compiled by scripts/build-wasm.js) and the
 * memory it works in. The memory is shared (a SharedArrayBuffer), so that worker threads can run
 * instances of the same module on the same arrays; on one thread it behaves as ordinary memory.
 *
 * Layout, all chosen here: page 0 holds no array (address 0 is never valid; parallel.ts keeps its
 * control words there), then this instance's gemm packing scratch, then one scratch per helper
 * thread if helpers are attached, then the arrays of the current call, laid out afresh by every call
 * (the kernels are synchronous and not re-entrant, so one call's arrays never outlive it). The
 * memory grows to the largest call seen and is kept for the next one.
 */
import { adviseLargeRegion, allocateDoubles } from "../memory";
import type { KernelExports } from "./exports";
import { KERNELS_WASM_BASE64 } from "./kernels.generated";
import { GemmArguments, HelperPool, MAX_HELPERS } from "./parallel";

/** gemm flags (assembly/gemm.ts). */
export const GEMM_ACCUMULATE = 1;
export const GEMM_SUBTRACT = 2;
export const GEMM_LOWER = 4;

const PAGE_BYTES = 65536;
/** 4 GiB, the most a 32-bit WebAssembly memory can address. */
const MAX_PAGES = 65536;
/** The x86-64 huge page (2 MiB), the unit of the memory advice in ensure(). */
const HUGE_PAGE_BYTES = 2 * 1024 * 1024;
/** Arrays start on 64-byte boundaries (cache lines). */
const ALIGN = 64;

export class WasmKernels {
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
  /** First byte after the gemm scratches: where a call's arrays begin. */
  private base: number;
  /** Helper threads sharing the work (none until attachHelpers). */
  private pool: HelperPool;
  /** Helper slots handed out so far. */
  private slotsUsed = 0;
  private f64View: Float64Array;
  private i32View: Int32Array;

  /**
   * Instantiates the module on `memory` (a new shared memory if omitted), with this instance's gemm
   * scratch at `scratch` (by default right after page 0).
   */
  constructor(
    module: WebAssembly.Module,
    memory?: WebAssembly.Memory,
    /** Byte offset of this instance's gemm scratch. */
    private readonly scratch = PAGE_BYTES,
  ) {
    this.memory = memory ?? new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
    // The kernels call back for the work that helper threads can share (see parallel.ts).
    const instance = new WebAssembly.Instance(module, {
      env: { memory: this.memory },
      tridiagonal: {
        sharedGemm: (...args: GemmArguments) => this.gemm(...args),
        // The parts go to this instance's gemm scratch, unused while the reduction needs them.
        sharedSymmetricProduct: (i: number, a: number, pitch: number, v: number, y: number) =>
          this.pool.symmetricProduct(i, a, pitch, v, y, this.scratch),
      },
      ql: {
        rotateRows: (y: number, n: number, index: number, cosines: number, sines: number, count: number, slice: number) =>
          this.pool.rotateRows(y, n, index, cosines, sines, count, slice),
      },
    });
    this.exports = instance.exports as unknown as KernelExports;
    this.pool = new HelperPool(this.exports, this.memory, 0, 0, 0);
    this.exports.setGemmScratch(scratch);
    this.base = alignUp(scratch + this.exports.gemmScratchDoubles() * 8);
    this.f64View = new Float64Array(0);
    this.i32View = new Int32Array(0);
    if (!this.ensure(this.base)) throw new RangeError("WebAssembly memory: cannot reserve the kernels' scratch");
  }

  /** Bytes of one instance's gemm scratch. */
  get scratchBytes(): number {
    return alignUp(this.exports.gemmScratchDoubles() * 8);
  }

  /**
   * The matrix product of assembly/gemm.ts on the whole of C (diagonal 0), shared with the attached
   * helper threads when it is large enough. The kernels' own products (reduction, reflectors) come
   * through here too.
   */
  gemm(...args: GemmArguments): void {
    this.pool.gemm(...args);
  }

  /**
   * Reserves `count` helper slots (one gemm scratch each, after this instance's) and returns, for
   * each, its slot and the byte offset of its scratch; the kernels then share work with the helpers
   * that have started (serveHelper in parallel.ts). Slots are never reused, so that a detached
   * helper still running can never take part in a later job.
   */
  attachHelpers(count: number): { slot: number; scratch: number }[] {
    if (this.pool.count > 0) throw new Error("helper threads are already attached: detach them first");
    const slots = Math.max(0, Math.floor(count));
    if (this.slotsUsed + slots > MAX_HELPERS) throw new RangeError(`at most ${MAX_HELPERS} helper threads over the kernels' life`);
    const own = alignUp(PAGE_BYTES + this.scratchBytes);
    const base = own + slots * this.scratchBytes;
    if (!this.ensure(base)) throw new RangeError("WebAssembly memory: cannot reserve the helpers' scratch");
    this.base = Math.max(this.base, base);
    const first = this.slotsUsed;
    this.slotsUsed += slots;
    this.pool = new HelperPool(this.exports, this.memory, first, slots, Math.floor(this.exports.gemmScratchDoubles() / 8));
    return Array.from({ length: slots }, (_, s) => ({ slot: first + s, scratch: own + s * this.scratchBytes }));
  }

  /** Helper threads that have started serving products. */
  readyHelpers(): number {
    return this.pool.ready();
  }

  /** Job parts computed by helper threads so far. */
  helperParts(): number {
    return this.pool.helperParts();
  }

  /** Stops sharing products with helpers (before the host ends their threads). */
  detachHelpers(): void {
    this.pool = new HelperPool(this.exports, this.memory, 0, 0, 0);
  }

  /**
   * Byte offsets of consecutive arrays of the given numbers of 8-byte elements, for the current
   * call, growing the memory as needed; undefined if they do not fit in 4 GiB (the caller then
   * falls back to the TypeScript kernels).
   */
  allocate(...doubles: number[]): number[] | undefined {
    const offsets: number[] = [];
    let end = this.base;
    for (const count of doubles) {
      offsets.push(end);
      end = alignUp(end + count * 8);
    }
    return this.ensure(end) ? offsets : undefined;
  }

  /** The whole memory as doubles (views are renewed when the memory grows). */
  get f64(): Float64Array {
    this.refresh();
    return this.f64View;
  }

  get i32(): Int32Array {
    this.refresh();
    return this.i32View;
  }

  write(offset: number, data: Float64Array): void {
    this.f64.set(data, offset / 8);
  }

  /**
   * A copy of `length` doubles at `offset`, in an ordinary (not shared) buffer, allocated (and, when
   * large, advised) before the copy writes to it.
   */
  read(offset: number, length: number): Float64Array {
    const out = allocateDoubles(length);
    out.set(this.f64.subarray(offset / 8, offset / 8 + length));
    return out;
  }

  private ensure(bytes: number): boolean {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return true;
    const pages = Math.ceil(bytes / PAGE_BYTES);
    if (pages > MAX_PAGES) return false;
    try {
      this.memory.grow(pages - have / PAGE_BYTES);
    } catch {
      return false;
    }
    // The new pages have not been written yet: the host may advise them (linalg/memory.ts), from
    // the huge-page boundary below the old end so that the page straddling it is covered too.
    const from = Math.floor(have / HUGE_PAGE_BYTES) * HUGE_PAGE_BYTES;
    adviseLargeRegion(new Float64Array(this.memory.buffer, from, (pages * PAGE_BYTES - from) / 8));
    return true;
  }

  private refresh(): void {
    const buffer = this.memory.buffer;
    if (this.f64View.buffer !== buffer || this.f64View.byteLength !== buffer.byteLength) {
      this.f64View = new Float64Array(buffer);
      this.i32View = new Int32Array(buffer);
    }
  }
}

function alignUp(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

let compiled: WebAssembly.Module | undefined;

/** The compiled module (compiled once per thread, synchronously: the binary is small). */
export function kernelsModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(decodeBase64(KERNELS_WASM_BASE64));
  return compiled;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** RFC 4648 base64 (padded) to bytes; the engine has neither Buffer nor atob. */
export function decodeBase64(text: string): Uint8Array {
  const value = new Int16Array(128).fill(-1);
  for (let i = 0; i < BASE64.length; i++) value[BASE64.charCodeAt(i)] = i;
  const clean = text.replace(/=+$/, "");
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let count = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const v = value[clean.charCodeAt(i) & 127];
    if (v < 0) throw new RangeError(`base64: unexpected character at ${i}`);
    bits = (bits << 6) | v;
    count += 6;
    if (count >= 8) {
      count -= 8;
      out[o++] = (bits >> count) & 255;
    }
  }
  return out;
}
