/**
 * What the error reporter needs to know about the schema beyond what ajv reports: where the
 * alternatives (`oneOf`) are, how to tell them apart from the data (by `kind`, by JSON type, or by a
 * key only one alternative has), and how to describe in words what a schema expects.
 */

import { rainbowSchema } from './schema.generated';

export type SchemaNode = { readonly [key: string]: unknown };
export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'null' | 'array' | 'object';

export interface Branch {
  /** Schema pointer of the branch (after following $ref): the key of its precompiled validator. */
  pointer: string;
  schema: SchemaNode;
  types: JsonType[];
  /** Allowed values of a const/enum branch. */
  values?: readonly unknown[];
  properties: string[];
  required: string[];
  /** Properties that no other branch of the site has: their presence selects this branch. */
  signature: string[];
  /** Value of the discriminating property (`kind`), for discriminated sites. */
  tag?: string;
}

export interface Site {
  pointer: string;
  branches: Branch[];
  /** Name of the discriminating property (`kind`) when ajv's discriminator selects the branch. */
  discriminator?: string;
}

export const isObject = (v: unknown): v is { [key: string]: unknown } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

/** Whether a value of JSON type `t` belongs to a branch of declared types (integers are numbers, and
 * a non-integer number goes to an integer branch so that the branch reports "must be an integer"). */
export function accepts(types: readonly JsonType[], t: JsonType): boolean {
  if (types.includes(t)) return true;
  if (t === 'integer') return types.includes('number');
  if (t === 'number') return types.includes('integer');
  return false;
}

function at(pointer: string): SchemaNode {
  let node: unknown = rainbowSchema;
  for (const segment of pointer.split('/').slice(1)) node = (node as { [key: string]: unknown })[segment];
  if (!isObject(node)) throw new Error(`schema pointer ${pointer} does not lead to a schema`);
  return node;
}

/** Follows `$ref` (local `#/...` references only, as the schema uses). */
export function resolve(schema: SchemaNode, pointer: string): { schema: SchemaNode; pointer: string } {
  let current = { schema, pointer };
  for (let hops = 0; typeof current.schema.$ref === 'string' && hops < 16; hops++) {
    const target = (current.schema.$ref as string).replace(/^#/, '');
    current = { schema: at(target), pointer: target };
  }
  return current;
}

function declaredTypes(schema: SchemaNode): JsonType[] {
  if (typeof schema.type === 'string') return [schema.type as JsonType];
  if (Array.isArray(schema.type)) return schema.type as JsonType[];
  const values = 'const' in schema ? [schema.const] : Array.isArray(schema.enum) ? schema.enum : [];
  return [...new Set(values.map(jsonType).map((t) => (t === 'integer' ? 'number' : t)))];
}

function makeSite(pointer: string, schema: SchemaNode): Site {
  const tag = isObject(schema.discriminator) ? (schema.discriminator.propertyName as string) : undefined;
  const branches: Branch[] = (schema.oneOf as SchemaNode[]).map((raw, i) => {
    const { schema: s, pointer: p } = resolve(raw, `${pointer}/oneOf/${i}`);
    const properties = isObject(s.properties) ? Object.keys(s.properties) : [];
    const values = 'const' in s ? [s.const] : Array.isArray(s.enum) ? (s.enum as unknown[]) : undefined;
    const branch: Branch = {
      pointer: p,
      schema: s,
      types: declaredTypes(s),
      properties,
      required: Array.isArray(s.required) ? (s.required as string[]) : [],
      signature: [],
    };
    if (values) branch.values = values;
    if (tag && isObject(s.properties) && isObject(s.properties[tag])) branch.tag = String((s.properties[tag] as SchemaNode).const);
    return branch;
  });
  for (const b of branches) {
    b.signature = b.properties.filter((p) => p !== tag && !branches.some((o) => o !== b && o.properties.includes(p)));
  }
  const site: Site = { pointer, branches };
  if (tag) site.discriminator = tag;
  return site;
}

/** Every `oneOf` of the schema, keyed by the oneOf array (ajv's verbose errors carry it). */
export const sitesByOneOf = new Map<unknown, Site>();
/** Discriminated sites, keyed by the schema object holding the discriminator. */
export const sitesBySchema = new Map<unknown, Site>();
/** Branch schemas of discriminated sites -> their site, to explain properties of another kind. */
export const discriminatedBranches = new Map<unknown, { site: Site; index: number }>();

(function indexSchema(): void {
  const seen = new Set<unknown>();
  const visit = (node: unknown, pointer: string): void => {
    if (!isObject(node) || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node.oneOf)) {
      const site = makeSite(pointer, node);
      sitesByOneOf.set(node.oneOf, site);
      sitesBySchema.set(node, site);
      if (site.discriminator) site.branches.forEach((b, index) => discriminatedBranches.set(b.schema, { site, index }));
      node.oneOf.forEach((b, i) => visit(b, `${pointer}/oneOf/${i}`));
    }
    for (const key of ['properties', '$defs']) {
      const children = node[key];
      if (isObject(children)) for (const [name, child] of Object.entries(children)) visit(child, `${pointer}/${key}/${name}`);
    }
    if (isObject(node.items)) visit(node.items, `${pointer}/items`);
  };
  visit(rainbowSchema, '');
})();

// ------------------------------------------------------------------ describing expectations

/** 1e12 rather than 1000000000000; other numbers as JavaScript prints them. */
export function formatNumber(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) >= 1e6) {
    const [mantissa, exponent] = x.toExponential().split('e');
    if (mantissa && exponent && mantissa.length <= 4) return `${mantissa}e${exponent.replace('+', '')}`;
  }
  return String(x);
}

function numberPhrase(s: SchemaNode, plural: boolean): string {
  const integer = s.type === 'integer';
  const noun = integer ? (plural ? 'integers' : 'an integer') : plural ? 'numbers' : 'a number';
  const num = (k: string): number | undefined => (typeof s[k] === 'number' ? (s[k] as number) : undefined);
  const min = num('minimum');
  const max = num('maximum');
  const xmin = num('exclusiveMinimum');
  const xmax = num('exclusiveMaximum');
  if (min !== undefined && max !== undefined) return `${noun} between ${formatNumber(min)} and ${formatNumber(max)}`;
  const parts: string[] = [];
  if (xmin !== undefined) parts.push(`> ${formatNumber(xmin)}`);
  if (min !== undefined) parts.push(`>= ${formatNumber(min)}`);
  if (xmax !== undefined) parts.push(`< ${formatNumber(xmax)}`);
  if (max !== undefined) parts.push(`<= ${formatNumber(max)}`);
  if (parts.length === 0) return integer ? noun : plural ? 'finite numbers' : 'a finite number';
  return `${noun} ${parts.join(' and ')}`;
}

/** "Expected a relative path ... ending in .npy." -> "a relative path ... ending in .npy". */
export function patternPhrase(s: SchemaNode): string {
  if (typeof s.patternErrorMessage === 'string') {
    return s.patternErrorMessage.replace(/^Expected /, '').replace(/\.$/, '');
  }
  return `text matching ${String(s.pattern)}`;
}

export function quoteList(values: readonly unknown[], conjunction = 'or'): string {
  return listOf(values.map((v) => JSON.stringify(v)), conjunction);
}

/** Already quoted items: `a, b or c`. */
export function listOf(items: readonly string[], conjunction = 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

/** What a schema expects, as a noun phrase: "an integer between 1 and 10000", "a list of numbers > 0". */
export function expectation(raw: SchemaNode, plural = false): string {
  const { schema: s } = resolve(raw, '');
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}`;
  if (Array.isArray(s.oneOf)) {
    const site = sitesByOneOf.get(s.oneOf);
    if (site) return alternatives(site, plural);
  }
  switch (s.type) {
    case 'integer':
    case 'number':
      return numberPhrase(s, plural);
    case 'string':
      if (typeof s.pattern === 'string') return patternPhrase(s);
      return plural ? 'strings' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'array': {
      const entries = isObject(s.items) ? expectation(s.items, true) : 'values';
      // Parentheses keep entry alternatives apart from the alternatives of the list itself.
      return `${plural ? 'lists' : 'a list'} ${entries.includes(' or ') ? `(of ${entries})` : `of ${entries}`}`;
    }
    case 'object': {
      const required = Array.isArray(s.required) ? (s.required as string[]) : [];
      const noun = plural ? 'objects' : 'an object';
      return required.length > 0 ? `${noun} with ${quoteList(required, 'and')}` : noun;
    }
    default:
      return 'a valid value';
  }
}

/** The keys that name a branch in messages: its required keys of its own, else all its own keys. */
export function primaryKeys(branch: Branch): string[] {
  const own = branch.required.filter((k) => branch.signature.includes(k));
  return own.length > 0 ? own : branch.signature;
}

/** All forms a site accepts: `"identity" or an object with one of "powerLaw", "diagonal", ...`. */
export function alternatives(site: Site, plural = false): string {
  if (site.discriminator) return `an object with "${site.discriminator}": ${quoteList(site.branches.map((b) => b.tag))}`;
  const phrases: string[] = [];
  const objectBranches = site.branches.filter((b) => b.types.includes('object'));
  for (const b of site.branches) {
    if (b.types.includes('object')) {
      if (b !== objectBranches[0]) continue;
      if (objectBranches.length === 1) {
        phrases.push(expectation(b.schema, plural));
      } else {
        const keys = objectBranches.map((o) => primaryKeys(o).map((k) => JSON.stringify(k)).join('/'));
        phrases.push(`an object with ${keys.length > 2 ? 'one of ' : ''}${listOf(keys)}`);
      }
    } else {
      phrases.push(expectation(b.schema, plural));
    }
  }
  if (phrases.length <= 1) return phrases.join('');
  return `${phrases.slice(0, -1).join(', ')} or ${phrases[phrases.length - 1]}`;
}
