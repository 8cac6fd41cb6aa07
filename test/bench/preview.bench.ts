/**
 * The preview's live what-if at p = 4000 (part of `npm run bench`): what one slider frame costs.
 *   1. In Node, the recomputation alone (the engine's risk code, as the page bundles it), per slider.
 *   2. In headless Chromium (when installed), the page itself: frames per second while a slider is
 *      dragged one step per animation frame, and the page's render time per frame.
 * Reports, does not assert. The machine's load is printed beside the numbers: it matters.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { designOf, KappaMemory, lambdaCurves, lambdaRange, logGrid, theoryCurves, whatIfCurves } from '../../media/src/whatIf';
import type { PredictionPayload } from '../../server/src/protocol';
import { measureSliderFrames } from '../webview/frameRate';
import { findChromium, launchBrowser, openPreview, send, servePreview } from '../webview/harness';
import { payloadOf } from '../webview/payloads';

const SPEC = 'test/webview/fixtures/wide-relu.rainbow.json';
const REPEATS = 30;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function timeIt(run: (k: number) => void): number {
  const times: number[] = [];
  for (let k = 0; k < REPEATS; k++) {
    const t0 = performance.now();
    run(k);
    times.push(performance.now() - t0);
  }
  return median(times);
}

function nodeCosts(payload: PredictionPayload): void {
  const design = designOf(payload);
  const [lo, hi] = lambdaRange(design);
  const grid = logGrid(lo, hi, 61);
  const memory = new KappaMemory();
  const lambdaAt = (k: number) => lo * (hi / lo) ** (0.2 + (0.6 * k) / REPEATS);
  const noiseAt = (k: number) => design.noiseVariance * (0.5 + k / REPEATS);
  const nAt = (k: number) => Math.round(design.samples[0]! * (design.samples.at(-1)! / design.samples[0]!) ** (k / REPEATS));
  const rows: [string, number][] = [
    ['λ slider (what-if curve)', timeIt((k) => whatIfCurves(design, lambdaAt(k), design.noiseVariance, memory))],
    ['marked-n slider (λ plot, 61 penalties + optimum)', timeIt((k) => lambdaCurves(design, nAt(k), grid, design.noiseVariance, memory))],
    ['noise slider: fixed penalties, what-if, λ plot', timeIt((k) => {
      theoryCurves(design, noiseAt(k), { optimal: false, memory });
      whatIfCurves(design, lambdaAt(0), noiseAt(k), memory);
      lambdaCurves(design, nAt(0), grid, noiseAt(k), memory, { optimum: false });
    })],
    ['optimal-λ curve (deferred to release if slow)', timeIt((k) => theoryCurves(design, noiseAt(k), { optimal: true, memory }))],
    ['λ plot optimum (deferred to release if slow)', timeIt((k) => lambdaCurves(design, nAt(k), grid.slice(0, 2), noiseAt(k), undefined, { optimum: true }))],
  ];
  console.log(`\nPreview what-if, Node ${process.version}, p = ${design.features}, ${design.samples.length} sample sizes, penalties ${design.choices.join(', ')} (median of ${REPEATS}):`);
  for (const [what, ms] of rows) console.log(`  ${what.padEnd(52)} ${ms.toFixed(2).padStart(8)} ms`);
}

async function browserFrames(payload: PredictionPayload): Promise<void> {
  const chromium = findChromium();
  if ('missing' in chromium) {
    console.log(`\nPreview frame rate: skipped (${chromium.missing}).`);
    return;
  }
  const browser = await launchBrowser(chromium.path);
  const server = await servePreview();
  try {
    const { page } = await openPreview(browser, server);
    await send(page, { type: 'prediction', uri: 'file:///bench/wide-relu.rainbow.json', title: payload.title, version: 1, payload });
    console.log(`\nPreview frame rate in headless Chromium (software rendering), p = ${payload.features}, 120 frames per slider:`);
    for (const slider of ['lambda', 'noise', 'n'] as const) {
      const m = await measureSliderFrames(page, slider, 120);
      console.log(`  ${slider.padEnd(7)} ${m.fps.toFixed(1).padStart(6)} frames/s   render ${m.medianRenderMs.toFixed(1)} ms median, ${m.maxRenderMs.toFixed(1)} ms max`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

async function main(): Promise<void> {
  const payload = payloadOf(SPEC);
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  nodeCosts(payload);
  await browserFrames(payload);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
