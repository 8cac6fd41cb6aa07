/**
 * `rainbow simulate`: the prediction (prediction.ts) followed by the Monte-Carlo simulation of every
 * run, with the prediction's own weights, moments and teacher. A generator like predictionSteps:
 * it yields after every stage of the prediction and after every (n, repetition) of the
 * simulation, so that a worker can report progress and cancel (by not resuming it).
 */
import { simulationSeconds } from '../cost';
import type { SpecHost } from '../host';
import { predictionSteps, type AnalysedRun, type PredictionResult, type Progress } from '../prediction';
import { ProblemError, type Problem } from '../problems';
import { placeProblem } from '../format/place';
import { simulateRun, simulationSizeProblem, type SimulationOptions, type SimulationPoint, type SimulationTimings } from './run';
import { relay, runToEnd } from '../steps';

export interface SimulationProgress extends Progress {
  stage: 'simulation';
  n: number;
  repeat: number;
  /** (n, repetition) fits done so far over all runs, and how many there are. */
  completed: number;
  total: number;
}

export interface SimulationResult extends PredictionResult {
  /** One entry per simulated (n, lambda) (n outer, lambda inner), per sweep value. */
  simulation: SimulationPoint[];
  /** Milliseconds per stage summed over runs, when a clock was given. */
  simulationTimings?: SimulationTimings;
}

export interface SimulationOutcome {
  result?: SimulationResult;
  problems: Problem[];
}

export function* simulationSteps(
  text: string,
  file: string,
  host: SpecHost,
  options: SimulationOptions = {},
): Generator<Progress | SimulationProgress, SimulationOutcome> {
  const analysed: AnalysedRun[] = [];
  const evaluation = options.testEvaluation ?? 'samples';
  const prediction = yield* predictionSteps(text, file, host, (a) => analysed.push(a), {
    // A simulation refused for its size adds nothing to the estimate: it will not run.
    extraSeconds: (model) => (simulationSizeProblem(model, options) ? 0 : simulationSeconds(model, options.repeats ?? model.simulate?.repeats ?? 0, evaluation)),
  });
  const problems = [...prediction.problems];
  if (!prediction.result) return { problems };
  const result: SimulationResult = { ...prediction.result, simulation: [] };

  const planned = analysed.filter((a) => a.model.simulate);
  if (planned.length === 0) {
    // Every run comes from the same spec: either all have a plan or none (unless a run failed).
    if (analysed.length > 0) {
      const model = (analysed[0] as AnalysedRun).model;
      problems.push(
        placeProblem((analysed[0] as AnalysedRun).documents, {
          code: 'simulation/no-plan',
          message:
            'this experiment has no "simulate" section: add one, for example "simulate": { "n": [100, 300, 1000], "repeats": 10, "testSamples": 2000 }',
          file: model.file,
        }),
      );
    }
    return { result, problems };
  }

  const repeatsOf = (a: AnalysedRun): number => options.repeats ?? a.model.simulate?.repeats ?? 0;
  const runnable = planned.filter((a) => {
    const tooLarge = simulationSizeProblem(a.model, options);
    if (tooLarge) problems.push(placeProblem(a.documents, { code: 'simulation/too-large', message: tooLarge, file: a.model.file, pointer: '/simulate/n' }));
    return !tooLarge;
  });
  const total = runnable.reduce((sum, a) => sum + (a.model.simulate?.n.length ?? 0) * repeatsOf(a), 0);
  let done = 0;
  for (const a of runnable) {
    const runs = analysed.length;
    try {
      const simulated = yield* relay(simulateRun(a.model, a.analysis, a.run, options), ({ n, repeat }): SimulationProgress => {
        const message = `simulating n = ${n}, repetition ${repeat + 1} of ${repeatsOf(a)}`;
        return { stage: 'simulation', run: a.run, runs, message, n, repeat, completed: ++done, total };
      });
      const tag = a.sweepValue === undefined ? {} : { sweepValue: a.sweepValue };
      for (const point of simulated.points) result.simulation.push({ ...point, ...tag });
      const timings = simulated.timings;
      if (timings) {
        const sum = (result.simulationTimings ??= { setup: 0, features: 0, gram: 0, factorisation: 0, evaluation: 0, population: 0 });
        for (const key of Object.keys(timings) as (keyof SimulationTimings)[]) sum[key] += timings[key];
      }
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      problems.push(placeProblem(a.documents, error.problem));
    }
  }
  return { result, problems };
}

/** Runs every stage to the end (CLI, tests). */
export function simulate(
  text: string,
  file: string,
  host: SpecHost,
  options: SimulationOptions = {},
  onProgress?: (p: Progress | SimulationProgress) => void,
): SimulationOutcome {
  return runToEnd(simulationSteps(text, file, host, options), onProgress);
}
