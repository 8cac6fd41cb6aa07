/**
 * The language server as the extension starts it: the esbuild bundle `dist/server.js` (with its
 * compute worker `dist/worker.js` beside it) on plain Node with `--no-liftoff`, outside the
 * repository's node_modules and out/: a spec opened over JSON-RPC gets its diagnostics and the
 * prediction payload the preview draws; the preview's Cancel stops a run.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CANCEL_NOTIFICATION } from '../../server/src/protocol';
import { TestServer } from '../lsp/harness';
import { repoRoot } from '../support/paths';

describe('the bundled language server (dist/server.js)', () => {
  let server: TestServer;

  before(async () => {
    // Node's flags as client/src/languageClient.ts gives them (SERVER_EXEC_ARGV).
    server = new TestServer({ argv: ['--no-liftoff', join(repoRoot, 'dist/server.js'), '--stdio'] });
    await server.start();
  });

  after(async () => {
    await server?.stop();
  });

  it('validates and predicts an example: the payload carries what the preview needs', async () => {
    const path = join(repoRoot, 'examples/random-features.rainbow.json');
    const uri = pathToFileURL(path).href;
    server.open(uri, readFileSync(path, 'utf8'));
    assert.deepEqual(await server.diagnosticsOf(uri), []);
    const done = await server.waitForPrediction((p) => p.uri === uri && p.status === 'done', 120_000);
    const payload = done.payload;
    assert.ok(payload);
    assert.equal(payload.features, 800);
    assert.equal(payload.riskInputs?.[0]?.eigenvalues.length, 800);
    assert.equal(payload.riskInputs?.[0]?.psiProjections.length, 800);
    assert.equal(payload.layers[0]?.eigenvalues?.length, 800);
    assert.equal(payload.points.length, 80);
  });

  it('stops a running prediction on rainbow/cancel and says so', async () => {
    const path = join(repoRoot, 'test/webview/fixtures/wide-relu.rainbow.json');
    const uri = pathToFileURL(path).href;
    server.open(uri, readFileSync(path, 'utf8'));
    await server.waitForPrediction((p) => p.uri === uri && p.status === 'computing');
    void server.connection.sendNotification(CANCEL_NOTIFICATION, { uri });
    const end = await server.waitForPrediction((p) => p.uri === uri && p.status !== 'computing', 60_000);
    assert.equal(end.status, 'cancelled');
    assert.equal(end.message, 'cancelled by the user');
  });
});
