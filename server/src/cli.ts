/**
 * `rainbow predict | validate | schema`: a thin adapter that reads files, runs the engine and
 * prints. Problems go to stderr as `file:line:column: severity [code] message`; exit codes:
 * 0 success, 1 problems in the spec or its results, 2 wrong usage.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { predict } from './core/prediction';
import { formatProblem, type Problem } from './core/problems';
import { loadExperiment } from './core/spec/load';
import { rainbowSchema } from './core/spec/schema.generated';
import { predictionJson, predictionTables } from './cli/report';
import { nodeHost } from './nodeHost';

const USAGE = `usage:
  rainbow predict SPEC.rainbow.json [--json] [--eigenvalues]
      predicted test, generalisation and training error of ridge regression on the
      network's features (tables, or the JSON of the format's output contract)
  rainbow validate SPEC.rainbow.json...
      check specs (syntax, schema, files, references) without computing
  rainbow schema
      print the JSON Schema of the .rainbow.json format
`;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const stdio: Io = {
  out: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  err: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
};

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  try {
    return run(argv, io);
  } catch (error) {
    // Reaching this is a bug in Rainbow Lab, not a user mistake: one line, no stack trace.
    io.err(`rainbow: internal error: ${(error as Error).message}`);
    return 70;
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
      if (bad || files.length !== 1) return usage(io, bad ? `unknown option ${bad}` : 'predict takes one spec file');
      return predictCommand(files[0] as string, flags.has('--json'), flags.has('--eigenvalues'), io);
    }
    case 'validate': {
      const bad = unknownFlag([]);
      if (bad || files.length === 0) return usage(io, bad ? `unknown option ${bad}` : 'validate takes at least one spec file');
      return Math.max(...files.map((f) => validateCommand(f, io)));
    }
    case 'schema':
      io.out(JSON.stringify(rainbowSchema, null, 2));
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      return usage(io, `unknown command "${command}"`);
  }
}

function usage(io: Io, why: string): number {
  io.err(`rainbow: ${why}\n${USAGE}`);
  return 2;
}

function readSpec(file: string, io: Io): { path: string; text: string } | undefined {
  const path = resolve(file);
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.err(`${file}: cannot read the spec (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (code ?? 'unreadable')})`);
    return undefined;
  }
}

function printProblems(problems: Problem[], io: Io): void {
  for (const p of problems) io.err(formatProblem({ ...p, file: displayPath(p.file) }));
}

function displayPath(path: string): string {
  const r = relative(process.cwd(), path);
  return r.startsWith('..') ? path : r;
}

function predictCommand(file: string, json: boolean, eigenvalues: boolean, io: Io): number {
  const spec = readSpec(file, io);
  if (!spec) return 1;
  const outcome = predict(spec.text, spec.path, nodeHost);
  printProblems(outcome.problems, io);
  const failed = outcome.problems.some((p) => p.severity === 'error');
  if (outcome.result) io.out(json ? JSON.stringify(predictionJson(outcome.result, eigenvalues), null, 2) : predictionTables(outcome.result));
  else if (!failed) io.err(`${displayPath(spec.path)}: a network file has nothing to predict; run predict on an experiment that uses it`);
  return failed || !outcome.result ? 1 : 0;
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
