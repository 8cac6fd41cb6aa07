/**
 * The engine in this process, stage by stage, as the language server runs it (warm, no start-up).
 * The core never reads the clock: the stages are timed here, between the generator's yields.
 *
 * Stages (seconds):
 *   load          parse, schema check, resolution (before the first yield)
 *   weights       drawing the Gaussian weights
 *   moments       the layer recursion (Omega_l, psi, sigma2)
 *   spectrum      the eigendecomposition of the feature covariance Omega (up to `onAnalysed`)
 *   layerSpectra  eigenvalues of the hidden layers' Omega_l, for the report's spectrum summaries
 *   curve         the learning curve at the fixed penalties
 *   optimal       the optimal lambda per n
 *   simulation    `rainbow simulate` only: the Monte-Carlo fits (including its 12-point curve)
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { predictionSteps } from '../../server/src/core';
import { simulationSteps } from '../../server/src/core';
import { nodeHost } from '../../server/src/nodeHost';

export const STAGES = ['load', 'weights', 'moments', 'spectrum', 'layerSpectra', 'curve', 'optimal', 'simulation'] as const;
export type StageName = (typeof STAGES)[number];
export type StageTimes = Record<StageName, number> & { total: number };

export interface InProcessRun {
  ok: boolean;
  times: StageTimes;
  /** Milliseconds inside the simulation by kind of work (features, gram, factorisation, evaluation). */
  simulationBreakdown?: Record<string, number>;
  error?: string;
}

/** Charges the time since the last mark to the stage that was running. */
class StageClock {
  readonly times: StageTimes = { load: 0, weights: 0, moments: 0, spectrum: 0, layerSpectra: 0, curve: 0, optimal: 0, simulation: 0, total: 0 };
  private readonly start = performance.now();
  private last = this.start;
  private current: StageName = 'load';

  enter(stage: StageName): void {
    const now = performance.now();
    this.times[this.current] += (now - this.last) / 1000;
    this.last = now;
    this.current = stage;
  }

  stop(): StageTimes {
    this.enter(this.current);
    this.times.total = (this.last - this.start) / 1000;
    return this.times;
  }
}

function stageOf(stage: string): StageName {
  return (STAGES as readonly string[]).includes(stage) ? (stage as StageName) : 'curve';
}

export function predictInProcess(file: string): InProcessRun {
  const clock = new StageClock();
  const text = readFileSync(file, 'utf8');
  const steps = predictionSteps(text, file, nodeHost, () => clock.enter('layerSpectra'));
  for (;;) {
    const next = steps.next();
    if (next.done) {
      const times = clock.stop();
      const errors = next.value.problems.filter((p) => p.severity === 'error');
      return { ok: errors.length === 0 && next.value.result !== undefined, times, ...(errors.length ? { error: errors[0]?.message } : {}) };
    }
    clock.enter(stageOf(next.value.stage));
  }
}

export function simulateInProcess(file: string, repeats?: number): InProcessRun {
  const clock = new StageClock();
  const text = readFileSync(file, 'utf8');
  const steps = simulationSteps(text, file, nodeHost, { clock: () => performance.now(), ...(repeats === undefined ? {} : { repeats }) });
  let simulating = false;
  for (;;) {
    const next = steps.next();
    if (next.done) {
      const times = clock.stop();
      const { result, problems } = next.value;
      const errors = problems.filter((p) => p.severity === 'error');
      const ok = errors.length === 0 && result !== undefined && result.simulation.length > 0;
      return {
        ok,
        times,
        ...(result?.simulationTimings ? { simulationBreakdown: { ...result.simulationTimings } } : {}),
        ...(ok ? {} : { error: errors[0]?.message ?? 'no simulation points' }),
      };
    }
    // Simulation progress comes after each fit; the stage before the first one is the curve, which
    // runs straight into the first fit, so both are charged to 'simulation' from the curve on.
    const stage = stageOf(next.value.stage);
    if (stage === 'curve' || stage === 'optimal' || stage === 'simulation') simulating = true;
    clock.enter(simulating ? 'simulation' : stage);
  }
}
