/**
 * The live what-if: the preview recomputes the curves from the spectrum and psi projections the
 * server sent (`riskInputs`), with the engine's own O(p)-per-point risk code (server/src/core,
 * bundled, never copied), while the user moves the penalty, noise and marked-n sliders.
 */
import {
  fromSumConvention,
  optimalCurve,
  predictRisk,
  toSumConvention,
  type CurvePoint,
  type RiskInputs,
  type RidgeConvention,
} from '../../server/src/core';
import type { PredictionPayload } from '../../server/src/protocol';

export type Choice = number | 'optimal';

/** One run of the spec (one sweep value), ready for the risk formulas. */
export interface Run {
  sweepValue?: number;
  inputs: RiskInputs;
}

/** What the payload says about the sweep over n and lambda, recovered from its points. */
export interface Design {
  samples: number[];
  choices: Choice[];
  convention: RidgeConvention;
  features: number;
  runs: Run[];
  /** The spec's noise variance (of the first run). */
  noiseVariance: number;
}

export function designOf(payload: PredictionPayload): Design {
  const samples: number[] = [];
  const choices: Choice[] = [];
  for (const point of payload.points) {
    if (!samples.includes(point.n)) samples.push(point.n);
    const choice: Choice = point.optimal ? 'optimal' : point.lambda;
    if (!choices.includes(choice)) choices.push(choice);
  }
  const runs = (payload.riskInputs ?? []).map((r) => ({
    ...(r.sweepValue === undefined ? {} : { sweepValue: r.sweepValue }),
    inputs: {
      omega: Float64Array.from(r.eigenvalues),
      psiTilde2: Float64Array.from(r.psiProjections),
      sigma2: r.targetVariance,
      noiseVariance: r.noiseVariance,
    },
  }));
  return {
    samples,
    choices,
    convention: asConvention(payload.convention),
    features: payload.features,
    runs,
    noiseVariance: payload.target.noiseVariance,
  };
}

function asConvention(convention: string): RidgeConvention {
  return convention === 'mean' || convention === 'paper' ? convention : 'sum';
}

/**
 * The inputs with another label-noise variance: the noise is independent of the features, so psi
 * is unchanged and only E[y^2] moves by the difference. The spec's own noise leaves them as sent.
 */
export function withNoise(inputs: RiskInputs, noiseVariance: number): RiskInputs {
  if (noiseVariance === inputs.noiseVariance) return inputs;
  return { ...inputs, sigma2: inputs.sigma2 - inputs.noiseVariance + noiseVariance, noiseVariance };
}

/** A run's own noise moved by the slider's change from the spec's noise (a swept noise keeps its spread). */
function shifted(run: Run, design: Design, noiseVariance: number): number {
  return Math.max(0, run.inputs.noiseVariance + noiseVariance - design.noiseVariance);
}

export interface Curve {
  choice: Choice;
  sweepValue?: number;
  points: CurvePoint[];
}

/**
 * kappa of every (run, penalty, n) computed last, to warm-start the next frame's solves. The label
 * noise does not enter the kappa equation, so while the noise slider moves every solve starts at
 * its root and ends after one Newton step; the test error is the engine's predictRisk all the same.
 */
export class KappaMemory {
  private readonly kappas = new Map<string, number>();

  get(key: string): number | undefined {
    return this.kappas.get(key);
  }

  set(key: string, kappa: number): void {
    this.kappas.set(key, kappa);
  }

  clear(): void {
    this.kappas.clear();
  }
}

/**
 * The learning curve of each penalty (n outer as in the engine's learningCurve), every point by the
 * engine's predictRisk, warm-started from the memory or else from the previous n.
 */
function sweep(inputs: RiskInputs, design: Design, lambdas: readonly number[], memory: KappaMemory | undefined, tag: string): CurvePoint[][] {
  const p = design.features;
  return lambdas.map((lambda) => {
    let previous: number | undefined;
    return design.samples.map((n) => {
      const key = `${tag}|${lambda}|${n}`;
      const point = predictRisk(inputs, n, toSumConvention(lambda, design.convention, n, p), memory?.get(key) ?? previous);
      if (point.status === 'ok') {
        previous = point.effectiveRegularization;
        memory?.set(key, previous);
      }
      return { ...point, reportedLambda: lambda };
    });
  });
}

/** The learning curves of every penalty (and the optimal one) of every run, at a noise level. */
export function theoryCurves(design: Design, noiseVariance: number, options: { optimal: boolean; memory?: KappaMemory } = { optimal: true }): Curve[] {
  const fixed = design.choices.filter((c): c is number => c !== 'optimal');
  const curves: Curve[] = [];
  design.runs.forEach((run, r) => {
    const inputs = withNoise(run.inputs, shifted(run, design, noiseVariance));
    const tag = run.sweepValue === undefined ? {} : { sweepValue: run.sweepValue };
    sweep(inputs, design, fixed, options.memory, String(r)).forEach((points, k) => curves.push({ choice: fixed[k] as number, ...tag, points }));
    if (options.optimal && design.choices.includes('optimal')) curves.push({ choice: 'optimal', ...tag, points: optimalCurve(inputs, design.samples, design.convention) });
  });
  return curves;
}

/** The learning curve of one more penalty (the what-if slider's), every run. */
export function whatIfCurves(design: Design, lambda: number, noiseVariance: number, memory?: KappaMemory): Curve[] {
  return design.runs.map((run, r) => ({
    choice: lambda,
    ...(run.sweepValue === undefined ? {} : { sweepValue: run.sweepValue }),
    points: sweep(withNoise(run.inputs, shifted(run, design, noiseVariance)), design, [lambda], memory, String(r))[0] as CurvePoint[],
  }));
}

export interface LambdaCurve {
  sweepValue?: number;
  n: number;
  /** Penalties in the spec's convention and the test error at each. */
  lambdas: number[];
  testErrors: number[];
  optimum?: { lambda: number; testError: number };
}

/**
 * Test error against lambda at one n, on a log grid, with the optimum; every run. With
 * `optimum: false` the optimum (about 30 cold solves) is not searched: `previous`'s is kept.
 */
export function lambdaCurves(
  design: Design,
  n: number,
  grid: readonly number[],
  noiseVariance: number,
  memory?: KappaMemory,
  options: { optimum: boolean; previous?: readonly LambdaCurve[] } = { optimum: true },
): LambdaCurve[] {
  const p = design.features;
  return design.runs.map((run, r) => {
    const inputs = withNoise(run.inputs, shifted(run, design, noiseVariance));
    let guess: number | undefined;
    const testErrors = grid.map((lambda, k) => {
      // Warm start: the same penalty in the previous frame (the same n while the noise moves, a
      // nearby n while n moves: kappa changes smoothly with n), else the neighbouring penalty.
      const key = `lambda|${r}|${k}`;
      const point = predictRisk(inputs, n, toSumConvention(lambda, design.convention, n, p), memory?.get(key) ?? guess);
      if (point.status !== 'ok') return NaN;
      guess = point.effectiveRegularization;
      memory?.set(key, guess);
      return point.testError;
    });
    const best = options.optimum ? optimalCurve(inputs, [n], design.convention)[0] : undefined;
    const optimum = options.optimum ? (best && best.status === 'ok' ? { lambda: best.reportedLambda, testError: best.testError } : undefined) : options.previous?.[r]?.optimum;
    return {
      ...(run.sweepValue === undefined ? {} : { sweepValue: run.sweepValue }),
      n,
      lambdas: [...grid],
      testErrors,
      ...(optimum ? { optimum } : {}),
    };
  });
}

/**
 * The penalties the sliders and the lambda plot range over, in the spec's convention: ten decades
 * around the scale of the spectrum (n trace(Omega)/p in the sum convention at the largest n),
 * widened to include the spec's own penalties.
 */
export function lambdaRange(design: Design): [number, number] {
  const p = design.features;
  const omega = design.runs[0]?.inputs.omega;
  let trace = 0;
  if (omega) for (const w of omega) trace += w;
  const n = Math.max(...design.samples, 1);
  const scale = fromSumConvention(n * (trace > 0 ? trace / p : 1), design.convention, n, p);
  let lo = scale * 1e-7;
  let hi = scale * 1e3;
  for (const c of design.choices) {
    if (c === 'optimal') continue;
    lo = Math.min(lo, c / 10);
    hi = Math.max(hi, c * 10);
  }
  return [lo, hi];
}

/** `count` points evenly spaced in log between lo and hi. */
export function logGrid(lo: number, hi: number, count: number): number[] {
  const a = Math.log(lo);
  const b = Math.log(hi);
  return Array.from({ length: count }, (_, i) => Math.exp(a + ((b - a) * i) / (count - 1)));
}
