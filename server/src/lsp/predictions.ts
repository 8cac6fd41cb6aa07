/**
 * The theory on save: decides when a document's prediction runs (setting `rainbow.predict`, trust,
 * validity), runs it through the Runner, and tells the client: `rainbow/prediction` notifications
 * (computing with progress, then done / failed / cancelled / timeout), work-done progress, the
 * prediction's problems as diagnostics, and a refresh of code lenses and inlay hints. Also the
 * `rainbow/simulate` request. Keeps the latest result per document for lenses, hints and hovers.
 */
import type { PredictionJson } from '../core';
import type { PredictionNotification, RunProgress, SimulateParams, SimulateResult } from '../protocol';
import type { SpecDocuments } from './documents';
import { jobKey, type RunOutcome, type Runner } from './runner';
import type { RunKind } from './workerMessages';

/** Work-done progress of one run, as the server's LSP layer provides it. */
export interface ProgressHandle {
  report(fraction: number, message: string): void;
  done(): void;
  /** Called when the user cancels from the client's progress UI. */
  onCancel(listener: () => void): void;
}

export interface PredictionSink {
  notify(notification: PredictionNotification): void;
  /** A work-done progress, when the client supports them (undefined otherwise). */
  beginProgress(title: string): Promise<ProgressHandle | undefined>;
  /** Code lenses and inlay hints changed. */
  refresh(): void;
  /** Something the user must see even without our extension (timeouts, crashes). */
  warn(message: string): void;
}

export interface PredictionState {
  version: number;
  /** The text predicted: hints and hovers show numbers only while the text is the same. */
  text: string;
  payload: PredictionJson;
  elapsedMs: number;
}

/** Where a document's run stands, for the code lens. */
export type RunState = { status: 'computing'; progress?: RunProgress } | { status: 'failed' | 'cancelled' | 'timeout'; message: string };

export class Predictions {
  private readonly results = new Map<string, PredictionState>();
  private readonly states = new Map<string, RunState>();

  constructor(
    private readonly documents: SpecDocuments,
    private readonly runner: Runner,
    private readonly sink: PredictionSink,
  ) {}

  latest(uri: string): PredictionState | undefined {
    return this.results.get(uri);
  }

  /** The latest result if it is of exactly the current text. */
  current(uri: string): PredictionState | undefined {
    const result = this.results.get(uri);
    return result && result.text === this.documents.get(uri)?.getText() ? result : undefined;
  }

  runState(uri: string): RunState | undefined {
    return this.states.get(uri);
  }

  /** Opened, saved, or (with predict = onChange) validated after a pause: run if the settings say so. */
  onEvent(uri: string, event: 'open' | 'save' | 'change'): void {
    const mode = this.documents.settings.predict;
    if (mode === 'off' || (event === 'change' && mode !== 'onChange')) return;
    void this.predict(uri);
  }

  /** The user stopped the document's prediction (`rainbow/cancel`, the preview's Cancel button). */
  stop(uri: string): void {
    const key = jobKey('predict', uri);
    if (!this.runner.has(key)) return;
    this.runner.cancel(key, 'cancelled by the user');
    this.setState(uri, { status: 'cancelled', message: 'cancelled by the user' });
  }

  /** The document closed: stop its runs, forget its results. */
  forget(uri: string): void {
    this.runner.cancel(jobKey('predict', uri), 'the document was closed');
    this.runner.cancel(jobKey('simulate', uri), 'the document was closed');
    this.results.delete(uri);
    this.states.delete(uri);
  }

  async predict(uri: string): Promise<void> {
    const doc = this.documents.get(uri);
    if (!doc || !this.documents.access.trusted) return;
    const validation = this.documents.current(uri);
    if (!validation) return;
    const version = doc.version;
    const firstError = validation.problems.find((p) => p.severity === 'error');
    if (firstError) {
      // Only a document that was predicted before (or is saved now) needs to hear why not.
      this.finish(uri, { uri, version, status: 'failed', message: `the spec has errors; first, line ${firstError.range.start.line + 1}: ${firstError.message}` });
      return;
    }
    if (!validation.loaded.runs) return; // a network file: nothing to predict by itself
    const text = doc.getText();
    // Saved again without an edit (or the files it reads unchanged since): the result stands.
    // A spec that reads other files is recomputed, as one of them may have changed on disk.
    const latest = this.results.get(uri);
    if (latest && latest.text === text && validation.dependencies.size === 0 && !this.runner.has(jobKey('predict', uri))) {
      this.sink.notify({ uri, version, status: 'done', payload: latest.payload, elapsedMs: Math.round(latest.elapsedMs) });
      return;
    }
    const outcome = await this.execute(uri, 'predict', text, {}, (progress) => this.sink.notify({ uri, version, status: 'computing', ...(progress ? { progress } : {}) }));
    if (outcome.status !== 'done') {
      if (outcome.status === 'timeout') this.sink.warn(`Rainbow Lab: the prediction of ${shortName(uri)} was ${outcome.message}.`);
      this.finish(uri, { uri, version, status: outcome.status, message: outcome.message });
      return;
    }
    this.documents.setPredictionProblems(uri, version, outcome.problems);
    if (!outcome.prediction) {
      const error = outcome.problems.find((p) => p.severity === 'error');
      this.finish(uri, { uri, version, status: 'failed', message: error ? `the theory failed: ${error.message}` : 'nothing to predict' });
      return;
    }
    this.results.set(uri, { version, text, payload: outcome.prediction, elapsedMs: outcome.elapsedMs });
    this.states.delete(uri);
    this.sink.notify({ uri, version, status: 'done', payload: outcome.prediction, elapsedMs: Math.round(outcome.elapsedMs) });
    this.sink.refresh();
  }

  /** `rainbow/simulate`; `report` carries progress to the client's token when it gave one. */
  async simulate(params: SimulateParams, onCancel: (listener: () => void) => void, report?: (fraction: number, message: string) => void): Promise<SimulateResult> {
    const doc = this.documents.get(params.uri);
    if (!doc) return { status: 'failed', message: 'the document is not open' };
    if (!this.documents.access.trusted) return { status: 'failed', message: 'nothing is computed in an untrusted workspace (trust the workspace to simulate)' };
    const validation = this.documents.current(params.uri);
    const firstError = validation?.problems.find((p) => p.severity === 'error');
    if (firstError) return { status: 'failed', message: `the spec has errors; first, line ${firstError.range.start.line + 1}: ${firstError.message}` };
    if (!validation?.loaded.runs) return { status: 'failed', message: 'a network file has nothing to simulate; simulate an experiment that uses it' };
    const version = doc.version;
    onCancel(() => this.runner.cancel(jobKey('simulate', params.uri), 'cancelled by the user'));
    const options = { ...(params.repeats === undefined ? {} : { repeats: params.repeats }), ...(params.exactTest === undefined ? {} : { exactTest: params.exactTest }) };
    const outcome = await this.execute(params.uri, 'simulate', doc.getText(), options, (p) => p && report?.(p.fraction, p.message));
    if (outcome.status !== 'done') return { status: outcome.status, message: outcome.message };
    const error = outcome.problems.find((p) => p.severity === 'error');
    if (!outcome.simulation || outcome.simulation.simulation.length === 0) {
      return { status: 'failed', message: error?.message ?? 'the simulation produced no point' };
    }
    return { status: 'done', version, simulation: outcome.simulation, elapsedMs: Math.round(outcome.elapsedMs) };
  }

  private async execute(uri: string, kind: RunKind, text: string, options: { repeats?: number; exactTest?: boolean }, onProgress?: (p?: RunProgress) => void): Promise<RunOutcome> {
    const title = kind === 'predict' ? `Predicting ${shortName(uri)}` : `Simulating ${shortName(uri)}`;
    if (kind === 'predict') this.setState(uri, { status: 'computing' });
    onProgress?.();
    let progress: ProgressHandle | undefined;
    let finished = false;
    const outcome = await this.runner.run({
      key: jobKey(kind, uri),
      kind,
      text,
      file: this.documents.pathOf(uri),
      overlay: [...this.documents.overlay()],
      access: this.documents.access,
      ...options,
      timeLimitMs: this.documents.settings.timeLimitSeconds * 1000,
      onStart: () => {
        void this.sink.beginProgress(title).then((handle) => {
          if (finished) handle?.done();
          else {
            progress = handle;
            handle?.onCancel(() => this.runner.cancel(jobKey(kind, uri), 'cancelled by the user'));
          }
        });
      },
      onProgress: (p) => {
        progress?.report(p.fraction, p.message);
        if (kind === 'predict') this.setState(uri, { status: 'computing', progress: p });
        onProgress?.(p);
      },
    });
    finished = true;
    progress?.done();
    return outcome;
  }

  private setState(uri: string, state: RunState): void {
    this.states.set(uri, state);
    if (state.status !== 'computing' || !state.progress) this.sink.refresh();
  }

  private finish(uri: string, notification: PredictionNotification & { message: string; status: 'failed' | 'cancelled' | 'timeout' }): void {
    this.sink.notify(notification);
    // A cancelled run was replaced by a newer one, which reports its own state.
    if (notification.status !== 'cancelled') this.setState(uri, { status: notification.status, message: notification.message });
  }
}

function shortName(uri: string): string {
  return decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));
}
