/** "Write lambda into the spec" as text edits, and the New Experiment template, checked by the engine. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEdits } from 'jsonc-parser';
import { experimentTemplate, titleFromFileName } from '../../client/src/newExperiment';
import { lambdaEdits, MAX_PENALTIES } from '../../client/src/specEdits';
import { loadExperiment } from '../../server/src/core';
import { memoryHost } from '../support/memoryHost';

function written(text: string, lambda: number): unknown {
  const edits = lambdaEdits(text, lambda);
  assert.ok(Array.isArray(edits), JSON.stringify(edits));
  return (JSON.parse(applyEdits(text, edits)) as { ridge: { lambda: unknown } }).ridge.lambda;
}

describe('lambda edits', () => {
  it('appends to a list, rounded to 6 significant digits', () => {
    assert.deepEqual(written('{ "ridge": { "lambda": [0.001] } }', 0.123456789), [0.001, 0.123457]);
  });
  it('keeps "optimal" beside the new penalty', () => {
    assert.deepEqual(written('{ "ridge": { "lambda": "optimal" } }', 2), [2, 'optimal']);
  });
  it('adds ridge.lambda to a spec without it', () => {
    assert.deepEqual(written('{ "kind": "experiment" }', 0.5), [0.5]);
  });
  it('changes nothing when the penalty is already listed', () => {
    assert.deepEqual(lambdaEdits('{ "ridge": { "lambda": [0.5] } }', 0.5), []);
  });
  it('refuses what the spec cannot take, with the reason', () => {
    const full = `{ "ridge": { "lambda": [${Array.from({ length: MAX_PENALTIES }, (_, i) => i + 1).join(', ')}] } }`;
    assert.match((lambdaEdits(full, 0.5) as { reason: string }).reason, /already lists 100 penalties/);
    assert.match((lambdaEdits('{}', -1) as { reason: string }).reason, /finite number > 0/);
    assert.match((lambdaEdits('[1, 2]', 1) as { reason: string }).reason, /not a JSON object/);
    assert.match((lambdaEdits('{ "ridge": { "lambda": {} } }', 1) as { reason: string }).reason, /neither a list nor "optimal"/);
  });
});

describe('New Experiment template', () => {
  it('is a spec the engine loads without a problem', () => {
    const text = experimentTemplate('noisy relu');
    const loaded = loadExperiment(text, '/work/noisy-relu.rainbow.json', memoryHost({}));
    assert.deepEqual(loaded.problems, []);
    assert.equal((JSON.parse(text) as { title: string }).title, 'noisy relu');
  });
  it('takes its title from the file name', () => {
    assert.equal(titleFromFileName('/a/b/noisy-relu_2.rainbow.json'), 'noisy relu 2');
    assert.equal(titleFromFileName('/a/.rainbow.json'), 'My experiment');
  });
});
