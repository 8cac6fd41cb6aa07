/**
 * Where the engine's large arrays come from. The host may install an advisor that is shown every
 * large array before anything is written to it (and every region the WebAssembly memory grows by);
 * the Node host uses it to ask Linux for huge pages (server/src/hugePages.ts). The advice changes
 * how memory is mapped, never a value, so results do not depend on whether an advisor is installed.
 *
 * Why it matters: writing a fresh 32 MB matrix takes ~80 ms of page faults on a virtual machine
 * with 4 KiB pages (~10 us a fault) against ~1 ms for the writes themselves; a dense 2000 x 2000
 * prediction touches about 200 MB.
 */

/** Called with a large array (or WebAssembly memory view) before its first write. */
export type LargeArrayAdvisor = (view: Float64Array) => void;

/** Arrays of at least this many doubles (4 MiB, two huge pages) are shown to the advisor. */
export const LARGE_ARRAY_DOUBLES = 1 << 19;

let advisor: LargeArrayAdvisor | undefined;

/** Installs (or, with undefined, removes) the host's advisor. */
export function setLargeArrayAdvisor(next: LargeArrayAdvisor | undefined): void {
  advisor = next;
}

/** A zeroed array of n doubles, advised first when large. */
export function allocateDoubles(n: number): Float64Array {
  const array = new Float64Array(n);
  if (advisor && n >= LARGE_ARRAY_DOUBLES) advisor(array);
  return array;
}

/** Shows a large region (a view that nothing has written to yet) to the advisor. */
export function adviseLargeRegion(view: Float64Array): void {
  if (advisor && view.length >= LARGE_ARRAY_DOUBLES) advisor(view);
}
