/**
 * The language server's compute worker (worker_threads): runs the engine's prediction and
 * simulation generators off the server's event loop (core's runToEnd) and posts progress after every
 * stage. The server stops a run by terminating the worker (13-24 ms, at any point of a long kernel)
 * and switches to a warm spare (server/src/lsp/runner.ts).
 *
 * At start it runs a tiny prediction, so that the WebAssembly kernels are compiled and the
 * pipeline's code is hot before the first real run, and then says it is ready.
 */
import { parentPort } from 'node:worker_threads';
import {
  predictionJson,
  predictionSteps,
  runToEnd,
  simulationJson,
  simulationSteps,
  type PredictionOutcome,
  type Progress,
  type SimulationOutcome,
  type SimulationProgress,
  type SpecHost,
} from './core';
import { installHugePageAdvice } from './hugePages';
import { startKernelThreads } from './kernelThreads';
import { diskHost, editorHost, explainRefusals, type FileAccess } from './lsp/overlay';
import type { FromWorker, RunJob, ToWorker } from './lsp/workerMessages';

const port = parentPort;
if (!port) throw new Error('server/src/worker.ts runs as a worker thread of the language server');

const post = (message: FromWorker): void => port.postMessage(message);

const WARMUP_SPEC = JSON.stringify({
  kind: 'experiment',
  input: { dimension: 24 },
  teacher: { kind: 'linear', noise: 0.1 },
  student: { layers: [{ width: 32, activation: 'tanh' }, { width: 40, activation: 'relu' }] },
  ridge: { lambda: [0.01] },
  samples: { n: [10, 50] },
});

// Large products share tiles with a helper thread on the second core (results are identical).
installHugePageAdvice();
const threads = startKernelThreads();

const STAGES = ['weights', 'moments', 'spectrum', 'curve', 'optimal'];

function progressOf(p: Progress | SimulationProgress): { stage: string; message: string; fraction: number } {
  if ('completed' in p) return { stage: p.stage, message: `${p.message} (${p.completed}/${p.total})`, fraction: p.total > 0 ? p.completed / p.total : 0 };
  const within = Math.max(0, STAGES.indexOf(p.stage)) / STAGES.length;
  return { stage: p.stage, message: p.runs > 1 ? `${p.message} (sweep value ${p.run + 1} of ${p.runs})` : p.message, fraction: (p.run + within) / Math.max(1, p.runs) };
}

/** The disk host of the last access policy, kept with its .npy cache while the policy holds. */
let disk: { key: string; host: SpecHost } | undefined;
function diskFor(access: FileAccess): SpecHost {
  const key = JSON.stringify(access);
  if (disk?.key !== key) disk = { key, host: diskHost(access) };
  return disk.host;
}

function run(job: RunJob): void {
  const started = performance.now();
  const { host } = editorHost(diskFor(job.access), new Map(job.overlay));
  if (process.env.RAINBOW_FAULT_INJECTION === 'worker-crash' && job.text.includes('"crash the worker"')) {
    // Fault injection for the server's crash handling (tests only): an exception nobody catches.
    setImmediate(() => {
      throw new Error('injected worker crash');
    });
    return;
  }
  const report = (progress: Progress | SimulationProgress): void => post({ type: 'progress', id: job.id, progress: progressOf(progress) });
  const outcome: PredictionOutcome | SimulationOutcome =
    job.kind === 'predict'
      ? // The preview plots every layer's spectrum: keep the eigenvalue arrays (the CLI's --eigenvalues).
        runToEnd(predictionSteps(job.text, job.file, host, undefined, { layerSpectra: true }), report)
      : runToEnd(
          simulationSteps(job.text, job.file, host, {
            ...(job.repeats === undefined ? {} : { repeats: job.repeats }),
            testEvaluation: job.exactTest ? 'population' : 'samples',
          }),
          report,
        );
  const problems = explainRefusals(outcome.problems, job.access, job.file);
  const result = outcome.result;
  const widest = Math.max(0, ...(result?.layers.map((l) => l.width) ?? []));
  const elapsedMs = performance.now() - started;
  if (job.kind === 'predict' || !result) {
    post({ type: 'result', id: job.id, problems, ...(result ? { prediction: predictionJson(result, true) } : {}), elapsedMs, widest });
  } else {
    post({ type: 'result', id: job.id, problems, simulation: simulationJson(result as NonNullable<SimulationOutcome['result']>, false), elapsedMs, widest });
  }
}

port.on('message', (message: ToWorker) => {
  try {
    run(message);
  } catch (error) {
    post({ type: 'failed', id: message.id, message: (error as Error).message });
  }
});

void (async () => {
  const started = performance.now();
  await threads.ready();
  const noFiles = diskHost({ trusted: false, roots: [], allowOutside: false, maxBytes: 0 });
  runToEnd(predictionSteps(WARMUP_SPEC, '/warmup.rainbow.json', noFiles));
  post({ type: 'ready', warmupMs: performance.now() - started });
})();
