/**
 * Diagnostics from the real server process: for every broken spec of the corpus, the server's
 * diagnostics are exactly `rainbow validate`'s problems (same positions, codes, messages), cover the
 * marked range exactly, and are the engine's full ranges. Then: problems inside a referenced file,
 * unsaved network edits, untrusted and outside-workspace reads, stale versions.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatBytes, formatProblem, formatSeconds, loadExperiment, predictionCost, simulationFootprint, simulationSeconds, type ProblemCode } from '../../server/src/core';
import { nodeHost } from '../../server/src/nodeHost';
import { repoRoot } from '../support/paths';
import { unmark } from '../support/markers';
import { BROKEN, VALID, writeCorpusFiles } from './corpus';
import { fileUri, messageOf, TestServer, withServer } from './harness';

/** Codes the server adds to the engine's (explained refusals, summaries, advice): not in `rainbow validate`. */
const ADAPTER_CODES = /^(file\/not-read|file\/problems-inside|advice\/)/;

describe('diagnostics of the broken-spec corpus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rainbow-lsp-corpus-'));
  writeCorpusFiles(dir);
  const cases = BROKEN.map((c, i) => {
    const { text, range } = unmark(c.marked);
    const file = join(dir, `case${String(i).padStart(2, '0')}.rainbow.json`);
    writeFileSync(file, text);
    return { ...c, text, range, file, uri: fileUri(file) };
  });
  let server: TestServer;
  let cliLines: Map<string, string[]>;

  before(async () => {
    server = new TestServer({ folders: [dir], settings: { debounceMs: 0, predict: 'off' } });
    await server.start();
    // One `rainbow validate` run over the whole corpus, from the corpus folder (paths print bare).
    const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'rainbow.js'), 'validate', ...cases.map((c) => c.file)], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 1, r.stderr);
    cliLines = new Map();
    for (const line of r.stderr.split('\n').filter(Boolean)) {
      const file = line.slice(0, line.indexOf(':'));
      cliLines.set(file, [...(cliLines.get(file) ?? []), line]);
    }
  });
  after(() => server.stop());

  it('has at least 40 cases', () => assert.ok(cases.length >= 40, `${cases.length} cases`));

  for (const c of cases) {
    it(`${c.name}: ${c.code} at the marked range, as rainbow validate says`, async () => {
      server.open(c.uri, c.text);
      const diagnostics = await server.diagnosticsOf(c.uri);
      const own = diagnostics.filter((d) => !ADAPTER_CODES.test(String(d.code)));
      assert.ok(
        own.some((d) => d.code === c.code && JSON.stringify(d.range) === JSON.stringify(c.range)),
        `expected ${c.code} at ${JSON.stringify(c.range)}, got ${JSON.stringify(own.map((d) => [d.code, d.range, messageOf(d)]))}`,
      );
      // The engine's own problems for this file, with their full ranges.
      const engine = loadExperiment(c.text, c.file, nodeHost).problems.filter((p) => p.file === c.file);
      assert.deepEqual(
        own.map((d) => ({ code: d.code, message: messageOf(d), range: d.range, severity: d.severity })),
        engine.map((p) => ({ code: p.code, message: p.message, range: p.range, severity: p.severity === 'error' ? 1 : p.severity === 'warning' ? 2 : 3 })),
      );
      // And what the CLI prints for this file, line for line.
      const base = c.file.slice(dir.length + 1);
      const severities = ['', 'error', 'warning', 'information'];
      assert.deepEqual(
        own.map((d) => formatProblem({ file: base, range: d.range, severity: severities[d.severity ?? 1] as 'error', code: String(d.code) as ProblemCode, message: messageOf(d) })),
        cliLines.get(base) ?? [],
      );
      server.close(c.uri);
    });
  }

  it('publishes problems inside a referenced network file on that file, with a summary on the reference', async () => {
    const c = cases.find((x) => x.code === 'file/invalid-network');
    assert.ok(c);
    server.open(c.uri, c.text);
    const net = await server.waitForDiagnostics(fileUri(join(dir, 'broken-net.rainbow.json')), (d) => d.length > 0);
    assert.ok(net.diagnostics.every((d) => String(d.code).startsWith('json/')), JSON.stringify(net.diagnostics));
    const cli = spawnSync(process.execPath, [join(repoRoot, 'bin', 'rainbow.js'), 'validate', 'broken-net.rainbow.json'], { cwd: dir, encoding: 'utf8' });
    const first = net.diagnostics[0];
    assert.ok(first);
    assert.match(cli.stderr, new RegExp(`broken-net\\.rainbow\\.json:${first.range.start.line + 1}:${first.range.start.character + 1}: error \\[${first.code}\\]`));
    server.close(c.uri);
    // Closing the only spec that reached it clears the network file's diagnostics.
    await server.waitForDiagnostics(fileUri(join(dir, 'broken-net.rainbow.json')), (d) => d.length === 0);
  });
});

describe('diagnostics across files and settings', () => {
  it('an unsaved edit of an open network file re-validates the experiment that uses it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rainbow-lsp-net-'));
    const net = join(dir, 'net.rainbow.json');
    const netText = '{\n  "kind": "network",\n  "layers": [ { "id": "N1", "width": 30, "activation": "tanh" } ]\n}\n';
    writeFileSync(net, netText);
    const spec = join(dir, 'exp.rainbow.json');
    const specText = VALID.replace(/"student": \{[\s\S]*?\n {2}\},/, '"student": "net.rainbow.json",');
    writeFileSync(spec, specText);
    await withServer({ folders: [dir], settings: { debounceMs: 0, predict: 'off' } }, async (server) => {
      server.open(fileUri(spec), specText);
      assert.deepEqual(await server.diagnosticsOf(fileUri(spec)), []);
      server.open(fileUri(net), netText);
      await server.diagnosticsOf(fileUri(net)).catch(() => []);
      // Not saved: the disk still has width 30.
      server.change(fileUri(net), netText.replace('"width": 30', '"width": "wide"'));
      const onNet = await server.waitForDiagnostics(fileUri(net), (d) => d.some((x) => x.code === 'schema/type'));
      assert.equal(onNet.diagnostics.length, 1);
      const onSpec = await server.waitForDiagnostics(fileUri(spec), (d) => d.length > 0);
      assert.equal(onSpec.diagnostics[0]?.code, 'file/invalid-network');
      assert.match(messageOf(onSpec.diagnostics[0]!), /net\.rainbow\.json/);
      // Fixed again (still unsaved): both clear.
      server.change(fileUri(net), netText);
      await server.waitForDiagnostics(fileUri(spec), (d) => d.length === 0);
      await server.waitForDiagnostics(fileUri(net), (d) => d.length === 0);
    });
  });

  it('a problem inside a network file: published on that file, summarised on the reference', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rainbow-lsp-inside-'));
    const net = join(dir, 'net.rainbow.json');
    writeFileSync(net, '{\n  "kind": "network",\n  "layers": [ { "id": "N1", "width": 30, "activation": "tanh", "weights": { "sameAs": "Nope" } } ]\n}\n');
    const spec = join(dir, 'uses.rainbow.json');
    const specText = VALID.replace(/"student": \{[\s\S]*?\n {2}\},/, '"student": "net.rainbow.json",');
    writeFileSync(spec, specText);
    await withServer({ folders: [dir], settings: { debounceMs: 0, predict: 'off' } }, async (server) => {
      server.open(fileUri(spec), specText);
      const onSpec = await server.diagnosticsOf(fileUri(spec));
      assert.deepEqual(onSpec.map((d) => [d.code, d.severity]), [['file/problems-inside', 1]]);
      const line = specText.split('\n').findIndex((l) => l.includes('"net.rainbow.json"'));
      assert.equal(onSpec[0]?.range.start.line, line);
      const onNet = await server.waitForDiagnostics(fileUri(net), (d) => d.length > 0);
      assert.equal(onNet.diagnostics[0]?.code, 'spec/unknown-layer');
      assert.match(messageOf(onSpec[0]!), new RegExp(`^net\\.rainbow\\.json has a problem; first, line 3: ${messageOf(onNet.diagnostics[0]!).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    });
  });

  it('an untitled rainbow-json document is validated; a relative path in it names no file', async () => {
    await withServer({ settings: { debounceMs: 0, predict: 'off' } }, async (server) => {
      const uri = 'untitled:Untitled-1';
      server.open(uri, VALID.replace('"noise": 0.1 }', '"noise": 0.1, "weights": { "file": "beta.npy" } }').replace('"seed": 1', '"seed": "x"'));
      const d = await server.diagnosticsOf(uri);
      assert.deepEqual(d.map((x) => x.code), ['schema/type']);
      server.change(uri, VALID.replace('"noise": 0.1 }', '"noise": 0.1, "weights": { "file": "beta.npy" } }'));
      const unsaved = await server.diagnosticsOf(uri);
      assert.deepEqual(unsaved.map((x) => [x.code, x.severity]), [['file/not-read', 3]]);
      assert.match(messageOf(unsaved[0]!), /"beta\.npy" was not read: this document is not saved yet/);
    });
  });

  it('untrusted: the text is checked, no file is read, and that is said as information', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rainbow-lsp-untrusted-'));
    writeCorpusFiles(dir);
    const spec = join(dir, 'u.rainbow.json');
    const text = VALID.replace('"noise": 0.1 }', '"noise": 0.1, "weights": { "file": "beta7.npy" } }');
    writeFileSync(spec, text);
    await withServer({ folders: [dir], trusted: false, settings: { debounceMs: 0, predict: 'off' } }, async (server) => {
      server.open(fileUri(spec), text);
      const d = await server.diagnosticsOf(fileUri(spec));
      assert.equal(d.length, 1, JSON.stringify(d));
      assert.equal(d[0]?.code, 'file/not-read');
      assert.equal(d[0]?.severity, 3);
      assert.match(messageOf(d[0]!), /"beta7\.npy" was not read: files are not read in an untrusted workspace/);
      // The text itself is still validated.
      server.change(fileUri(spec), text.replace('"seed": 1', '"seed": "x"'));
      assert.ok((await server.diagnosticsOf(fileUri(spec))).some((x) => x.code === 'schema/type'));
    });
  });

  it('trusted: a file outside the workspace folders is read only if the setting allows it', async () => {
    const data = mkdtempSync(join(tmpdir(), 'rainbow-lsp-outside-data-'));
    writeCorpusFiles(data);
    const work = mkdtempSync(join(tmpdir(), 'rainbow-lsp-outside-work-'));
    const spec = join(work, 'o.rainbow.json');
    const text = VALID.replace('"noise": 0.1 }', `"noise": 0.1, "weights": { "file": ${JSON.stringify(join(relative(work, data), 'beta7.npy'))} } }`);
    for (const allow of [false, true]) {
      await withServer({ folders: [work], settings: { debounceMs: 0, predict: 'off', allowFilesOutsideWorkspace: allow } }, async (server) => {
        server.open(fileUri(spec), text);
        const d = await server.diagnosticsOf(fileUri(spec));
        assert.equal(d.length, 1, JSON.stringify(d));
        if (allow) assert.equal(d[0]?.code, 'npy/shape');
        else {
          assert.equal(d[0]?.code, 'file/outside-workspace');
          assert.equal(d[0]?.severity, 1);
          assert.match(messageOf(d[0]!), /outside the workspace folders .*rainbow\.allowFilesOutsideWorkspace/);
        }
      });
    }
  });

  it('fast typing: only the last version is validated after the pause, and it wins', async () => {
    // A pause of 1 s: the 21 edits below are written at once, and even a loaded machine delivers
    // them within it, so the debounce (not the scheduler) decides what is validated.
    const dir = mkdtempSync(join(tmpdir(), 'rainbow-lsp-typing-'));
    const spec = join(dir, 't.rainbow.json');
    await withServer({ folders: [dir], settings: { debounceMs: 1000, predict: 'off' } }, async (server) => {
      server.open(fileUri(spec), VALID);
      await server.diagnosticsOf(fileUri(spec));
      const from = server.published.length;
      for (let i = 0; i < 20; i++) server.change(fileUri(spec), VALID.replace('"seed": 1', `"seed": ${i % 2 === 0 ? '"x"' : i}`));
      const last = server.change(fileUri(spec), VALID.replace('"seed": 1', '"seed": "final"'));
      const d = await server.diagnosticsOf(fileUri(spec));
      assert.match(messageOf(d[0]!), /"final"/);
      const published = server.published.slice(from).filter((p) => p.uri === fileUri(spec)).map((p) => p.version);
      assert.ok(published.every((v) => v === last), `published versions ${published}`);
    });
  });
});

describe('advice where time would be wasted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rainbow-lsp-advice-'));
  const spec = (fields: Record<string, unknown>, widths = [100]): string =>
    JSON.stringify(
      {
        kind: 'experiment',
        input: { dimension: 50 },
        teacher: { kind: 'linear', noise: 0.1 },
        student: { layers: widths.map((width, i) => ({ id: `W${i + 1}`, width, activation: 'tanh' })) },
        ridge: { lambda: [1e-6] },
        samples: { n: [50, 100, 200] },
        ...fields,
      },
      null,
      2,
    );
  let server: TestServer;
  before(async () => {
    server = new TestServer({ folders: [dir], settings: { debounceMs: 0, predict: 'off' } });
    await server.start();
  });
  after(() => server.stop());
  /** The engine's cost model (core/cost.ts) on the same spec: the numbers the advice must state. */
  const models = (text: string) => (loadExperiment(text, join(dir, 'cost.rainbow.json'), nodeHost).runs ?? []).map((r) => r.model);
  const check = async (name: string, text: string) => {
    const uri = fileUri(join(dir, `${name}.rainbow.json`));
    server.open(uri, text);
    const d = await server.diagnosticsOf(uri);
    server.close(uri);
    return d;
  };

  it('a tiny lambda alone at n = p: a warning on that lambda', async () => {
    const text = spec({});
    const d = await check('peak', text);
    assert.equal(d.length, 1, JSON.stringify(d));
    assert.equal(d[0]?.code, 'advice/interpolation-peak');
    assert.equal(d[0]?.severity, 2);
    assert.match(messageOf(d[0]!), /lambda = 0\.000001 is tiny at the interpolation peak: n = 100 is within 5% of p = 100/);
    const line = text.split('\n').findIndex((l) => l.includes('0.000001'));
    assert.equal(d[0]?.range.start.line, line);
  });

  it('no warning when a larger lambda or "optimal" is there to compare (double descent on purpose)', async () => {
    assert.deepEqual(await check('compare', spec({ ridge: { lambda: [1e-6, 1] } })), []);
    assert.deepEqual(await check('optimal', spec({ ridge: { lambda: 'optimal' } })), []);
    assert.deepEqual(await check('far', spec({ samples: { n: [10, 400] } })), []);
  });

  it("a large prediction: a warning on the widest layer with the cost model's time and memory", async () => {
    const text = spec({ ridge: { lambda: [1] } }, [10000, 10000]);
    const d = await check('large', text);
    assert.equal(d.length, 1, JSON.stringify(d));
    assert.equal(d[0]?.code, 'advice/large-cost');
    const cost = predictionCost(models(text));
    assert.ok(cost.seconds > 30, `the cost model's ${cost.seconds} s is not "large": the case tests nothing`);
    assert.equal(messageOf(d[0]!), `this prediction is large: ${formatSeconds(cost.seconds)} and ${formatBytes(cost.bytes)} of memory (the layer recursion and eigenvalues grow as width^3)`);
    const line = text.split('\n').findIndex((l) => l.includes('"width": 10000'));
    assert.equal(d[0]?.range.start.line, line);
  });

  it('a small spec gets no cost advice', async () => {
    assert.deepEqual(await check('small', spec({ ridge: { lambda: [1] } }, [300, 300])), []);
  });

  it("an expensive simulate section: information on its key with the cost model's time and memory", async () => {
    const text = spec({ ridge: { lambda: [1] }, simulate: { n: [5000, 20000], repeats: 50, testSamples: 20000 } }, [2000]);
    const d = await check('simulate', text);
    const s = d.find((x) => x.code === 'advice/simulation-cost');
    assert.ok(s, JSON.stringify(d));
    assert.equal(s.severity, 3);
    const [model] = models(text);
    assert.ok(model);
    const seconds = simulationSeconds(model, 50, 'samples');
    const ratio = Math.round(seconds / predictionCost([model]).seconds);
    assert.equal(
      messageOf(s),
      `the "simulate" section will take ${formatSeconds(seconds)} and ${formatBytes(8 * simulationFootprint(model, 'samples').doubles)} when run, ` +
        `${ratio}x the prediction (fewer repeats, testSamples or large n make it cheaper)`,
    );
  });
});
