/**
 * What `predict` and `simulate` say while they run: the engine's estimate before a long run (on
 * stderr, always, so that a silent minute is never a surprise), then on a terminal a status line
 * per stage with the fraction of the estimated work done and the time left.
 *
 * The engine is synchronous, so the line changes at stage boundaries (and after every simulated
 * repetition); the fraction weighs each stage by its estimated cost (core/cost.ts), and the time
 * left is the estimate's remainder scaled by how fast the finished stages actually went.
 */
import { formatBytes, formatSeconds, type CostEstimate, type Progress, type SimulationProgress, type StageSeconds } from '../core';

/** Runs estimated to take at least this long announce themselves before starting. */
export const LONG_RUN_SECONDS = 10;

export interface ProgressOutput {
  err: (s: string) => void;
  /** A transient status line; absent when stderr is not a terminal. */
  status?: (s: string) => void;
}

const sum = (stages: StageSeconds): number => Object.values(stages).reduce((a, b) => a + (b ?? 0), 0);

/** The progress callback for one command; `clock` in milliseconds. */
export function progressReporter(command: 'predict' | 'simulate', io: ProgressOutput, clock: () => number): (p: Progress | SimulationProgress) => void {
  const started = clock();
  let estimate: CostEstimate | undefined;
  return (p) => {
    if (p.estimate) {
      estimate = p.estimate;
      if (estimate.seconds >= LONG_RUN_SECONDS) {
        io.err(`rainbow ${command}: this will take ${formatSeconds(estimate.seconds)} and ${formatBytes(estimate.bytes)} of memory (estimated for a 2-core machine); Ctrl-C stops it`);
      }
    }
    if (!io.status) return;
    const where = p.runs > 1 ? ` (run ${p.run + 1} of ${p.runs})` : '';
    const counted = 'completed' in p ? ` ${p.completed}/${p.total}` : '';
    if (!estimate) return io.status(`${p.message}${where}${counted}`);
    const total = estimate.seconds;
    const done = doneBefore(estimate.runs, p);
    const elapsed = (clock() - started) / 1000;
    // Scale the remainder by the pace so far once enough has been done to judge it.
    const pace = done > 1 && elapsed > 1 ? elapsed / done : 1;
    const left = Math.max(0, (total - done) * pace);
    const percent = Math.min(99, Math.floor((100 * done) / Math.max(total, 1e-9)));
    io.status(`[${percent}%] ${p.message}${where}${counted}${left >= 2 ? `, ${formatSeconds(left)} left` : ''}`);
  };
}

/**
 * Estimated seconds of the work finished when event `p` starts. `simulate` predicts every run
 * first and then simulates each, so simulation events count all prediction stages as done.
 */
function doneBefore(runs: readonly StageSeconds[], p: Progress | SimulationProgress): number {
  const predicted = (r: StageSeconds): number => sum(r) - (r.simulation ?? 0);
  if ('completed' in p) {
    const simulation = runs.reduce((a, r) => a + (r.simulation ?? 0), 0);
    return runs.reduce((a, r) => a + predicted(r), 0) + (simulation * (p.completed - 1)) / Math.max(p.total, 1);
  }
  let done = runs.slice(0, p.run).reduce((a, r) => a + predicted(r), 0);
  for (const [stage, seconds] of Object.entries(runs[p.run] ?? {}) as [keyof StageSeconds, number][]) {
    if (stage === p.stage) break;
    done += seconds;
  }
  return done;
}
