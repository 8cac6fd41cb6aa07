/**
 * Entry point of the WebAssembly kernels (compiled by scripts/build-wasm.js with SIMD enabled).
 * Every pointer is a byte offset into the host's memory; the host lays out the arrays and the
 * scratch, and nothing here allocates, so the module has no runtime, no data and no stack in memory.
 */
export { gemm, gemmScratchDoubles, mirrorLower, setGemmScratch } from "./gemm";
export {
  applyReflectors,
  formReflectorProduct,
  reflectorProductWorkDoubles,
  sumProductParts,
  symmetricProductPart,
  tridiagonalise,
  tridiagonaliseWorkDoubles,
} from "./tridiagonal";
export { ql, qlWorkDoubles, rotateColumns } from "./ql";
export { gatherColumns } from "./gather";
export { scal } from "./vector";
