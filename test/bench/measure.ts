/**
 * One scenario measured on both sides: Rainbow Lab as processes and in-process by stage, the NumPy
 * pipeline as a process with its own stage times, and how far apart the two sides' curves are.
 */
import { predictInProcess, simulateInProcess, type InProcessRun, type StageTimes } from './inProcess';
import { runNumpy, runRainbow, type NumpyReport, type ProcessRun } from './processes';
import type { Scenario } from './scenarios';

export interface Options {
  /** Runs per measurement; medians are reported. */
  repeats: number;
  /** In-process runs of S1 (the language server's case): best and median. */
  warmRuns: number;
  numpy: boolean;
}

/** Stage times in seconds: Rainbow Lab's summed over the scenario's specs, NumPy's as it reports them. */
export interface Breakdown {
  load: number;
  buildOmega: number;
  /** The part of buildOmega spent drawing the Gaussian weights. */
  weights: number;
  spectrum: number;
  layerSpectra: number;
  sweep: number;
  optimalLambda: number;
  simulation: number;
  total: number;
}

export interface ScenarioResult {
  name: string;
  description: string;
  target: Scenario['target'];
  specs: string[];
  ours: {
    ok: boolean;
    error?: string;
    /** Median over repeats of the summed wall time of the scenario's processes, seconds. */
    processSeconds: number | null;
    /** Every repeat's summed wall time, seconds. */
    processRuns: number[];
    peakMB: number | null;
    memoryLimitMB: number;
    /** Median in-process stage times (sums over the scenario's specs). */
    stages: Breakdown | null;
    /** All in-process totals (S1: the warm runs), seconds. */
    inProcessTotals: number[];
    simulationBreakdownMs?: Record<string, number>;
  };
  numpy: {
    ok: boolean;
    skipped?: string;
    error?: string;
    processSeconds: number | null;
    /** Every repeat's wall time, seconds. */
    processRuns: number[];
    peakMB: number | null;
    stages: Breakdown | null;
    report?: Omit<NumpyReport, 'testError' | 'n' | 'optimal'> & { optimal?: { evaluations: number; iterations: object } };
  };
  /** ours process / NumPy process (start-up included on both sides). */
  ratio: number | null;
  /** ours in-process / NumPy compute (interpreter start-up and imports excluded on both sides). */
  computeRatio: number | null;
  /** Relative differences |a - b| / max(|a|, |b|) between the two sides' test errors (different random draws). */
  agreement: { points: number; median: number; max: number } | null;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : 0.5 * ((s[m - 1] as number) + (s[m] as number));
}

const emptyBreakdown = (): Breakdown => ({ load: 0, buildOmega: 0, weights: 0, spectrum: 0, layerSpectra: 0, sweep: 0, optimalLambda: 0, simulation: 0, total: 0 });

/** Our stages of one spec, added into the scenario's breakdown. */
function addStages(into: Breakdown, t: StageTimes): void {
  into.load += t.load;
  into.buildOmega += t.weights + t.moments;
  into.weights += t.weights;
  into.spectrum += t.spectrum;
  into.layerSpectra += t.layerSpectra;
  into.sweep += t.curve;
  into.optimalLambda += t.optimal;
  into.simulation += t.simulation;
  into.total += t.total;
}

function numpyBreakdown(r: NumpyReport): Breakdown {
  const s = r.stages;
  return {
    ...emptyBreakdown(),
    buildOmega: s.buildOmega ?? 0,
    weights: s.weights ?? 0,
    spectrum: s.spectrum ?? 0,
    sweep: s.sweep ?? 0,
    optimalLambda: s.optimalLambda ?? 0,
    simulation: s.simulation ?? 0,
    total: r.total,
  };
}

function medianBreakdown(runs: Breakdown[]): Breakdown {
  const out = emptyBreakdown();
  for (const key of Object.keys(out) as (keyof Breakdown)[]) out[key] = median(runs.map((b) => b[key]));
  return out;
}

function relativeDifferences(ours: readonly (number | null)[], theirs: readonly number[]): { points: number; median: number; max: number } | null {
  if (ours.length !== theirs.length || ours.length === 0) return null;
  const d = ours.map((a, i) => {
    const b = theirs[i] as number;
    return a === null ? Infinity : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-300);
  });
  return { points: d.length, median: median(d), max: Math.max(...d) };
}

interface OurJson {
  points: { n: number; testError: number | null; optimal?: true }[];
  simulation?: { testError: number | null }[];
}

export function measureScenario(scenario: Scenario, options: Options, log: (line: string) => void): ScenarioResult {
  const specFiles = scenario.specs.map((s) => s.file);
  const command = scenario.kind === 'predict' ? 'predict' : 'simulate';

  // Rainbow Lab, whole processes.
  let oursOk = true;
  let oursError: string | undefined;
  const processTotals: number[] = [];
  let peakMB: number | null = null;
  const outputs: OurJson[] = [];
  for (let k = 0; k < options.repeats && oursOk; k++) {
    let total = 0;
    outputs.length = 0;
    for (const spec of scenario.specs) {
      log(`  ${scenario.name} rainbow ${command} ${spec.role} (process ${k + 1}/${options.repeats})`);
      const run: ProcessRun = runRainbow([command, spec.file, '--json']);
      if (!run.ok) {
        oursOk = false;
        oursError = `rainbow ${command}: ${run.error}`;
        break;
      }
      total += run.wallSeconds;
      if (run.peakMB !== null) peakMB = Math.max(peakMB ?? 0, run.peakMB);
      outputs.push(JSON.parse(run.stdout) as OurJson);
    }
    if (oursOk) processTotals.push(total);
  }

  // Rainbow Lab in this process, by stage.
  const inProcessRuns = scenario.name === 'S1' ? Math.max(options.warmRuns, options.repeats) : options.repeats;
  const breakdowns: Breakdown[] = [];
  let simulationBreakdownMs: Record<string, number> | undefined;
  for (let k = 0; k < inProcessRuns && oursOk; k++) {
    const b = emptyBreakdown();
    for (const spec of scenario.specs) {
      log(`  ${scenario.name} in-process ${spec.role} (${k + 1}/${inProcessRuns})`);
      const run: InProcessRun = scenario.kind === 'predict' ? predictInProcess(spec.file) : simulateInProcess(spec.file);
      if (!run.ok) {
        oursOk = false;
        oursError = `in-process ${spec.role}: ${run.error}`;
        break;
      }
      addStages(b, run.times);
      if (run.simulationBreakdown) simulationBreakdownMs = run.simulationBreakdown;
    }
    if (oursOk) breakdowns.push(b);
  }

  // The NumPy pipeline.
  const numpy: ScenarioResult['numpy'] = { ok: false, processSeconds: null, processRuns: [], peakMB: null, stages: null };
  let numpyReport: NumpyReport | undefined;
  if (!options.numpy) numpy.skipped = 'python3 with NumPy not available (or --no-numpy)';
  else {
    const args = scenario.kind === 'predict' ? ['predict', ...specFiles] : ['simulate', ...specFiles];
    const walls: number[] = [];
    const stages: Breakdown[] = [];
    for (let k = 0; k < options.repeats; k++) {
      log(`  ${scenario.name} NumPy ${args[0]} (${k + 1}/${options.repeats})`);
      const run = runNumpy(args);
      if (!run.ok || !run.report) {
        numpy.error = run.error ?? 'no report';
        break;
      }
      walls.push(run.wallSeconds);
      numpy.processRuns.push(run.wallSeconds);
      stages.push(numpyBreakdown(run.report));
      numpy.peakMB = Math.max(numpy.peakMB ?? 0, run.report.peakMB);
      numpyReport = run.report;
    }
    if (walls.length === options.repeats && numpyReport) {
      numpy.ok = true;
      numpy.processSeconds = median(walls);
      numpy.stages = medianBreakdown(stages);
      // Everything but the curves, which only serve the agreement check.
      const report: Partial<NumpyReport> = { ...numpyReport };
      delete report.testError;
      delete report.n;
      delete report.optimal;
      const optimal = numpyReport.optimal;
      numpy.report = { ...(report as NumpyReport), ...(optimal ? { optimal: { evaluations: optimal.evaluations, iterations: optimal.iterations } } : {}) };
    }
  }

  const processSeconds = oursOk && processTotals.length ? median(processTotals) : null;
  const stages = oursOk && breakdowns.length ? medianBreakdown(breakdowns) : null;
  let agreement: ScenarioResult['agreement'] = null;
  if (oursOk && numpy.ok && numpyReport && outputs.length === scenario.specs.length) {
    if (scenario.kind === 'predict') {
      // Fixed penalties point by point; the optimal curve at the sizes NumPy computed it.
      const points = (outputs[0] as OurJson).points;
      const optimalAt = new Map(points.filter((p) => p.optimal).map((p) => [p.n, p.testError]));
      const theirsOptimal = numpyReport.optimal;
      const ours = [...points.filter((p) => !p.optimal).map((p) => p.testError), ...(theirsOptimal?.n ?? []).map((n) => optimalAt.get(n) ?? null)];
      const theirs = [...numpyReport.testError, ...(theirsOptimal?.testError ?? [])];
      agreement = relativeDifferences(ours, theirs);
    } else {
      const ours = ((outputs[0] as OurJson).simulation ?? []).map((p) => p.testError);
      agreement = relativeDifferences(ours, numpyReport.testError);
    }
  }

  return {
    name: scenario.name,
    description: scenario.description,
    target: scenario.target,
    specs: specFiles,
    ours: {
      ok: oursOk,
      ...(oursError ? { error: oursError } : {}),
      processSeconds,
      processRuns: processTotals,
      peakMB,
      memoryLimitMB: scenario.memoryLimitMB,
      stages,
      inProcessTotals: breakdowns.map((b) => b.total),
      ...(simulationBreakdownMs ? { simulationBreakdownMs } : {}),
    },
    numpy,
    ratio: processSeconds !== null && numpy.processSeconds ? processSeconds / numpy.processSeconds : null,
    computeRatio: stages && numpy.stages ? stages.total / numpy.stages.total : null,
    agreement,
  };
}

/** Keys of the stage table, in pipeline order. */
export const BREAKDOWN_COLUMNS: { key: keyof Breakdown; label: string }[] = [
  { key: 'load', label: 'load' },
  { key: 'buildOmega', label: 'build Omega' },
  { key: 'weights', label: '(weights)' },
  { key: 'spectrum', label: 'spectrum' },
  { key: 'layerSpectra', label: 'layer spectra' },
  { key: 'sweep', label: 'sweep' },
  { key: 'optimalLambda', label: 'optimal lambda' },
  { key: 'simulation', label: 'simulation' },
  { key: 'total', label: 'total' },
];
