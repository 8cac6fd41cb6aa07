/**
 * The extension's entry: starts the language client, the preview panels, the language status item
 * and the commands, and routes the server's predictions to them through one store.
 */
import * as vscode from 'vscode';
import { registerCommands, saveExport, writeLambda } from './commands';
import { RainbowLanguageClient } from './languageClient';
import { PredictionStatus } from './languageStatus';
import { PredictionStore, type ProblemLocation } from './predictions';
import { PREVIEW_VIEW_TYPE } from './preview/previewPanel';
import { PreviewManager } from './preview/previewManager';

let client: RainbowLanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Rainbow Lab', { log: true });
  const store = new PredictionStore();
  client = new RainbowLanguageClient(context.asAbsolutePath('dist/server.js'), store, output);
  const server = client;
  const previews = new PreviewManager({
    extensionUri: context.extensionUri,
    store,
    isTrusted: () => vscode.workspace.isTrusted,
    firstProblem,
    runSimulation: (uri) => void vscode.commands.executeCommand('rainbow.runSimulation', uri),
    cancel: (uri) => server.cancel(uri),
    writeLambda: async (uri, lambda) => void (await writeLambda(uri, lambda)),
    saveExport,
  });
  context.subscriptions.push(
    output,
    previews,
    new PredictionStatus(store, () => vscode.workspace.isTrusted),
    vscode.window.registerWebviewPanelSerializer(PREVIEW_VIEW_TYPE, previews),
    ...registerCommands(server, previews),
    vscode.workspace.onDidChangeTextDocument(({ document, contentChanges }) => {
      if (contentChanges.length > 0) store.edited(document.uri.toString(), document.version);
    }),
    // Untrusted, the server only validates; once trusted it must start over to predict.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void server.restart();
      for (const panel of previews.panels()) panel.update();
    }),
  );
  await server.start();
}

export async function deactivate(): Promise<void> {
  await client?.dispose();
  client = undefined;
}

/** The first error the editor shows for a spec (the preview's error state links to it). */
function firstProblem(uri: string): ProblemLocation | undefined {
  const diagnostics = vscode.languages.getDiagnostics(vscode.Uri.parse(uri));
  const error = diagnostics.find((d) => d.severity === vscode.DiagnosticSeverity.Error) ?? diagnostics[0];
  return error ? { uri, line: error.range.start.line, character: error.range.start.character } : undefined;
}
