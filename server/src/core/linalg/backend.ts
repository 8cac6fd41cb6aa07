/**
 * Which implementation runs the dense kernels: the WebAssembly SIMD kernels (wasm/) or the pure
 * TypeScript ones (products.ts, householder.ts, tridiagonalQL.ts). The exported functions of
 * products.ts and eigen.ts keep one signature and offer each call to the accelerator this module
 * installs when it is loaded (accelerator.ts), so callers never choose; the engine's front
 * (core/index.ts) loads it, and the TypeScript kernels alone never do.
 *
 * Default: 'wasm' when the module compiles and instantiates with SIMD on a shared memory (Node 20
 * does), otherwise 'typescript'. Both compute the same quantities with the same algorithms'
 * guarantees (exactly symmetric products, ascending eigenvalues, a converged flag); their results
 * agree to rounding (test/unit/linalg-wasm.test.ts checks 1e-10).
 *
 * A host with worker threads can lend the kernels helper threads (prepareKernelHelpers, then
 * serveKernelHelper in each thread; server/src/kernelThreads.ts does this for Node): products,
 * the reduction's symmetric products and the eigenvector rotations are then shared with them over
 * the kernels' shared memory. The engine stays synchronous and never imports worker_threads.
 */
import { installAccelerator, type Accelerator } from "./accelerator";
import * as eigen from "./wasm/eigen";
import { WasmKernels, kernelsModule } from "./wasm/instance";
import { serveHelper } from "./wasm/parallel";
import * as products from "./wasm/products";

export type LinalgBackend = "wasm" | "typescript";

let selected: LinalgBackend | undefined;
let kernels: WasmKernels | undefined;
let accelerated: Accelerator | undefined;
let attempted = false;
let failure: string | undefined;

function load(): WasmKernels | undefined {
  if (!attempted) {
    attempted = true;
    try {
      kernels = new WasmKernels(kernelsModule());
      accelerated = wasmAccelerator(kernels);
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
  }
  return kernels;
}

/** The calls of products.ts and eigen.ts on one instance of the WebAssembly kernels. */
function wasmAccelerator(k: WasmKernels): Accelerator {
  return {
    multiply: (a, b) => products.multiply(k, a, b),
    multiplyTransposed: (a, b) => products.multiplyTransposed(k, a, b),
    transposeMultiply: (a, b) => products.transposeMultiply(k, a, b),
    congruence: (w, s) => products.congruence(k, w, s),
    factoredCongruence: (w, v, a, b) => products.factoredCongruence(k, w, v, a, b),
    gram: (a) => products.gram(k, a),
    transposeGram: (a) => products.transposeGram(k, a),
    symmetricEigenvalues: (a, vectors) => eigen.symmetricEigenvalues(k, a, vectors),
    symmetricTridiagonalForm: (a) => eigen.symmetricTridiagonalForm(k, a),
    symmetricEigen: (a) => eigen.symmetricEigen(k, a),
  };
}

// Loading this module makes the WebAssembly kernels (once selected) serve every kernel call.
installAccelerator(() => (linalgBackend() === "wasm" ? accelerated : undefined));

/** The backend in use (choosing the default on first use). */
export function linalgBackend(): LinalgBackend {
  selected ??= load() !== undefined ? "wasm" : "typescript";
  return selected;
}

/** Selects the backend; 'wasm' throws if the WebAssembly kernels cannot run here. */
export function setLinalgBackend(backend: LinalgBackend): void {
  if (backend === "wasm" && load() === undefined) {
    throw new Error(`The WebAssembly linear algebra kernels are unavailable: ${failure ?? "unknown reason"}`);
  }
  selected = backend;
}

/** Why the WebAssembly kernels could not be loaded, if they could not. */
export function wasmUnavailableReason(): string | undefined {
  load();
  return failure;
}

/** The WebAssembly kernels when they are the selected backend, else undefined. */
export function activeKernels(): WasmKernels | undefined {
  return linalgBackend() === "wasm" ? kernels : undefined;
}

/**
 * What a helper thread needs (pass it as the thread's data; it is structured-cloneable): the
 * compiled module, the shared memory, the helper's slot and the byte offset of its scratch.
 */
export interface KernelHelperData {
  readonly module: unknown;
  readonly memory: unknown;
  readonly slot: number;
  readonly scratch: number;
}

/**
 * For a host with threads: reserves `count` helper slots in the kernels' memory and returns the data
 * to start each helper thread with (each thread calls serveKernelHelper). Products share their
 * tiles with the helpers once these have started; until then the calling thread does all the work.
 * Returns [] when the WebAssembly kernels are unavailable; throws if helpers are attached already
 * (release them first).
 */
export function prepareKernelHelpers(count: number): KernelHelperData[] {
  const k = load();
  if (k === undefined) return [];
  const module = kernelsModule();
  return k.attachHelpers(count).map(({ slot, scratch }) => ({ module, memory: k.memory, slot, scratch }));
}

/** Helper threads that have started and share the products. */
export function kernelHelpersReady(): number {
  return kernels?.readyHelpers() ?? 0;
}

/** Job parts (product tiles, rotation columns, product parts) computed by helper threads so far. */
export function kernelHelperParts(): number {
  return kernels?.helperParts() ?? 0;
}

/** Stops sharing products with helper threads; call it before ending them. */
export function releaseKernelHelpers(): void {
  kernels?.detachHelpers();
}

/** Body of a helper thread: serves products on the shared memory until the thread is ended. */
export function serveKernelHelper(data: KernelHelperData): never {
  const module = data.module as WebAssembly.Module;
  const memory = data.memory as WebAssembly.Memory;
  const helper = new WasmKernels(module, memory, data.scratch);
  return serveHelper(helper.exports, memory, data.slot, data.scratch);
}
