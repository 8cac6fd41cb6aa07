/**
 * The engine against the independent NumPy implementation of theory.md (test/reference/): every
 * case under cases/ has all its randomness in .npy files, and expected.json is the reference's
 * output. Tolerance: 1e-6 * max(1e-3 scale floor, |a|, |b|) relative on every kappa coefficient,
 * spectrum figure, target moment, testError, generalizationError, trainError and
 * effectiveRegularization (the product's accuracy contract).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { predict } from '../../server/src/core';
import { nodeHost } from '../../server/src/nodeHost';
import { listedCases } from '../support/listing';
import { repoRoot } from '../support/paths';

const CASES = join(repoRoot, 'test', 'golden', 'cases');
const RELATIVE_TOLERANCE = 1e-6;

interface Expected {
  features: number;
  layers: { id: string; width: number; preactivationVariance: number; kappa0: number; kappa1: number; kappaStar: number; spectrum: { min: number; max: number; mean: number } }[];
  target: { variance: number; noiseVariance: number };
  points: { n: number; lambda: number; testError: number; generalizationError: number; trainError: number; effectiveRegularization: number }[];
}

/**
 * |a - b| <= tol * max(|a|, |b|, floor). The floor keeps quantities that vanish exactly (kappa0 of
 * odd activations, rounding-level 1e-17 against 0) from demanding relative accuracy of noise.
 */
function close(actual: number | null, expected: number, what: string, floor = 1e-12): void {
  assert.ok(actual !== null, `${what}: no value (expected ${expected})`);
  const scale = Math.max(Math.abs(actual), Math.abs(expected), floor);
  assert.ok(Math.abs(actual - expected) <= RELATIVE_TOLERANCE * scale, `${what}: got ${actual}, reference ${expected} (relative difference ${(Math.abs(actual - expected) / scale).toExponential(2)})`);
}

for (const name of listedCases(CASES)) {
  test(`golden: ${name}`, () => {
    const dir = join(CASES, name);
    const file = join(dir, 'spec.rainbow.json');
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
    const outcome = predict(readFileSync(file, 'utf8'), file, nodeHost);
    // Validity warnings judge the theory's assumptions, not the implementation these cases check.
    assert.deepEqual(outcome.problems.filter((p) => !p.code.startsWith('validity/')), []);
    const result = outcome.result;
    assert.ok(result);
    assert.equal(result.features, expected.features);

    assert.equal(result.layers.length, expected.layers.length);
    expected.layers.forEach((e, l) => {
      const a = result.layers[l];
      assert.ok(a);
      assert.equal(a.id, e.id);
      assert.equal(a.width, e.width);
      // kappa0 is exactly 0 for odd activations; 1e-17 against 0 is agreement, hence the floor.
      const floor = Math.max(1e-12, 1e-9 * e.preactivationVariance);
      close(a.preactivationVariance, e.preactivationVariance, `${e.id} preactivationVariance`);
      close(a.kappa0, e.kappa0, `${e.id} kappa0`, floor);
      close(a.kappa1, e.kappa1, `${e.id} kappa1`);
      close(a.kappaStar, e.kappaStar, `${e.id} kappaStar`, floor);
      // Eigenvalues carry rounding of order 1e-16 * max eigenvalue, so the floor follows the largest.
      const spectrumFloor = 1e-9 * Math.abs(e.spectrum.max);
      close(a.spectrum.min, e.spectrum.min, `${e.id} spectrum.min`, spectrumFloor);
      close(a.spectrum.max, e.spectrum.max, `${e.id} spectrum.max`);
      close(a.spectrum.mean, e.spectrum.mean, `${e.id} spectrum.mean`);
    });
    close(result.target.variance, expected.target.variance, 'target.variance');
    close(result.target.noiseVariance, expected.target.noiseVariance, 'target.noiseVariance');

    assert.equal(result.points.length, expected.points.length, 'number of (n, lambda) points');
    expected.points.forEach((e, i) => {
      const a = result.points[i];
      assert.ok(a);
      const at = `point ${i} (n = ${e.n}, lambda = ${e.lambda})`;
      assert.equal(a.n, e.n, `${at}: n`);
      assert.equal(a.status, 'ok', `${at}: status`);
      close(a.testError, e.testError, `${at} testError`);
      close(a.generalizationError, e.generalizationError, `${at} generalizationError`);
      close(a.trainError, e.trainError, `${at} trainError`, 1e-15);
      close(a.effectiveRegularization, e.effectiveRegularization, `${at} effectiveRegularization`);
      if (result.optimalLambda) {
        // The optimum is flat: the test error there is the contract; lambda itself is looser.
        assert.ok(Math.abs(Math.log(a.lambda / e.lambda)) < 1e-3, `${at}: optimal lambda ${a.lambda} vs reference ${e.lambda}`);
      } else {
        close(a.lambda, e.lambda, `${at} lambda`);
      }
    });
  });
}
