/**
 * Time of `rainbow simulate` at the size of the paper's experiments: d = 1000, one tanh layer of
 * p = 1000 features, linear teacher, n in {250, 500, 1000, 2000}, 3 penalties, testSamples 2000,
 * with a breakdown per stage. Run directly (about a minute):
 *
 *     node --import tsx test/bench/simulation.bench.ts [repeats] [auto|cholesky|tridiagonal]
 *
 * (defaults: 10 repetitions, the `auto` choice of ridge factorisation).
 */
import { simulate } from '../../server/src/core';
import type { RidgeMethod } from '../../server/src/core/simulation/ridge';
import { nodeHost } from '../../server/src/nodeHost';

const repeats = Number(process.argv[2] ?? 10);
const ridgeMethod = (process.argv[3] ?? 'auto') as RidgeMethod;
const spec = {
  kind: 'experiment',
  title: 'simulation benchmark',
  seed: 1,
  input: { dimension: 1000 },
  teacher: { kind: 'linear', noise: 0.2 },
  student: { layers: [{ id: 'W1', width: 1000, activation: 'tanh' }] },
  ridge: { lambda: [0.001, 0.1, 10], convention: 'mean' },
  samples: { n: [250, 500, 1000, 2000] },
  simulate: { n: [250, 500, 1000, 2000], repeats, testSamples: 2000 },
};

const start = performance.now();
const outcome = simulate(JSON.stringify(spec), '/bench/simulation.rainbow.json', nodeHost, { clock: () => performance.now(), ridgeMethod });
const end = performance.now();
if (outcome.problems.length > 0) throw new Error(outcome.problems.map((p) => p.message).join('\n'));
const t = outcome.result?.simulationTimings;
if (!t) throw new Error('no timings');
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const simulation = t.setup + t.features + t.gram + t.factorisation + t.evaluation + t.population;
console.log(`d = 1000, p = 1000, n = 250/500/1000/2000, ${repeats} repetitions, 3 lambdas, 2000 test samples, ridge ${ridgeMethod}`);
console.log(`total ${s(end - start)}: prediction (weights, moments, spectrum, curve) ${s(end - start - simulation)}, simulation ${s(simulation)}`);
console.log(`  setup ${s(t.setup)}, features ${s(t.features)}, Gram/kernel ${s(t.gram)}, factorisation + solves ${s(t.factorisation)}, test evaluation ${s(t.evaluation)}`);
for (const p of outcome.result?.simulation ?? []) {
  const se = (p.testErrorStd ?? NaN) / Math.sqrt(p.repeats);
  console.log(`  n = ${p.n}, lambda = ${p.lambda}: simulated ${p.testError?.toFixed(4)} +- ${se.toFixed(4)}, predicted ${p.predictedTestError?.toFixed(4)}`);
}
