/**
 * The deterministic equivalent against closed forms (theory.md section 6): Marchenko-Pastur ridge
 * risk for isotropic features, ridgeless limits, the fixed-point equation itself, the training
 * error identity, and the optimal ridge of the isotropic model.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolventSums, solveKappa } from '../../server/src/core/risk/effectiveRegularization';
import { optimalRidge } from '../../server/src/core/risk/optimalRidge';
import { predictRisk, type RiskInputs } from '../../server/src/core/risk/testError';

function close(a: number, b: number, tol: number, what: string): void {
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);
}

/** Omega = I_p, psi = beta with |beta|^2 = 1 spread evenly, s^2 = 0.25. */
function isotropic(p: number, noiseVariance = 0.25): RiskInputs {
  return {
    omega: new Float64Array(p).fill(1),
    psiTilde2: new Float64Array(p).fill(1 / p),
    sigma2: 1 + noiseVariance,
    noiseVariance,
  };
}

// Reference values of theory.md section 6 (mean convention lambda_M, excess risk without noise).
const MARCHENKO_PASTUR: [g: number, lambdaMean: number, excess: number][] = [
  [0.5, 1e-3, 0.248026],
  [0.5, 0.1, 0.176784],
  [0.5, 1, 0.375459],
  [1, 1e-3, 3.84514],
  [1, 0.1, 0.44113],
  [1, 1, 0.489919],
  [2, 1e-3, 0.74901],
  [2, 0.1, 0.686529],
  [2, 1, 0.65533],
];

test('isotropic features reproduce the Marchenko-Pastur ridge risk table (6 digits)', () => {
  const p = 1000;
  for (const [g, lambdaMean, excess] of MARCHENKO_PASTUR) {
    const n = p / g;
    const point = predictRisk(isotropic(p), n, n * lambdaMean);
    assert.equal(point.status, 'ok');
    // The table has 6 significant digits: half a unit of the last one.
    close(point.generalizationError, excess, 5e-6, `g = ${g}, lambda_M = ${lambdaMean}`);
    close(point.testError - point.generalizationError, 0.25, 1e-15, 'testError - generalizationError = s^2');
  }
});

test('ridgeless limits: s^2 g/(1-g) below and |beta|^2 (1 - 1/g) + s^2/(g - 1) above the interpolation threshold', () => {
  const p = 400;
  for (const g of [0.25, 0.5, 0.8]) {
    const point = predictRisk(isotropic(p), p / g, 1e-9);
    close(point.generalizationError, (0.25 * g) / (1 - g), 1e-6, `g = ${g}`);
  }
  for (const g of [1.25, 2, 4]) {
    const point = predictRisk(isotropic(p), p / g, 1e-9);
    close(point.generalizationError, 1 - 1 / g + 0.25 / (g - 1), 1e-6, `g = ${g}`);
  }
});

test('kappa solves kappa = lambda/n + (kappa/n) sum omega/(omega + kappa) on a spread spectrum', () => {
  const p = 300;
  const omega = new Float64Array(p).map((_, i) => Math.pow(i + 1, -1.3));
  for (const n of [10, 150, 299, 300, 301, 1000, 1e6]) {
    for (const lambda of [1e-10, 1e-4, 1, 1e4]) {
      const s = solveKappa(omega, n, lambda);
      assert.ok(s.converged, `n = ${n}, lambda = ${lambda}`);
      let sum = 0;
      for (const w of omega) sum += w / (w + s.kappa);
      close(s.kappa, lambda / n + (s.kappa / n) * sum, 1e-12, `fixed point at n = ${n}, lambda = ${lambda}`);
      assert.ok(s.iterations < 60, `Newton needed ${s.iterations} iterations at n = ${n}, lambda = ${lambda}`);
    }
  }
});

test('the resolvent sums with one division per two terms equal the plain sums to 1e-14, also at extreme scales', () => {
  const plain = (omega: Float64Array, n: number, K: number): [number, number] => {
    let s1 = 0;
    let s2 = 0;
    for (const w of omega) {
      s1 += 1 / (n * w + K);
      s2 += 1 / (n * w + K) ** 2;
    }
    return [s1, s2];
  };
  const spread = Float64Array.from({ length: 1001 }, (_, i) => 10 ** (-6 + (12 * i) / 1000));
  // Ordinary scales with an odd length; terms whose products would overflow (1e200) or underflow
  // (1e-152); terms just inside the shared-division path (1e-149); a rounding-level negative
  // eigenvalue that makes one term non-positive.
  const cases: [Float64Array, number, number][] = [
    [spread, 300, 0.01],
    [Float64Array.from([1e200, 2e200, 3e200]), 1, 1],
    [Float64Array.from([0, 0, 1e-153]), 1, 1e-152],
    [Float64Array.from([0, 1e-149, 2e-149]), 1, 1e-149],
    [Float64Array.from([-1e-12, 0.5, 2]), 1e9, 1e-6],
  ];
  for (const [omega, n, K] of cases) {
    const [a1, a2] = resolventSums(omega, n, K);
    const [b1, b2] = plain(omega, n, K);
    close(a1, b1, 1e-14, `sum 1/x (n = ${n}, K = ${K})`);
    close(a2, b2, 1e-14, `sum 1/x^2 (n = ${n}, K = ${K})`);
  }
});

test('warm starts give the same root as cold starts', () => {
  const omega = new Float64Array(200).map((_, i) => 1 / (1 + i));
  const cold = solveKappa(omega, 180, 1e-3);
  for (const guess of [1e-12, cold.kappa * 0.5, cold.kappa * 2, 1e6]) {
    close(solveKappa(omega, 180, 1e-3, guess).kappa, cold.kappa, 1e-13, `guess ${guess}`);
  }
});

test('trainError = (lambda/(n kappa))^2 testError, and 1 - df2 > 0', () => {
  const p = 200;
  const inputs: RiskInputs = {
    omega: new Float64Array(p).map((_, i) => Math.pow(i + 1, -0.8)),
    psiTilde2: new Float64Array(p).map((_, i) => Math.pow(i + 1, -1.5) / 5),
    sigma2: 2,
    noiseVariance: 0.1,
  };
  for (const n of [20, 199, 200, 201, 2000]) {
    const point = predictRisk(inputs, n, 0.01);
    const factor = 0.01 / (n * point.effectiveRegularization);
    close(point.trainError, factor * factor * point.testError, 1e-14, `n = ${n}`);
    assert.ok(point.df2 < 1);
  }
});

test('optimal ridge of the isotropic model is the Bayes penalty lambda = s^2 p / |beta|^2 (sum convention)', () => {
  // For Omega = I and beta isotropic, the Bayes-optimal ridge is lambda = s^2 / (|beta|^2 / p) in the
  // sum convention (Dobriban and Wager 2018), whatever n.
  const p = 500;
  for (const n of [100, 500, 2000]) {
    const point = optimalRidge(isotropic(p), n, 1);
    // The minimum is flat (the test error is quadratic in log lambda there), so rounding in the
    // test error limits lambda itself to about 1e-5 relative.
    close(point.lambda, 0.25 * p, 1e-5, `n = ${n}`);
    assert.equal(point.atBracketEdge, false);
    // It is a minimum: neighbours are worse.
    assert.ok(predictRisk(isotropic(p), n, point.lambda * 1.1).testError > point.testError);
    assert.ok(predictRisk(isotropic(p), n, point.lambda / 1.1).testError > point.testError);
  }
});
