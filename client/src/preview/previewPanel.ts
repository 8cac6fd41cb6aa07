/**
 * One preview panel: a webview showing one spec's prediction. It posts the state and the result as
 * plain JSON (protocol.ts, ToWebview) and turns the page's requests (FromWebview) into editor
 * actions through its host. A panel either follows the active spec (dynamic) or stays on one
 * (locked), like VS Code's Markdown preview.
 */
import * as vscode from 'vscode';
import type { ChartId, FromWebview, SimulationJson, ToWebview, WebviewState } from '../../../server/src/protocol';
import { previewState, type PredictionStore, type ProblemLocation } from '../predictions';
import { makeNonce, previewHtml } from './previewHtml';

export const PREVIEW_VIEW_TYPE = 'rainbow.preview';

/** What a panel needs from the rest of the extension. */
export interface PreviewHost {
  readonly extensionUri: vscode.Uri;
  readonly store: PredictionStore;
  isTrusted(): boolean;
  firstProblem(uri: string): ProblemLocation | undefined;
  runSimulation(uri: string): void;
  cancel(uri: string): void;
  writeLambda(uri: string, lambda: number): Promise<void>;
  /** The page exported a plot or its data on its own (its buttons): save it. */
  saveExport(spec: vscode.Uri, exported: { chart: ChartId; dataUrl: string } | { csv: string }): Promise<void>;
  toggleLock(panel: PreviewPanel): void;
  /** The panel became the active one (for Export commands). */
  focused(panel: PreviewPanel): void;
  disposed(panel: PreviewPanel): void;
}

/** Webview options: scripts on, resources only from media/, kept alive in the background off. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')], enableFindWidget: true };
}

export class PreviewPanel {
  private ready = false;
  /** uri#version of the result last posted, so that an unchanged result is not sent again. */
  private postedResult: string | undefined;
  private postedSimulation: { version: number; simulation: SimulationJson } | undefined;
  private readonly pending = new Map<string, (value: string) => void>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    readonly panel: vscode.WebviewPanel,
    private resourceUri: vscode.Uri,
    private lockedToResource: boolean,
    private readonly host: PreviewHost,
  ) {
    panel.webview.options = webviewOptions(host.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'icon.svg');
    panel.webview.html = previewHtml({
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(host.extensionUri, 'media', 'dist', 'preview.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(host.extensionUri, 'media', 'preview.css')).toString(),
    });
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((message: FromWebview) => this.receive(message)),
      panel.onDidChangeViewState(({ webviewPanel }) => {
        if (webviewPanel.active) host.focused(this);
        // A hidden webview's page is unloaded (it keeps its own state with setState); when it
        // shows again it loads anew and says 'ready', and everything is sent again.
        if (!webviewPanel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
    this.updateTitle();
  }

  get resource(): vscode.Uri {
    return this.resourceUri;
  }

  get locked(): boolean {
    return this.lockedToResource;
  }

  /** Shows another spec in this panel (a dynamic preview following the active editor). */
  setResource(uri: vscode.Uri): void {
    if (uri.toString() === this.resourceUri.toString()) return;
    this.resourceUri = uri;
    this.postedResult = undefined;
    this.postedSimulation = undefined;
    this.updateTitle();
    this.update();
  }

  setLocked(locked: boolean): void {
    this.lockedToResource = locked;
    this.updateTitle();
    this.post({ type: 'locked', locked });
  }

  /** Sends the current state, and the result if it changed since the last post. */
  update(): void {
    if (!this.ready) return;
    const uri = this.resourceUri.toString();
    const run = this.host.store.get(uri);
    const done = run?.lastDone;
    if (done?.payload) {
      const key = `${uri}#${done.version}`;
      if (key !== this.postedResult) {
        this.postedResult = key;
        this.post({
          type: 'prediction',
          uri,
          title: done.payload.title,
          version: done.version,
          payload: done.payload,
          ...(done.elapsedMs === undefined ? {} : { elapsedMs: done.elapsedMs }),
        });
        if (this.postedSimulation && this.postedSimulation.version !== done.version) this.postedSimulation = undefined;
      }
    }
    const failed = run?.latest.status === 'failed' || run?.latest.status === 'timeout';
    this.post({ type: 'state', uri, state: previewState(run, this.host.isTrusted(), failed ? this.host.firstProblem(uri) : undefined) });
  }

  showSimulation(version: number, simulation: SimulationJson): void {
    this.postedSimulation = { version, simulation };
    this.post({ type: 'simulation', uri: this.resourceUri.toString(), version, simulation });
  }

  /** Asks the page for a chart as a PNG data URL. */
  requestPng(chart: ChartId): Promise<string> {
    return this.request(`png:${chart}`, { type: 'exportPng', chart });
  }

  /** Asks the page for its data as CSV. */
  requestCsv(): Promise<string> {
    return this.request('csv', { type: 'exportCsv' });
  }

  reveal(toSide: boolean): void {
    this.panel.reveal(toSide ? vscode.ViewColumn.Beside : this.panel.viewColumn, true);
  }

  dispose(): void {
    for (const resolve of this.pending.values()) resolve('');
    this.pending.clear();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.host.disposed(this);
  }

  private request(key: string, message: ToWebview): Promise<string> {
    if (!this.ready) return Promise.reject(new Error('The preview is not loaded yet.'));
    this.pending.get(key)?.('');
    const answer = new Promise<string>((resolve) => this.pending.set(key, resolve));
    this.post(message);
    return answer;
  }

  private receive(message: FromWebview): void {
    const uri = this.resourceUri.toString();
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.postedResult = undefined;
        this.post({ type: 'locked', locked: this.lockedToResource });
        this.update();
        if (this.postedSimulation) this.showSimulation(this.postedSimulation.version, this.postedSimulation.simulation);
        return;
      case 'runSimulation':
        return this.host.runSimulation(uri);
      case 'cancel':
        return this.host.cancel(uri);
      case 'toggleLock':
        return this.host.toggleLock(this);
      case 'writeLambda':
        void this.host.writeLambda(uri, message.lambda);
        return;
      case 'revealProblem':
        void vscode.window.showTextDocument(vscode.Uri.parse(message.uri), {
          selection: new vscode.Range(message.line, message.character, message.line, message.character),
          viewColumn: vscode.ViewColumn.One,
        });
        return;
      // An answer to a command's request, or else the page's own Export buttons.
      case 'exportedPng':
        if (!this.settle(`png:${message.chart}`, message.dataUrl)) void this.host.saveExport(this.resourceUri, { chart: message.chart, dataUrl: message.dataUrl });
        return;
      case 'exportedCsv':
        if (!this.settle('csv', message.csv)) void this.host.saveExport(this.resourceUri, { csv: message.csv });
        return;
    }
  }

  /** Resolves the request waiting for this answer; false when none was. */
  private settle(key: string, value: string): boolean {
    const resolve = this.pending.get(key);
    this.pending.delete(key);
    resolve?.(value);
    return resolve !== undefined;
  }

  private post(message: ToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private updateTitle(): void {
    const name = this.resourceUri.path.split('/').pop() ?? 'spec';
    this.panel.title = this.lockedToResource ? `[Preview] ${name}` : `Preview ${name}`;
  }
}

/** The state the page keeps, checked before a restored panel trusts it. */
export function restoredState(state: unknown): { uri: string; locked: boolean } | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const { uri, locked } = state as Partial<WebviewState>;
  return typeof uri === 'string' ? { uri, locked: locked === true } : undefined;
}
