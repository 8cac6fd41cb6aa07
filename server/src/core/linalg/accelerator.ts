/**
 * Where the dense kernels (products.ts, eigen.ts) find a faster implementation of themselves. The
 * kernels are plain TypeScript and import nothing of the WebAssembly loader: each exported product
 * and eigen function first offers its call to the accelerator, if one is installed, and computes it
 * itself when there is none or the accelerator declines (undefined: arrays too large for its
 * memory). backend.ts installs the WebAssembly kernels here; without it (a test of the TypeScript
 * kernels, a build without WebAssembly) the kernels run alone and give the same results to
 * rounding.
 */
import type { Matrix } from "./matrix";
import type { EigenResult, EigenvaluesResult, TridiagonalForm } from "./results";

/** The calls an accelerator can take; each returns undefined to decline. Inputs are validated. */
export interface Accelerator {
  multiply(a: Matrix, b: Matrix): Matrix | undefined;
  multiplyTransposed(a: Matrix, b: Matrix): Matrix | undefined;
  transposeMultiply(a: Matrix, b: Matrix): Matrix | undefined;
  congruence(w: Matrix, s: Matrix): Matrix | undefined;
  factoredCongruence(w: Matrix, v: Matrix, a: number, b: number): Matrix | undefined;
  gram(a: Matrix): Matrix | undefined;
  transposeGram(a: Matrix): Matrix | undefined;
  symmetricEigenvalues(a: Matrix, vectors: readonly Float64Array[]): EigenvaluesResult | undefined;
  symmetricTridiagonalForm(a: Matrix): TridiagonalForm | undefined;
  symmetricEigen(a: Matrix): EigenResult | undefined;
}

let current: () => Accelerator | undefined = () => undefined;

/** Installs the function that returns the accelerator in use (called on every kernel call). */
export function installAccelerator(active: () => Accelerator | undefined): void {
  current = active;
}

/** The accelerator in use, if any. */
export function accelerator(): Accelerator | undefined {
  return current();
}
