/**
 * Runs predictions and simulations in a compute worker (server/src/worker.ts), never on the server's
 * event loop. One warm worker serves every document, one job at a time; a warm spare waits beside it.
 *
 * Cancellation is by termination: stopping at the engine's stage boundaries would take as long as
 * the current stage (seconds for a p = 2000 spectrum), while `worker.terminate()` stops any kernel
 * in tens of milliseconds (measured: test/bench/lsp.bench.ts, ARCHITECTURE.md). The spare, already
 * warm, takes over at once and a new spare starts behind it. The same happens after a crash, at the
 * time limit, and after a large run (a worker's WebAssembly memory never shrinks).
 *
 * A newer job with the same key (kind and document) replaces a queued one and stops a running one:
 * the newer save wins.
 */
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PredictionJson, Problem, SimulationJson } from '../core';
import type { RunProgress } from '../protocol';
import type { FromWorker, RunJob, RunKind } from './workerMessages';

export type RunOutcome =
  | { status: 'done'; problems: Problem[]; prediction?: PredictionJson; simulation?: SimulationJson; elapsedMs: number }
  | { status: 'failed' | 'cancelled' | 'timeout'; message: string };

export interface RunRequest extends Omit<RunJob, 'type' | 'id'> {
  /** Jobs with the same key replace each other (`predict:<uri>`, `simulate:<uri>`). */
  key: string;
  timeLimitMs: number;
  onProgress?: (progress: RunProgress) => void;
  /** Called when the job leaves the queue and starts computing. */
  onStart?: () => void;
}

/** Widest layer after which a worker is replaced rather than reused. */
const LARGE_WIDTH = 1500;

interface Pending {
  id: number;
  request: RunRequest;
  resolve: (outcome: RunOutcome) => void;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  warmupMs?: number;
  /** The job it computes. */
  job?: Pending;
  timer?: NodeJS.Timeout;
}

export interface RunnerEvents {
  /** A worker died outside a termination we asked for (a bug or an out-of-memory). */
  crashed?(message: string): void;
}

export class Runner {
  private nextId = 1;
  private active: Slot | undefined;
  private spare: Slot | undefined;
  private readonly queue: Pending[] = [];
  private disposed = false;

  constructor(
    private readonly events: RunnerEvents = {},
    private readonly entry = workerEntry(),
  ) {}

  /** Starts the workers ahead of the first job (the server calls it once it is initialised). */
  warmUp(): void {
    this.active ??= this.spawn();
    this.spare ??= this.spawn();
  }

  run(request: RunRequest): Promise<RunOutcome> {
    return new Promise<RunOutcome>((resolve) => {
      this.cancel(request.key, 'a newer version of the document replaced this run');
      this.queue.push({ id: this.nextId++, request, resolve });
      this.pump();
    });
  }

  /** Stops the queued or running job with this key, if any. */
  cancel(key: string, message = 'stopped'): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const p = this.queue[i] as Pending;
      if (p.request.key === key) {
        this.queue.splice(i, 1);
        p.resolve({ status: 'cancelled', message });
      }
    }
    if (this.active?.job?.request.key === key) this.stopActive({ status: 'cancelled', message });
  }

  /** Whether a job with this key is queued or running. */
  has(key: string): boolean {
    return this.active?.job?.request.key === key || this.queue.some((p) => p.request.key === key);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const p of this.queue.splice(0)) p.resolve({ status: 'cancelled', message: 'the server is shutting down' });
    if (this.active?.job) this.stopActive({ status: 'cancelled', message: 'the server is shutting down' });
    await Promise.all([this.active, this.spare].map((s) => s?.worker.terminate()));
    this.active = this.spare = undefined;
  }

  private spawn(): Slot {
    const worker = startWorker(this.entry);
    let markReady!: () => void;
    const slot: Slot = { worker, ready: new Promise<void>((resolve) => (markReady = resolve)) };
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') {
        slot.warmupMs = message.warmupMs;
        markReady();
      } else this.onMessage(slot, message);
    });
    worker.on('error', (error) => this.onExit(slot, `the compute worker failed: ${error.message}`));
    worker.on('exit', (code) => this.onExit(slot, `the compute worker stopped unexpectedly (exit code ${code})`));
    return slot;
  }

  private pump(): void {
    if (this.disposed || this.active?.job || this.queue.length === 0) return;
    this.active ??= this.spare ?? this.spawn();
    if (this.active === this.spare) this.spare = undefined;
    this.spare ??= this.spawn();
    const slot = this.active;
    const job = this.queue.shift() as Pending;
    slot.job = job;
    void slot.ready.then(() => {
      if (slot.job !== job) return;
      job.request.onStart?.();
      const { kind, text, file, overlay, access, repeats, exactTest, timeLimitMs } = job.request;
      const message: RunJob = { type: 'run', id: job.id, kind, text, file, overlay, access, ...(repeats === undefined ? {} : { repeats }), ...(exactTest === undefined ? {} : { exactTest }) };
      slot.worker.postMessage(message);
      slot.timer = setTimeout(() => {
        if (slot.job === job) {
          this.stopActive({ status: 'timeout', message: `stopped at the time limit of ${Math.round(timeLimitMs / 1000)} s (setting rainbow.timeLimitSeconds)` });
        }
      }, timeLimitMs);
    });
  }

  private onMessage(slot: Slot, message: Exclude<FromWorker, { type: 'ready' }>): void {
    const job = slot.job;
    if (!job || job.id !== message.id) return;
    if (message.type === 'progress') {
      job.request.onProgress?.(message.progress);
      return;
    }
    clearTimeout(slot.timer);
    slot.job = undefined;
    if (message.type === 'failed') job.resolve({ status: 'failed', message: `internal error in the engine: ${message.message}` });
    else {
      const { problems, prediction, simulation, elapsedMs } = message;
      job.resolve({ status: 'done', problems, ...(prediction ? { prediction } : {}), ...(simulation ? { simulation } : {}), elapsedMs });
      // WebAssembly memory never shrinks: after a large run, continue on the fresh spare.
      if (message.widest >= LARGE_WIDTH) this.retire(slot);
    }
    this.pump();
  }

  /** Stops the running job now by terminating its worker; the spare takes over. */
  private stopActive(outcome: RunOutcome): void {
    const slot = this.active;
    const job = slot?.job;
    if (!slot || !job) return;
    clearTimeout(slot.timer);
    slot.job = undefined;
    this.retire(slot);
    job.resolve(outcome);
    this.pump();
  }

  /** Terminates a worker; the spare becomes the active one and a new spare starts behind it. */
  private retire(slot: Slot): void {
    slot.worker.removeAllListeners('exit');
    slot.worker.removeAllListeners('error');
    slot.worker.on('error', () => undefined);
    void slot.worker.terminate();
    if (this.active === slot) {
      this.active = this.spare;
      this.spare = undefined;
    }
    if (this.spare === slot) this.spare = undefined;
    if (!this.disposed) {
      this.active ??= this.spawn();
      this.spare ??= this.spawn();
    }
  }

  private onExit(slot: Slot, message: string): void {
    if (this.disposed || (slot !== this.active && slot !== this.spare)) return;
    const job = slot.job;
    slot.job = undefined;
    clearTimeout(slot.timer);
    this.retire(slot);
    this.events.crashed?.(message);
    job?.resolve({ status: 'failed', message: `${message}; a new worker was started` });
    this.pump();
  }
}

export function jobKey(kind: RunKind, uri: string): string {
  return `${kind}:${uri}`;
}

/**
 * The worker's entry beside the file that starts it: `worker.js` next to the bundle (dist/), or one
 * folder up from this module in the compiled tree (out/server/src/worker.js).
 */
function workerEntry(): string {
  const name = `worker${extname(__filename)}`;
  const beside = join(__dirname, name);
  return existsSync(beside) ? beside : join(__dirname, '..', name);
}

function startWorker(entry: string): Worker {
  if (extname(entry) === '.js') return new Worker(entry);
  // From the TypeScript sources (tests under tsx), a worker does not inherit the loader's hooks.
  const loader = require.resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(loader)}); require(${JSON.stringify(entry)});`, { eval: true });
}
