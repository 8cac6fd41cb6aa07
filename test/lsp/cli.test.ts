/** `rainbow lsp` from the command line: a transport is required, and the usage says so. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/paths';

test('rainbow lsp without a transport: exit code 2 and the usage, no server started', () => {
  for (const args of [['lsp'], ['lsp', '--stdio', '--verbose']]) {
    const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'rainbow.js'), ...args], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /rainbow: lsp takes a transport: --stdio, --node-ipc or --socket=PORT/);
    assert.match(r.stderr, /rainbow lsp --stdio/);
    assert.equal(r.stdout, '');
  }
});
