/**
 * Structured Gaussian weights (powerLaw, diagonal, spiked, gram and inverseGram row covariances,
 * default weights, `plus` terms) against the NumPy reference drawing its own weights with the same
 * row covariances (test/reference/make_structured.py writes structured/<case>/reference.json: the
 * mean and standard deviation over 24 NumPy seeds of every compared number).
 *
 * The engine runs each spec with "seed" 1..24. Both means estimate the same expectation over the
 * weight distribution from independent draws, so for every number
 *   |mean_ours - mean_ref| <= K * sqrt(se_ours^2 + se_ref^2) + FLOOR * max(1, |mean_ref|),
 * se = std / sqrt(24). K = 4: with about 90 comparisons, K = 3 would flag one of them in four
 * seeds of the whole family by chance; K = 4 keeps that near 0.5%. FLOOR (1e-9) covers rounding
 * for numbers that do not vary with the seed (the target variance of a fixed beta). Every draw is
 * seeded, so the check is deterministic. The last test shows that the bound is tight enough to see
 * a wrong row covariance.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { predict, predictionJson } from '../../server/src/core';
import { nodeHost } from '../../server/src/nodeHost';
import { listedCases } from '../support/listing';
import { repoRoot } from '../support/paths';

const CASES = join(repoRoot, 'test', 'golden', 'structured');
const K = 4;
const FLOOR = 1e-9;

interface Reference {
  seeds: number;
  values: Record<string, { mean: number; std: number }>;
}

/** The value at a JSON pointer ("/points/3/testError") of the prediction JSON. */
function at(json: unknown, pointer: string): number {
  let node = json;
  for (const part of pointer.split('/').slice(1)) node = (node as Record<string, unknown>)[part];
  assert.equal(typeof node, 'number', `${pointer} is not a number`);
  return node as number;
}

/** Mean and standard deviation (n - 1) over seeds 1..seeds of every compared number. */
function ourStatistics(file: string, spec: Record<string, unknown>, pointers: string[], seeds: number): Map<string, { mean: number; std: number }> {
  const samples = new Map<string, number[]>(pointers.map((p) => [p, []]));
  for (let seed = 1; seed <= seeds; seed++) {
    const outcome = predict(JSON.stringify({ ...spec, seed }), file, nodeHost);
    assert.deepEqual(outcome.problems.filter((p) => !p.code.startsWith('validity/')), []); // validity warnings judge the theory, not the implementation
    assert.ok(outcome.result);
    const json = predictionJson(outcome.result, false);
    for (const p of pointers) samples.get(p)?.push(at(json, p));
  }
  const stats = new Map<string, { mean: number; std: number }>();
  for (const [p, xs] of samples) {
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1));
    stats.set(p, { mean, std });
  }
  return stats;
}

/** The compared numbers that fall outside the bound, described. */
function disagreements(reference: Reference, ours: Map<string, { mean: number; std: number }>): string[] {
  const out: string[] = [];
  for (const [pointer, ref] of Object.entries(reference.values)) {
    const mine = ours.get(pointer);
    assert.ok(mine, pointer);
    const se = Math.hypot(mine.std, ref.std) / Math.sqrt(reference.seeds);
    const bound = K * se + FLOOR * Math.max(1, Math.abs(ref.mean));
    const gap = Math.abs(mine.mean - ref.mean);
    if (!(gap <= bound)) out.push(`${pointer}: ours ${mine.mean} vs reference ${ref.mean} (${(gap / se).toFixed(1)} combined standard errors ${se.toExponential(2)})`);
  }
  return out;
}

function load(name: string): { file: string; spec: Record<string, unknown>; reference: Reference } {
  const dir = join(CASES, name);
  const file = join(dir, 'spec.rainbow.json');
  return {
    file,
    spec: JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>,
    reference: JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as Reference,
  };
}

for (const name of listedCases(CASES)) {
  test(`structured weights: ${name} agrees with the reference's own draws within ${K} combined standard errors`, () => {
    const { file, spec, reference } = load(name);
    const pointers = Object.keys(reference.values);
    assert.ok(pointers.length >= 20, 'layers, target and points are compared');
    assert.deepEqual(disagreements(reference, ourStatistics(file, spec, pointers, reference.seeds)), []);
  });
}

test('structured weights: a wrong row covariance (powerLaw 0.6 read as 0.9) falls outside the bound', () => {
  const { file, spec, reference } = load('powerlaw-spiked-diagonal');
  const wrong = structuredClone(spec) as { student: { layers: { weights: { gaussian: { rowCovariance: { powerLaw?: number } } } }[] } };
  const first = wrong.student.layers[0]?.weights.gaussian.rowCovariance;
  assert.equal(first?.powerLaw, 0.6);
  first.powerLaw = 0.9;
  const failing = disagreements(reference, ourStatistics(file, wrong as Record<string, unknown>, Object.keys(reference.values), reference.seeds));
  // Every layer's figures and several training errors move by 4 to 34 combined standard errors.
  assert.ok(failing.some((f) => f.startsWith('/layers/0/preactivationVariance')), failing.join('\n'));
  assert.ok(failing.length >= 10, failing.join('\n'));
});
