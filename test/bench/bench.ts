/**
 * `npm run bench`: Rainbow Lab against the paper's NumPy pipeline on scenarios S1-S4 (see
 * README.md beside this file), and S5, the cost of exact moments (exactMoments.ts). Not a test: it
 * measures and reports, it does not assert.
 *
 *   node out/test/bench/bench.js [--only S1,S3,S5] [--repeats K] [--warm-runs W] [--no-numpy]
 *   node out/test/bench/bench.js --ablation [--only S1,S3] [--repeats K]
 *
 * Writes the specs and `results.json` into `.bench/` at the repository root.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { linalgBackend } from '../../server/src/core/linalg/backend';
import { repoRoot } from '../support/paths';
import { measureScenario, type Options, type ScenarioResult } from './measure';
import { numpyAvailable } from './processes';
import { exactMomentsTable, measureExactMoments } from './exactMoments';
import { comparisonTable, notes, stageTable } from './report';
import { SCENARIO_NAMES, SIMULATION_LAMBDAS, SWEEP_LAMBDAS, writeScenario, type ScenarioName } from './scenarios';
import { ABLATION_VARIANTS, ablationTable, measureAblation, type AblationResult } from './ablation';
import { installHugePageAdvice } from '../../server/src/hugePages';
import { startKernelThreads } from '../../server/src/kernelThreads';
import { runLspBench } from './lsp.bench';

const USAGE = 'usage: bench [--only S1,S2,S3,S4,S5] [--repeats K] [--warm-runs W] [--no-numpy] | bench --ablation [--only ...] [--repeats K] | bench lsp [--quick]';

interface Arguments {
  only: ScenarioName[];
  repeats: number;
  warmRuns: number;
  numpy: boolean;
  /** What each optional speed-up gains (ablation.ts) instead of the comparison with NumPy. */
  ablation: boolean;
  /** S5: the cost of exact moments (exactMoments.ts). */
  exactMoments: boolean;
}

function parseArguments(argv: string[]): Arguments {
  const args: Arguments = { only: [...SCENARIO_NAMES], repeats: 0, warmRuns: 5, numpy: true, ablation: false, exactMoments: true };
  const count = (flag: string, value: string | undefined): number => {
    const k = Number(value);
    if (!Number.isInteger(k) || k < 1) throw new Error(`${flag} needs a positive integer`);
    return k;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--only') {
      const names = (argv[++i] ?? '').split(',').map((s) => s.trim().toUpperCase());
      args.exactMoments = names.includes('S5');
      names.splice(0, names.length, ...names.filter((n) => n !== 'S5'));
      const bad = names.find((n) => !(SCENARIO_NAMES as readonly string[]).includes(n));
      if (bad !== undefined) throw new Error(`unknown scenario "${bad}" (known: ${SCENARIO_NAMES.join(', ')})`);
      args.only = names as ScenarioName[];
    } else if (a === '--repeats') args.repeats = count(a, argv[++i]);
    else if (a === '--warm-runs') args.warmRuns = count(a, argv[++i]);
    else if (a === '--no-numpy') args.numpy = false;
    else if (a === '--ablation') args.ablation = true;
    else throw new Error(`unknown option ${a}`);
  }
  // Unless given: one run per measurement, five alternating rounds for the ablation.
  if (args.repeats === 0) args.repeats = args.ablation ? 5 : 1;
  return args;
}

async function main(argv: string[]): Promise<number> {
  // `npm run bench -- lsp`: the language server's latencies (lsp.bench.ts).
  if (argv[0] === 'lsp') return runLspBench(argv.slice(1));
  let args: Arguments;
  try {
    args = parseArguments(argv);
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const folder = join(repoRoot, '.bench');
  if (args.ablation) return runAblation(args, folder);
  const numpy = args.numpy ? numpyAvailable() : { ok: false, why: '--no-numpy' };
  if (!numpy.ok) process.stderr.write(`bench: NumPy comparison skipped (${numpy.why})\n`);
  const options: Options = { repeats: args.repeats, warmRuns: args.warmRuns, numpy: numpy.ok };
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const fromSource = __filename.endsWith('.ts');
  if (fromSource) log('bench: running from source through tsx: process times include transpilation at start-up');

  // In-process runs use a kernel helper thread and huge-page advice, as the CLI does and the
  // language server will (RAINBOW_HUGE_PAGES=off turns the advice off, here and in the children).
  const hugePages = installHugePageAdvice();
  const threads = startKernelThreads();
  await threads.ready();
  // The machine may be shared: the load average before and after says how much the numbers mean.
  const loadBefore = loadavg();
  const results: ScenarioResult[] = [];
  for (const name of args.only) {
    const scenario = writeScenario(name, folder);
    log(`${name}: ${scenario.description}`);
    results.push(measureScenario(scenario, options, log));
  }
  // S5: what "moments": "exact" costs beside the linearisation (no NumPy counterpart).
  const exactMoments = args.exactMoments ? measureExactMoments(folder, Math.max(3, args.repeats), log) : [];
  await threads.stop();

  const loadAfter = loadavg();
  const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  const out = process.stdout;
  out.write(
    `\nRainbow Lab (${linalgBackend()} kernels, huge-page advice ${hugePages ? 'on' : 'off'}) vs the NumPy pipeline (${cpus().length} CPUs, Node ${process.version}; medians of ${args.repeats} run(s); ` +
      `load average ${load(loadBefore)} before, ${load(loadAfter)} after)\n\n`,
  );
  if (results.length > 0) {
    out.write(`${comparisonTable(results)}\n\n`);
    out.write(`${stageTable(results)}\n\n`);
  }
  for (const line of notes(results)) out.write(`${line}\n`);
  if (exactMoments.length > 0) out.write(`\nS5, exact moments against the linearisation (in process, warm, medians):\n${exactMomentsTable(exactMoments)}\n`);
  out.write(
    `\nours (s): wall time of the rainbow process, start-up included. S1-S3 are one spec each: 200 n x ` +
      `[4 lambdas, "optimal"], so Rainbow Lab computes the optimal lambda at all 200 sizes; NumPy computes it ` +
      `at 50 of them. NumPy runs with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed (its fastest kernel here).\n`,
  );

  const resultsFile = join(folder, 'results.json');
  const json = {
    machine: { cpus: cpus().length, availableParallelism: availableParallelism(), node: process.version, linalgBackend: linalgBackend(), hugePages, fromSource, loadBefore, loadAfter },
    options: { ...args, sweepLambdas: SWEEP_LAMBDAS, simulationLambdas: SIMULATION_LAMBDAS, convention: 'mean' },
    scenarios: results,
    exactMoments,
  };
  writeFileSync(resultsFile, `${JSON.stringify(json, null, 2)}\n`);
  out.write(`results: ${resultsFile}\n`);
  return results.every((r) => r.ours.ok) ? 0 : 1;
}

/** `--ablation`: each optional speed-up against its absence, whole processes, alternating rounds. */
function runAblation(args: Arguments, folder: string): number {
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const loadBefore = loadavg();
  const results: AblationResult[] = [];
  for (const name of args.only) {
    const scenario = writeScenario(name, folder);
    log(`${name}: ${scenario.description}`);
    results.push(measureAblation(scenario, ABLATION_VARIANTS, args.repeats, log));
  }
  const loadAfter = loadavg();
  const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  const out = process.stdout;
  out.write(
    `\nAblation (${cpus().length} CPUs, Node ${process.version}; ${args.repeats} alternating rounds; load average ${load(loadBefore)} before, ${load(loadAfter)} after)\n\n`,
  );
  out.write(`${ablationTable(results)}\n\n`);
  for (const v of ABLATION_VARIANTS) out.write(`${v.name}: ${v.description}\n`);
  const resultsFile = join(folder, 'ablation.json');
  writeFileSync(resultsFile, `${JSON.stringify({ machine: { cpus: cpus().length, node: process.version, loadBefore, loadAfter }, repeats: args.repeats, variants: ABLATION_VARIANTS, scenarios: results }, null, 2)}\n`);
  out.write(`results: ${resultsFile}\n`);
  return results.every((r) => r.error === undefined) ? 0 : 1;
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
