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

/** Starts `count` helpers (default: one per core beyond the calling thread's). */
export function startKernelThreads(count = availableParallelism() - 1): KernelThreads {
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
