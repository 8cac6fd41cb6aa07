/**
 * From text to resolved experiments: parse, validate against the schema, resolve (network files,
 * .npy files, references), and expand a `sweep` into one model per value.
 */
import type { SpecHost } from '../host';
import type { ExperimentModel } from '../model/types';
import type { Problem } from '../problems';
import { ResolveContext } from './context';
import { specTextTooLarge } from './files';
import { parseSpecDocument, type SpecDocument } from './document';
import { resolveExperiment } from './experiment';
import type { Experiment } from './types.generated';
import { validateSchema } from './validate';

export interface LoadedExperiment {
  model: ExperimentModel;
  sweepValue?: number;
}

export interface LoadResult {
  problems: Problem[];
  /** Every document read (the spec and its network files), by path. */
  documents: Map<string, SpecDocument>;
  /** One model per sweep value (a single one without a sweep); absent when the spec has errors. */
  runs?: LoadedExperiment[];
  sweep?: { parameter: string; values: number[] };
}

/** Parse, schema and semantic checks only (no numerics): what `rainbow validate` and diagnostics-as-you-type need. */
export function loadExperiment(text: string, file: string, host: SpecHost): LoadResult {
  const documents = new Map<string, SpecDocument>();
  const tooLarge = specTextTooLarge(text, file);
  if (tooLarge) return { problems: [tooLarge], documents };
  const parsed = parseSpecDocument(text, file);
  if (!parsed.document) return { problems: parsed.problems, documents };
  const doc = parsed.document;
  documents.set(file, doc);
  const schemaProblems = validateSchema(doc);
  const problems = [...parsed.problems, ...schemaProblems];
  if (problems.some((p) => p.severity === 'error')) return { problems, documents };
  if ((doc.value as { kind: string }).kind !== 'experiment') return { problems, documents };

  const value = doc.value as Experiment;
  const ctx = new ResolveContext(host, documents);
  if (!value.sweep) {
    const model = resolveExperiment(ctx, doc, value);
    return { problems: [...problems, ...ctx.problems], documents, ...(model ? { runs: [{ model }] } : {}) };
  }

  const { parameter, values } = value.sweep;
  const target = sweepTargetProblem(value, parameter);
  if (target) {
    ctx.report(doc, '/sweep/parameter', 'spec/sweep-parameter', target);
    return { problems: [...problems, ...ctx.problems], documents };
  }
  const runs: LoadedExperiment[] = [];
  values.forEach((sweepValue, i) => {
    const variant = JSON.parse(JSON.stringify(value)) as Experiment;
    writePointer(variant, parameter, sweepValue);
    // The swept value must satisfy the schema like any written value (a width of 0 is still wrong).
    const check = parseSpecDocument(JSON.stringify(variant), file);
    const invalid = check.document && validateSchema(check.document).find((p) => p.severity === 'error');
    if (invalid) {
      ctx.report(doc, `/sweep/values/${i}`, 'spec/sweep-value', `with ${parameter} = ${sweepValue} the spec is invalid: ${invalid.message}`);
      return;
    }
    const model = resolveExperiment(ctx, doc, variant);
    if (model) runs.push({ model, sweepValue });
  });
  const all = dedupe([...problems, ...ctx.problems]);
  return { problems: all, documents, ...(ctx.failed ? {} : { runs }), sweep: { parameter, values } };
}

function unescape(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/**
 * Why a sweep cannot vary `parameter`, if it cannot. Only a number written in the spec can be swept:
 * a pointer to an object, a list, a name, or something JavaScript has but the JSON does not (the
 * `length` of a list) is refused here, before any variant is made.
 */
function sweepTargetProblem(value: Experiment, parameter: string): string | undefined {
  const how = 'a sweep varies one number written in this spec, named by a JSON pointer with layers counted from 0, such as "/teacher/noise" or "/student/layers/0/width"';
  if (parameter === '/sweep' || parameter.startsWith('/sweep/')) return `the sweep cannot vary its own settings: ${how}`;
  const target = readPointer(value, parameter);
  if (target === undefined) return `"${parameter}" names nothing in this spec: ${how}`;
  if (typeof target !== 'number') {
    const what = Array.isArray(target) ? 'a list' : target === null ? 'null' : typeof target === 'object' ? 'an object' : typeof target === 'string' ? 'a string' : 'true or false';
    return `"${parameter}" is ${what} in this spec, not a number: ${how}`;
  }
  return undefined;
}

/** The value at a JSON pointer, following only what the JSON has (own properties, list indices). */
export function readPointer(value: unknown, pointer: string): unknown {
  if (pointer === '') return value;
  if (!pointer.startsWith('/')) return undefined;
  let node: unknown = value;
  for (const token of pointer.slice(1).split('/').map(unescape)) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token) || Number(token) >= node.length) return undefined;
      node = node[Number(token)];
    } else if (node !== null && typeof node === 'object' && Object.prototype.hasOwnProperty.call(node, token)) {
      node = (node as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return node;
}

function writePointer(value: unknown, pointer: string, replacement: number): void {
  const tokens = pointer.slice(1).split('/').map(unescape);
  const last = tokens.pop() as string;
  const parent = readPointer(value, tokens.length ? `/${tokens.join('/')}` : '') as Record<string, unknown>;
  parent[last] = replacement;
}

/** A sweep resolves the spec once per value; report each problem once. */
function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}:${p.range.start.line}:${p.range.start.character}:${p.code}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
