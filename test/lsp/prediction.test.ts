/**
 * The theory on save, through the real server process: a `rainbow/prediction` whose payload equals
 * `rainbow predict --json --eigenvalues` exactly, code lens / inlay hints / hovers from it, a newer
 * save stopping an older run, the time limit, a worker crash (reported, worker restarted), and the
 * `rainbow/simulate` request equal to `rainbow simulate --json`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeLens, Hover, InlayHint } from 'vscode-languageserver-types';
import type { SimulateResult } from '../../server/src/protocol';
import { repoRoot } from '../support/paths';
import { fileUri, TestServer, withServer } from './harness';

function cli(...args: string[]): unknown {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'rainbow.js'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000, maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** A spec with two tanh layers of `width` on d = `dimension`. */
function twoLayers(width: number, dimension: number, title = 'two layers'): string {
  return JSON.stringify(
    {
      kind: 'experiment',
      title,
      seed: 3,
      input: { dimension },
      teacher: { kind: 'linear', noise: 0.1 },
      student: { layers: [{ id: 'A', width, activation: 'tanh' }, { id: 'B', width, activation: 'tanh' }] },
      ridge: { lambda: [0.001, 0.1] },
      samples: { n: [50, 200, 800] },
    },
    null,
    2,
  );
}

function hoverText(h: Hover | null): string {
  if (!h) return '';
  const c = h.contents;
  return typeof c === 'string' ? c : Array.isArray(c) ? c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n') : c.value;
}

describe('predictions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rainbow-lsp-predict-'));
  let server: TestServer;
  before(async () => {
    server = new TestServer({ folders: [repoRoot, dir], settings: { debounceMs: 0 }, env: { RAINBOW_FAULT_INJECTION: 'worker-crash' } });
    await server.start();
  });
  after(() => server.stop());

  it('on open, rainbow/prediction carries exactly rainbow predict --json --eigenvalues', async () => {
    const file = join(repoRoot, 'examples', 'random-features.rainbow.json');
    const uri = fileUri(file);
    server.open(uri, readFileSync(file, 'utf8'));
    const computing = await server.waitForPrediction((p) => p.uri === uri && p.status === 'computing');
    assert.equal(computing.version, 1);
    const done = await server.waitForPrediction((p) => p.uri === uri && p.status !== 'computing');
    assert.equal(done.status, 'done', done.message);
    assert.equal(done.version, 1);
    assert.ok((done.elapsedMs ?? -1) >= 0);
    assert.deepEqual(done.payload, cli('predict', file, '--json', '--eigenvalues'));

    // Saved again without an edit: the same result at once, nothing recomputed.
    const before = server.predictions.length;
    server.save(uri);
    const again = await server.waitForPrediction((p) => server.predictions.indexOf(p) >= before && p.uri === uri);
    assert.equal(again.status, 'done');
    assert.deepEqual(again.payload, done.payload);

    // The code lens shows the headline and opens the preview.
    const lenses = await server.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.equal(lenses.length, 1);
    const lens = lenses[0] as CodeLens;
    assert.equal(lens.command?.command, 'rainbow.openPreviewToSide');
    assert.deepEqual(lens.command?.arguments, [uri]);
    const largest = Math.max(...(done.payload?.points.map((p) => p.n) ?? []));
    const best = done.payload?.points.filter((p) => p.n === largest).sort((a, b) => (a.testError ?? 0) - (b.testError ?? 0))[0];
    assert.match(lens.command?.title ?? '', new RegExp(`^test error ${String(Number(best?.testError?.toPrecision(3)))} at n = ${largest}, lambda = ${best?.lambda} · \\d+ ms$`));

    // One inlay hint after the layer, with its kappa1.
    const hints = await server.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } } });
    assert.equal(hints.length, 1);
    const layer = done.payload?.layers[0];
    assert.match(String((hints[0] as InlayHint).label), new RegExp(`^kappa1 ${String(Number(layer?.kappa1.toPrecision(3)))} · kappaStar `));
    const layerLine = readFileSync(file, 'utf8').split('\n')[9] as string;
    assert.deepEqual((hints[0] as InlayHint).position, { line: 9, character: layerLine.lastIndexOf('}') + 1 });

    // Hovers with the numbers: on the layer, on a lambda.
    const onLayer = hoverText(await server.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 9, character: 30 } }));
    assert.match(onLayer, new RegExp(`kappa1 = ${String(Number(layer?.kappa1.toPrecision(3)))}`));
    const ridgeLine = readFileSync(file, 'utf8').split('\n')[12] as string;
    const onLambda = hoverText(await server.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 12, character: ridgeLine.indexOf('0.001') + 2 } }));
    assert.match(onLambda, /lambda 0\.001: learning curve/);
    const nLine = readFileSync(file, 'utf8').split('\n')[13] as string;
    const onSamples = hoverText(await server.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: { line: 13, character: nLine.indexOf('4000') + 1 } }));
    const atTo = done.payload?.points.filter((p) => p.n === 4000) ?? [];
    assert.equal(atTo.length, 2);
    assert.match(onSamples, new RegExp(`Predicted at n = 4000[\\s\\S]*\\| 0\\.001 \\| ${String(Number(atTo[0]?.testError?.toPrecision(3))).replace('.', '\\.')} \\|`));

    // Settings apply live: lenses and hints off, then on again.
    await server.setSettings({ debounceMs: 0, codeLens: false, inlayHints: false });
    assert.equal(await server.request('textDocument/codeLens', { textDocument: { uri } }), null);
    assert.equal(await server.request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } } }), null);
    await server.setSettings({ debounceMs: 0 });
    assert.equal((await server.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } })).length, 1);
    server.close(uri);
  });

  it("the theory's own problems (validity, numerics) become diagnostics exactly as the CLI prints them", async () => {
    const file = join(dir, 'validity.rainbow.json');
    const uri = fileUri(file);
    const text = JSON.stringify(
      {
        kind: 'experiment',
        input: { dimension: 100, covariance: { powerLaw: 2 } },
        teacher: { kind: 'linear', noise: 0.1 },
        student: { layers: [{ id: 'W1', width: 100, activation: 'tanh' }] },
        ridge: { lambda: [0.1] },
        samples: { n: [50, 200] },
      },
      null,
      2,
    );
    writeFileSync(file, text);
    server.open(uri, text);
    const done = await server.waitForPrediction((p) => p.uri === uri && p.status !== 'computing');
    assert.equal(done.status, 'done', done.message);
    const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'rainbow.js'), 'predict', file, '--json'], { cwd: dir, encoding: 'utf8' });
    const printed = r.stderr.split('\n').filter((l) => / \[(validity|moments|risk)\//.test(l));
    assert.ok(printed.length > 0, `the CLI reports no theory problem here: ${r.stderr}`);
    const d = await server.waitForDiagnostics(uri, (list) => list.some((x) => /^(validity|moments|risk)\//.test(String(x.code))));
    const theirs = d.diagnostics
      .filter((x) => /^(validity|moments|risk)\//.test(String(x.code)))
      .map((x) => `validity.rainbow.json:${x.range.start.line + 1}:${x.range.start.character + 1}: ${['', 'error', 'warning', 'information'][x.severity ?? 1]} [${x.code}] ${typeof x.message === 'string' ? x.message : x.message.value}`);
    assert.deepEqual(theirs, printed);
    server.close(uri);
  });

  it('a newer save stops the older run at once; only the newer result is published', async () => {
    const file = join(dir, 'newer.rainbow.json');
    const uri = fileUri(file);
    const big = twoLayers(2000, 1000);
    writeFileSync(file, big);
    server.open(uri, big);
    await server.waitForPrediction((p) => p.uri === uri && p.version === 1 && p.status === 'computing' && p.progress !== undefined);
    const small = twoLayers(60, 40);
    writeFileSync(file, small);
    const v2 = server.change(uri, small);
    server.save(uri);
    const first = await server.waitForPrediction((p) => p.uri === uri && p.version === 1 && p.status !== 'computing');
    assert.equal(first.status, 'cancelled');
    const second = await server.waitForPrediction((p) => p.uri === uri && p.version === v2 && p.status !== 'computing');
    assert.equal(second.status, 'done', second.message);
    assert.deepEqual(second.payload, cli('predict', file, '--json', '--eigenvalues'));
    server.close(uri);
  });

  it('a run past the time limit is stopped and the user told why', async () => {
    await withServer({ folders: [dir], settings: { debounceMs: 0, timeLimitSeconds: 1 } }, async (limited) => {
      const file = join(dir, 'slow.rainbow.json');
      const text = twoLayers(3000, 3000);
      writeFileSync(file, text);
      limited.open(fileUri(file), text);
      const end = await limited.waitForPrediction((p) => p.uri === fileUri(file) && p.status !== 'computing');
      assert.equal(end.status, 'timeout');
      assert.match(end.message ?? '', /time limit of 1 s \(setting rainbow\.timeLimitSeconds\)/);
      assert.ok(limited.messages.some((m) => /was stopped at the time limit/.test(m.message)));
    });
  });

  it('a worker crash is reported, and the next run works in a new worker', async () => {
    const file = join(dir, 'crash.rainbow.json');
    const uri = fileUri(file);
    const text = twoLayers(30, 20, 'crash the worker');
    writeFileSync(file, text);
    server.open(uri, text);
    const crashed = await server.waitForPrediction((p) => p.uri === uri && p.version === 1 && p.status !== 'computing');
    assert.equal(crashed.status, 'failed');
    assert.match(crashed.message ?? '', /compute worker .*; a new worker was started/);
    assert.ok(server.messages.some((m) => m.type === 1 && /compute worker/.test(m.message)), JSON.stringify(server.messages));
    const fixed = twoLayers(30, 20, 'fine again');
    const v2 = server.change(uri, fixed);
    server.save(uri);
    const again = await server.waitForPrediction((p) => p.uri === uri && p.version === v2 && p.status !== 'computing');
    assert.equal(again.status, 'done', again.message);
    assert.equal(again.payload?.title, 'fine again');
    server.close(uri);
  });

  it('rainbow/simulate answers with rainbow simulate --json', async () => {
    const file = join(dir, 'simulate.rainbow.json');
    const uri = fileUri(file);
    const spec = JSON.parse(twoLayers(40, 30)) as Record<string, unknown>;
    spec.simulate = { n: [50, 150], repeats: 3, testSamples: 300 };
    const text = JSON.stringify(spec, null, 2);
    writeFileSync(file, text);
    server.open(uri, text);
    const result = await server.request<SimulateResult>('rainbow/simulate', { uri, repeats: 2 }, 120_000);
    assert.equal(result.status, 'done', 'message' in result ? result.message : '');
    assert.ok(result.status === 'done');
    assert.equal(result.version, 1);
    assert.deepEqual(result.simulation, cli('simulate', file, '--json', '--repeats', '2'));
    server.close(uri);
  });
});

describe('untrusted workspace', () => {
  it('computes nothing: rainbow/simulate says why', async () => {
    await withServer({ trusted: false, settings: { debounceMs: 0 } }, async (server) => {
      const file = join(repoRoot, 'examples', 'random-features.rainbow.json');
      server.open(fileUri(file), readFileSync(file, 'utf8'));
      await server.diagnosticsOf(fileUri(file));
      const result = await server.request<SimulateResult>('rainbow/simulate', { uri: fileUri(file) });
      assert.deepEqual(result, { status: 'failed', message: 'nothing is computed in an untrusted workspace (trust the workspace to simulate)' });
      assert.equal(server.predictions.length, 0);
    });
  });
});
