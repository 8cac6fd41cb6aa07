/**
 * The extension's wiring in Node, with a fake `vscode` module (fakeVscode.ts): the prediction store
 * and the preview's states, panels following or locked to a spec, messages between the server's
 * notifications, the extension and the page, the serializer, the commands (simulation, export,
 * write lambda) and the language status item.
 */
import { fake, FakeDocument, FakeWebviewPanel, Uri } from './fakeVscode';
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { registerCommands, writeLambda, type RainbowServer } from '../../client/src/commands';
import { PredictionStatus } from '../../client/src/languageStatus';
import { PredictionStore, previewState } from '../../client/src/predictions';
import { PreviewManager } from '../../client/src/preview/previewManager';
import type { PredictionNotification, PredictionPayload, SimulateParams, SimulateResult } from '../../server/src/protocol';
import { payloadOf, simulationOf } from '../webview/payloads';

const RF = 'examples/random-features.rainbow.json';
const EXTENSION = Uri.file('/ext');
const SPEC = Uri.file('/work/a.rainbow.json');
const OTHER = Uri.file('/work/b.rainbow.json');
const SPEC_TEXT = '{\n  "kind": "experiment",\n  "ridge": { "lambda": [0.001, 0.1], "convention": "mean" }\n}\n';

let payload: PredictionPayload;
function rfPayload(): PredictionPayload {
  payload ??= payloadOf(RF);
  return payload;
}

function done(uri: Uri, version: number, elapsedMs = 1500): PredictionNotification {
  return { uri: uri.toString(), version, status: 'done', payload: rfPayload(), elapsedMs };
}

class FakeServer implements RainbowServer {
  readonly simulated: SimulateParams[] = [];
  readonly cancelled: string[] = [];
  restarts = 0;
  answer: SimulateResult = { status: 'failed', message: 'not set' };
  async simulate(params: SimulateParams): Promise<SimulateResult> {
    this.simulated.push(params);
    return this.answer;
  }
  cancel(uri: string): void {
    this.cancelled.push(uri);
  }
  async restart(): Promise<void> {
    this.restarts++;
  }
  showOutput(): void {}
}

function setUp() {
  fake.reset();
  const store = new PredictionStore();
  const server = new FakeServer();
  const written: { uri: string; lambda: number }[] = [];
  const saved: unknown[] = [];
  const previews = new PreviewManager({
    extensionUri: EXTENSION as never,
    store,
    isTrusted: () => fake.trusted,
    firstProblem: (uri) => (uri === SPEC.toString() ? { uri, line: 2, character: 14 } : undefined),
    runSimulation: (uri) => void fake.commands.get('rainbow.runSimulation')?.(uri),
    cancel: (uri) => server.cancel(uri),
    writeLambda: async (uri, lambda) => void written.push({ uri, lambda }),
    saveExport: async (spec, exported) => void saved.push({ spec: spec.toString(), ...exported }),
  });
  registerCommands(server, previews);
  return { store, server, previews, written, saved };
}

function lastPanel(): FakeWebviewPanel {
  const panel = fake.panels[fake.panels.length - 1];
  assert.ok(panel, 'a webview panel');
  return panel;
}

describe('prediction store', () => {
  it('keeps the newest version: an older notification changes nothing', () => {
    const store = new PredictionStore();
    assert.equal(store.accept({ uri: 'u', version: 3, status: 'computing' }), true);
    assert.equal(store.accept({ uri: 'u', version: 2, status: 'done', payload: rfPayload() }), false);
    assert.equal(store.get('u')?.lastDone, undefined);
    assert.equal(store.get('u')?.latest.version, 3);
  });

  it('marks the result stale on an edit after it, and computing keeps the last result', () => {
    const store = new PredictionStore();
    store.accept(done(SPEC, 1));
    store.edited(SPEC.toString(), 1);
    assert.equal(store.get(SPEC.toString())?.stale, false, 'the same version is not an edit');
    store.edited(SPEC.toString(), 2);
    assert.deepEqual(previewState(store.get(SPEC.toString()), true), { kind: 'stale' });
    store.accept({ uri: SPEC.toString(), version: 2, status: 'computing', progress: { stage: 'spectrum', message: 'diagonalising', fraction: 0.4 } });
    assert.deepEqual(previewState(store.get(SPEC.toString()), true), { kind: 'computing', progress: { stage: 'spectrum', message: 'diagonalising', fraction: 0.4 } });
    assert.equal(store.get(SPEC.toString())?.lastDone?.version, 1);
    store.accept(done(SPEC, 2));
    assert.deepEqual(previewState(store.get(SPEC.toString()), true), { kind: 'ready' });
  });

  it('maps failures, cancellations and untrusted workspaces to the preview states', () => {
    const store = new PredictionStore();
    const problem = { uri: 'u', line: 4, character: 2 };
    store.accept({ uri: 'u', version: 1, status: 'failed', message: 'width must be >= 1' });
    assert.deepEqual(previewState(store.get('u'), true, problem), { kind: 'error', message: 'width must be >= 1', problem });
    store.accept({ uri: 'u', version: 2, status: 'cancelled', message: 'stopped' });
    assert.equal(previewState(store.get('u'), true).kind, 'empty');
    assert.equal(previewState(undefined, false).kind, 'empty');
    assert.match((previewState(undefined, false) as { message: string }).message, /not trusted/);
  });
});

describe('preview panels', () => {
  beforeEach(() => fake.reset());

  it('opens beside the editor with scripts, media/ as the only resource root and a nonce CSP', () => {
    const { previews } = setUp();
    previews.open(SPEC as never, { toSide: true });
    const panel = lastPanel();
    assert.equal(panel.viewType, 'rainbow.preview');
    assert.deepEqual(panel.showOptions, { viewColumn: -2, preserveFocus: true });
    const options = panel.webview.options as { enableScripts: boolean; localResourceRoots: Uri[] };
    assert.equal(options.enableScripts, true);
    assert.deepEqual(
      options.localResourceRoots.map((u) => u.toString()),
      ['file:///ext/media'],
    );
    const csp = /content="([^"]+)"/.exec(panel.webview.html)?.[1] ?? '';
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce && nonce.length >= 16, csp);
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.ok(panel.webview.html.includes(`<script nonce="${nonce}" src="file:///ext/media/dist/preview.js">`));
    assert.equal(panel.title, 'Preview a.rainbow.json');
  });

  it('sends nothing before the page is ready, then the lock, the state and the result once', () => {
    const { previews, store } = setUp();
    store.accept(done(SPEC, 1));
    previews.open(SPEC as never, { toSide: true });
    const panel = lastPanel();
    assert.equal(panel.posted.length, 0);
    panel.fromPage({ type: 'ready' });
    assert.deepEqual(
      panel.posted.map((m) => m.type),
      ['locked', 'prediction', 'state'],
    );
    assert.equal(panel.sent('prediction')[0]?.version, 1);
    assert.deepEqual(panel.sent('state')[0]?.state, { kind: 'ready' });
    store.accept({ uri: SPEC.toString(), version: 1, status: 'done', payload: rfPayload() });
    assert.equal(panel.sent('prediction').length, 1, 'an unchanged result is not sent again');
  });

  it('routes the server’s notifications: computing, result, edit (stale), failure with its problem', () => {
    const { previews, store } = setUp();
    previews.open(SPEC as never, { toSide: true });
    const panel = lastPanel();
    panel.fromPage({ type: 'ready' });
    store.accept({ uri: SPEC.toString(), version: 1, status: 'computing' });
    store.accept(done(SPEC, 1));
    store.edited(SPEC.toString(), 2);
    store.accept({ uri: SPEC.toString(), version: 2, status: 'failed', message: 'bad width' });
    store.accept({ uri: OTHER.toString(), version: 1, status: 'computing' });
    assert.deepEqual(
      panel.sent('state').map((m) => (m.state as { kind: string }).kind),
      ['empty', 'computing', 'ready', 'stale', 'error'],
    );
    assert.deepEqual(panel.sent('state').at(-1)?.state, { kind: 'error', message: 'bad width', problem: { uri: SPEC.toString(), line: 2, character: 14 } });
  });

  it('a dynamic preview follows the active spec; a locked one stays', () => {
    const { previews } = setUp();
    previews.open(SPEC as never, { toSide: true });
    const dynamic = lastPanel();
    previews.open(SPEC as never, { toSide: true, locked: true });
    const locked = lastPanel();
    assert.notEqual(dynamic, locked);
    assert.equal(locked.title, '[Preview] a.rainbow.json');
    fake.focus(new FakeDocument(OTHER, '{}'));
    assert.equal(dynamic.title, 'Preview b.rainbow.json');
    assert.equal(locked.title, '[Preview] a.rainbow.json');
    fake.focus(new FakeDocument(Uri.file('/work/notes.md'), '', 'markdown'));
    assert.equal(dynamic.title, 'Preview b.rainbow.json', 'only specs are followed');
  });

  it('the page’s lock button locks a dynamic preview, and unlocking makes it the dynamic one', () => {
    const { previews } = setUp();
    previews.open(SPEC as never, { toSide: true });
    const panel = lastPanel();
    panel.fromPage({ type: 'ready' });
    panel.fromPage({ type: 'toggleLock' });
    assert.equal(panel.title, '[Preview] a.rainbow.json');
    assert.deepEqual(panel.sent('locked').at(-1), { type: 'locked', locked: true });
    previews.open(OTHER as never, { toSide: true });
    assert.equal(fake.panels.length, 2, 'a new dynamic preview, the locked one kept');
    panel.fromPage({ type: 'toggleLock' });
    assert.equal(fake.panels[1]?.isDisposed, true, 'one dynamic preview at a time');
    assert.equal(panel.title, 'Preview a.rainbow.json');
  });

  it('the serializer restores a preview from the page’s saved state, and drops one without', async () => {
    const { previews, store } = setUp();
    store.accept(done(SPEC, 4));
    const restored = new FakeWebviewPanel('rainbow.preview', 'Preview', {}, {});
    await previews.deserializeWebviewPanel(restored as never, { uri: SPEC.toString(), locked: true, whatIf: { lambda: 1, noiseVariance: 0, n: 10 } });
    assert.equal(restored.title, '[Preview] a.rainbow.json');
    restored.fromPage({ type: 'ready' });
    assert.equal(restored.sent('prediction')[0]?.version, 4);
    const broken = new FakeWebviewPanel('rainbow.preview', 'Preview', {}, {});
    await previews.deserializeWebviewPanel(broken as never, { nonsense: true });
    assert.equal(broken.isDisposed, true);
  });

  it('turns the page’s requests into editor actions: simulate, cancel, write λ, reveal the problem', async () => {
    const { previews, server, written, saved } = setUp();
    server.answer = { status: 'done', version: 1, simulation: simulationOf(RF, (spec) => (spec.simulate = { n: [200], repeats: 2, testSamples: 200 })), elapsedMs: 10 };
    previews.open(SPEC as never, { toSide: true });
    const panel = lastPanel();
    panel.fromPage({ type: 'ready' });
    panel.fromPage({ type: 'runSimulation' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(server.simulated, [{ uri: SPEC.toString() }]);
    assert.equal(panel.sent('simulation').length, 1);
    panel.fromPage({ type: 'cancel' });
    assert.deepEqual(server.cancelled, [SPEC.toString()]);
    panel.fromPage({ type: 'writeLambda', lambda: 0.05 });
    assert.deepEqual(written, [{ uri: SPEC.toString(), lambda: 0.05 }]);
    panel.fromPage({ type: 'exportedCsv', csv: 'kind,n\n' });
    assert.deepEqual(saved, [{ spec: SPEC.toString(), csv: 'kind,n\n' }], 'the page’s own Export CSV button saves');
    panel.fromPage({ type: 'revealProblem', uri: SPEC.toString(), line: 2, character: 14 });
    assert.equal(fake.shown[0]?.uri.toString(), SPEC.toString());
    const { start } = (fake.shown[0]?.options as { selection: { start: { line: number; character: number } } }).selection;
    assert.deepEqual([start.line, start.character], [2, 14]);
  });
});

describe('commands', () => {
  beforeEach(() => fake.reset());

  it('Run Simulation reports a failure to the user and draws nothing', async () => {
    const { server, previews } = setUp();
    previews.open(SPEC as never, { toSide: true });
    lastPanel().fromPage({ type: 'ready' });
    server.answer = { status: 'timeout', message: 'stopped after 120 s' };
    await fake.commands.get('rainbow.runSimulation')?.(SPEC);
    assert.deepEqual(fake.errors, ['Simulation timeout: stopped after 120 s']);
    assert.equal(lastPanel().sent('simulation').length, 0);
  });

  it('Export PNG asks the page for the chart and saves the image through the save dialog', async () => {
    const { previews } = setUp();
    previews.open(SPEC as never, { toSide: true });
    const panel = lastPanel();
    panel.fromPage({ type: 'ready' });
    fake.saveDialogAnswer = Uri.file('/work/out.png');
    const running = fake.commands.get('rainbow.exportPng')?.('spectra') as Promise<void>;
    assert.deepEqual(panel.sent('exportPng'), [{ type: 'exportPng', chart: 'spectra' }]);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    panel.fromPage({ type: 'exportedPng', chart: 'spectra', dataUrl: `data:image/png;base64,${png.toString('base64')}` });
    await running;
    assert.deepEqual([...(fake.written.get('file:///work/out.png') ?? [])], [...png]);
  });

  it('Export CSV saves the page’s CSV; without a preview it says what to do', async () => {
    const { previews } = setUp();
    await fake.commands.get('rainbow.exportCsv')?.();
    assert.match(fake.information[0] ?? '', /Open a Rainbow Lab preview first/);
    previews.open(SPEC as never, { toSide: true });
    const panel = lastPanel();
    panel.fromPage({ type: 'ready' });
    fake.saveDialogAnswer = Uri.file('/work/points.csv');
    const running = fake.commands.get('rainbow.exportCsv')?.() as Promise<void>;
    panel.fromPage({ type: 'exportedCsv', csv: 'kind,n\nprediction,40\n' });
    await running;
    assert.equal(Buffer.from(fake.written.get('file:///work/points.csv') ?? []).toString(), 'kind,n\nprediction,40\n');
  });

  it('Open Preview uses the active spec editor, and says so when there is none', async () => {
    setUp();
    await fake.commands.get('rainbow.openPreviewToSide')?.();
    assert.match(fake.information[0] ?? '', /Open a \.rainbow\.json spec/);
    fake.focus(new FakeDocument(SPEC, SPEC_TEXT));
    await fake.commands.get('rainbow.openPreview')?.();
    assert.equal(lastPanel().title, 'Preview a.rainbow.json');
  });

  it('Restart Language Server restarts it', async () => {
    const { server } = setUp();
    await fake.commands.get('rainbow.restartServer')?.();
    assert.equal(server.restarts, 1);
  });
});

describe('write λ into the spec', () => {
  beforeEach(() => fake.reset());

  it('adds the penalty to ridge.lambda as an undoable edit, keeping the rest of the text', async () => {
    const document = new FakeDocument(SPEC, SPEC_TEXT);
    fake.documents.set(SPEC.toString(), document);
    assert.equal(await writeLambda(SPEC.toString(), 0.0123456789), true);
    const spec = JSON.parse(document.text) as { ridge: { lambda: number[]; convention: string }; kind: string };
    assert.deepEqual(spec.ridge, { lambda: [0.001, 0.1, 0.0123457], convention: 'mean' });
    assert.equal(spec.kind, 'experiment');
    assert.equal(await writeLambda(SPEC.toString(), 0.1), true);
    assert.match(fake.information.at(-1) ?? '', /already in the spec/);
  });
});

describe('language status', () => {
  beforeEach(() => fake.reset());

  it('shows computing, the headline error with the engine time, stale, and problems', () => {
    const store = new PredictionStore();
    const status = new PredictionStatus(store, () => fake.trusted);
    const item = fake.statusItems[0];
    assert.ok(item);
    fake.focus(new FakeDocument(SPEC, SPEC_TEXT));
    assert.match(item.text, /no prediction yet/);
    store.accept({ uri: SPEC.toString(), version: 1, status: 'computing', progress: { stage: 'spectrum', message: 'diagonalising the feature covariance', fraction: 0.5 } });
    assert.equal(item.busy, true);
    assert.match(item.text, /computing 50%/);
    store.accept(done(SPEC, 1, 2345));
    const nMax = Math.max(...rfPayload().points.map((p) => p.n));
    const best = Math.min(...rfPayload().points.filter((p) => p.n === nMax).map((p) => p.testError as number));
    assert.equal(item.busy, false);
    assert.equal(item.text, `$(graph-line) Rainbow: test error ${best.toPrecision(4)} at n = ${nMax}`);
    assert.equal(item.detail, 'up to date · engine 2.35 s');
    store.edited(SPEC.toString(), 2);
    assert.match(item.text, /\(stale\)$/);
    store.accept({ uri: SPEC.toString(), version: 2, status: 'failed', message: 'bad width' });
    assert.equal(item.severity, 2);
    assert.equal(item.detail, 'bad width');
    fake.trusted = false;
    status.render();
    assert.match(item.text, /validation only/);
    status.dispose();
  });
});
