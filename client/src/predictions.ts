/**
 * What the extension knows of each spec's prediction: the latest `rainbow/prediction` notification,
 * the last completed result, and whether the document was edited since that result. Pure state (no
 * vscode import): the preview panels and the language status item render from it.
 */
import type { PredictionNotification, PreviewState } from '../../server/src/protocol';

export interface DocumentRun {
  /** The newest notification (any status). */
  latest: PredictionNotification;
  /** The newest notification with status 'done' (what the preview draws). */
  lastDone?: PredictionNotification;
  /** The document's version is newer than `lastDone`'s: the curves shown are of an older text. */
  stale: boolean;
}

type Listener = (uri: string) => void;

export class PredictionStore {
  private readonly runs = new Map<string, DocumentRun>();
  private readonly listeners = new Set<Listener>();

  /**
   * Takes a server notification; returns false (and changes nothing) when it is about an older
   * version than one already seen, since a newer save always wins.
   */
  accept(notification: PredictionNotification): boolean {
    const run = this.runs.get(notification.uri);
    if (run && notification.version < run.latest.version) return false;
    const next: DocumentRun = {
      latest: notification,
      stale: false,
      ...(notification.status === 'done' && notification.payload ? { lastDone: notification } : run?.lastDone ? { lastDone: run.lastDone } : {}),
    };
    next.stale = next.lastDone !== undefined && next.lastDone.version < notification.version && notification.status !== 'done';
    this.runs.set(notification.uri, next);
    this.emit(notification.uri);
    return true;
  }

  /** The document now has `version` (an edit): the result shown becomes stale if it is older. */
  edited(uri: string, version: number): void {
    const run = this.runs.get(uri);
    if (!run?.lastDone || run.stale || version <= run.lastDone.version) return;
    run.stale = true;
    this.emit(uri);
  }

  get(uri: string): DocumentRun | undefined {
    return this.runs.get(uri);
  }

  forget(uri: string): void {
    if (this.runs.delete(uri)) this.emit(uri);
  }

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private emit(uri: string): void {
    for (const listener of this.listeners) listener(uri);
  }
}

/** Where the first problem of a failed run is, if the editor knows one. */
export interface ProblemLocation {
  uri: string;
  line: number;
  character: number;
}

/**
 * The preview's state for a document: computing (keeping the older curves visible), error with
 * the first problem, stale after an edit, ready, or empty with the reason.
 */
export function previewState(run: DocumentRun | undefined, trusted: boolean, problem?: ProblemLocation): PreviewState {
  if (!trusted) return { kind: 'empty', message: 'This workspace is not trusted: Rainbow Lab only validates specs here. Trust the workspace to see predictions.' };
  if (!run) return { kind: 'empty', message: 'No prediction yet: save the spec to compute one.' };
  const { latest } = run;
  switch (latest.status) {
    case 'computing':
      return { kind: 'computing', ...(latest.progress ? { progress: latest.progress } : {}) };
    case 'failed':
    case 'timeout':
      return { kind: 'error', message: latest.message ?? 'The prediction failed.', ...(problem ? { problem } : {}) };
    case 'cancelled':
      if (!run.lastDone) return { kind: 'empty', message: latest.message ?? 'The prediction was cancelled. Save the spec to compute it again.' };
      return { kind: 'stale' };
    case 'done':
      return run.stale ? { kind: 'stale' } : { kind: 'ready' };
  }
}

/**
 * The headline number of a result: the lowest predicted test error at the largest sample size
 * (over the penalties and sweep values), with where it is reached.
 */
export function headline(notification: PredictionNotification): { testError: number; n: number; lambda: number } | undefined {
  const points = notification.payload?.points ?? [];
  let nMax = -Infinity;
  for (const p of points) if (p.testError !== null) nMax = Math.max(nMax, p.n);
  let best: { testError: number; n: number; lambda: number } | undefined;
  for (const p of points) {
    if (p.n !== nMax || p.testError === null) continue;
    if (!best || p.testError < best.testError) best = { testError: p.testError, n: p.n, lambda: p.lambda };
  }
  return best;
}
