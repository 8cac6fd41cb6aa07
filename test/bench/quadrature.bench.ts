/**
 * Time of the Gaussian quadratures behind the moments (model/gaussian.ts): Hermite coefficients of
 * one neuron (a per-neuron linearisation computes one per neuron) and the two-dimensional centred
 * cross moment of a correlated student/teacher layer pair. Run directly (a few seconds):
 *
 *     node --import tsx test/bench/quadrature.bench.ts [calls]
 *
 * Prints the median over 5 rounds of the time per call; asserts nothing (unit tests never time).
 */
import { makeActivation } from '../../server/src/core/model/activations';
import { centredCrossMoment, hermiteCoefficients } from '../../server/src/core/model/gaussian';

const calls = Number(process.argv[2] ?? 2000);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

function perCall(f: (i: number) => number, count: number): number {
  const rounds: number[] = [];
  let sink = 0;
  for (let round = 0; round < 5; round++) {
    const start = performance.now();
    for (let i = 0; i < count; i++) sink += f(i);
    rounds.push((performance.now() - start) / count);
  }
  if (!Number.isFinite(sink)) throw new Error('non-finite result');
  return median(rounds);
}

const tanh = makeActivation('tanh', 1);
const softplus = makeActivation('softplus', 1);
const hermite = perCall((i) => hermiteCoefficients(tanh, 0.5 + (i % 2000) / 1000).kappa1, calls);
const cross = perCall((i) => centredCrossMoment(tanh, softplus, 1, 4, 1.5 - (i % 10) / 100), 10);
console.log(`hermiteCoefficients (tanh, r in [0.5, 2.5]): ${(hermite * 1000).toFixed(1)} us per neuron (median of 5 rounds of ${calls})`);
console.log(`centredCrossMoment (tanh x softplus, 2-D): ${cross.toFixed(2)} ms per pair (median of 5 rounds of 10)`);
