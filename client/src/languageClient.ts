/**
 * Starts the language server (the bundled dist/server.js, on the Node that VS Code ships) and
 * connects its custom messages (protocol.ts) to the extension: predictions into the store,
 * simulation and cancel requests out. Restartable (command, workspace trust granted).
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import {
  CANCEL_NOTIFICATION,
  PREDICTION_NOTIFICATION,
  SIMULATE_REQUEST,
  type CancelParams,
  type InitializationOptions,
  type PredictionNotification,
  type SimulateParams,
  type SimulateResult,
} from '../../server/src/protocol';
import type { RainbowServer } from './commands';
import type { PredictionStore } from './predictions';

/** V8 flag for the server's Node (applies to its worker threads): WebAssembly kernels compiled optimised at once. */
export const SERVER_EXEC_ARGV = ['--no-liftoff'];

export function serverOptions(serverModule: string): ServerOptions {
  return {
    run: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: SERVER_EXEC_ARGV } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV, '--nolazy', '--inspect=6009'] } },
  };
}

export function clientOptions(trusted: boolean, outputChannel: vscode.LogOutputChannel): LanguageClientOptions {
  const initializationOptions: InitializationOptions = { trusted };
  return {
    documentSelector: [{ language: 'rainbow-json' }, { pattern: '**/*.rainbow.json' }],
    // Settings changes reach the server at once (it then pulls section `rainbow`).
    synchronize: { configurationSection: 'rainbow' },
    initializationOptions,
    outputChannel,
  };
}

export class RainbowLanguageClient implements RainbowServer, vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;

  constructor(
    private readonly serverModule: string,
    private readonly store: PredictionStore,
    readonly output: vscode.LogOutputChannel,
  ) {}

  start(): Promise<void> {
    this.starting ??= this.launch();
    return this.starting;
  }

  async restart(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const old = this.client;
    this.client = undefined;
    this.starting = undefined;
    if (old) await old.stop().catch((error: unknown) => this.output.appendLine(`Stopping the server: ${String(error)}`));
    await this.start();
  }

  async simulate(params: SimulateParams, token: vscode.CancellationToken): Promise<SimulateResult> {
    await this.start();
    if (!this.client) return { status: 'failed', message: 'The language server is not running (see Rainbow Lab: Show Output).' };
    return this.client.sendRequest<SimulateResult>(SIMULATE_REQUEST, params, token);
  }

  cancel(uri: string): void {
    const params: CancelParams = { uri };
    void this.client?.sendNotification(CANCEL_NOTIFICATION, params);
  }

  showOutput(): void {
    this.output.show(true);
  }

  async dispose(): Promise<void> {
    await this.client?.stop();
  }

  private async launch(): Promise<void> {
    const client = new LanguageClient('rainbow', 'Rainbow Lab', serverOptions(this.serverModule), clientOptions(vscode.workspace.isTrusted, this.output));
    client.onNotification(PREDICTION_NOTIFICATION, (notification: PredictionNotification) => {
      this.store.accept(notification);
    });
    try {
      await client.start();
      this.client = client;
    } catch (error) {
      this.output.appendLine(`The language server did not start: ${error instanceof Error ? error.message : String(error)}`);
      void vscode.window.showErrorMessage('Rainbow Lab: the language server did not start.', 'Show Output').then((choice) => {
        if (choice) this.showOutput();
      });
    }
  }
}
