/**
 * The hostile-input corpus (test/fixtures/hostile/README.md): every case runs `bin/rainbow.js` as a
 * real process on a temporary copy of its folder, and must end with the expected exit code and
 * problems (code and place), within its time and memory ceilings, without a stack trace or an
 * internal error. The ceilings are generous bounds against hangs, quadratic checks and unbounded
 * reads (an order of magnitude above the measured figures), not speed measurements.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { generate, type GenerateSetup } from '../support/hostileGenerators';
import { listedCases } from '../support/listing';
import { repoRoot } from '../support/paths';

const corpus = join(repoRoot, 'test', 'fixtures', 'hostile');
const preload = join(__dirname, '..', 'support', 'resources.js');

interface ExpectedProblem {
  code: string;
  file: string;
  line: number;
  column: number;
  severity?: 'error' | 'warning' | 'information';
  /** A substring of the message. */
  message?: string;
}

type Setup = GenerateSetup | { fifo: string } | { symlink: string; to: string };

interface Expectation {
  description?: string;
  command: 'validate' | 'predict' | 'simulate';
  /** The spec given on the command line: relative to the case folder, or absolute (/dev/zero). */
  spec: string;
  /** Further command-line arguments after the spec. */
  args?: string[];
  exit: number;
  /** The problem lines printed on stderr, in order (all of them, unless moreProblems). */
  problems: ExpectedProblem[];
  /** The listed problems are the first ones printed; more may follow. */
  moreProblems?: boolean;
  /** Substrings stderr must contain. */
  stderr?: string[];
  /** Substrings stdout must contain; without it stdout must be empty when the exit code is not 0. */
  stdout?: string[];
  maxSeconds: number;
  maxMiB: number;
  setup?: Setup | Setup[];
  /**
   * Send SIGINT (Ctrl-C) this many seconds after the start: the process must then end by the
   * signal, within maxSeconds in all (its memory is not measured: a killed process reports none).
   */
  interrupt?: number;
}

interface Ran {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  error?: Error;
}

/** Runs the CLI, sending SIGINT after `interrupt` seconds if given; kills it after `limit` seconds. */
function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv, limit: number, interrupt?: number): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timers = [setTimeout(() => child.kill('SIGKILL'), limit * 1000)];
    if (interrupt !== undefined) timers.push(setTimeout(() => child.kill('SIGINT'), interrupt * 1000));
    child.on('close', (status, signal) => {
      timers.forEach(clearTimeout);
      done({ status, signal, stdout, stderr, ...(signal === 'SIGKILL' ? { error: new Error(`killed after ${limit} s`) } : {}) });
    });
  });
}

interface Measured {
  name: string;
  seconds: number;
  mib: number;
}

const PROBLEM_LINE = /^(.+?):(\d+):(\d+): (error|warning|information) \[([^\]]+)\] (.*)$/;

function prepare(name: string, expectation: Expectation): string {
  const dir = mkdtempSync(join(tmpdir(), `rainbow-hostile-${name}-`));
  cpSync(join(corpus, name), dir, { recursive: true });
  rmSync(join(dir, 'expect.json'));
  const setups = expectation.setup === undefined ? [] : Array.isArray(expectation.setup) ? expectation.setup : [expectation.setup];
  for (const setup of setups) {
    if ('generate' in setup) {
      generate(join(dir, setup.file ?? 'spec.rainbow.json'), setup);
    } else if ('fifo' in setup) {
      const r = spawnSync('mkfifo', [join(dir, setup.fifo)]);
      assert.equal(r.status, 0, `mkfifo ${setup.fifo}: ${String(r.stderr)}`);
    } else if ('symlink' in setup) {
      symlinkSync(setup.to, join(dir, setup.symlink));
    } else {
      throw new Error(`${name}: unknown setup ${JSON.stringify(setup)}`);
    }
  }
  return dir;
}

const measured: Measured[] = [];
const names = listedCases(corpus, (name) => statSync(join(corpus, name)).isDirectory());

for (const name of names) {
  test(`hostile corpus: ${name}`, async (t) => {
    const expectation = JSON.parse(readFileSync(join(corpus, name, 'expect.json'), 'utf8')) as Expectation;
    const dir = prepare(name, expectation);
    try {
      const resources = join(dir, '.resources.json');
      const started = process.hrtime.bigint();
      const r = await runCli(
        ['--require', preload, join(repoRoot, 'bin', 'rainbow.js'), expectation.command, expectation.spec, ...(expectation.args ?? [])],
        dir,
        { ...process.env, RAINBOW_TEST_RESOURCES: resources },
        // A hang is a failure, not a stuck test run.
        expectation.maxSeconds * 5 + 20,
        expectation.interrupt,
      );
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      assert.equal(r.error, undefined, `${name}: ${String(r.error)} after ${seconds.toFixed(1)} s`);
      if (expectation.interrupt !== undefined) {
        assert.equal(r.signal, 'SIGINT', `${name}: the process should end by Ctrl-C, ended with exit code ${String(r.status)}`);
      } else {
        const usage = existsSync(resources) ? (JSON.parse(readFileSync(resources, 'utf8')) as { maxRssKiB: number }) : undefined;
        assert.ok(usage, `${name}: the process reported no resource usage (killed by ${String(r.signal)}?)`);
        const mib = usage.maxRssKiB / 1024;
        measured.push({ name, seconds, mib });
        t.diagnostic(`${seconds.toFixed(2)} s, ${mib.toFixed(0)} MiB peak resident memory`);
        assert.ok(mib <= expectation.maxMiB, `${name}: ${mib.toFixed(0)} MiB, over the ceiling of ${expectation.maxMiB} MiB`);
      }

      const stderr = r.stderr;
      assert.doesNotMatch(stderr, /\n\s+at /, `${name}: stack trace on stderr:\n${stderr.slice(0, 2000)}`);
      assert.doesNotMatch(stderr, /internal error/, `${name}: internal error:\n${stderr.slice(0, 2000)}`);
      if (expectation.interrupt === undefined) assert.equal(r.status, expectation.exit, `${name}: exit code\n${stderr.slice(0, 2000)}`);

      const printed = stderr.split('\n').map((line) => PROBLEM_LINE.exec(line)).filter((m) => m !== null);
      const shown = printed.map((m) => ({ file: m[1], line: Number(m[2]), column: Number(m[3]), severity: m[4], code: m[5], message: m[6] as string }));
      const compared = expectation.moreProblems ? shown.slice(0, expectation.problems.length) : shown;
      assert.equal(compared.length, expectation.problems.length, `${name}: problems printed\n${stderr.slice(0, 2000)}`);
      expectation.problems.forEach((want, i) => {
        const got = compared[i]!;
        const { message, ...place } = want;
        assert.deepEqual({ file: got.file, line: got.line, column: got.column, code: got.code, ...(want.severity ? { severity: got.severity } : {}) }, place, `${name}: problem ${i + 1}`);
        if (message !== undefined) assert.ok(got.message.includes(message), `${name}: problem ${i + 1} says "${got.message}", expected "${message}" in it`);
      });
      for (const part of expectation.stderr ?? []) assert.ok(stderr.includes(part), `${name}: stderr lacks "${part}":\n${stderr.slice(0, 2000)}`);
      if (expectation.stdout) for (const part of expectation.stdout) assert.ok(r.stdout.includes(part), `${name}: stdout lacks "${part}"`);
      else if (expectation.exit !== 0) assert.equal(r.stdout, '', `${name}: stdout should be empty when the exit code is ${expectation.exit}`);

      assert.ok(seconds <= expectation.maxSeconds, `${name}: ${seconds.toFixed(2)} s, over the ceiling of ${expectation.maxSeconds} s`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

// Registered last, so it runs after every case (top-level tests run in order).
test('hostile corpus: the worst time and memory', (t) => {
  if (measured.length === 0) return;
  const slowest = measured.reduce((a, b) => (b.seconds > a.seconds ? b : a));
  const largest = measured.reduce((a, b) => (b.mib > a.mib ? b : a));
  const line = `${measured.length} cases measured; slowest ${slowest.name} ${slowest.seconds.toFixed(2)} s; largest ${largest.name} ${largest.mib.toFixed(0)} MiB`;
  t.diagnostic(line);
  console.log(`hostile corpus: ${line}`);
});
