/**
 * Validity diagnostics and warnings (model/validity.ts): the diagnostics against closed forms, the
 * warnings placed on the layer or field they concern, and the JSON and table outputs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { predictionJson } from '../../server/src/core/output';
import { encodeNpy } from '../../server/src/core/npy';
import { predict } from '../../server/src/core/prediction';
import { effectiveDimension, linearShare } from '../../server/src/core/model/validity';
import { Random } from '../../server/src/core/rng';
import { predictionTables } from '../../server/src/cli/report';
import { experimentText, memoryHost } from '../support/memoryHost';

const SPEC = '/spec.rainbow.json';

function run(text: string, files: Record<string, Uint8Array> = {}) {
  const outcome = predict(text, SPEC, memoryHost({ [SPEC]: text, ...files }));
  assert.ok(outcome.result, JSON.stringify(outcome.problems));
  return outcome;
}

const oneLayer = (d: number, p: number, activation: string, extra: Record<string, unknown> = {}) =>
  experimentText({ input: { dimension: d }, student: { layers: [{ id: 'W', width: p, activation }] }, ...extra });

test('c = p Tr(H^2)/(Tr H)^2 is about 1 + p/d for Gaussian weights on an isotropic input, through H or through the spectrum of a widening layer', () => {
  for (const [d, p] of [
    [200, 100], // H formed (narrowing)
    [50, 400], // widening last layer: H never formed, c from Omega's eigenvalues
  ] as const) {
    const { result } = run(oneLayer(d, p, 'tanh'));
    const c = result?.validity[0]?.layers[0]?.preactivationCorrelation as number;
    // E[p Tr(H^2)/(Tr H)^2] = 1 + (p + 1)/d for W with i.i.d. entries (Wishart moments); sd ~ p/d^1.5.
    const expected = 1 + (p + 1) / d;
    assert.ok(Math.abs(c - expected) < 0.1 * expected, `d = ${d}, p = ${p}: c = ${c}, expected about ${expected}`);
  }
});

test('both routes to c agree: a widening layer linearised per neuron (H formed) and on average (spectrum only)', () => {
  const perNeuron = run(experimentText({ input: { dimension: 40 }, student: { layers: [{ id: 'W', width: 120, activation: 'erf', weights: { gaussian: {}, linearization: 'perNeuron' } }] } }));
  const average = run(oneLayer(40, 120, 'erf'));
  const a = perNeuron.result?.validity[0]?.layers[0]?.preactivationCorrelation as number;
  const b = average.result?.validity[0]?.layers[0]?.preactivationCorrelation as number;
  assert.ok(Math.abs(a - b) < 1e-8 * a, `${a} vs ${b}`);
});

test('effective dimension (Tr C)^2 / Tr(C^2): identity, diagonal and dense', () => {
  assert.equal(effectiveDimension({ kind: 'identity', size: 17 }), 17);
  const values = Float64Array.of(4, 1, 1, 0);
  assert.equal(effectiveDimension({ kind: 'diagonal', values }), 36 / 18);
  const dense = { rows: 2, cols: 2, data: Float64Array.of(2, 1, 1, 2) };
  assert.equal(effectiveDimension({ kind: 'dense', matrix: dense }), 16 / 10);
});

test('linear share of a data target: 1 for y linear in x, the R^2 of the linear part otherwise', () => {
  const omega0 = { rows: 2, cols: 2, data: Float64Array.of(2, 0.5, 0.5, 1) };
  // beta = (0.3, -1.2)
  const psi0 = Float64Array.of(2 * 0.3 + 0.5 * -1.2, 0.5 * 0.3 - 1.2); // Omega0 beta
  const explained = 0.3 * (psi0[0] as number) - 1.2 * (psi0[1] as number); // beta^T Omega0 beta
  assert.ok(Math.abs(linearShare(omega0, psi0, explained) - 1) < 1e-9);
  assert.ok(Math.abs(linearShare(omega0, psi0, 4 * explained) - 0.25) < 1e-9);
});

test('strongly correlated pre-activations: a warning on the layer, with the measured direction and the remedy; none with exact moments on Gaussian inputs, none for a wide input', () => {
  const text = oneLayer(20, 300, 'relu');
  const { problems, result } = run(text);
  const warning = problems.find((p) => p.code === 'validity/correlated-preactivations');
  assert.ok(warning, JSON.stringify(problems));
  assert.equal(warning.severity, 'warning');
  assert.equal(warning.pointer, '/student/layers/0');
  // The range is the layer object in the text.
  const layerLine = text.split('\n').findIndex((line) => line.includes('"id": "W"'));
  assert.ok(warning.range.start.line <= layerLine && warning.range.end.line >= layerLine, JSON.stringify(warning.range));
  assert.match(warning.message, /layer "W"/);
  assert.match(warning.message, /too pessimistic/);
  assert.match(warning.message, /"moments": "exact"/);
  assert.deepEqual(result?.validity[0]?.warnings.map((w) => w.code), ['validity/correlated-preactivations']);

  assert.deepEqual(run(oneLayer(20, 300, 'relu', { moments: 'exact' })).problems, []);
  assert.deepEqual(run(oneLayer(300, 300, 'relu')).problems, []);
  // A linear layer has no higher orders to lose.
  assert.deepEqual(run(oneLayer(20, 300, 'linear')).problems, []);
});

test('exact moments on a deeper layer (non-Gaussian inputs) still warn, saying that they are an approximation there', () => {
  const text = experimentText({
    moments: 'exact',
    input: { dimension: 15 },
    student: { layers: [{ id: 'A', width: 15, activation: 'tanh' }, { id: 'B', width: 200, activation: 'tanh' }] },
  });
  const warnings = run(text).problems.filter((p) => p.code === 'validity/correlated-preactivations');
  assert.deepEqual(warnings.map((w) => w.pointer), ['/student/layers/1']);
  assert.match(warnings[0]?.message ?? '', /not Gaussian/);
});

function npyMatrix(rows: number, cols: number, seed: number, scale = 1): Uint8Array {
  return encodeNpy([rows, cols], Random.stream(seed, 'validity-test').fillNormal(new Float64Array(rows * cols), scale / Math.sqrt(cols)));
}

test('file weights with a non-linear data target: a warning on the weights; none for a linear target', () => {
  const n = 400;
  const d = 8;
  const x = Random.stream(5, 'x').fillNormal(new Float64Array(n * d), 1);
  const linear = new Float64Array(n);
  const quadratic = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = (x[i * d] as number) + 0.5 * (x[i * d + 1] as number);
    linear[i] = s;
    quadratic[i] = s * s - 1.25;
  }
  const spec = (labels: string) =>
    experimentText({
      input: { dimension: d, covariance: { samples: 'X.npy' } },
      teacher: { kind: 'data', labels },
      student: { layers: [{ id: 'W', width: 12, activation: 'tanh', weights: { file: 'W.npy' } }] },
    });
  const files = { '/X.npy': encodeNpy([n, d], x), '/y-linear.npy': encodeNpy([n], linear), '/y-quadratic.npy': encodeNpy([n], quadratic), '/W.npy': npyMatrix(12, d, 1) };
  const nonlinear = run(spec('y-quadratic.npy'), files);
  const warning = nonlinear.problems.find((p) => p.code === 'validity/trained-weights-nonlinear-target');
  assert.ok(warning, JSON.stringify(nonlinear.problems));
  assert.equal(warning.pointer, '/student/layers/0/weights');
  assert.ok((nonlinear.result?.validity[0]?.linearTargetShare as number) < 0.1);
  const lin = run(spec('y-linear.npy'), files);
  assert.equal(lin.problems.filter((p) => p.code === 'validity/trained-weights-nonlinear-target').length, 0);
  assert.ok(Math.abs((lin.result?.validity[0]?.linearTargetShare as number) - 1) < 1e-6);
});

test('student and teacher weights both from files: a warning on the teacher layer\'s weights about the lost correlated-layer term', () => {
  const text = experimentText({
    input: { dimension: 10 },
    teacher: { kind: 'network', network: { layers: [{ id: 'V', width: 12, activation: 'tanh', weights: { file: 'V.npy' } }] } },
    student: { layers: [{ id: 'W', width: 12, activation: 'tanh', weights: { file: 'W.npy' } }] },
  });
  const { problems } = run(text, { '/V.npy': npyMatrix(12, 10, 2), '/W.npy': npyMatrix(12, 10, 3) });
  const warning = problems.find((p) => p.code === 'validity/file-weights-correlation');
  assert.ok(warning, JSON.stringify(problems));
  assert.equal(warning.pointer, '/teacher/network/layers/0/weights');
  assert.match(warning.message, /"sameAs" or "plus"/);
});

test('rows of very unequal norm with the average linearisation: information suggesting perNeuron', () => {
  const w = Random.stream(9, 'rows').fillNormal(new Float64Array(20 * 10), 1 / Math.sqrt(10));
  for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) w[i * 10 + j] = (w[i * 10 + j] as number) * 3;
  const text = experimentText({ input: { dimension: 10 }, student: { layers: [{ id: 'W', width: 20, activation: 'tanh', weights: { file: 'W.npy' } }] } });
  const { problems } = run(text, { '/W.npy': encodeNpy([20, 10], w) });
  const info = problems.find((p) => p.code === 'validity/unequal-preactivation-variances');
  assert.ok(info, JSON.stringify(problems));
  assert.equal(info.severity, 'information');
  assert.match(info.message, /"perNeuron"/);
});

test('JSON output has a validity section per run and the tables print the diagnostics and warnings', () => {
  const { result } = run(oneLayer(20, 300, 'tanh', { sweep: { parameter: '/input/dimension', values: [20, 400] } }));
  assert.ok(result);
  const json = predictionJson(result, false);
  assert.equal(json.validity.length, 2);
  assert.deepEqual(json.validity.map((v) => v.sweepValue), [20, 400]);
  assert.deepEqual(json.validity.map((v) => v.warnings.length), [1, 0]);
  assert.deepEqual(json.validity.map((v) => v.inputEffectiveDimension), [20, 400]);
  assert.ok(JSON.stringify(json).includes('"preactivationCorrelation"'));
  const tables = predictionTables(result);
  assert.match(tables, /c = p Tr\(H\^2\)\/\(Tr H\)\^2/);
  assert.match(tables, /warning \[validity\/correlated-preactivations\] layer "W"/);
});

test('"linearization" on the layer: an error on that key asking to move it into "weights"', () => {
  const text = experimentText({ student: { layers: [{ id: 'W', width: 20, activation: 'tanh', linearization: 'perNeuron' }] } });
  const outcome = predict(text, SPEC, memoryHost({ [SPEC]: text }));
  const problem = outcome.problems.find((p) => p.code === 'spec/linearization-on-layer');
  assert.ok(problem, JSON.stringify(outcome.problems));
  assert.equal(problem.severity, 'error');
  assert.equal(problem.pointer, '/student/layers/0/linearization');
  const line = text.split('\n')[problem.range.start.line] ?? '';
  assert.equal(line.slice(problem.range.start.character, problem.range.end.character), '"linearization"');
  assert.match(problem.message, /inside "weights"/);
});
