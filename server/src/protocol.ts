/**
 * Every message between the language server, the VS Code extension and the preview webview, declared
 * once. Types and method names only: no Node, no DOM, no vscode imports, so that the server, the
 * client and the browser bundle all compile against the same declarations and a field renamed on one
 * side fails to compile on the other. Payloads are plain JSON (numbers, strings, arrays, objects).
 *
 * Standard LSP carries everything else (diagnostics, completion, hover, code lens, inlay hints,
 * window/workDoneProgress); these are the only custom messages, documented in the README for other
 * editors.
 */
import type { PredictionJson, SimulationJson } from './core';

export type { SimulationJson };

// ---------------------------------------------------------------------------------------------
// Language server <-> any LSP client
// ---------------------------------------------------------------------------------------------

/** Where a document's theory stands. */
export type PredictionStatus =
  /** A run has started (or is queued); `progress` tells how far it is. */
  | 'computing'
  /** `result` is the prediction of exactly `version`. */
  | 'done'
  /** The spec or the theory has errors (see the document's diagnostics); `message` says which. */
  | 'failed'
  /** A newer save, a closed document or the user stopped it; nothing to show for `version`. */
  | 'cancelled'
  /** The run was stopped at the time limit (`message` says the limit). */
  | 'timeout';

/** How far a run is: the engine's stage, its message and a fraction in [0, 1]. */
export interface RunProgress {
  stage: string;
  message: string;
  fraction: number;
}

/**
 * The payload of a prediction: exactly the output of `rainbow predict --json --eigenvalues` (the
 * JSON contract plus every layer's eigenvalues and, in `riskInputs`, the spectrum and psi
 * projections from which the preview recomputes curves in O(p) per point while a slider moves).
 */
export type PredictionPayload = PredictionJson;

/** Server -> client notification `rainbow/prediction`, sent on every state change of a document's run. */
export interface PredictionNotification {
  uri: string;
  /** The document version the run computes. A client ignores versions older than the last it saw. */
  version: number;
  status: PredictionStatus;
  progress?: RunProgress;
  /** With status 'done'. */
  payload?: PredictionPayload;
  /** With 'failed', 'cancelled' or 'timeout': one sentence for the user. */
  message?: string;
  /** Engine time of the run in milliseconds (with 'done'). */
  elapsedMs?: number;
}

export const PREDICTION_NOTIFICATION = 'rainbow/prediction';

/** Client -> server request `rainbow/simulate`: the Monte-Carlo check of a document, with progress. */
export interface SimulateParams {
  uri: string;
  /** Override of the spec's `simulate.repeats`. */
  repeats?: number;
  /** Use the exact expected test error where it is known (`rainbow simulate --exact-test`). */
  exactTest?: boolean;
  /** LSP work-done progress token, created by the client. */
  workDoneToken?: string | number;
}

/** The answer: the CLI's simulation JSON, or why there is none. */
export type SimulateResult =
  | { status: 'done'; version: number; simulation: SimulationJson; elapsedMs: number }
  | { status: 'failed' | 'cancelled' | 'timeout'; message: string };

export const SIMULATE_REQUEST = 'rainbow/simulate';

/**
 * Client -> server notification `rainbow/cancel`: stop the document's running prediction (the
 * preview's Cancel button). The server answers with a 'cancelled' `rainbow/prediction`.
 */
export interface CancelParams {
  uri: string;
}

export const CANCEL_NOTIFICATION = 'rainbow/cancel';

/** Client -> server: whether the workspace is trusted (untrusted: validation of the text only). */
export interface InitializationOptions {
  trusted: boolean;
}

/** The server's settings, read through `workspace/configuration` (section `rainbow`). */
export interface RainbowSettings {
  /** When the theory runs: on open and save, after a pause in typing, or never. */
  predict: 'onSave' | 'onChange' | 'off';
  /** Pause after the last keystroke before validation (and, with 'onChange', prediction), ms. */
  debounceMs: number;
  /** A run past this many seconds is stopped and the user told why. */
  timeLimitSeconds: number;
  /** Largest spec, network or .npy file read, in MiB. */
  maxFileSizeMiB: number;
  /** Whether files outside the workspace folders may be read. */
  allowFilesOutsideWorkspace: boolean;
  codeLens: boolean;
  inlayHints: boolean;
}

export const DEFAULT_SETTINGS: RainbowSettings = {
  predict: 'onSave',
  debounceMs: 200,
  timeLimitSeconds: 120,
  maxFileSizeMiB: 256,
  allowFilesOutsideWorkspace: false,
  codeLens: true,
  inlayHints: true,
};

// ---------------------------------------------------------------------------------------------
// Extension <-> preview webview (postMessage)
// ---------------------------------------------------------------------------------------------

/** What the preview shows and in which state, as the extension tells it. */
export type PreviewState =
  | { kind: 'empty'; message: string }
  | { kind: 'computing'; progress?: RunProgress }
  | { kind: 'ready' }
  /** The document changed since the result shown: the curves are of an older version. */
  | { kind: 'stale' }
  | { kind: 'error'; message: string; problem?: { uri: string; line: number; character: number } };

export type ToWebview =
  | { type: 'prediction'; uri: string; title: string; version: number; payload: PredictionPayload; elapsedMs?: number }
  | { type: 'simulation'; uri: string; version: number; simulation: SimulationJson }
  | { type: 'state'; uri: string; state: PreviewState }
  | { type: 'locked'; locked: boolean }
  /** Ask the page for a chart as PNG (answered by 'exportedPng'). */
  | { type: 'exportPng'; chart: ChartId }
  /** Ask the page for the data as CSV (answered by 'exportedCsv'). */
  | { type: 'exportCsv' };

export type ChartId = 'learningCurve' | 'lambdaCurve' | 'spectra';

export type FromWebview =
  | { type: 'ready' }
  | { type: 'runSimulation' }
  | { type: 'cancel' }
  | { type: 'toggleLock' }
  | { type: 'writeLambda'; lambda: number }
  | { type: 'revealProblem'; uri: string; line: number; character: number }
  | { type: 'exportedPng'; chart: ChartId; dataUrl: string }
  | { type: 'exportedCsv'; csv: string };

/** What the webview keeps through `setState` (survives hiding and a window reload). */
export interface WebviewState {
  uri?: string;
  locked: boolean;
  /** Slider positions of the live what-if, in the spec's convention. */
  whatIf?: { lambda: number; noiseVariance: number; n: number };
  pinned?: PredictionPayload;
}
