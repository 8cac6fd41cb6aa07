/**
 * The functions the WebAssembly module exports (assembly/index.ts), in a module of their own so
 * that the loader (instance.ts), the helper protocol (parallel.ts) and the eigen driver (eigen.ts)
 * share the type without importing each other.
 */

/** The module's exports (assembly/index.ts). Pointers are byte offsets, sizes in elements. */
export interface KernelExports {
  gemm(
    m: number, n: number, k: number,
    a: number, aStrideX: number, aStrideP: number,
    b: number, bStrideX: number, bStrideP: number,
    c: number, ldc: number, flags: number, diagonal: number,
  ): void;
  gemmScratchDoubles(): number;
  setGemmScratch(pointer: number): void;
  mirrorLower(c: number, n: number): void;
  tridiagonalise(n: number, a: number, d: number, e: number, tau: number, work: number): void;
  tridiagonaliseWorkDoubles(n: number): number;
  applyReflectors(n: number, a: number, tau: number, r: number, q: number): void;
  formReflectorProduct(n: number, a: number, tau: number, y: number, work: number): void;
  reflectorProductWorkDoubles(n: number): number;
  ql(n: number, d: number, e: number, x: number, q: number, mode: number, maxSweeps: number, capacity: number, work: number): number;
  rotateColumns(y: number, n: number, k0: number, k1: number, index: number, cosines: number, sines: number, count: number, slice: number): void;
  symmetricProductPart(i: number, part: number, a: number, pitch: number, v: number, parts: number): void;
  sumProductParts(i: number, parts: number, y: number): void;
  qlWorkDoubles(n: number, capacity: number): number;
  gatherColumns(n: number, y: number, order: number, out: number): void;
  scal(alpha: number, x: number, len: number): void;
}
