/**
 * Schema validation of a parsed spec: every mistake becomes one Problem at the exact place in the
 * file, with a message that names the field, what it expects and what it got.
 *
 * Problem codes (stable; the editor and the CLI show them):
 *   json/syntax                    the text is not JSON (document.ts)
 *   json/comment                   a comment; .rainbow.json files are plain JSON (document.ts)
 *   json/trailing-comma            a "," before "}" or "]" (document.ts)
 *   json/duplicate-key             the same property twice in one object (document.ts)
 *   json/too-deep                  nested deeper than MAX_NESTING levels (document.ts, before parsing)
 *   json/too-long                  a list or object with more than MAX_ENTRIES entries (document.ts)
 *   schema/kind                    "kind" missing, unknown, or not the kind the file is used as
 *   schema/type                    a value of the wrong JSON type (a string where a number belongs)
 *   schema/enum                    a name that is not one of the allowed ones ("tahn")
 *   schema/range                   a number or a list size outside its limits, "from" > "to"
 *   schema/pattern                 a string of the wrong form (a path not ending in .npy, a bad id)
 *   schema/unknown-property        a property the object does not have (often a typo)
 *   schema/missing-property        a required property is absent
 *   schema/conflicting-properties  properties of two alternatives mixed ("n" with "from")
 *   schema/invalid                 anything else the schema rejects
 *   schema/too-many                more problems than are worth listing
 *
 * Ranges: the offending value for type/enum/range/pattern problems; the property name for unknown
 * and missing properties (an object without a name, such as a layer, by its opening brace); the
 * property name for list sizes (the list itself may span many lines). At most one problem per range.
 *
 * Alternatives (oneOf): ajv reports the errors of every alternative. Instead, the alternative is
 * chosen from the data (by "kind" through ajv's discriminator, by JSON type, or by a key that only
 * one alternative has, see schemaMap.ts) and the value is validated again against that one alone.
 *
 * Checks that need more than the schema (layer references, shapes, .npy files) belong to the
 * resolver that runs after this.
 */

import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Problem, ProblemCode } from '../problems';
import { pointerSegments, problemAt, sortProblems, toPointer, type SpecDocument } from './document';
import {
  accepts,
  alternatives,
  discriminatedBranches,
  expectation,
  formatNumber,
  isObject,
  jsonType,
  listOf,
  patternPhrase,
  primaryKeys,
  quoteList,
  sitesByOneOf,
  sitesBySchema,
  type SchemaNode,
  type Site,
} from './schemaMap';
import { closestMatch } from './suggest';
import { branchValidators, validateRainbowFile } from './validators.generated';
import { describe, enumLabel, fieldName, objectLabel } from './wording';

// The validators are compiled from the schema ahead of time by scripts/generate-spec-types.js
// (ajv's standalone code, with allErrors, verbose, strict, discriminator and the annotation
// keywords): loading and running ajv's compiler took about 250 ms of every process. Their verbose
// errors carry the schema objects of rainbowSchema itself, which schemaMap.ts indexes.
export { ANNOTATION_KEYWORDS } from './validators.generated';

/** Validator of one branch of a oneOf, by its schema pointer (after following $ref). */
function validatorAt(pointer: string): ValidateFunction {
  const v = branchValidators[pointer];
  if (!v) throw new Error(`no precompiled validator for the schema at ${pointer}`);
  return v;
}

const MAX_PROBLEMS = 100;

type Which = 'value' | 'key';

interface Candidate {
  pointer: string;
  which: Which;
  code: ProblemCode;
  message: string;
}

/** Lower wins when two problems fall on the same range. */
const PRIORITY: Partial<Record<ProblemCode, number>> = {
  'schema/kind': 0,
  'schema/conflicting-properties': 1,
  'schema/unknown-property': 1,
  'schema/missing-property': 1,
  'schema/type': 2,
  'schema/enum': 3,
  'schema/pattern': 3,
  'schema/range': 4,
};

/**
 * Problems of a parsed spec against the schema. With `expectedKind`, a file of the other kind gives
 * a single problem (the caller reports the reference that led here).
 */
export function validateSchema(doc: SpecDocument, expectedKind?: 'experiment' | 'network'): Problem[] {
  const root = doc.value;
  if (!isObject(root)) {
    return [problemAt(doc, '', 'schema/type',
      `a .rainbow.json file holds one JSON object with "kind": "experiment" or "kind": "network" (got ${describe(doc, '', root)})`, 'key')];
  }
  if (expectedKind && (root.kind === 'experiment' || root.kind === 'network') && root.kind !== expectedKind) {
    const message = expectedKind === 'network'
      ? 'this file is an experiment, but it is used as a network: a network file has "kind": "network" and "layers"'
      : 'this file is a network, not an experiment: predictions need an experiment that uses it as "student" or as a teacher\'s "network"';
    return [problemAt(doc, '/kind', 'schema/kind', message)];
  }
  const context = new Reporter(doc);
  context.explain(validateRainbowFile, root, '');
  context.crossChecks();
  return context.problems();
}

class Reporter {
  private readonly candidates: Candidate[] = [];
  /** Object pointer -> properties suggested for its unknown keys (their "missing" is then implied). */
  private readonly suggested = new Map<string, Set<string>>();
  private readonly pendingMissing: { pointer: string; props: string[] }[] = [];

  constructor(private readonly doc: SpecDocument) {}

  /** Validates `data` (found at `base`) and turns the errors into candidates. */
  explain(validate: ValidateFunction, data: unknown, base: string, owner?: { site: Site; index: number }): void {
    if (validate(data)) return;
    const errors = validate.errors ?? [];
    const isAlternative = (e: ErrorObject): boolean => e.keyword === 'oneOf' || e.keyword === 'anyOf';
    const alternativesAt = [...new Set(errors.filter(isAlternative).map((e) => e.instancePath))];
    const outermost = alternativesAt.filter((p) => !alternativesAt.some((q) => q !== p && within(p, q)));
    const missing = new Map<string, string[]>();
    const handled = new Set<string>();
    for (const e of errors) {
      if (isAlternative(e)) {
        if (outermost.includes(e.instancePath) && !handled.has(e.instancePath)) {
          handled.add(e.instancePath);
          this.chooseAlternative(e, base + e.instancePath);
        }
        continue;
      }
      // Errors inside an alternative are re-derived from the chosen alternative alone.
      if (outermost.some((p) => within(e.instancePath, p))) continue;
      const pointer = base + e.instancePath;
      if (e.keyword === 'required') {
        const list = missing.get(pointer) ?? [];
        list.push(String(e.params.missingProperty));
        missing.set(pointer, list);
        continue;
      }
      this.mapError(e, pointer, e.instancePath === '' ? owner : undefined);
    }
    for (const [pointer, props] of missing) this.missingProperties(pointer, props);
  }

  private add(pointer: string, which: Which, code: ProblemCode, message: string): void {
    this.candidates.push({ pointer, which, code, message });
  }

  private valueAt(pointer: string): unknown {
    let v: unknown = this.doc.value;
    for (const s of pointerSegments(pointer)) v = isObject(v) || Array.isArray(v) ? (v as { [k: string]: unknown })[s] : undefined;
    return v;
  }

  // -------------------------------------------------------------------- alternatives (oneOf)

  private chooseAlternative(e: ErrorObject, pointer: string): void {
    const site = sitesByOneOf.get(e.schema);
    if (!site) {
      this.add(pointer, 'value', 'schema/invalid', `${fieldName(pointer)} is not valid here`);
      return;
    }
    const value = this.valueAt(pointer);
    const t = jsonType(value);
    const typed = site.branches.map((_, i) => i).filter((i) => accepts(site.branches[i]!.types, t));
    if (typed.length === 0) {
      this.add(pointer, 'value', 'schema/type', `${fieldName(pointer)} must be ${alternatives(site)} (got ${describe(this.doc, pointer, value, true)})`);
      return;
    }
    if (t !== 'object') {
      const free = typed.find((i) => site.branches[i]!.values === undefined);
      if (free !== undefined) return this.explainBranch(site, free, value, pointer);
      const allowed = typed.flatMap((i) => site.branches[i]!.values ?? []);
      const names = allowed.filter((v): v is string => typeof v === 'string');
      const guess = typeof value === 'string' ? closestMatch(value, names) : undefined;
      if (typeof value === 'string' && names.length > 1) {
        // A list of names (activations): the names are what the user was reaching for.
        const hint = guess ? ` (did you mean ${JSON.stringify(guess)}?)` : '';
        this.add(pointer, 'value', 'schema/enum', `unknown ${enumLabel(pointer)} ${JSON.stringify(value)}: expected one of ${names.join(', ')}${hint}`);
        return;
      }
      const hint = guess ? `; did you mean ${JSON.stringify(guess)}?` : '';
      this.add(pointer, 'value', 'schema/enum', `${fieldName(pointer)} must be ${alternatives(site)} (got ${describe(this.doc, pointer, value)}${hint})`);
      return;
    }
    if (typed.length === 1) return this.explainBranch(site, typed[0]!, value, pointer);

    const keys = Object.keys(value as object);
    const byRequired = typed.filter((i) => primaryKeys(site.branches[i]!).some((k) => keys.includes(k)));
    const byAny = byRequired.length > 0 ? byRequired : typed.filter((i) => site.branches[i]!.signature.some((k) => keys.includes(k)));
    if (byAny.length === 1) return this.explainBranch(site, byAny[0]!, value, pointer);
    const label = objectLabel(pointer, this.doc.value);
    const keyList = typed.map((i) => primaryKeys(site.branches[i]!).map((k) => JSON.stringify(k)).join('/')).filter((k) => k !== '');
    if (byAny.length > 1) {
      // Point at the first key that belongs to a second alternative.
      const owners = keys.map((k) => byAny.find((i) => site.branches[i]!.signature.includes(k)));
      const first = owners.find((o) => o !== undefined);
      const at = keys.find((_, j) => owners[j] !== undefined && owners[j] !== first) ?? keys[0] ?? '';
      const forms = byAny.map((i) => primaryKeys(site.branches[i]!).map((k) => JSON.stringify(k)).join('/'));
      const message = forms.length === 2
        ? `${label} takes either ${forms[0]} or ${forms[1]}, not both`
        : `${label} takes only one of ${forms.join(', ')}`;
      this.add(pointer + '/' + escape(at), 'key', 'schema/conflicting-properties', message);
      return;
    }
    const known = new Set(typed.flatMap((i) => site.branches[i]!.properties));
    const unknown = keys.find((k) => !known.has(k));
    if (unknown !== undefined) {
      const guess = closestMatch(unknown, [...known]);
      const message = guess
        ? `unknown property ${JSON.stringify(unknown)} in ${label} (did you mean ${JSON.stringify(guess)}?)`
        : `unknown property ${JSON.stringify(unknown)} in ${label}: expected ${keyList.length > 1 ? 'one of ' : ''}${listOf(keyList)}`;
      this.add(pointer + '/' + escape(unknown), 'key', 'schema/unknown-property', message);
      return;
    }
    this.add(pointer, 'key', 'schema/missing-property', `${label} needs ${keyList.length > 2 ? 'one of ' : ''}${listOf(keyList)}`);
  }

  private explainBranch(site: Site, index: number, value: unknown, pointer: string): void {
    const branch = site.branches[index]!;
    const validate = validatorAt(branch.pointer);
    if (validate(value)) {
      // Valid for this alternative, so it matched another one as well.
      this.add(pointer, 'value', 'schema/invalid', `${fieldName(pointer)} matches more than one form; write one of ${alternatives(site)}`);
      return;
    }
    this.explain(validate, value, pointer, { site, index });
  }

  // -------------------------------------------------------------------- single errors

  private mapError(e: ErrorObject, pointer: string, owner?: { site: Site; index: number }): void {
    const schema = (e.parentSchema ?? {}) as SchemaNode;
    const field = fieldName(pointer);
    const value = this.valueAt(pointer);
    const got = describe(this.doc, pointer, value, e.keyword === 'type');
    switch (e.keyword) {
      case 'additionalProperties':
        return this.unknownProperty(String(e.params.additionalProperty), pointer, schema, owner);
      case 'discriminator':
        return this.badKind(e, pointer, value);
      case 'type':
        return this.add(pointer, 'value', 'schema/type', `${field} must be ${expectation(schema)} (got ${got})`);
      case 'enum': {
        const allowed = (schema.enum as unknown[]) ?? [];
        const strings = allowed.filter((v): v is string => typeof v === 'string');
        if (typeof value === 'string') {
          const guess = closestMatch(value, strings);
          const hint = guess ? ` (did you mean ${JSON.stringify(guess)}?)` : '';
          return this.add(pointer, 'value', 'schema/enum', `unknown ${enumLabel(pointer)} ${JSON.stringify(value)}: expected one of ${strings.join(', ')}${hint}`);
        }
        return this.add(pointer, 'value', 'schema/enum', `${field} must be ${expectation(schema)} (got ${got})`);
      }
      case 'const':
        return this.add(pointer, 'value', 'schema/enum', `${field} must be ${JSON.stringify(schema.const)} (got ${got})`);
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        return this.add(pointer, 'value', 'schema/range', `${field} must be ${expectation(schema)} (got ${got})`);
      case 'minItems':
      case 'maxItems': {
        const min = typeof schema.minItems === 'number' ? schema.minItems : undefined;
        const max = typeof schema.maxItems === 'number' ? schema.maxItems : undefined;
        const size = min !== undefined && max !== undefined ? `between ${min} and ${max} entries`
          : max !== undefined ? `at most ${max} entries` : `at least ${min} ${min === 1 ? 'entry' : 'entries'}`;
        const count = Array.isArray(value) ? value.length : 0;
        return this.add(pointer, 'key', 'schema/range', `${field} must have ${size} (got ${count})`);
      }
      case 'minLength':
      case 'maxLength': {
        const length = typeof value === 'string' ? value.length : 0;
        const limit = e.keyword === 'maxLength' ? `at most ${String(schema.maxLength)}` : `at least ${String(schema.minLength)}`;
        return this.add(pointer, 'value', 'schema/range', `${field} must have ${limit} characters (got ${length})`);
      }
      case 'pattern':
        return this.add(pointer, 'value', 'schema/pattern', `${field} must be ${patternPhrase(schema)} (got ${got})`);
      default:
        return this.add(pointer, 'value', 'schema/invalid', `${field} ${e.message ?? 'is not valid'}`);
    }
  }

  private badKind(e: ErrorObject, pointer: string, value: unknown): void {
    const site = sitesBySchema.get(e.parentSchema);
    const tags = site ? site.branches.map((b) => b.tag ?? '') : [];
    const isRoot = pointer === '';
    const kindPointer = pointer + '/kind';
    const kind = isObject(value) ? value.kind : undefined;
    const what = isRoot ? 'kind' : `${objectLabel(pointer, this.doc.value)} kind`;
    if (kind === undefined) {
      const message = isRoot
        ? `missing "kind": a .rainbow.json file starts with "kind": ${quoteList(tags)}`
        : `${objectLabel(pointer, this.doc.value)} is missing "kind": one of ${quoteList(tags)}`;
      return this.add(pointer, 'key', 'schema/kind', message);
    }
    if (typeof kind !== 'string') {
      return this.add(kindPointer, 'value', 'schema/kind',
        `"kind" must be ${quoteList(tags)} (got ${describe(this.doc, kindPointer, kind, true)})`);
    }
    const guess = closestMatch(kind, tags);
    const hint = guess ? ` (did you mean ${JSON.stringify(guess)}?)` : '';
    this.add(kindPointer, 'value', 'schema/kind',
      `unknown ${what} ${describe(this.doc, kindPointer, kind)}: expected ${quoteList(tags)}${hint}`);
  }

  private unknownProperty(prop: string, pointer: string, schema: SchemaNode, owner?: { site: Site; index: number }): void {
    const keyPointer = pointer + '/' + escape(prop);
    const label = objectLabel(pointer, this.doc.value);
    const home = owner ?? discriminatedBranches.get(schema);
    if (home) {
      const own = home.site.branches[home.index]!;
      const others = home.site.branches.filter((b, i) => i !== home.index && b.properties.includes(prop));
      if (others.length > 0) {
        let message: string;
        if (home.site.discriminator && pointer === '') {
          message = `"${prop}" does not apply to ${own.tag === 'experiment' ? 'an experiment' : 'a network file'} (only to ${own.tag === 'experiment' ? 'network files' : 'experiments'})`;
        } else if (home.site.discriminator) {
          const kinds = quoteList(others.map((b) => b.tag), 'and');
          message = `"${prop}" does not apply to a "${own.tag}" ${label} (only to ${kinds} ${label}s)`;
        } else {
          const name = (b: typeof own): string => primaryKeys(b).map((k) => JSON.stringify(k)).join('/');
          message = `"${prop}" cannot be combined with ${name(own)} in ${label} (it goes with ${others.map(name).join(' or ')})`;
        }
        return this.add(keyPointer, 'key', 'schema/unknown-property', message);
      }
    }
    const allowed = isObject(schema.properties) ? Object.keys(schema.properties) : [];
    if (prop === 'kind' && allowed.includes('layers')) {
      return this.add(keyPointer, 'key', 'schema/unknown-property',
        '"kind" is only written at the top of a network file, not in a network written inline; remove it');
    }
    const guess = closestMatch(prop, allowed);
    if (guess) {
      const set = this.suggested.get(pointer) ?? new Set<string>();
      set.add(guess);
      this.suggested.set(pointer, set);
    }
    const message = guess
      ? `unknown property ${JSON.stringify(prop)} in ${label} (did you mean ${JSON.stringify(guess)}?)`
      : `unknown property ${JSON.stringify(prop)} in ${label}: expected ${allowed.length > 1 ? 'one of ' : ''}${quoteList(allowed)}`;
    this.add(keyPointer, 'key', 'schema/unknown-property', message);
  }

  private missingProperties(pointer: string, props: string[]): void {
    if (props.includes('kind')) {
      this.add(pointer, 'key', 'schema/kind', `${objectLabel(pointer, this.doc.value)} is missing "kind"`);
      return;
    }
    // Reported at the end, once every unknown property (perhaps a misspelling of it) is known.
    this.pendingMissing.push({ pointer, props });
  }

  // -------------------------------------------------------------------- checks across fields

  /** "from" <= "to" in the ranges of "samples" and "simulate". */
  crossChecks(): void {
    const root = this.doc.value;
    if (!isObject(root)) return;
    const range = (pointer: string): void => {
      const r = this.valueAt(pointer);
      if (isObject(r) && typeof r.from === 'number' && typeof r.to === 'number' && r.from > r.to) {
        this.add(pointer + '/from', 'value', 'schema/range',
          `"from" (${formatNumber(r.from)}) must not be greater than "to" (${formatNumber(r.to)})`);
      }
    };
    range('/samples');
    range('/simulate/n');
  }

  problems(): Problem[] {
    for (const { pointer, props } of this.pendingMissing) {
      const implied = this.suggested.get(pointer);
      const left = props.filter((p) => !implied?.has(p));
      if (left.length === 0) continue;
      const label = objectLabel(pointer, this.doc.value);
      this.add(pointer, 'key', 'schema/missing-property', `${label} is missing ${quoteList(left, 'and')}`);
    }
    const best = new Map<string, { rank: number; problem: Problem }>();
    this.candidates.forEach((c, order) => {
      const problem = problemAt(this.doc, c.pointer, c.code, c.message, c.which);
      const r = problem.range;
      const key = `${r.start.line}:${r.start.character}:${r.end.line}:${r.end.character}`;
      const rank = (PRIORITY[c.code] ?? 5) * 1e6 + order;
      const current = best.get(key);
      if (!current || rank < current.rank) best.set(key, { rank, problem });
    });
    const sorted = sortProblems([...best.values()].map((b) => b.problem));
    if (sorted.length <= MAX_PROBLEMS) return sorted;
    const shown = sorted.slice(0, MAX_PROBLEMS);
    shown.push(problemAt(this.doc, '', 'schema/too-many',
      `... and ${(sorted.length - MAX_PROBLEMS).toLocaleString('en-US')} more problems, not listed: fix the ones above first`, 'key', 'information'));
    return shown;
  }
}

// ------------------------------------------------------------------------ pointers

/** Whether instance path `path` is `prefix` or inside it. */
function within(path: string, prefix: string): boolean {
  return path === prefix || prefix === '' || path.startsWith(prefix + '/');
}

function escape(key: string): string {
  return toPointer([key]).slice(1);
}
