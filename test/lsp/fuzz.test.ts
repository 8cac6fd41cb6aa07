/**
 * Robustness: thousands of random edits of a valid spec (truncations, garbage, huge numbers, deep
 * nesting, random deletions and duplications) with requests of every kind in between. Every
 * request must be answered, the last version must get its diagnostics, and the server must stay
 * alive with nothing on stderr. Seeded, so a failure replays; bounded in edits and in time.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/paths';
import { fileUri, TestServer } from './harness';

/** xorshift32: small, seeded, enough for choosing edits. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

const EDITS = 3000;
const TIME_BUDGET_MS = 60_000;
const GARBAGE = ['{', '}', '[', ']', ',', ':', '"', '\\', 'null', 'true', '1e400', '-1e-400', '9'.repeat(400), 'NaN', '\u0000', '\u2028', '😀', '"sameAs": "W1"', '"layers": []', '"kind": "network"', '//', '/*', '\t', '\r\n'];
const REQUESTS = [
  'textDocument/completion',
  'textDocument/hover',
  'textDocument/definition',
  'textDocument/references',
  'textDocument/documentSymbol',
  'textDocument/foldingRange',
  'textDocument/selectionRange',
  'textDocument/codeAction',
  'textDocument/codeLens',
  'textDocument/inlayHint',
  'textDocument/documentLink',
  'textDocument/formatting',
];

test(`${EDITS} random edits: every request answered, the server alive and quiet`, async () => {
  const valid = readFileSync(join(repoRoot, 'examples', 'correlated-rainbow.rainbow.json'), 'utf8');
  const dir = mkdtempSync(join(tmpdir(), 'rainbow-lsp-fuzz-'));
  const uri = fileUri(join(dir, 'fuzz.rainbow.json'));
  const rand = random(20261207);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const server = new TestServer({ folders: [dir], settings: { debounceMs: 0, predict: 'off' } });
  await server.start();
  server.open(uri, valid);
  let text = valid;
  const started = Date.now();
  let edits = 0;
  let requests = 0;
  try {
    for (; edits < EDITS && Date.now() - started < TIME_BUDGET_MS; edits++) {
      const at = Math.floor(rand() * (text.length + 1));
      switch (Math.floor(rand() * 8)) {
        case 0: text = text.slice(0, at); break; // truncation
        case 1: text = text.slice(0, at) + pick(GARBAGE) + text.slice(at); break;
        case 2: text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 40)); break; // deletion
        case 3: text = text.slice(0, at) + '['.repeat(1 + Math.floor(rand() * 20000)) + text.slice(at); break; // deep nesting
        case 4: text = text.replace(/\d+(\.\d+)?/, () => pick(['1e308', '-0', '0', '123456789012345678901234567890', '1e-320', '4.9e-324'])); break;
        case 5: text = text.slice(0, at) + text.slice(Math.max(0, at - 200), at) + text.slice(at); break; // duplication
        case 6: text = valid; break; // back to a valid spec now and then
        default: text = text.slice(0, at) + String.fromCharCode(Math.floor(rand() * 0xffff)) + text.slice(at);
      }
      // Keep the document within a size an editor would send; the server itself bounds nothing else.
      if (text.length > 400_000) text = text.slice(0, 400_000);
      server.change(uri, text);
      if (edits % 5 === 0) {
        const method = pick(REQUESTS);
        const lines = text.split('\n');
        const line = Math.floor(rand() * lines.length);
        const character = Math.floor(rand() * ((lines[line] ?? '').length + 1));
        const position = { line, character };
        const range = { start: position, end: position };
        const params =
          method === 'textDocument/references'
            ? { textDocument: { uri }, position, context: { includeDeclaration: true } }
            : method === 'textDocument/selectionRange'
              ? { textDocument: { uri }, positions: [position] }
              : method === 'textDocument/codeAction'
                ? { textDocument: { uri }, range, context: { diagnostics: server.diagnostics.get(uri)?.diagnostics ?? [] } }
                : method === 'textDocument/inlayHint'
                  ? { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } } }
                  : method === 'textDocument/formatting'
                    ? { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }
                    : { textDocument: { uri }, position };
        await server.request(method, params, 20_000);
        requests++;
      }
    }
    // The last version gets its verdict.
    await server.diagnosticsOf(uri, 30_000);
    assert.ok(server.alive, 'the server died');
    assert.equal(server.stderr, '');
    assert.ok(edits >= 1000, `only ${edits} edits in the time budget`);
    assert.ok(requests >= edits / 5 - 1);
    // Nothing internal escaped as a diagnostic either.
    assert.ok(!server.published.some((p) => p.diagnostics.some((d) => d.code === 'internal/error')), 'an internal error was published');
  } finally {
    await server.stop();
  }
});
