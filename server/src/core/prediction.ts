/**
 * The prediction pipeline, as stages that report progress and can be interrupted between them:
 *
 *   parse + schema -> resolve (files, references) -> weights -> moments (layer recursion)
 *   -> spectrum (one eigendecomposition) -> learning curve / optimal ridge
 *
 * `predictionSteps` is a generator: each `yield` is a stage boundary where a worker can report
 * progress or stop. Results are plain data (numbers, strings, arrays), ready for JSON, the table
 * printer, the language server and the webview.
 */
import { predictionCost, type CostEstimate } from './cost';
import type { SpecHost } from './host';
import type { LayerSpectrum } from './model/layerCovariance';
import { analyse, type Analysis, type Stage } from './analysis';
import { summarize, type SpectrumSummary } from './model/spectrum';
import type { ExperimentModel, LayerModel } from './model/types';
import { ProblemError, type Problem } from './problems';
import { fixedPenalties, learningCurve, mergeCurves, optimalCurve, type CurvePoint } from './risk/learningCurve';
import { loadExperiment, type LoadedExperiment } from './format/load';
import type { SpecDocument } from './format/document';
import { placeProblem } from './format/place';
import { assessValidity, type ValidityReport } from './model/validity';
import { relay, runToEnd } from './steps';

const STAGE_MESSAGES: Record<Stage, string> = {
  load: 'reading the spec',
  weights: 'drawing weights',
  moments: 'linearising layers',
  spectrum: 'diagonalising the feature covariance',
  curve: 'sweeping sample sizes and penalties',
  optimal: 'searching the optimal penalty at each sample size',
  simulation: 'simulating',
};

export interface Progress {
  stage: Stage;
  /** Index of the sweep value being computed (0 without a sweep) and how many there are. */
  run: number;
  runs: number;
  message: string;
  /** On the first event only, before any numerical work: the estimated time and memory of the whole run. */
  estimate?: CostEstimate;
}

export interface LayerReport {
  id: string;
  width: number;
  /** As written in the spec: a name, or { name, gain }. */
  activation: string | { name: string; gain?: number };
  /** Readable form for tables, e.g. "tanh(2h)". */
  activationLabel: string;
  linearization: 'average' | 'perNeuron';
  /** 'exact': the feature covariance under Gaussian pre-activations (theory.md section 5b). */
  moments: 'linearized' | 'exact';
  preactivationVariance: number;
  kappa0: number;
  kappa1: number;
  kappaStar: number;
  spectrum: SpectrumSummary;
  /**
   * All eigenvalues of Omega_l, ascending, for spectrum plots: only when asked for
   * (PredictionOptions.layerSpectra; the CLI's --eigenvalues, the editor's preview).
   */
  eigenvalues?: number[];
  sweepValue?: number;
}

export interface TeacherLayerReport {
  id: string;
  width: number;
  activation: string;
  preactivationVariance: number;
  kappa0: number;
  kappa1: number;
  kappaStar: number;
  sweepValue?: number;
}

export interface PointReport {
  n: number;
  /** In the spec's own ridge convention. */
  lambda: number;
  testError: number | null;
  generalizationError: number | null;
  trainError: number | null;
  effectiveRegularization: number | null;
  /** 'ok', or why the numbers are missing. */
  status: 'ok' | 'not-converged' | 'non-finite';
  /** Present on optimal-ridge points (lambda is then the optimal penalty at this n). */
  optimal?: true;
  /** Optimal ridge only: the optimum lies on the edge of the searched bracket. */
  lambdaAtBracketEdge?: boolean;
  sweepValue?: number;
}

export interface PredictionResult {
  title: string;
  features: number;
  seed: number;
  convention: string;
  /** Whether some points are at the optimal penalty (those carry `optimal: true`). */
  optimalLambda: boolean;
  sweep?: { parameter: string; values: number[] };
  layers: LayerReport[];
  teacherLayers: TeacherLayerReport[];
  /** E[y^2] and the label-noise variance (of the first sweep value). */
  target: TargetReport;
  /** With a sweep: the target of every sweep value. */
  targets?: TargetReport[];
  points: PointReport[];
  /**
   * Per run (sweep value), what the deterministic equivalent needs to recompute any (n, lambda)
   * point in O(p): the spectrum of the last layer's Omega and the projections of psi on it
   * (theory.md section 3). For plots and live what-if; left out of the CLI's JSON unless asked.
   */
  riskInputs: RiskInputsReport[];
  /**
   * Per run (sweep value): the diagnostics of the theory's assumptions and the warnings they call
   * for (model/validity.ts); the warnings are also in the outcome's problems, placed on the spec.
   */
  validity: ValidityRunReport[];
}

export type ValidityRunReport = ValidityReport & { sweepValue?: number };

export interface RiskInputsReport {
  /** Eigenvalues omega_i of the last layer's feature covariance, ascending. */
  eigenvalues: number[];
  /** Squared projections psiTilde_i^2 = (u_i . psi)^2 on the matching eigenvectors. */
  psiProjections: number[];
  /** E[y^2], label noise included. */
  targetVariance: number;
  /** Label-noise variance s^2. */
  noiseVariance: number;
  sweepValue?: number;
}

export interface TargetReport {
  variance: number;
  noiseVariance: number;
  sweepValue?: number;
}

export interface PredictionOutcome {
  /** Present when at least the spec loaded; points may still carry failures (see problems). */
  result?: PredictionResult;
  problems: Problem[];
}

/** One run's analysis, handed to `onAnalysed` (the Monte-Carlo simulation reuses its weights and moments). */
export interface AnalysedRun {
  run: number;
  model: ExperimentModel;
  sweepValue?: number;
  analysis: Analysis;
  documents: ReadonlyMap<string, SpecDocument>;
}

export interface PredictionOptions {
  /**
   * Keep every layer's eigenvalues in the result (LayerReport.eigenvalues), for plots. Without it
   * the result carries each layer's spectrum summary (min, mean, max) only.
   */
  layerSpectra?: boolean;
  /**
   * A caller's own work per run in estimated seconds (the simulation's repetitions), added to the
   * first event's estimate so that one estimate covers the whole command.
   */
  extraSeconds?: (model: ExperimentModel) => number;
}

export function* predictionSteps(
  text: string,
  file: string,
  host: SpecHost,
  onAnalysed?: (analysed: AnalysedRun) => void,
  options: PredictionOptions = {},
): Generator<Progress, PredictionOutcome> {
  const loaded = loadExperiment(text, file, host);
  const problems = [...loaded.problems];
  if (!loaded.runs || problems.some((p) => p.severity === 'error')) return { problems };

  const runs = loaded.runs;
  const first = runs[0]?.model as ExperimentModel;
  const result: PredictionResult = {
    title: first.title,
    features: first.student[first.student.length - 1]?.width ?? 0,
    seed: first.seed,
    convention: first.convention,
    optimalLambda: first.lambdas.includes('optimal'),
    layers: [],
    teacherLayers: [],
    target: { variance: NaN, noiseVariance: NaN },
    points: [],
    riskInputs: [],
    validity: [],
  };
  if (loaded.sweep) result.sweep = loaded.sweep;
  let estimate: CostEstimate | undefined = predictionCost(runs.map((r) => r.model));
  const extraSeconds = options.extraSeconds;
  if (extraSeconds) {
    const extra = runs.map((r) => extraSeconds(r.model));
    estimate.seconds += extra.reduce((a, b) => a + b, 0);
    estimate.runs.forEach((stages, i) => (stages.simulation = extra[i]));
  }

  for (let run = 0; run < runs.length; run++) {
    const { model, sweepValue } = runs[run] as LoadedExperiment;
    const progress = (stage: Stage): Progress => {
      const event: Progress = { stage, run, runs: runs.length, message: STAGE_MESSAGES[stage], ...(estimate ? { estimate } : {}) };
      estimate = undefined;
      return event;
    };
    try {
      const analysis = yield* relay(analyse(model), progress);
      const { moments, risk, summary } = analysis;
      onAnalysed?.({ run, model, ...(sweepValue === undefined ? {} : { sweepValue }), analysis, documents: loaded.documents });
      const tag = sweepValue === undefined ? {} : { sweepValue };
      // The hidden layers' spectra, for their summaries (min, mean, max) in every report and their
      // eigenvalues when asked for. Solving them on a helper thread during the learning curve was
      // measured and did not pay (test/bench/README.md, "Ablation"): one eigenvalue problem of the
      // layer's width each, about 10 % of a prediction's time at widths of 1000 to 2000.
      const last = moments.student.length - 1;
      const spectra = moments.layerCovariances.map((omega, l) => (l === last ? undefined : omega.spectrum()));
      yield progress('curve');
      const fixedPoints = learningCurve(risk, model.samples, fixedPenalties(model.lambdas), model.convention);
      let optimalPoints: CurvePoint[] = [];
      if (model.lambdas.includes('optimal')) {
        yield progress('optimal');
        optimalPoints = optimalCurve(risk, model.samples, model.convention);
      }
      const curve = mergeCurves(model.samples, model.lambdas, fixedPoints, optimalPoints);
      moments.student.forEach((lin, l) => {
        const eigenvalues = l === last ? risk.omega : (spectra[l] as LayerSpectrum).values;
        result.layers.push({
          id: lin.id,
          width: lin.width,
          activation: (model.student[l] as LayerModel).activationSpec,
          activationLabel: lin.activation,
          linearization: lin.linearization,
          moments: lin.moments,
          preactivationVariance: lin.preactivationVariance,
          kappa0: lin.kappa0,
          kappa1: lin.kappa1,
          kappaStar: lin.kappaStar,
          spectrum: l === last ? summary : summarize(eigenvalues),
          ...(options.layerSpectra ? { eigenvalues: Array.from(eigenvalues) } : {}),
          ...tag,
        });
      });
      for (const lin of moments.teacher) {
        const { id, width, activation, preactivationVariance, kappa0, kappa1, kappaStar } = lin;
        result.teacherLayers.push({ id, width, activation, preactivationVariance, kappa0, kappa1, kappaStar, ...tag });
      }
      const target = { variance: moments.sigma2, noiseVariance: moments.noiseVariance };
      if (run === 0) result.target = target;
      if (result.sweep) (result.targets ??= []).push({ ...target, ...tag });
      result.riskInputs.push({
        eigenvalues: Array.from(risk.omega),
        psiProjections: Array.from(risk.psiTilde2),
        targetVariance: risk.sigma2,
        noiseVariance: risk.noiseVariance,
        ...tag,
      });

      const validity = assessValidity({
        model,
        student: moments.student,
        teacher: moments.teacher,
        inputCovariance: moments.inputCovariance,
        spectra: moments.student.map((_, l) => (l === last ? risk.omega : (spectra[l] as LayerSpectrum).values)),
        linearTargetShare: moments.linearTargetShare,
      });
      result.validity.push({ ...validity, ...tag });
      // With a sweep, one problem per place and code (the first run's wording), not one per value.
      for (const w of validity.warnings) {
        if (problems.some((p) => p.code === w.code && p.pointer === w.pointer && p.file === w.file)) continue;
        problems.push(placeProblem(loaded.documents, { code: w.code, severity: w.severity, message: w.message, file: w.file, pointer: w.pointer }));
      }

      for (const point of curve) result.points.push(pointReport(point, tag));
      const failed = curve.filter((p) => p.status !== 'ok');
      if (failed.length > 0) {
        const f = failed[0] as CurvePoint;
        problems.push(
          placeProblem(loaded.documents, {
            code: f.status === 'not-converged' ? 'risk/not-converged' : 'risk/non-finite',
            message:
              `${failed.length} of ${curve.length} points have no prediction (first: n = ${f.n}, lambda = ${f.reportedLambda}): ` +
              (f.status === 'not-converged'
                ? `the effective-regularisation solve did not converge in the iteration limit`
                : `the formula gave a non-finite value`),
            ...model.sources.ridge,
          }),
        );
      }
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      problems.push(placeProblem(loaded.documents, error.problem));
    }
  }
  return { result, problems };
}

function pointReport(point: CurvePoint, tag: { sweepValue?: number }): PointReport {
  const ok = point.status === 'ok';
  const report: PointReport = {
    n: point.n,
    lambda: point.reportedLambda,
    testError: ok ? point.testError : null,
    generalizationError: ok ? point.generalizationError : null,
    trainError: ok ? point.trainError : null,
    effectiveRegularization: ok ? point.effectiveRegularization : null,
    status: point.status,
    ...tag,
  };
  if (point.atBracketEdge !== undefined) {
    report.optimal = true;
    report.lambdaAtBracketEdge = point.atBracketEdge;
  }
  return report;
}

/** Runs every stage to the end (CLI, tests). */
export function predict(text: string, file: string, host: SpecHost, onProgress?: (p: Progress) => void, options: PredictionOptions = {}): PredictionOutcome {
  return runToEnd(predictionSteps(text, file, host, undefined, options), onProgress);
}
