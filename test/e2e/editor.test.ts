/**
 * End to end in the real VS Code workbench: the packaged VSIX in code-server, driven in headless
 * Chromium the way a newcomer would use it during the first five minutes. Steps run in order on
 * one window (each builds on the previous one); the untrusted workspace gets its own window.
 * Screenshots of every step go to .e2e/screenshots/ (printed at the start).
 *
 * Run with `npm run test:e2e` (builds the VSIX first); not part of `npm test`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from '../support/paths';
import { browserUnavailable } from './browser';
import { startSession, type Session } from './session';
import { APPEAR_MS, Workbench } from './workbench';

const SPEC = 'random-features.rainbow.json';
/** The step-by-step copy of SPEC the tests edit (SPEC itself stays as shipped). */
const FIRST = 'first-steps.rainbow.json';
const STEP_MS = 4 * 60_000;

const skip = browserUnavailable();

/** 1-based line and column of the first occurrence of `needle` in `text` (plus `offset` characters). */
function position(text: string, needle: string, offset = 0): { line: number; column: number } {
  const index = text.indexOf(needle);
  assert.ok(index >= 0, `"${needle}" not in the spec`);
  const before = text.slice(0, index + offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** Every test error the CLI predicts for a spec (the editor must show one of these numbers). */
function cliTestErrors(file: string): number[] {
  const json = execFileSync(process.execPath, [join(repoRoot, 'bin', 'rainbow.js'), 'predict', file, '--json'], { encoding: 'utf8' });
  return (JSON.parse(json) as { points: Array<{ testError: number }> }).points.map((point) => point.testError);
}

describe('Rainbow Lab in the VS Code workbench (code-server)', { skip }, () => {
  let session: Session;
  let bench: Workbench;
  let shipped: string;
  let firstPath: string;

  before(
    async () => {
      session = await startSession();
      console.log(`screenshots: ${session.screenshots}`);
      shipped = readFileSync(join(session.trustedFolder, SPEC), 'utf8');
      firstPath = join(session.trustedFolder, FIRST);
      // A newcomer's first mistake: a misspelt activation.
      writeFileSync(firstPath, shipped.replace('"activation": "relu"', '"activation": "rleu"'));
      const page = await (await session.newContext()).newPage();
      bench = new Workbench(page, session.screenshots);
      await bench.open(session.url, session.trustedFolder, true);
    },
    { timeout: 20 * 60_000 },
  );

  after(async () => {
    await session?.close();
  });

  it('1. shows a schema error in the Problems panel with its message, at its line', { timeout: STEP_MS }, async () => {
    const text = readFileSync(firstPath, 'utf8');
    const at = position(text, '"rleu"');
    await bench.openFile(FIRST);
    const rows = await bench.openProblems();
    const problem = rows.filter({ hasText: 'unknown activation "rleu"' }).first();
    await problem.waitFor({ timeout: APPEAR_MS });
    const label = (await problem.getAttribute('aria-label')) ?? '';
    assert.match(label, /did you mean "relu"\?/);
    assert.match(label, new RegExp(`at line ${at.line} and character ${at.column}\\b`));
    await bench.screenshot('schema-error-in-problems');
  });

  it('2. after the fix is saved, shows the predicted test error in a code lens and the status item', { timeout: STEP_MS }, async () => {
    await bench.replaceTextAndSave(shipped);
    const lens = bench.codeLenses().filter({ hasText: /test error/ }).first();
    await lens.waitFor({ timeout: APPEAR_MS });
    const lensText = await lens.innerText();
    const shown = Number(/test error ([0-9.e+-]+)/.exec(lensText)?.[1]);
    assert.ok(Number.isFinite(shown), `no number in the code lens "${lensText}"`);
    const predicted = cliTestErrors(join(session.trustedFolder, SPEC));
    // The lens rounds to a few significant digits: it must be one of the CLI's numbers so rounded.
    assert.ok(
      predicted.some((value) => Math.abs(value - shown) <= 5e-4 * Math.abs(value)),
      `code lens "${lensText}" matches none of the CLI's test errors`,
    );
    const status = await bench.languageStatus();
    await status.filter({ hasText: /Rainbow: test error [0-9.e+-]+ at n = \d+/ }).waitFor({ timeout: APPEAR_MS });
    assert.doesNotMatch(await status.innerText(), /stale/);
    await bench.screenshot('prediction-in-code-lens-and-status');
    await bench.page.keyboard.press('Escape');
  });
});
