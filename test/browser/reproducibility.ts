/**
 * What test/browser/rng.test.ts computes on both engines: the same functions run in Node (imported)
 * and in Chromium (bundled by esbuild into the page), and their answers compared. Pure: no Node, no
 * DOM, so that one source serves both sides.
 */
import { predictionSteps, predictionJson } from '../../server/src/core';
import { linalgBackend } from '../../server/src/core/linalg/backend';
import { Random } from '../../server/src/core/rng';
import { exp, log } from '../../server/src/core/reproducibleMath';
import { memoryHost } from '../support/memoryHost';

/** The bytes of the numbers, big-endian, as hexadecimal: equal strings mean equal bits. */
export function hexOf(values: Float64Array): string {
  const view = new DataView(values.buffer, values.byteOffset, values.byteLength);
  let out = '';
  for (let i = 0; i < values.length; i++) {
    out += view.getUint32(8 * i).toString(16).padStart(8, '0') + view.getUint32(8 * i + 4, false).toString(16).padStart(8, '0');
  }
  return out;
}

/** `count` normals of one stream, then uniforms and integers in [0, 1000) of the next part of it. */
export function drawStream(seed: number, label: string, count: number): string {
  const r = Random.stream(seed, label);
  const normals = r.fillNormal(new Float64Array(count));
  const rest = new Float64Array(2000);
  for (let i = 0; i < 1000; i++) rest[i] = r.uniform();
  for (let i = 1000; i < 2000; i++) rest[i] = r.integer(1000);
  return hexOf(normals) + hexOf(rest);
}

/** exp and log of reproducibleMath on a fixed grid spanning their ranges (the engines' Math.exp and Math.log differ on some). */
export function mathGrid(): { exp: string; log: string; mathExp: string; mathLog: string } {
  const n = 20000;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = -740 + (1449 * i) / n + 1e-3 * (i % 7);
    ys[i] = exp(-700 + (1400 * i) / n) * (1 + 0.37 * ((i * 7919) % 101) / 101);
  }
  const map = (v: Float64Array, f: (x: number) => number): Float64Array => v.map(f);
  return { exp: hexOf(map(xs, exp)), log: hexOf(map(ys, log)), mathExp: hexOf(map(xs, Math.exp)), mathLog: hexOf(map(ys, Math.log)) };
}

export interface PagePrediction {
  backend: string;
  /** Every weight matrix drawn, by layer id, as hexadecimal bytes. */
  weights: Record<string, string>;
  /** `rainbow predict --json --eigenvalues` of the spec. */
  json: unknown;
  problems: string[];
}

/** Predicts `files[file]` (an in-memory host) and keeps the drawn weights. */
export function predictSpec(files: Record<string, string>, file: string): PagePrediction {
  const weights: Record<string, string> = {};
  const steps = predictionSteps(files[file] as string, file, memoryHost(files), (run) => {
    for (const [id, w] of run.analysis.weights) weights[`${run.run}/${id}`] = hexOf(w.data);
  });
  let next = steps.next();
  while (!next.done) next = steps.next();
  const { result, problems } = next.value;
  return { backend: linalgBackend(), weights, json: result ? predictionJson(result, true) : null, problems: problems.map((p) => p.message) };
}
