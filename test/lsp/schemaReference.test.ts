/**
 * Specs that name the schema with "$schema" (every bundled example does) get the same editing help
 * as specs without it: the JSON service must resolve the reference to the format's schema instead
 * of finding no schema at all.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CompletionList, Hover } from 'vscode-languageserver-types';
import { repoRoot } from '../support/paths';
import { fileUri, TestServer } from './harness';

const SHIPPED = readFileSync(join(repoRoot, 'examples', 'random-features.rainbow.json'), 'utf8');
const EMPTY_ACTIVATION = SHIPPED.replace('"activation": "relu"', '"activation": ""');

function at(text: string, needle: string, offset = 0): { line: number; character: number } {
  const index = text.indexOf(needle);
  assert.ok(index >= 0, `${needle} not found`);
  const lines = text.slice(0, index + offset).split('\n');
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

describe('specs with a "$schema" reference', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rainbow-lsp-schema-'));
  const file = join(dir, 'referenced.rainbow.json');
  writeFileSync(file, EMPTY_ACTIVATION);
  const uri = fileUri(file);
  let server: TestServer;

  before(async () => {
    assert.match(SHIPPED, /"\$schema": "\.\.\/schemas\/rainbow\.schema\.json"/);
    server = new TestServer({ folders: [dir], settings: { debounceMs: 0, predict: 'off' } });
    await server.start();
    server.open(uri, EMPTY_ACTIVATION);
    await server.diagnosticsOf(uri);
  });
  after(() => server.stop());

  it('completes every activation name inside an empty "activation" value', async () => {
    const list = (await server.request('textDocument/completion', {
      textDocument: { uri },
      position: at(EMPTY_ACTIVATION, '"activation": ""', '"activation": "'.length),
    })) as CompletionList;
    const labels = list.items.map((item) => item.label);
    for (const name of ['tanh', 'relu', 'erf', 'sign', 'linear', 'sigmoid', 'gelu', 'silu', 'softplus', 'sin']) {
      assert.ok(labels.includes(`"${name}"`), `"${name}" in ${labels.join(' ')}`);
    }
  });

  it('shows the schema description on hover over a key', async () => {
    const hover = (await server.request('textDocument/hover', { textDocument: { uri }, position: at(EMPTY_ACTIVATION, '"ridge"', 2) })) as Hover | null;
    assert.ok(hover, 'no hover on "ridge"');
    assert.ok(JSON.stringify(hover.contents).length > 20, `hover too short: ${JSON.stringify(hover.contents)}`);
  });
});
