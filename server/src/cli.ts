/**
 * `rainbow predict | simulate | validate | schema`: a thin adapter that reads files, runs the engine and
 * prints. Problems go to stderr as `file:line:column: severity [code] message`; exit codes:
 * 0 success, 1 problems in the spec or its results, 2 wrong usage, 70 an internal error (a bug in
 * Rainbow Lab: no input should reach it).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import {
  formatProblem,
  loadExperiment,
  predict,
  predictionJson,
  rainbowSchema,
  readSpecFile,
  simulate,
  simulationJson,
  type Problem,
} from './core';
import { progressReporter } from './cli/progress';
import { predictionTables, simulationTables } from './cli/report';
import { printable } from './cli/table';
import { installHugePageAdvice } from './hugePages';
import { startKernelThreads, takeEarlyKernelThreads } from './kernelThreads';
import { nodeHost } from './nodeHost';

const USAGE = `usage:
  rainbow predict SPEC.rainbow.json [--json] [--eigenvalues]
      predicted test, generalisation and training error of ridge regression on the
      network's features (tables, or the JSON of the format's output contract)
  rainbow simulate SPEC.rainbow.json [--json] [--repeats R] [--exact-test] [--timings]
      Monte-Carlo check of the prediction at the spec's "simulate" sizes: ridge fits on
      simulated data through the same network, mean and spread over R repetitions
      (--repeats overrides the spec; --exact-test uses the exact expected test error where
      it is known: data rows, or linear networks; --timings adds time per stage)
  rainbow validate SPEC.rainbow.json...
      check specs (syntax, schema, files, references) without computing
  rainbow schema
      print the JSON Schema of the .rainbow.json format
  rainbow --version
      print the version
  rainbow lsp --stdio
      the language server (diagnostics, completion, predictions on save) for any
      editor that speaks the Language Server Protocol (also --node-ipc, --socket=PORT)
`;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** A transient status line (overwritten by the next one); absent when nobody watches. */
  status?: (s: string) => void;
}

const stdio: Io = {
  out: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  err: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
  ...(process.stderr.isTTY ? { status: (s: string) => process.stderr.write(`\r\x1b[K${s}`) } : {}),
};

/** Commands that run the engine's kernels (and so use helper threads). */
function isHeavyCommand(argv: readonly string[]): boolean {
  return argv[0] === 'predict' || argv[0] === 'simulate';
}

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  // predict and simulate share large matrix products with a helper thread on the second core
  // (started by the launcher before the CLI loaded, if it ran through bin/rainbow.js); it joins as
  // soon as it has started, and the results are the same with or without it.
  if (argv[0] === 'lsp') return languageServer(argv.slice(1), io);
  const heavy = isHeavyCommand(argv);
  const early = takeEarlyKernelThreads();
  const threads = heavy ? (early ?? startKernelThreads()) : undefined;
  if (!heavy) await early?.stop();
  // Huge pages for the large matrices (Linux, optional addon): fewer page faults, same numbers.
  if (heavy) installHugePageAdvice();
  try {
    return run(argv, io);
  } catch (error) {
    // Reaching this is a bug in Rainbow Lab, not a user mistake: one line, no stack trace.
    io.err(`rainbow: internal error: ${(error as Error).message}`);
    return 70;
  } finally {
    await threads?.stop();
  }
}

function run(argv: string[], io: Io): number {
  const [command, ...rest] = argv;
  const flags = new Set(rest.filter((a) => a.startsWith('--')));
  const files = rest.filter((a) => !a.startsWith('--'));
  const unknownFlag = (allowed: string[]): string | undefined => [...flags].find((f) => !allowed.includes(f));

  switch (command) {
    case 'predict': {
      const bad = unknownFlag(['--json', '--eigenvalues']);
      if (!bad && files.length > 1) return usage(io, `predict takes one spec file, got also ${files.slice(1).map((f) => JSON.stringify(f)).join(', ')}`);
      if (bad || files.length !== 1) return usage(io, bad ? `unknown option ${bad}` : 'predict takes one spec file');
      return predictCommand(files[0] as string, flags.has('--json'), flags.has('--eigenvalues'), io);
    }
    case 'simulate': {
      const parsed = simulateArguments(rest);
      if (typeof parsed === 'string') return usage(io, parsed);
      return simulateCommand(parsed, io);
    }
    case 'validate': {
      const bad = unknownFlag([]);
      if (bad || files.length === 0) return usage(io, bad ? `unknown option ${bad}` : 'validate takes at least one spec file');
      return Math.max(...files.map((f) => validateCommand(f, io)));
    }
    case 'schema':
      if (rest.length > 0) return usage(io, `schema takes no arguments, got ${JSON.stringify(rest[0])}`);
      io.out(JSON.stringify(rainbowSchema, null, 2));
      return 0;
    case '--version':
    case '-v':
    case 'version':
      if (rest.length > 0) return usage(io, `${command} takes no arguments, got ${JSON.stringify(rest[0])}`);
      io.out(`rainbow ${version()}`);
      return 0;
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return 0;
    case undefined:
      return usage(io, 'a command is needed');
    default:
      return usage(io, `unknown command "${command}"`);
  }
}

/** Serves LSP until the client says exit (the server ends the process then); never resolves. */
function languageServer(args: string[], io: Io): Promise<number> {
  const transport = args.filter((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket=') || a.startsWith('--pipe=') || a.startsWith('--clientProcessId='));
  if (transport.length !== args.length || !transport.some((a) => !a.startsWith('--clientProcessId='))) {
    return Promise.resolve(usage(io, 'lsp takes a transport: --stdio, --node-ipc or --socket=PORT'));
  }
  // Loaded only here: the other commands do not need the LSP libraries.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  (require('./lsp/server') as typeof import('./lsp/server')).startServer();
  return new Promise<number>(() => undefined);
}

/** The version in the package.json above this module (out/server/src or a bundle in dist/). */
function version(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (manifest.name === 'rainbow-lab' && manifest.version) return manifest.version;
  }
  return 'unknown';
}

function usage(io: Io, why: string): number {
  io.err(`rainbow: ${why}\n${USAGE}`);
  return 2;
}

function readSpec(file: string, io: Io): { path: string; text: string } | undefined {
  const path = resolve(file);
  const read = readSpecFile(nodeHost, path);
  if (read.ok) return { path, text: read.text };
  printProblems([read.problem], io);
  return undefined;
}

function printProblems(problems: Problem[], io: Io): void {
  for (const p of problems) io.err(formatProblem({ ...p, file: displayPath(p.file) }));
}

/** A path as the user would type it from here, with control characters escaped (file names come from specs too). */
function displayPath(path: string): string {
  const r = relative(process.cwd(), path);
  return printable(r.startsWith('..') ? path : r);
}

function predictCommand(file: string, json: boolean, eigenvalues: boolean, io: Io): number {
  const spec = readSpec(file, io);
  if (!spec) return 1;
  // The hidden layers' eigenvalue arrays are kept only for --eigenvalues (their summaries always).
  const outcome = predict(spec.text, spec.path, nodeHost, progressReporter('predict', io, () => performance.now()), { layerSpectra: eigenvalues });
  io.status?.('');
  printProblems(outcome.problems, io);
  const failed = outcome.problems.some((p) => p.severity === 'error');
  // Tables of nothing are noise after an error: print only a result with points.
  if (outcome.result && outcome.result.points.length === 0) return 1;
  if (outcome.result) io.out(json ? JSON.stringify(predictionJson(outcome.result, eigenvalues), null, 2) : predictionTables(outcome.result));
  else if (!failed) io.err(`${displayPath(spec.path)}: a network file has nothing to predict; run predict on an experiment that uses it`);
  return failed || !outcome.result ? 1 : 0;
}

interface SimulateArguments {
  file: string;
  json: boolean;
  repeats: number | undefined;
  exactTest: boolean;
  timings: boolean;
}

/** The arguments of `simulate`, or what is wrong with them. */
function simulateArguments(args: string[]): SimulateArguments | string {
  const files: string[] = [];
  const parsed: Omit<SimulateArguments, 'file'> = { json: false, repeats: undefined, exactTest: false, timings: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--json') parsed.json = true;
    else if (arg === '--exact-test') parsed.exactTest = true;
    else if (arg === '--timings') parsed.timings = true;
    else if (arg === '--repeats' || arg.startsWith('--repeats=')) {
      const value = arg === '--repeats' ? args[++i] : arg.slice('--repeats='.length);
      const r = Number(value);
      if (value === undefined || !Number.isInteger(r) || r < 1 || r > 1000) return `--repeats takes an integer from 1 to 1000${value === undefined ? '' : `, got "${value}"`}`;
      parsed.repeats = r;
    } else if (arg.startsWith('--')) return `unknown option ${arg}`;
    else files.push(arg);
  }
  if (files.length !== 1) return 'simulate takes one spec file';
  return { file: files[0] as string, ...parsed };
}

function simulateCommand(args: SimulateArguments, io: Io): number {
  const spec = readSpec(args.file, io);
  if (!spec) return 1;
  const onProgress = progressReporter('simulate', io, () => performance.now());
  const outcome = simulate(
    spec.text,
    spec.path,
    nodeHost,
    {
      ...(args.repeats === undefined ? {} : { repeats: args.repeats }),
      testEvaluation: args.exactTest ? 'population' : 'samples',
      ...(args.timings ? { clock: () => performance.now() } : {}),
    },
    onProgress,
  );
  io.status?.('');
  printProblems(outcome.problems, io);
  const failed = outcome.problems.some((p) => p.severity === 'error');
  const result = outcome.result;
  if (result && result.simulation.length > 0) {
    io.out(args.json ? JSON.stringify(simulationJson(result, args.timings), null, 2) : simulationTables(result));
    const t = result.simulationTimings;
    if (args.timings && t && !args.json) {
      const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
      io.err(`time: setup ${seconds(t.setup)}, features ${seconds(t.features)}, Gram/kernel ${seconds(t.gram)}, factorisation ${seconds(t.factorisation)}, test evaluation ${seconds(t.evaluation)}` + (t.population > 0 ? `, population moments ${seconds(t.population)}` : ''));
    }
  } else if (!result && !failed) {
    io.err(`${displayPath(spec.path)}: a network file has nothing to simulate; run simulate on an experiment that uses it`);
  }
  return failed || !result || result.simulation.length === 0 ? 1 : 0;
}

function validateCommand(file: string, io: Io): number {
  const spec = readSpec(file, io);
  if (!spec) return 1;
  const loaded = loadExperiment(spec.text, spec.path, nodeHost);
  printProblems(loaded.problems, io);
  const failed = loaded.problems.some((p) => p.severity === 'error');
  if (!failed) io.out(`${displayPath(spec.path)}: ok`);
  return failed ? 1 : 0;
}
