/**
 * A real language server process (`node bin/rainbow.js lsp --stdio`) driven over JSON-RPC, as any
 * editor drives it. Waits are on messages (diagnostics, notifications), never on sleeps; every wait
 * has a deadline so that a server that stops answering fails the test instead of hanging it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic } from 'vscode-languageserver-types';

export interface PublishDiagnosticsParams {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}
import { repoRoot } from '../support/paths';
import { PREDICTION_NOTIFICATION, type PredictionNotification, type RainbowSettings } from '../../server/src/protocol';

export interface ServerOptions {
  settings?: Partial<RainbowSettings>;
  trusted?: boolean;
  /** Workspace folders (paths). */
  folders?: string[];
  /** Capabilities beyond the default (configuration pull, work-done progress). */
  capabilities?: Record<string, unknown>;
  /** Extra environment variables of the server process. */
  env?: Record<string, string>;
  /** Node's arguments (default: the CLI, `bin/rainbow.js lsp --stdio`). */
  argv?: string[];
}

type Waiter<T> = { test: (value: T) => boolean; resolve: (value: T) => void };

export class TestServer {
  readonly process: ChildProcess;
  readonly connection: MessageConnection;
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  /** Every publishDiagnostics received, in order. */
  readonly published: PublishDiagnosticsParams[] = [];
  readonly predictions: PredictionNotification[] = [];
  readonly messages: { type: number; message: string }[] = [];
  stderr = '';
  private diagnosticWaiters: Waiter<PublishDiagnosticsParams>[] = [];
  private predictionWaiters: Waiter<PredictionNotification>[] = [];
  private versions = new Map<string, number>();
  private refreshWaiters: (() => void)[] = [];
  private exited?: number | null;

  constructor(private options: ServerOptions = {}) {
    this.process = spawn(process.execPath, options.argv ?? [join(repoRoot, 'bin', 'rainbow.js'), 'lsp', '--stdio'], {
      cwd: repoRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
    });
    this.process.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.process.on('exit', (code) => (this.exited = code));
    this.connection = createMessageConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p);
      this.published.push(p);
      this.diagnosticWaiters = this.diagnosticWaiters.filter((w) => (w.test(p) ? (w.resolve(p), false) : true));
    });
    this.connection.onNotification(PREDICTION_NOTIFICATION, (p: PredictionNotification) => {
      this.predictions.push(p);
      this.predictionWaiters = this.predictionWaiters.filter((w) => (w.test(p) ? (w.resolve(p), false) : true));
    });
    this.connection.onNotification('window/showMessage', (m: { type: number; message: string }) => {
      this.messages.push(m);
    });
    this.connection.onNotification('window/logMessage', () => undefined);
    this.connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map(() => ({ ...this.options.settings })));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onNotification('$/progress', () => undefined);
    this.connection.onRequest('workspace/codeLens/refresh', () => {
      const waiting = this.refreshWaiters.splice(0);
      for (const resolve of waiting) resolve();
      return null;
    });
    this.connection.onRequest('workspace/inlayHint/refresh', () => null);
    this.connection.listen();
  }

  async start(): Promise<void> {
    await this.request('initialize', {
      processId: process.pid,
      rootUri: null,
      workspaceFolders: (this.options.folders ?? [repoRoot]).map((f) => ({ uri: pathToFileURL(f).href, name: f })),
      // Settings also at initialisation, so that the first validation already uses them.
      initializationOptions: { trusted: this.options.trusted ?? true, settings: { ...this.options.settings } },
      capabilities: {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          didChangeConfiguration: { dynamicRegistration: true },
          codeLens: { refreshSupport: true },
          inlayHint: { refreshSupport: true },
        },
        window: { workDoneProgress: true },
        textDocument: { publishDiagnostics: { versionSupport: true } },
        ...this.options.capabilities,
      },
    });
    this.connection.sendNotification('initialized', {});
  }

  request<T>(method: string, params: unknown, timeoutMs = 30_000): Promise<T> {
    return deadline(this.connection.sendRequest<T>(method, params), timeoutMs, `${method} was not answered within ${timeoutMs} ms`);
  }

  open(uri: string, text: string): void {
    this.versions.set(uri, 1);
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'rainbow-json', version: 1, text } });
  }

  /** Replaces the whole text; returns the new version. */
  change(uri: string, text: string): number {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  /**
   * New settings, answered from now on to workspace/configuration and announced to the server;
   * resolves when the server has applied them (it then asks the client to refresh code lenses).
   */
  setSettings(settings: Partial<RainbowSettings>): Promise<void> {
    this.options.settings = settings;
    const applied = new Promise<void>((resolve) => this.refreshWaiters.push(resolve));
    void this.connection.sendNotification('workspace/didChangeConfiguration', { settings: { rainbow: settings } });
    return deadline(applied, 10_000, 'the server did not apply the new settings within 10 s');
  }

  save(uri: string): void {
    void this.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
  }

  close(uri: string): void {
    void this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  version(uri: string): number {
    return this.versions.get(uri) ?? 0;
  }

  /** The next diagnostics for `uri` that satisfy `test` (the latest ones if they already do). */
  waitForDiagnostics(uri: string, test: (d: Diagnostic[], version?: number) => boolean = () => true, timeoutMs = 30_000, fresh = false): Promise<PublishDiagnosticsParams> {
    const now = this.diagnostics.get(uri);
    if (!fresh && now && test(now.diagnostics, now.version)) return Promise.resolve(now);
    return deadline(
      new Promise<PublishDiagnosticsParams>((resolve) => this.diagnosticWaiters.push({ test: (p) => p.uri === uri && test(p.diagnostics, p.version), resolve })),
      timeoutMs,
      `no matching diagnostics for ${uri} within ${timeoutMs} ms (last: ${JSON.stringify(this.diagnostics.get(uri)?.diagnostics.map((d) => d.message))}); server stderr: ${this.stderr}`,
    );
  }

  /** Diagnostics of exactly the current version of an open document. */
  diagnosticsOf(uri: string, timeoutMs?: number): Promise<Diagnostic[]> {
    const version = this.version(uri);
    return this.waitForDiagnostics(uri, (_d, v) => v === version, timeoutMs).then((p) => p.diagnostics);
  }

  waitForPrediction(test: (p: PredictionNotification) => boolean, timeoutMs = 60_000): Promise<PredictionNotification> {
    const seen = this.predictions.find(test);
    if (seen) return Promise.resolve(seen);
    return deadline(
      new Promise<PredictionNotification>((resolve) => this.predictionWaiters.push({ test, resolve })),
      timeoutMs,
      `no matching rainbow/prediction within ${timeoutMs} ms (seen: ${JSON.stringify(this.predictions.map((p) => [p.version, p.status, p.message]))}); server stderr: ${this.stderr}`,
    );
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  async stop(): Promise<void> {
    if (this.alive) {
      const gone = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
      await this.request('shutdown', null, 10_000).catch(() => undefined);
      if (!this.alive) throw new Error(`the server died during shutdown (exit code ${this.exited}); stderr: ${this.stderr}`);
      void this.connection.sendNotification('exit');
      await deadline(gone, 10_000, 'the server did not exit after shutdown/exit').catch(() => this.process.kill());
      if (this.exited !== 0) throw new Error(`the server exited with code ${this.exited} after shutdown/exit; stderr: ${this.stderr}`);
    }
    this.connection.dispose();
  }
}

/** Runs `body` against a started server, which is stopped afterwards whatever happens. */
export async function withServer(options: ServerOptions, body: (server: TestServer) => Promise<void>): Promise<void> {
  const server = new TestServer(options);
  try {
    await server.start();
    await body(server);
  } finally {
    await server.stop();
  }
}

/** A diagnostic's message as text (LSP 3.18 allows markup). */
export function messageOf(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

export function deadline<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}

export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}
