/**
 * Resolves a schema-valid experiment value into the engine's ExperimentModel: defaults applied,
 * networks and data files loaded, shapes and references checked. Every problem is placed on the
 * value it concerns. Returns undefined when anything is wrong (problems are in the context).
 */
import type { Matrix } from '../linalg/matrix';
import type { Covariance, ExperimentModel, LayerModel, SimulationPlan, TargetModel } from '../model/types';
import type { ResolveContext } from './context';
import { DEFAULTS } from './defaults';
import type { SpecDocument } from './document';
import { checkLength, covarianceMatrix, nonNegative, powerLawDiagonal, powerLawInRange, resolveNetwork, squareInRange } from './network';
import { exp, log } from '../reproducibleMath';
import { checkReferences } from './references';
import type { Experiment } from './types.generated';

export function resolveExperiment(ctx: ResolveContext, doc: SpecDocument, value: Experiment): ExperimentModel | undefined {
  const d = value.input.dimension;
  const input = resolveInput(ctx, doc, value, d);
  const student = resolveNetwork(ctx, doc, '/student', value.student, 'student', d, value.moments);
  const teacherLayers = value.teacher.kind === 'network' ? resolveNetwork(ctx, doc, '/teacher/network', value.teacher.network, 'teacher', d, value.moments) : [];
  if (student && teacherLayers) checkReferences(ctx, [...student, ...teacherLayers]);
  const p = student?.[student.length - 1]?.width ?? 0;
  const target = resolveTarget(ctx, doc, value, d, p, teacherLayers ?? [], input?.samples);
  const samples = sampleSizes(value.samples);
  if (Array.isArray(value.ridge.lambda)) checkDistinctPenalties(ctx, doc, value.ridge.lambda);
  const simulate = simulationPlan(value);

  if (!input || !student || !teacherLayers || !target || ctx.failed) return undefined;
  return {
    file: doc.file,
    title: value.title ?? fileTitle(doc.file),
    seed: value.seed ?? DEFAULTS.seed,
    dimension: d,
    inputCovariance: input.covariance,
    inputSamples: input.samples,
    student,
    target,
    lambdas: value.ridge.lambda === 'optimal' ? ['optimal'] : value.ridge.lambda,
    convention: value.ridge.convention ?? DEFAULTS.convention,
    samples,
    simulate,
    sources: {
      ridge: { file: doc.file, pointer: '/ridge' },
      samples: { file: doc.file, pointer: '/samples' },
      teacher: { file: doc.file, pointer: '/teacher' },
      input: { file: doc.file, pointer: '/input' },
    },
  };
}

function fileTitle(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.rainbow\.json$/, '');
}

function resolveInput(ctx: ResolveContext, doc: SpecDocument, value: Experiment, d: number): { covariance: Covariance; samples: Matrix | undefined } | undefined {
  const c = value.input.covariance ?? DEFAULTS.inputCovariance;
  const pointer = '/input/covariance';
  if (c === 'identity') return { covariance: { kind: 'identity', size: d }, samples: undefined };
  if ('powerLaw' in c) {
    if (!powerLawInRange(ctx, doc, `${pointer}/powerLaw`, c.powerLaw, d)) return undefined;
    return { covariance: { kind: 'diagonal', values: powerLawDiagonal(d, c.powerLaw) }, samples: undefined };
  }
  if ('diagonal' in c) {
    const values = checkLength(ctx, doc, `${pointer}/diagonal`, Float64Array.from(c.diagonal), d, 'the input covariance diagonal');
    if (!values || !nonNegative(ctx, doc, `${pointer}/diagonal`, values)) return undefined;
    return { covariance: { kind: 'diagonal', values }, samples: undefined };
  }
  if ('file' in c) {
    const a = ctx.readArray(doc, `${pointer}/file`, c.file, [[d, d], [d]], 'input covariance');
    if (!a) return undefined;
    if (a.shape.length === 1) {
      if (!nonNegative(ctx, doc, `${pointer}/file`, a.data)) return undefined;
      return { covariance: { kind: 'diagonal', values: a.data }, samples: undefined };
    }
    const matrix = { rows: d, cols: d, data: a.data };
    if (!covarianceMatrix(ctx, doc, `${pointer}/file`, matrix)) return undefined;
    return { covariance: { kind: 'dense', matrix }, samples: undefined };
  }
  const x = ctx.readMatrix(doc, `${pointer}/samples`, c.samples, null, d, 'input samples');
  if (!x) return undefined;
  // The covariance itself (X^T X / N) is formed by the moments stage, not here.
  return { covariance: { kind: 'identity', size: d }, samples: x };
}

function resolveTarget(
  ctx: ResolveContext,
  doc: SpecDocument,
  value: Experiment,
  d: number,
  p: number,
  teacherLayers: LayerModel[],
  samples: Matrix | undefined,
): TargetModel | undefined {
  const t = value.teacher;
  if ('noise' in t && typeof t.noise === 'number' && !squareInRange(ctx, doc, '/teacher/noise', t.noise, 'noise')) return undefined;
  switch (t.kind) {
    case 'linear': {
      const beta = t.weights && ctx.readVector(doc, '/teacher/weights/file', t.weights.file, d, 'teacher vector beta');
      if (t.weights && !beta) return undefined;
      return { kind: 'linear', beta, noise: t.noise ?? DEFAULTS.labelNoise };
    }
    case 'student': {
      const readout = t.readout && t.readout !== 'random' ? ctx.readVector(doc, '/teacher/readout/file', t.readout.file, p, 'teacher readout theta') : undefined;
      if (t.readout && t.readout !== 'random' && !readout) return undefined;
      return { kind: 'student', readout, noise: t.noise ?? DEFAULTS.labelNoise };
    }
    case 'network': {
      const k = teacherLayers[teacherLayers.length - 1]?.width ?? d;
      const readout = t.readout && t.readout !== 'random' ? ctx.readVector(doc, '/teacher/readout/file', t.readout.file, k, 'teacher readout theta') : undefined;
      if (t.readout && t.readout !== 'random' && !readout) return undefined;
      return { kind: 'network', layers: teacherLayers, readout, noise: t.noise ?? DEFAULTS.labelNoise };
    }
    case 'data': {
      const c = value.input.covariance;
      if (typeof c !== 'object' || !('samples' in c)) {
        ctx.report(doc, '/teacher/kind', 'spec/data-without-samples', 'a "data" teacher needs the input data: set "input": { "covariance": { "samples": "X.npy" } }');
        return undefined;
      }
      if (!samples) return undefined;
      const labels = ctx.readVector(doc, '/teacher/labels', t.labels, samples.rows, `labels (one per row of the ${samples.rows} input samples)`);
      return labels && { kind: 'data', labels };
    }
  }
}

/** n rounded to integers (floor(v + 0.5)), duplicates dropped, first occurrence kept. */
export function sampleSizes(s: Experiment['samples'] | { from: number; to: number; points: number; spacing?: 'log' | 'linear' } | number[]): number[] {
  let raw: number[];
  if (Array.isArray(s)) raw = s;
  else if ('n' in s) raw = s.n;
  else {
    const { from, to, points } = s;
    const spacing = s.spacing ?? DEFAULTS.spacing;
    raw = [];
    for (let i = 0; i < points; i++) {
      const t = points === 1 ? 0 : i / (points - 1);
      // reproducibleMath: the rounded sizes (and so the draws) must not depend on the engine.
      raw.push(spacing === 'log' ? exp(log(from) + t * (log(to) - log(from))) : from + t * (to - from));
    }
  }
  const seen = new Set<number>();
  const out: number[] = [];
  for (const v of raw) {
    const n = Math.max(1, Math.floor(v + 0.5));
    if (!seen.has(n)) {
      seen.add(n);
      out.push(n);
    }
  }
  return out;
}

function simulationPlan(value: Experiment): SimulationPlan | undefined {
  const s = value.simulate;
  if (!s) return undefined;
  return { n: sampleSizes(s.n), repeats: s.repeats ?? DEFAULTS.repeats, testSamples: s.testSamples ?? DEFAULTS.testSamples };
}

function checkDistinctPenalties(ctx: ResolveContext, doc: SpecDocument, choices: readonly (number | 'optimal')[]): void {
  choices.forEach((choice, i) => {
    const first = choices.indexOf(choice);
    if (first < i) ctx.report(doc, `/ridge/lambda/${i}`, 'spec/duplicate-lambda', `${JSON.stringify(choice)} is already listed (entry ${first}); each penalty gives one curve`);
  });
}
