/**
 * Reproducibility across JavaScript engines: the seeded streams, the weights drawn from them and
 * reproducibleMath's exp and log give the same bits in Node and in headless Chromium (a different
 * V8, whose Math.exp and Math.log differ from Node's in the last bits), and a whole prediction
 * agrees to a stated tolerance. The page runs test/browser/reproducibility.ts bundled by esbuild,
 * the same source this process imports.
 *
 * Needs Debian's chromium (`apt-get install -y chromium`, or CHROMIUM_PATH); without it the tests
 * skip with that message, except in CI (CI=true), where a missing browser is a failure.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from '../support/paths';
import { drawStream, mathGrid, predictSpec, type PagePrediction } from './reproducibility';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const missing = !existsSync(CHROMIUM);
if (missing && process.env.CI === 'true') throw new Error(`CI: chromium not found at ${CHROMIUM} (apt-get install -y chromium)`);
const skip = missing && `chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`;

/**
 * Largest relative difference allowed between the two engines' predictions: their activations and
 * Hermite quadrature use each engine's Math.exp, Math.tanh, ..., which differ in the last bits.
 * Measured: see the diagnostic this test prints (README, "Reproducibility").
 */
const PREDICTION_TOLERANCE = 1e-12;
/**
 * The optimal penalty minimises a test error that is flat (quadratic) at its minimum, so a rounding
 * difference e in the test error moves the located minimum by about sqrt(e): the optimal lambda (and
 * the quantities read at it: kappa, training error) agree only to this relative tolerance, while
 * the test error there agrees to PREDICTION_TOLERANCE.
 */
const OPTIMAL_LAMBDA_TOLERANCE = 1e-5;
/** Fields of an optimal-lambda point that move to first order with the located optimum. */
const AT_LOCATED_OPTIMUM = new Set(['lambda', 'effectiveRegularization', 'trainError']);

const STRUCTURED_SPEC = JSON.stringify({
  kind: 'experiment',
  seed: 5,
  input: { dimension: 60, covariance: { powerLaw: 0.4 } },
  teacher: { kind: 'network', network: { layers: [{ id: 'V1', width: 80, activation: 'relu', weights: { gaussian: { rowCovariance: { spiked: { strength: 3, rank: 2 } } } } }] }, noise: 0.1 },
  student: {
    layers: [
      { id: 'W1', width: 80, activation: 'tanh', weights: { gaussian: { rowCovariance: { powerLaw: 0.3 }, scale: 0.7 }, plus: [{ layer: 'V1', scale: 0.5 }] } },
      { id: 'W2', width: 90, activation: 'erf', weights: { gaussian: { rowCovariance: { inverseGram: { layer: 'W1', shift: 0.5 } } } } },
      { id: 'W3', width: 90, activation: 'relu', weights: { gaussian: { rowCovariance: { gram: { layer: 'W2', shift: 0.1 } } } } },
      { id: 'W4', width: 90, activation: 'tanh', weights: { sameAs: 'W3' } },
    ],
  },
  ridge: { lambda: [1e-3, 'optimal'], convention: 'mean' },
  samples: { from: 10, to: 2000, points: 25 },
});

interface PredictionJson {
  points: { optimal?: true }[];
}

/**
 * The largest relative differences between two engines' predictions: over every number except the
 * fields of optimal-lambda points listed in AT_LOCATED_OPTIMUM, and over those.
 */
function predictionDifferences(a: PredictionJson, b: PredictionJson): { values: { value: number; path: string }; optimalLambda: { value: number; path: string } } {
  const strip = (j: PredictionJson): PredictionJson => ({
    ...j,
    points: j.points.map((p) => (p.optimal ? Object.fromEntries(Object.entries(p).filter(([k]) => !AT_LOCATED_OPTIMUM.has(k))) : p)),
  });
  const located = (j: PredictionJson): unknown[] => j.points.filter((p) => p.optimal).map((p) => Object.entries(p).filter(([k]) => AT_LOCATED_OPTIMUM.has(k)));
  return { values: largestRelativeDifference(strip(a), strip(b)), optimalLambda: largestRelativeDifference(located(a), located(b), '$.points[optimal]') };
}

type Api = { drawStream: typeof drawStream; mathGrid: typeof mathGrid; predictSpec: typeof predictSpec };

/** Index of the first differing double of two hexadecimal dumps, or -1. */
function firstDifference(a: string, b: string): number {
  if (a === b) return -1;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return Math.floor(i / 16);
}

/** Counts doubles that differ between two hexadecimal dumps. */
function differingCount(a: string, b: string): number {
  let count = 0;
  for (let i = 0; i < a.length; i += 16) if (a.slice(i, i + 16) !== b.slice(i, i + 16)) count++;
  return count;
}

/** Largest relative difference |a - b| / max(|a|, |b|) over every number of two JSON values of the same shape. */
function largestRelativeDifference(a: unknown, b: unknown, path = '$'): { value: number; path: string } {
  if (typeof a === 'number' && typeof b === 'number') {
    const scale = Math.max(Math.abs(a), Math.abs(b));
    return { value: scale === 0 ? 0 : Math.abs(a - b) / scale, path };
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = Object.keys(a);
    assert.deepEqual(keys, Object.keys(b), `the same fields at ${path}`);
    let worst = { value: 0, path };
    for (const k of keys) {
      const d = largestRelativeDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`);
      if (d.value > worst.value) worst = d;
    }
    return worst;
  }
  assert.equal(a, b, `the same value at ${path}`);
  return { value: 0, path };
}

describe('reproducibility between Node and Chromium', { skip }, () => {
  let browser: Browser;
  let page: Page;
  const inPage = <R, A>(f: (api: Api, arg: A) => R, arg: A): Promise<R> =>
    page.evaluate(([source, a]) => new Function('api', 'arg', `return (${source})(api, arg)`)((globalThis as unknown as { reproducibility: Api }).reproducibility, a), [f.toString(), arg] as const) as Promise<R>;

  before(async () => {
    const bundle = await build({
      entryPoints: [join(repoRoot, 'test/browser/reproducibility.ts')],
      bundle: true,
      format: 'iife',
      globalName: 'reproducibility',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
    page = await browser.newPage();
    await page.addScriptTag({ content: bundle.outputFiles[0]?.text ?? '' });
  });

  after(async () => {
    await browser?.close();
  });

  it('draw the same bits: 10^5 normals, then 1000 uniforms and 1000 integers, of five streams', async () => {
    const streams: [number, string][] = [[1, 'student/W1/Z'], [42, 'teacher/beta'], [7, 'simulation/train/0'], [2 ** 40 + 3, 'student/W2/Z'], [0, '']];
    for (const [seed, label] of streams) {
      const node = drawStream(seed, label, 100_000);
      const browserDraws = await inPage((api, [s, l]) => api.drawStream(s, l, 100_000), [seed, label] as [number, string]);
      assert.equal(browserDraws.length, node.length);
      assert.equal(firstDifference(node, browserDraws), -1, `seed ${seed}, label "${label}": first differing draw`);
    }
  });

  it("compute the same exp and log with reproducibleMath (where the engines' Math.exp and Math.log may differ)", async (t) => {
    const node = mathGrid();
    const browserGrid = await inPage((api) => api.mathGrid(), 0);
    assert.equal(firstDifference(node.exp, browserGrid.exp), -1, 'exp: first differing argument');
    assert.equal(firstDifference(node.log, browserGrid.log), -1, 'log: first differing argument');
    t.diagnostic(
      `of 20000 arguments, Math.exp differs between the engines on ${differingCount(node.mathExp, browserGrid.mathExp)}, ` +
        `Math.log on ${differingCount(node.mathLog, browserGrid.mathLog)}`,
    );
  });

  /**
   * A bundled example, and a small spec with every kind of structured weights (power-law and
   * spiked row covariances, gram and inverse-gram rows, plus terms, shared weights) and an
   * optimal-lambda curve.
   */
  const cases: { name: string; files: () => Record<string, string>; file: string }[] = [
    {
      name: 'examples/random-features.rainbow.json',
      file: '/examples/random-features.rainbow.json',
      files: () => ({ '/examples/random-features.rainbow.json': readFileSync(join(repoRoot, 'examples/random-features.rainbow.json'), 'utf8') }),
    },
    {
      name: 'structured weights (powerLaw, spiked, gram, inverseGram, plus, sameAs) with the optimal lambda',
      file: '/structured.rainbow.json',
      files: () => ({ '/structured.rainbow.json': STRUCTURED_SPEC }),
    },
  ];
  for (const c of cases) {
    it(`draw bit-identical weights and predict within the stated tolerances: ${c.name}`, async (t) => {
      const files = c.files();
      const node = predictSpec(files, c.file);
      const browserRun: PagePrediction = await inPage((api, [f, s]) => api.predictSpec(f, s), [files, c.file] as [Record<string, string>, string]);
      assert.deepEqual(node.problems, []);
      assert.deepEqual(browserRun.problems, []);
      assert.equal(browserRun.backend, node.backend, 'the same kernels in both');
      assert.deepEqual(Object.keys(browserRun.weights).sort(), Object.keys(node.weights).sort());
      assert.ok(Object.keys(node.weights).length >= 1, 'weights drawn');
      for (const [id, hex] of Object.entries(node.weights)) assert.equal(firstDifference(hex, browserRun.weights[id] as string), -1, `weights ${id}: first differing entry`);
      const worst = predictionDifferences(node.json as PredictionJson, browserRun.json as PredictionJson);
      t.diagnostic(
        `largest relative difference Node vs Chromium: ${worst.values.value.toExponential(2)} (${worst.values.path}); ` +
          `optimal penalties ${worst.optimalLambda.value.toExponential(2)} (${worst.optimalLambda.path})`,
      );
      assert.ok(worst.values.value <= PREDICTION_TOLERANCE, `relative difference ${worst.values.value} at ${worst.values.path}`);
      assert.ok(worst.optimalLambda.value <= OPTIMAL_LAMBDA_TOLERANCE, `optimal lambda: relative difference ${worst.optimalLambda.value} at ${worst.optimalLambda.path}`);
    });
  }
});
