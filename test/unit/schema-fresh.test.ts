/**
 * The schema is the single source of truth: the generated TypeScript types, schema constant and
 * precompiled validators are up to date with it, and it documents every property (its descriptions are the editor's hover text).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import { sitesByOneOf } from '../../server/src/core/format/schemaMap';
import { ANNOTATION_KEYWORDS } from '../../server/src/core/format/validate';
import { branchValidators } from '../../server/src/core/format/validators.generated';

function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'schemas', 'rainbow.schema.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

interface Generator {
  generateSpecFiles(rootDir: string): Promise<{ path: string; content: string }[]>;
}

type Json = { [key: string]: unknown };
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const root = repoRoot();
const schema = JSON.parse(fs.readFileSync(path.join(root, 'schemas/rainbow.schema.json'), 'utf8')) as Json;

function resolve(node: Json): Json {
  let current = node;
  while (typeof current.$ref === 'string') {
    const name = current.$ref.replace('#/$defs/', '');
    current = (schema.$defs as Json)[name] as Json;
  }
  return current;
}

/** Every property schema with its path, found by walking properties, items, oneOf and $defs. */
function properties(): { where: string; schema: Json }[] {
  const found: { where: string; schema: Json }[] = [];
  const visit = (node: unknown, where: string): void => {
    if (!isObject(node)) return;
    if (isObject(node.properties)) {
      for (const [name, child] of Object.entries(node.properties)) {
        found.push({ where: `${where}/properties/${name}`, schema: child as Json });
        visit(child, `${where}/properties/${name}`);
      }
    }
    if (Array.isArray(node.oneOf)) node.oneOf.forEach((b, i) => visit(b, `${where}/oneOf/${i}`));
    if (isObject(node.items)) visit(node.items, `${where}/items`);
    if (isObject(node.$defs)) for (const [name, def] of Object.entries(node.$defs)) visit(def, `${where}/$defs/${name}`);
  };
  visit(schema, '#');
  return found;
}

describe('generated files', () => {
  it('types.generated.ts, schema.generated.ts and validators.generated.ts match schemas/rainbow.schema.json', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const generator = require(path.join(root, 'scripts/generate-spec-types.js')) as Generator;
    const files = await generator.generateSpecFiles(root);
    assert.equal(files.length, 3);
    for (const file of files) {
      const committed = fs.readFileSync(path.join(root, file.path), 'utf8');
      assert.ok(committed === file.content, `${file.path} is stale: run node scripts/generate-spec-types.js`);
    }
  });

  it('has a precompiled validator for every alternative the error reporter can choose', () => {
    const branches = [...sitesByOneOf.values()].flatMap((site) => site.branches.map((b) => b.pointer));
    const missing = [...new Set(branches)].filter((pointer) => !(pointer in branchValidators)).sort();
    assert.deepEqual(missing, []);
    assert.deepEqual(Object.keys(branchValidators).sort(), [...new Set(branches)].sort());
  });
});

describe('the schema documents the format', () => {
  it('is a valid JSON Schema 2020-12 under ajv\'s strict mode', () => {
    const ajv = new Ajv2020({ strict: true, discriminator: true });
    ajv.addVocabulary(ANNOTATION_KEYWORDS);
    assert.equal(ajv.validateSchema(schema), true, ajv.errorsText(ajv.errors));
    assert.doesNotThrow(() => ajv.compile(schema));
  });

  it('closes every object (additionalProperties: false), so typos are caught', () => {
    const open: string[] = [];
    const visit = (node: unknown, where: string): void => {
      if (!isObject(node)) return;
      if (node.type === 'object' && node.additionalProperties !== false && !Array.isArray(node.oneOf)) open.push(where);
      for (const [key, child] of Object.entries(node)) {
        if (key === 'examples' || key === 'default' || key === 'defaultSnippets') continue;
        if (Array.isArray(child)) child.forEach((c, i) => visit(c, `${where}/${key}/${i}`));
        else visit(child, `${where}/${key}`);
      }
    };
    visit(schema, '#');
    assert.deepEqual(open, []);
  });

  it('describes every property', () => {
    const undocumented = properties()
      .filter(({ schema: s }) => typeof s.description !== 'string' && typeof resolve(s).description !== 'string')
      .map((p) => p.where);
    assert.deepEqual(undocumented, []);
  });

  it('states the defaults of spec-format.md', () => {
    const defs = schema.$defs as { [name: string]: Json };
    const prop = (def: string, name: string): Json => (defs[def]!.properties as Json)[name] as Json;
    const defaults: [unknown, unknown][] = [
      [prop('experiment', 'seed').default, 0],
      [defs.inputCovariance!.default, 'identity'],
      [defs.labelNoise!.default, 0],
      [prop('ridge', 'convention').default, 'sum'],
      [defs.spacing!.default, 'log'],
      [prop('simulate', 'repeats').default, 10],
      [prop('simulate', 'testSamples').default, 2000],
      [(((prop('gaussianWeights', 'gaussian').properties as Json).scale) as Json).default, 1],
      [prop('fileWeights', 'layout').default, 'outIn'],
      [defs.linearization!.default, 'average'],
      [defs.readout!.default, 'random'],
      [defs.rowCovariance!.default, 'identity'],
      [prop('scaledActivation', 'gain').default, 1],
      [prop('plusTerm', 'scale').default, 1],
    ];
    for (const [actual, expected] of defaults) assert.deepEqual(actual, expected);
  });

  it('lists the ten activations of spec-format.md', () => {
    const names = ((schema.$defs as Json).activationName as Json).enum;
    assert.deepEqual(names, ['tanh', 'relu', 'erf', 'sign', 'linear', 'sigmoid', 'gelu', 'silu', 'softplus', 'sin']);
  });
});
