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
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Locator } from 'playwright-core';
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

/** The activation names the schema offers (the completion list must contain all of them). */
function activationNames(): string[] {
  const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'rainbow.schema.json'), 'utf8')) as {
    $defs: { activationName: { enum: string[] } };
  };
  return schema.$defs.activationName.enum;
}

/** The part of a canvas element this test reads (the test compiles without the DOM library). */
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

/**
 * How much of a canvas is painted, how many distinct colours it has (a plain fill has one or two;
 * axes, labels and antialiased curves have dozens), and a fingerprint of its pixels (to see a redraw).
 */
interface Painting {
  painted: number;
  colours: number;
  fingerprint: number;
}

function painting(canvas: Locator): Promise<Painting> {
  return canvas.evaluate((element) => {
    const c = element as unknown as CanvasLike;
    const pixels = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? [];
    let painted = 0;
    let fingerprint = 0;
    const colours = new Set<number>();
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i + 3] !== 0) painted += 1;
      if (colours.size < 1000) colours.add(((pixels[i] * 256 + pixels[i + 1]) * 256 + pixels[i + 2]) * 256 + pixels[i + 3]);
      fingerprint = (Math.imul(fingerprint, 31) + pixels[i] + 7 * pixels[i + 1] + 13 * pixels[i + 2] + 17 * pixels[i + 3]) | 0;
    }
    return { painted, colours: colours.size, fingerprint };
  });
}

/** Waits until `read` returns a value `accept` takes (a condition on the page, polled with a deadline). */
async function until<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = APPEAR_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} (last seen: ${JSON.stringify(last)})`);
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

  /** The window a step drives: on failure its screenshot shows what the user would have seen. */
  let current: Workbench | undefined;

  function step(title: string, body: () => Promise<void>): void {
    it(title, { timeout: STEP_MS }, async () => {
      current = bench;
      try {
        await body();
      } catch (error) {
        const shot = await current?.screenshot(`FAILED-step-${title.split('.')[0]}`).catch(() => undefined);
        if (shot) console.log(`failure screenshot: ${shot}`);
        throw error;
      }
    });
  }

  step('1. shows a schema error in the Problems panel with its message, at its line', async () => {
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

  step('2. after the fix is saved, shows the predicted test error in a code lens and the status item', async () => {
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

  step('3. Open Preview to the Side draws spectra and learning curves, and a saved lambda redraws the curve', async () => {
    await bench.command('Rainbow Lab: Open Preview to the Side');
    const view = bench.webview();
    const learning = view.locator('canvas#chart-learningCurve');
    const spectra = view.locator('canvas#chart-spectra');
    await learning.waitFor({ timeout: APPEAR_MS });
    await spectra.waitFor({ timeout: APPEAR_MS });
    await until('painted charts', async () => [await painting(learning), await painting(spectra)], (p) => p.every((c) => c.painted > 1000 && c.colours > 20));
    // The legend's labels, as the data-table view lists them (chart.js draws the legend itself).
    // The editor and the plots, without the Problems panel below them.
    await bench.command('View: Hide Panel');
    await learning.scrollIntoViewIfNeeded();
    await bench.screenshot('preview-beside-the-editor');
    await view.locator('#opt-tables').check();
    const headers = view.locator('.learningCurve, section.chart').locator('table.data th');
    await until('legend labels of both penalties', () => headers.allInnerTexts(), (t) => t.includes('λ = 0.001') && t.includes('λ = 0.1'));

    const before = await painting(learning);
    await bench.replaceTextAndSave(shipped.replace('"lambda": [0.001, 0.1]', '"lambda": [0.03, 0.1]'));
    await until('the new penalty in the legend', () => headers.allInnerTexts(), (t) => t.includes('λ = 0.03') && !t.includes('λ = 0.001'));
    await until('the learning curves redrawn', () => painting(learning), (p) => p.painted > 1000 && p.fingerprint !== before.fingerprint);
    await learning.scrollIntoViewIfNeeded();
    await bench.screenshot('preview-after-lambda-change');
  });

  step('4. completion offers the activation names, and a quick fix repairs a misspelt key', async () => {
    const emptyActivation = shipped.replace('"activation": "relu"', '"activation": ""');
    await bench.replaceText(emptyActivation);
    const at = position(emptyActivation, '"activation": ""', '"activation": "'.length);
    await bench.goTo(at.line, at.column);
    const suggestions = bench.page.locator('.editor-widget.suggest-widget .monaco-list-row');
    const names = activationNames();
    // Ctrl+Space asks for completion; like a user, ask again if no list has appeared after a while
    // (a request made while the server was still handling the edit can come back empty).
    let asked = 0;
    const offered = await until(
      'the activation names in the completion list',
      async () => {
        const rows = await suggestions.allInnerTexts();
        if (rows.length === 0 && Date.now() - asked > 3000) {
          await bench.page.keyboard.press('Control+Space');
          asked = Date.now();
        }
        return rows;
      },
      (rows) => names.every((name) => rows.some((row) => row.includes(name))),
    );
    assert.ok(offered.length >= names.length);
    await bench.screenshot('completion-of-activation-names');
    await bench.page.keyboard.press('Escape');

    const misspelt = shipped.replace('"width": 800', '"widht": 800');
    await bench.replaceTextAndSave(misspelt);
    const rows = await bench.openProblems();
    await rows.filter({ hasText: 'unknown property "widht"' }).first().waitFor({ timeout: APPEAR_MS });
    const key = position(misspelt, '"widht"', 2);
    await bench.goTo(key.line, key.column);
    await bench.page.keyboard.press('Control+.');
    const fix = bench.page.locator('.action-widget .monaco-list-row', { hasText: /width/ }).first();
    await fix.waitFor({ timeout: APPEAR_MS });
    await bench.screenshot('quick-fix-for-misspelt-key');
    // The menu opens with its first fix focused; move to the one for the key if needed, and apply.
    for (let moves = 0; moves < 10 && !(await fix.getAttribute('class'))?.includes('focused'); moves += 1) await bench.page.keyboard.press('ArrowDown');
    assert.match((await fix.getAttribute('class')) ?? '', /focused/);
    await bench.page.keyboard.press('Enter');
    await bench.save();
    await until('the repaired key on disk', async () => readFileSync(firstPath, 'utf8'), (text) => text === shipped);
    await rows.filter({ hasText: 'widht' }).first().waitFor({ state: 'detached', timeout: APPEAR_MS });
  });

  step('5. Run Simulation draws simulation points over the curve', async () => {
    const view = bench.webview();
    const learning = view.locator('canvas#chart-learningCurve');
    const before = await painting(learning);
    await bench.focusEditor();
    await bench.command('Rainbow Lab: Run Simulation');
    // The run shows a progress notification until the simulation's result reaches the panel.
    const progress = bench.page.locator('.notification-toast', { hasText: `Simulating ${FIRST}` });
    await progress.waitFor({ timeout: APPEAR_MS });
    await progress.waitFor({ state: 'detached', timeout: 2 * APPEAR_MS });
    assert.equal(await bench.page.locator('.notification-toast', { hasText: 'Simulation' }).count(), 0, 'the simulation reported a problem');
    // What the page draws from: its CSV export carries one row per simulated (lambda, n).
    // The save dialog proposes a file beside the spec; accept it.
    const csvFiles = () => readdirSync(session.trustedFolder).filter((name) => name.endsWith('.csv'));
    assert.deepEqual(csvFiles(), []);
    await view.getByRole('button', { name: 'Export CSV' }).click();
    const pathInput = bench.page.locator('.quick-input-widget .quick-input-box input');
    await pathInput.waitFor({ timeout: APPEAR_MS });
    await until('the proposed file name', () => pathInput.inputValue(), (value) => value.endsWith('.csv'));
    await bench.page.keyboard.press('Enter');
    const [csvName] = await until('the exported CSV', async () => csvFiles(), (names) => names.length > 0);
    const csv = await until('the CSV written', async () => readFileSync(join(session.trustedFolder, csvName), 'utf8'), (text) => text.endsWith('\n'));
    const simulated = csv.split('\n').filter((line) => line.startsWith('simulation,'));
    const ns = [200, 600, 1600, 3200];
    assert.equal(simulated.length, ns.length * 2, `simulation rows in the CSV:\n${csv}`);
    for (const row of simulated) {
      const cells = row.split(',');
      assert.ok(ns.includes(Number(cells[5])), `n of ${row}`);
      const testError = Number(cells[6]);
      assert.ok(Number.isFinite(testError) && testError > 0, `test error of ${row}`);
    }
    // ... and the dots with their error bars are drawn over the curves.
    await until('the learning curves redrawn with the dots', () => painting(learning), (p) => p.fingerprint !== before.fingerprint);
    await learning.scrollIntoViewIfNeeded();
    await bench.screenshot('simulation-points-over-the-curves');
  });

  step('6. an untrusted workspace shows validation but computes nothing', async () => {
    writeFileSync(join(session.untrustedFolder, FIRST), shipped.replace('"activation": "relu"', '"activation": "rleu"'));
    const untrusted = new Workbench(await (await session.newContext()).newPage(), session.screenshots);
    current = untrusted;
    await untrusted.open(session.url, session.untrustedFolder, false);
    // The valid spec first: trusted, it would be predicted as soon as it opens.
    await untrusted.openFile(SPEC);
    const status = await untrusted.languageStatus();
    await status.filter({ hasText: 'Rainbow: validation only' }).waitFor({ timeout: APPEAR_MS });
    await untrusted.page.keyboard.press('Escape');
    // The server handles documents in order: once the second spec's diagnostics are shown, the first
    // one has been handled too, and it must have produced no prediction.
    await untrusted.openFile(FIRST);
    const rows = await untrusted.openProblems();
    await rows.filter({ hasText: 'unknown activation "rleu"' }).first().waitFor({ timeout: APPEAR_MS });
    await untrusted.screenshot('untrusted-validation-only');
    await untrusted.openFile(SPEC);
    assert.equal(await untrusted.codeLenses().filter({ hasText: /test error/ }).count(), 0);
    assert.match(await (await untrusted.languageStatus()).innerText(), /validation only/);
    assert.doesNotMatch(await untrusted.statusBar().innerText(), /test error/);
    await untrusted.page.close();
  });
});
