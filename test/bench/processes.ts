/**
 * Whole processes, timed from spawn to exit (start-up included), one at a time: `rainbow` through
 * measuredRainbow (peak memory reported by the child itself) and the NumPy pipeline (which prints
 * its own peak memory and stage times).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { repoRoot } from '../support/paths';

export interface ProcessRun {
  ok: boolean;
  /** Spawn to exit, seconds. */
  wallSeconds: number;
  /** Peak resident set size in MiB, as the child reported it (null if it could not). */
  peakMB: number | null;
  /** `rainbow` children only: their CPU time (user + system, seconds) and minor page faults. */
  cpuSeconds?: number;
  pageFaults?: number;
  stdout: string;
  /** The first lines of stderr, or why the process failed. */
  error?: string;
}

const fromSource = __filename.endsWith('.ts');
const MAX_BUFFER = 256 * 2 ** 20;

function timed(command: string, args: string[], env: NodeJS.ProcessEnv): { wallSeconds: number; status: number | null; stdout: string; stderr: string; spawnError?: Error } {
  const t0 = performance.now();
  const r = spawnSync(command, args, { cwd: repoRoot, env, encoding: 'utf8', maxBuffer: MAX_BUFFER });
  const wallSeconds = (performance.now() - t0) / 1000;
  return { wallSeconds, status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ...(r.error ? { spawnError: r.error } : {}) };
}

function failure(status: number | null, stderr: string, spawnError?: Error): string {
  if (spawnError) return spawnError.message;
  const lines = stderr.trim().split('\n').slice(0, 3).join(' | ');
  return `exit status ${status}${lines ? `: ${lines}` : ''}`;
}

/**
 * `rainbow ARGS` (e.g. predict SPEC --json), compiled or, when the benchmark runs from source, through
 * tsx; `env` is added to this process's environment (e.g. RAINBOW_HUGE_PAGES=off).
 */
export function runRainbow(args: string[], env: Record<string, string> = {}): ProcessRun {
  const dir = mkdtempSync(join(tmpdir(), 'rainbow-bench-'));
  const peakFile = join(dir, 'peak');
  const launcher = join(__dirname, fromSource ? 'measuredRainbow.ts' : 'measuredRainbow.js');
  const nodeArgs = fromSource ? ['--import', 'tsx', launcher, ...args] : [launcher, ...args];
  try {
    const r = timed(process.execPath, nodeArgs, { ...process.env, ...env, RAINBOW_BENCH_PEAK_FILE: peakFile });
    let usage: ChildUsage | undefined;
    try {
      usage = JSON.parse(readFileSync(peakFile, 'utf8')) as ChildUsage;
    } catch {
      usage = undefined;
    }
    const ok = r.status === 0;
    const measured = usage ? { cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, pageFaults: usage.minorPageFault } : {};
    return { ok, wallSeconds: r.wallSeconds, peakMB: usage ? usage.maxRSS / 1024 : null, ...measured, stdout: r.stdout, ...(ok ? {} : { error: failure(r.status, r.stderr, r.spawnError) }) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What measuredRainbow.ts writes as its process exits (process.resourceUsage()). */
export interface ChildUsage {
  maxRSS: number;
  userCPUTime: number;
  systemCPUTime: number;
  minorPageFault: number;
}

export interface PythonRun extends ProcessRun {
  /** The pipeline's own report (stage times, curves, threads), when it ran. */
  report?: NumpyReport;
}

export interface NumpyReport {
  mode: 'predict' | 'simulate';
  stages: Record<string, number>;
  total: number;
  peakMB: number;
  threads: { openblas: number | null; kernel?: string; OPENBLAS_NUM_THREADS: string | null; OMP_NUM_THREADS: string | null; cpus: number };
  numpy: string;
  n: number[];
  testError: number[];
  sweepIterations?: { solves: number; iterations: number; maxIterations: number; notConverged: number; cap: number };
  optimal?: { n: number[]; testError: number[]; evaluations: number; iterations: { solves: number; iterations: number; maxIterations: number; notConverged: number } };
  repeats?: number;
}

const PIPELINE = join(repoRoot, 'test', 'bench', 'numpy_pipeline.py');

/** Whether `python3 -c "import numpy"` works here. */
export function numpyAvailable(): { ok: boolean; why?: string } {
  const r = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
  if (r.error) return { ok: false, why: 'python3 not found' };
  if (r.status !== 0) return { ok: false, why: 'python3 has no NumPy' };
  return { ok: true };
}

/**
 * The machine sets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE for old OpenBLAS builds; they slow a
 * current NumPy down to a generic kernel. The reference is NumPy at its best on this machine, so
 * both are removed for the NumPy process alone (the report names the kernel OpenBLAS then runs).
 */
function numpyEnvironment(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

export function runNumpy(args: string[]): PythonRun {
  const r = timed('python3', [PIPELINE, ...args], numpyEnvironment());
  if (r.status !== 0) return { ok: false, wallSeconds: r.wallSeconds, peakMB: null, stdout: r.stdout, error: failure(r.status, r.stderr, r.spawnError) };
  const report = JSON.parse(r.stdout) as NumpyReport;
  return { ok: true, wallSeconds: r.wallSeconds, peakMB: report.peakMB, stdout: r.stdout, report };
}
