/**
 * `npm run bench -- lsp`: the language server as an editor feels it, through a real server process
 * over JSON-RPC (test/lsp/harness.ts). Measures and reports; asserts nothing.
 *
 * - diagnostics latency for a valid and a broken 100-line spec (debounce 0: from didChange sent to
 *   publishDiagnostics received, so an upper bound of the server's time after the debounce);
 * - save -> rainbow/prediction for scenario S1 (d = 1000, tanh 1000 -> tanh 1000, 200 n x 4
 *   lambdas + optimal) against the same prediction in this process;
 * - hover and completion round trips while scenario S2 (two layers of 2000) computes;
 * - cancellation: worker.terminate() during a long kernel, a fresh worker's time to ready, and the
 *   longest stage (what stopping at stage boundaries would cost);
 * - the server's memory (RSS) idle, after S2, and after the worker was replaced.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadavg } from 'node:os';
import { predict, predictionJson } from '../../server/src/core';
import { installHugePageAdvice } from '../../server/src/hugePages';
import { startKernelThreads } from '../../server/src/kernelThreads';
import { nodeHost } from '../../server/src/nodeHost';
import type { FromWorker, RunJob } from '../../server/src/lsp/workerMessages';
import { repoRoot } from '../support/paths';
import { fileUri, TestServer } from '../lsp/harness';
import { writeScenario } from './scenarios';

const log = (line: string): void => void process.stderr.write(`${line}\n`);

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
}

function summary(values: number[]): string {
  return `median ${quantile(values, 0.5).toFixed(1)} ms, p95 ${quantile(values, 0.95).toFixed(1)} ms, max ${Math.max(...values).toFixed(1)} ms (${values.length} runs)`;
}

/** A valid experiment of about 100 lines: 20 layers, one property per line. */
function hundredLineSpec(seed: number): string {
  const layers = Array.from({ length: 20 }, (_, i) => `      {\n        "id": "W${i + 1}",\n        "width": ${40 + i},\n        "activation": "${i % 2 ? 'relu' : 'tanh'}"\n      }`);
  return `{\n  "kind": "experiment",\n  "title": "one hundred lines",\n  "seed": ${seed},\n  "input": { "dimension": 30 },\n  "teacher": { "kind": "linear", "noise": 0.1 },\n  "student": {\n    "layers": [\n${layers.join(',\n')}\n    ]\n  },\n  "ridge": { "lambda": [0.01, 0.1] },\n  "samples": { "n": [10, 100, 1000] }\n}\n`;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function diagnosticsLatency(dir: string): Promise<Record<string, number[]>> {
  const server = new TestServer({ folders: [dir], settings: { debounceMs: 0, predict: 'off' } });
  await server.start();
  const uri = fileUri(join(dir, 'hundred.rainbow.json'));
  server.open(uri, hundredLineSpec(0));
  await server.diagnosticsOf(uri);
  const out: Record<string, number[]> = { valid: [], broken: [] };
  for (let i = 1; i <= 60; i++) {
    const broken = i % 2 === 0;
    const text = broken ? hundredLineSpec(i).replace('"width": 45', '"width": "wide"').replace('"relu"', '"rleu"') : hundredLineSpec(i);
    const t0 = performance.now();
    server.change(uri, text);
    const d = await server.diagnosticsOf(uri);
    (broken ? out.broken : out.valid)?.push(performance.now() - t0);
    if (broken !== d.length > 0) throw new Error(`unexpected diagnostics: ${JSON.stringify(d)}`);
  }
  await server.stop();
  return out;
}

async function saveToPrediction(dir: string, specFile: string, runs: number): Promise<{ wall: number[]; engine: number[]; inProcess: number[] }> {
  const text = readFileSync(specFile, 'utf8');
  // In this process, as the CLI computes it (helper thread, huge pages), with the layer spectra the payload carries.
  installHugePageAdvice();
  const threads = startKernelThreads();
  await threads.ready();
  const inProcess: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const t0 = performance.now();
    const outcome = predict(text, specFile, nodeHost, undefined, { layerSpectra: true });
    if (outcome.result) predictionJson(outcome.result, true);
    if (i > 0) inProcess.push(performance.now() - t0); // the first run compiles and warms up
  }
  await threads.stop();

  const server = new TestServer({ folders: [dir], settings: { debounceMs: 0, predict: 'onSave', timeLimitSeconds: 600 } });
  await server.start();
  const uri = fileUri(specFile);
  server.open(uri, text);
  await server.waitForPrediction((p) => p.uri === uri && p.version === 1 && p.status !== 'computing', 600_000);
  const wall: number[] = [];
  const engine: number[] = [];
  for (let i = 0; i < runs; i++) {
    const version = server.change(uri, text.replace(/\n$/, '') + '\n'.repeat(i + 2));
    const t0 = performance.now();
    server.save(uri);
    const done = await server.waitForPrediction((p) => p.uri === uri && p.version === version && p.status !== 'computing', 600_000);
    wall.push(performance.now() - t0);
    engine.push(done.elapsedMs ?? NaN);
  }
  await server.stop();
  return { wall, engine, inProcess };
}

async function responsiveness(dir: string, specFile: string): Promise<{ hover: number[]; completion: number[]; rss: Record<string, number> }> {
  const server = new TestServer({ folders: [dir], settings: { debounceMs: 0, predict: 'onSave', timeLimitSeconds: 600 } });
  await server.start();
  const uri = fileUri(specFile);
  const text = readFileSync(specFile, 'utf8');
  const pid = server.process.pid as number;
  // Idle with warm workers (the spare and the active one compile the kernels at start).
  const warm = fileUri(join(dir, 'warm.rainbow.json'));
  server.open(warm, hundredLineSpec(1));
  await server.waitForPrediction((p) => p.uri === warm && p.status !== 'computing');
  server.close(warm);
  const rss: Record<string, number> = { idleWarm: rssMiB(pid) };
  server.open(uri, text);
  await server.waitForPrediction((p) => p.uri === uri && p.status === 'computing' && p.progress !== undefined);
  const hover: number[] = [];
  const completion: number[] = [];
  const line = text.split('\n').findIndex((l) => l.includes('"activation"'));
  const character = (text.split('\n')[line] ?? '').indexOf('"activation"') + 2;
  let finished = false;
  const end = server.waitForPrediction((p) => p.uri === uri && p.status !== 'computing', 600_000).then((p) => {
    finished = true;
    return p;
  });
  while (!finished) {
    let t0 = performance.now();
    await server.request('textDocument/hover', { textDocument: { uri }, position: { line, character } });
    hover.push(performance.now() - t0);
    t0 = performance.now();
    await server.request('textDocument/completion', { textDocument: { uri }, position: { line, character } });
    completion.push(performance.now() - t0);
  }
  await end;
  rss.afterLargeRun = rssMiB(pid);
  // The worker that ran p = 2000 is replaced; give the collector a moment, then measure idle again.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  rss.idleAfterLargeRun = rssMiB(pid);
  await server.stop();
  return { hover, completion, rss };
}

/** Raw worker measurements: ready time of a fresh worker, terminate latency in the middle of a kernel, stage lengths. */
async function cancellation(specFile: string): Promise<{ readyMs: number[]; terminateMs: number[]; stageMs: Record<string, number> }> {
  const entry = join(repoRoot, 'out', 'server', 'src', 'worker.js');
  const text = readFileSync(specFile, 'utf8');
  const readyMs: number[] = [];
  const terminateMs: number[] = [];
  const stageMs: Record<string, number> = {};
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    const worker = new Worker(entry);
    const stages: { stage: string; at: number }[] = [];
    let resolveReady!: () => void;
    let resolveDone!: () => void;
    const ready = new Promise<void>((r) => (resolveReady = r));
    const done = new Promise<void>((r) => (resolveDone = r));
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') resolveReady();
      else if (m.type === 'progress') stages.push({ stage: m.progress.stage, at: performance.now() });
      else resolveDone();
    });
    await ready;
    readyMs.push(performance.now() - t0);
    const job: RunJob = { type: 'run', id: 1, kind: 'predict', text, file: specFile, overlay: [], access: { trusted: true, roots: [repoRoot], allowOutside: true, maxBytes: 2 ** 30 } };
    worker.postMessage(job);
    if (round === 0) {
      // A full run: how long each stage takes (stopping at stage boundaries waits for the current one).
      const start = performance.now();
      await done;
      const ends = [...stages.map((s) => s.at).slice(1), performance.now()];
      stages.forEach((s, i) => (stageMs[s.stage] = (stageMs[s.stage] ?? 0) + ((ends[i] as number) - s.at)));
      stageMs.total = performance.now() - start;
    } else {
      // Stop it in the middle of the spectrum stage (a long WebAssembly kernel).
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (stages.some((s) => s.stage === 'spectrum')) {
            clearInterval(check);
            setTimeout(resolve, 150);
          }
        }, 5);
      });
    }
    const t1 = performance.now();
    await worker.terminate();
    if (round > 0) terminateMs.push(performance.now() - t1);
  }
  return { readyMs, terminateMs, stageMs };
}

export async function runLspBench(argv: string[]): Promise<number> {
  const quick = argv.includes('--quick');
  const folder = join(repoRoot, '.bench');
  const s1 = writeScenario('S1', folder).specs[0]?.file as string;
  const s2 = writeScenario('S2', folder).specs[0]?.file as string;
  const loadBefore = loadavg();
  log('lsp: diagnostics latency (100-line spec)');
  const diagnostics = await diagnosticsLatency(folder);
  log('lsp: save -> rainbow/prediction, S1');
  const save = await saveToPrediction(folder, s1, quick ? 2 : 5);
  log('lsp: hover and completion while S2 computes; memory');
  const live = await responsiveness(folder, s2);
  log('lsp: cancellation (terminate vs stage boundaries), S2');
  const cancel = await cancellation(s2);
  const loadAfter = loadavg();

  const median = (v: number[]): number => quantile(v, 0.5);
  const out = process.stdout;
  out.write(`\nLanguage server (load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')} before, ${loadAfter.map((x) => x.toFixed(2)).join(' ')} after)\n\n`);
  out.write(`diagnostics, valid 100-line spec:   ${summary(diagnostics.valid ?? [])}  (target < 50 ms)\n`);
  out.write(`diagnostics, broken 100-line spec:  ${summary(diagnostics.broken ?? [])}  (target < 50 ms)\n`);
  out.write(
    `save -> rainbow/prediction, S1:     wall ${summary(save.wall)}; engine in the worker median ${median(save.engine).toFixed(0)} ms; ` +
      `in-process engine median ${median(save.inProcess).toFixed(0)} ms; ratio wall / in-process ${(median(save.wall) / median(save.inProcess)).toFixed(2)} (target <= 1.3)\n`,
  );
  out.write(`hover while S2 computes:            ${summary(live.hover)}  (target < 50 ms)\n`);
  out.write(`completion while S2 computes:       ${summary(live.completion)}  (target < 50 ms)\n`);
  out.write(`server RSS: idle with warm workers ${live.rss.idleWarm?.toFixed(0)} MiB, after S2 ${live.rss.afterLargeRun?.toFixed(0)} MiB, idle 3 s later ${live.rss.idleAfterLargeRun?.toFixed(0)} MiB\n`);
  out.write(
    `cancellation: worker.terminate() during the spectrum kernel ${cancel.terminateMs.map((x) => x.toFixed(0)).join(', ')} ms; ` +
      `fresh worker ready (engine loaded, kernels compiled, warm-up run) ${cancel.readyMs.map((x) => x.toFixed(0)).join(', ')} ms; ` +
      `S2 stages (what a stop at stage boundaries waits for): ${Object.entries(cancel.stageMs).map(([k, v]) => `${k} ${v.toFixed(0)} ms`).join(', ')}\n`,
  );
  const results = { loadBefore, loadAfter, diagnostics, save, live, cancel };
  const file = join(folder, 'lsp-results.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  out.write(`results: ${file}\n`);
  return 0;
}
