/**
 * The `rainbow.*` commands (names in package.json's contributes.commands). Each takes the spec's
 * URI as argument when run from a menu or the code lens, else uses the active spec or preview.
 */
import * as vscode from 'vscode';
import type { ChartId, SimulateParams, SimulateResult } from '../../server/src/protocol';
import { experimentTemplate, titleFromFileName } from './newExperiment';
import { lambdaEdits } from './specEdits';
import { isSpecUri, type PreviewManager } from './preview/previewManager';

/** The language server as the commands see it. */
export interface RainbowServer {
  simulate(params: SimulateParams, token: vscode.CancellationToken): Promise<SimulateResult>;
  cancel(uri: string): void;
  restart(): Promise<void>;
  showOutput(): void;
}

export const CHARTS: { id: ChartId; label: string }[] = [
  { id: 'learningCurve', label: 'Learning curves (test error against n)' },
  { id: 'lambdaCurve', label: 'Test error against lambda' },
  { id: 'spectra', label: 'Spectra of the layers' },
];

export function registerCommands(server: RainbowServer, previews: PreviewManager): vscode.Disposable[] {
  const register = (name: string, run: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(name, run);
  return [
    register('rainbow.openPreviewToSide', (uri?: unknown) => openPreview(previews, uri, true)),
    register('rainbow.openPreview', (uri?: unknown) => openPreview(previews, uri, false)),
    register('rainbow.runSimulation', (uri?: unknown) => runSimulation(server, previews, uri)),
    register('rainbow.exportPng', (chart?: unknown) => exportPng(previews, chart)),
    register('rainbow.exportCsv', () => exportCsv(previews)),
    register('rainbow.newExperiment', () => newExperiment()),
    register('rainbow.restartServer', () => server.restart()),
    register('rainbow.showOutput', () => server.showOutput()),
  ];
}

/** The spec a command acts on: its argument (a Uri or a URI string), else the active editor's, else the active preview's. */
export function targetSpec(argument: unknown, previews: PreviewManager): vscode.Uri | undefined {
  if (argument instanceof vscode.Uri) return argument;
  if (typeof argument === 'string') return vscode.Uri.parse(argument);
  const editor = vscode.window.activeTextEditor;
  if (editor && (isSpecUri(editor.document.uri) || editor.document.languageId === 'rainbow-json')) return editor.document.uri;
  return previews.activePreview()?.resource;
}

function openPreview(previews: PreviewManager, argument: unknown, toSide: boolean): void {
  const uri = targetSpec(argument, previews);
  if (!uri) {
    void vscode.window.showInformationMessage('Open a .rainbow.json spec to preview it.');
    return;
  }
  previews.open(uri, { toSide });
}

export async function runSimulation(server: RainbowServer, previews: PreviewManager, argument: unknown): Promise<SimulateResult | undefined> {
  const uri = targetSpec(argument, previews);
  if (!uri) {
    void vscode.window.showInformationMessage('Open a .rainbow.json spec to simulate it.');
    return undefined;
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Simulating ${uri.path.split('/').pop()}`, cancellable: true },
    (_progress, token) => server.simulate({ uri: uri.toString() }, token),
  );
  if (result.status === 'done') previews.showSimulation(uri.toString(), result.version, result.simulation);
  else if (result.status !== 'cancelled') void vscode.window.showErrorMessage(`Simulation ${result.status}: ${result.message}`);
  return result;
}

async function exportPng(previews: PreviewManager, argument: unknown): Promise<void> {
  const preview = previews.activePreview();
  if (!preview) {
    void vscode.window.showInformationMessage('Open a Rainbow Lab preview first: the plot is exported from it.');
    return;
  }
  const chart = CHARTS.find((c) => c.id === argument)?.id ?? (await vscode.window.showQuickPick(CHARTS.map((c) => ({ ...c, label: c.label, chart: c.id })), { title: 'Export which plot?' }))?.chart;
  if (!chart) return;
  await saveExport(preview.resource, { chart, dataUrl: await preview.requestPng(chart) });
}

async function exportCsv(previews: PreviewManager): Promise<void> {
  const preview = previews.activePreview();
  if (!preview) {
    void vscode.window.showInformationMessage('Open a Rainbow Lab preview first: the data is exported from it.');
    return;
  }
  await saveExport(preview.resource, { csv: await preview.requestCsv() });
}

/** What the page exported (asked by a command, or from its own buttons). */
export type Exported = { chart: ChartId; dataUrl: string } | { csv: string };

/** Saves a plot or the data through the save dialog, next to the spec. */
export async function saveExport(spec: vscode.Uri, exported: Exported): Promise<void> {
  if ('csv' in exported) {
    if (!exported.csv) void vscode.window.showErrorMessage('The preview has no data to export yet.');
    else await saveAs(spec, 'points.csv', { 'CSV table': ['csv'] }, Buffer.from(exported.csv, 'utf8'));
    return;
  }
  const base64 = /^data:image\/png;base64,(.+)$/.exec(exported.dataUrl)?.[1];
  if (!base64) void vscode.window.showErrorMessage('The preview has no plot to export yet.');
  else await saveAs(spec, `${exported.chart}.png`, { 'PNG image': ['png'] }, Buffer.from(base64, 'base64'));
}

/** Save dialog next to the spec, "<spec name>-<suffix>" by default; writes through workspace.fs. */
async function saveAs(spec: vscode.Uri, suffix: string, filters: Record<string, string[]>, bytes: Uint8Array): Promise<vscode.Uri | undefined> {
  const stem = (spec.path.split('/').pop() ?? 'rainbow').replace(/\.rainbow\.json$/, '');
  const defaultUri = vscode.Uri.joinPath(spec, '..', `${stem}-${suffix}`);
  const target = await vscode.window.showSaveDialog({ defaultUri, filters });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, bytes);
  void vscode.window.showInformationMessage(`Saved ${target.path.split('/').pop()}.`);
  return target;
}

async function newExperiment(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: 'New Rainbow Lab experiment',
    ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, 'experiment.rainbow.json') } : {}),
    filters: { 'Rainbow Lab spec': ['rainbow.json'] },
  });
  if (!target) return;
  const uri = target.path.endsWith('.rainbow.json') ? target : target.with({ path: target.path.replace(/(\.json)?$/, '.rainbow.json') });
  await vscode.workspace.fs.writeFile(uri, Buffer.from(experimentTemplate(titleFromFileName(uri.path)), 'utf8'));
  await vscode.window.showTextDocument(uri);
  await vscode.commands.executeCommand('rainbow.openPreviewToSide', uri);
}

/** "Write lambda into the spec": the preview's only edit, an undoable WorkspaceEdit (not saved). */
export async function writeLambda(uri: string, lambda: number): Promise<boolean> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  const edits = lambdaEdits(document.getText(), lambda);
  if (!Array.isArray(edits)) {
    void vscode.window.showErrorMessage(`Cannot write lambda into ${document.uri.path.split('/').pop()}: ${edits.reason}`);
    return false;
  }
  const edit = new vscode.WorkspaceEdit();
  for (const e of edits) edit.replace(document.uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.content);
  const applied = edits.length === 0 || (await vscode.workspace.applyEdit(edit));
  if (applied) void vscode.window.showInformationMessage(edits.length === 0 ? `lambda = ${lambda} is already in the spec.` : `Added lambda = ${Number(lambda.toPrecision(6))} to ridge.lambda: save to predict it.`);
  return applied;
}
