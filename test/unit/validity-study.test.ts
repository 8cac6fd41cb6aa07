/**
 * The committed simulation study (test/study/results.json, written by `npm run study`) against the
 * targets of the validity warnings and of the exact moments:
 *  - every point whose linearised prediction is off by more than 10 % carries a warning;
 *  - fewer than a third of the warned points are within 5 % (warnings are not noise);
 *  - the recorded warnings are what the current rules (model/validity.ts) give on the recorded
 *    diagnostics, so that thresholds and results cannot drift apart;
 *  - with exact moments, every point of a spec whose assumptions hold (Gaussian inputs, every
 *    non-linear layer with Gaussian pre-activations, a linear teacher) is within 5 %, up to two
 *    standard errors of the simulated mean.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadExperiment } from '../../server/src/core';
import { validityWarnings } from '../../server/src/core/model/validity';
import { nodeHost } from '../../server/src/nodeHost';
import { repoRoot } from '../support/paths';
import type { StudyResults, StudySpec } from '../study/results';

const STUDY = join(repoRoot, 'test', 'study');
const results = JSON.parse(readFileSync(join(STUDY, 'results.json'), 'utf8')) as StudyResults;
const warned = (s: StudySpec): boolean => s.validity.warnings.some((w) => w.severity === 'warning');

test('the study covers the settings of the accuracy table (docs/theory.md section 1)', () => {
  const names = results.specs.map((s) => s.name);
  for (const pattern of [/^rf-/, /^tanh-d30-/, /^tanh-d100-/, /^relu-d30-/, /^relu-d100-/, /^sin-/, /^powerlaw-/, /^linear-sin-/, /^correlated-d100-/, /^correlated-d200/, /^mlp-adam-nonlinear/, /^mlp-init-/, /^mlp-lazy-/]) {
    assert.ok(names.some((n) => pattern.test(n)), `no spec matches ${pattern}`);
  }
  assert.ok(results.specs.every((s) => s.points.length > 0 && s.points.every((p) => p.repeats >= 6)));
});

test('every point off by more than 10 % carries a warning', () => {
  const missed = results.specs.flatMap((s) => (warned(s) ? [] : s.points.filter((p) => Math.abs(p.linearizedError) > 0.1).map((p) => `${s.name} n = ${p.n}, lambda = ${p.lambda}: ${(100 * p.linearizedError).toFixed(1)} %`)));
  assert.deepEqual(missed, []);
});

test('fewer than a third of the warned points are within 5 %', () => {
  const points = results.specs.filter(warned).flatMap((s) => s.points);
  const within = points.filter((p) => Math.abs(p.linearizedError) <= 0.05).length;
  assert.ok(points.length >= 20, `only ${points.length} warned points`);
  assert.ok(within < points.length / 3, `${within} of ${points.length} warned points are within 5 %`);
});

test('the recorded warnings are those the current rules give on the recorded diagnostics', () => {
  for (const s of results.specs) {
    const file = join(STUDY, 'specs', `${s.name}.rainbow.json`);
    const loaded = loadExperiment(readFileSync(file, 'utf8'), file, nodeHost);
    const model = loaded.runs?.[0]?.model;
    assert.ok(model, `${s.name}: ${JSON.stringify(loaded.problems)}`);
    const now = validityWarnings(model, s.validity).map((w) => `${w.code} ${w.layer ?? ''}`);
    assert.deepEqual(now.sort(), s.validity.warnings.map((w) => `${w.code} ${w.layer ?? ''}`).sort(), s.name);
  }
});

test('exact moments: within 5 % (plus two standard errors) wherever their assumptions hold, and no warning left there', () => {
  const exactSpecs = results.specs.filter((s) => {
    const file = join(STUDY, 'specs', `${s.name}.rainbow.json`);
    const spec = JSON.parse(readFileSync(file, 'utf8')) as { teacher: { kind: string }; input: { covariance?: unknown } };
    const gaussianInput = !(typeof spec.input.covariance === 'object' && spec.input.covariance !== null && 'samples' in spec.input.covariance);
    return spec.teacher.kind === 'linear' && gaussianInput && s.validity.layers.every((l) => l.gaussianPreactivations || l.nonlinearShare === 0);
  });
  assert.ok(exactSpecs.length >= 10, `only ${exactSpecs.length} specs where the exact moments are exact`);
  for (const s of exactSpecs) {
    for (const p of s.points) {
      assert.ok(Math.abs(p.exactError) <= 0.05 + 2 * p.errorStandardError, `${s.name} n = ${p.n}, lambda = ${p.lambda}: ${(100 * p.exactError).toFixed(1)} % +- ${(100 * p.errorStandardError).toFixed(1)} %`);
    }
    assert.deepEqual(s.exactWarnings, [], s.name);
  }
});
