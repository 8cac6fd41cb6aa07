/**
 * Starts helper threads for the engine's matrix products (server/src/core/linalg/wasm/parallel.ts):
 * the engine stays synchronous and thread-free; this Node-side adapter only spawns worker threads
 * that serve products on the kernels' shared WebAssembly memory. Call once per thread that runs the
 * engine (the CLI's main thread, the language server's compute worker), before heavy work.
 *
 * The threads are unref'd (they never keep the process alive) and must end together with the
 * thread that uses them: stop() detaches them before terminating them.
 */
import { availableParallelism } from 'node:os';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { kernelHelpersReady, prepareKernelHelpers, releaseKernelHelpers } from './core';

export interface KernelThreads {
  /** Helper threads started (0 if the WebAssembly kernels are unavailable or one core only). */
  readonly count: number;
  /** Resolves once every helper serves products (they start in tens of milliseconds). */
  ready(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Helpers to start: RAINBOW_HELPER_THREADS (a whole number, 0 for none) if set, else one per core
 * beyond the calling thread's. An unusable value is reported once and the default used.
 */
export function helperThreadCount(env: NodeJS.ProcessEnv = process.env): number {
  const fallback = availableParallelism() - 1;
  const setting = env.RAINBOW_HELPER_THREADS;
  if (setting === undefined || setting === '') return fallback;
  const count = Number(setting);
  if (Number.isInteger(count) && count >= 0 && count <= MAX_HELPER_THREADS) return count;
  process.stderr.write(`rainbow: RAINBOW_HELPER_THREADS="${setting}" is not a whole number from 0 to ${MAX_HELPER_THREADS}; using ${fallback}\n`);
  return fallback;
}

/** The kernels' control page has room for 64 helpers (core/linalg/wasm/parallel.ts); more would not help. */
const MAX_HELPER_THREADS = 64;

/** Starts `count` helpers (default: helperThreadCount()). */
export function startKernelThreads(count = helperThreadCount()): KernelThreads {
  const data = prepareKernelHelpers(Math.max(0, count));
  const workers = data.map((workerData) => {
    const worker = helperWorker(workerData);
    // A helper that fails to start is simply never used: the engine's thread does all the work.
    worker.on('error', () => undefined);
    worker.unref();
    return worker;
  });
  return {
    count: workers.length,
    async ready() {
      while (kernelHelpersReady() < workers.length) await new Promise((resolve) => setTimeout(resolve, 2));
    },
    async stop() {
      releaseKernelHelpers();
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

let early: KernelThreads | undefined;

/**
 * Starts the helpers before the rest of the CLI has loaded (bin/rainbow.js calls it first): a
 * worker thread takes about 100 ms to start, which then overlaps loading the CLI and the spec.
 */
export function startKernelThreadsEarly(): void {
  early ??= startKernelThreads();
}

/** The helpers started early, if any, handed over once (the receiver stops them). */
export function takeEarlyKernelThreads(): KernelThreads | undefined {
  const threads = early;
  early = undefined;
  return threads;
}

function helperWorker(workerData: unknown): Worker {
  // The entry has the extension of this file: .js when compiled, .ts when run from the sources.
  const entry = join(__dirname, `kernelThread${extname(__filename)}`);
  if (extname(entry) === '.js') return new Worker(entry, { workerData });
  // From the TypeScript sources (tests under tsx), a worker does not inherit the loader's hooks.
  const loader = require.resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(loader)}); require(${JSON.stringify(entry)});`, { eval: true, workerData });
}
