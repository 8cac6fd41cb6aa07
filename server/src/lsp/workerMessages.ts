/**
 * Messages between the language server and its compute worker (server/src/worker.ts). Internal to
 * the server: clients see only protocol.ts. Plain data, copied by structured clone.
 */
import type { OverlayDocument, PredictionJson, Problem, SimulationJson } from '../core';
import type { RunProgress } from '../protocol';
import type { FileAccess } from './overlay';

export type RunKind = 'predict' | 'simulate';

export interface RunJob {
  type: 'run';
  id: number;
  kind: RunKind;
  text: string;
  /** The spec's path (or URI for a document that is not a file). */
  file: string;
  /** Unsaved text of the open documents, by path. */
  overlay: [string, OverlayDocument][];
  access: FileAccess;
  /** `rainbow/simulate` options. */
  repeats?: number;
  exactTest?: boolean;
}

export type ToWorker = RunJob;

export type FromWorker =
  /** The engine is loaded and its kernels compiled: the worker is warm. */
  | { type: 'ready'; warmupMs: number }
  | { type: 'progress'; id: number; progress: RunProgress }
  | {
      type: 'result';
      id: number;
      problems: Problem[];
      prediction?: PredictionJson;
      simulation?: SimulationJson;
      /** Engine time, ms (from the job's arrival in the worker to the result). */
      elapsedMs: number;
      /** Widest layer of the run: a worker that ran a large one is replaced (its memory never shrinks). */
      widest: number;
    }
  /** An exception escaped the engine: a bug, reported in one sentence. */
  | { type: 'failed'; id: number; message: string };
