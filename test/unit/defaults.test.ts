/**
 * The resolver's defaults come from the schema (server/src/core/format/defaults.ts). What this
 * checks: a spec that omits every optional field resolves to the schema's defaults, and the
 * defaults that cannot be shared as values agree with the ones that are (the object default of
 * `weights`, the absent readout meaning the schema's "random").
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULTS } from '../../server/src/core/format/defaults';
import { loadExperiment } from '../../server/src/core/format/load';
import { rainbowSchema } from '../../server/src/core/format/schema.generated';
import { memoryHost } from '../support/memoryHost';

const defs = rainbowSchema.$defs as Record<string, Record<string, unknown>>;

test('a spec without optional fields resolves to the schema defaults', () => {
  const text = JSON.stringify({
    kind: 'experiment',
    input: { dimension: 5 },
    teacher: { kind: 'student' },
    student: { layers: [{ width: 5, activation: { name: 'tanh' } }, { width: 5, activation: 'relu', weights: { gaussian: {}, plus: [{ layer: 'L1' }] } }] },
    ridge: { lambda: [1] },
    samples: { from: 10, to: 1000, points: 3 },
    simulate: { n: [10] },
  });
  const loaded = loadExperiment(text, '/spec.rainbow.json', memoryHost({ '/spec.rainbow.json': text }));
  const model = loaded.runs?.[0]?.model;
  assert.ok(model, JSON.stringify(loaded.problems));
  assert.equal(model.seed, (defs.experiment?.properties as Record<string, { default: unknown }>).seed.default);
  assert.equal(model.convention, 'sum');
  assert.equal(model.inputCovariance.kind, 'identity');
  assert.deepEqual(model.samples, [10, 100, 1000], 'log spacing');
  assert.deepEqual(model.simulate, { n: [10], repeats: 10, testSamples: 2000 });
  assert.deepEqual(model.target, { kind: 'student', readout: undefined, noise: 0 });
  const [first, second] = model.student;
  assert.ok(first && second);
  assert.equal(first.linearization, 'average');
  assert.deepEqual(first.weights, { base: { kind: 'gaussian', rowCovariance: { kind: 'identity' }, scale: 1 }, plus: [] });
  assert.deepEqual(second.weights, { base: { kind: 'gaussian', rowCovariance: { kind: 'identity' }, scale: 1 }, plus: [{ layer: 'L1', scale: 1 }] });
});

test('the defaults that are not shared as values agree with those that are', () => {
  // An absent "weights" is the schema's object default, which the resolver builds from the parts.
  assert.deepEqual(defs.weights?.default, { gaussian: { rowCovariance: DEFAULTS.rowCovariance, scale: DEFAULTS.gaussianScale } });
  // An absent readout is drawn at random: the resolver leaves it undefined, the schema says "random".
  assert.equal(defs.readout?.default, 'random');
  // Every default is read (a missing one throws when defaults.ts loads); their values as documented.
  assert.deepEqual(DEFAULTS, {
    seed: 0, inputCovariance: 'identity', labelNoise: 0, convention: 'sum', spacing: 'log', repeats: 10, testSamples: 2000,
    gain: 1, linearization: 'average', rowCovariance: 'identity', gaussianScale: 1, layout: 'outIn', plusScale: 1, gramShift: 0,
  });
});
