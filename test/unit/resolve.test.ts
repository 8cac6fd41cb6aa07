/**
 * Bad input found after the schema: each mistake gives one clear problem on the value concerned
 * (file, line, column), never a crash or a number.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeNpy } from '../../server/src/core/npy';
import { predict } from '../../server/src/core';
import { experimentText, memoryHost } from '../support/memoryHost';

const SPEC = '/spec.rainbow.json';

/** Runs the spec and returns its single problem; `marker` is a snippet of the spec text where the problem must start. */
function onlyProblem(files: Record<string, string | Uint8Array>, code: string, message: RegExp, at?: { file?: string; marker: string }) {
  const outcome = predict(files[SPEC] as string, SPEC, memoryHost(files));
  const errors = outcome.problems.filter((p) => p.severity === 'error');
  assert.equal(errors.length, 1, `expected one problem, got: ${JSON.stringify(outcome.problems.map((p) => `${p.code}: ${p.message}`))}`);
  const problem = errors[0];
  assert.ok(problem);
  assert.equal(problem.code, code);
  assert.match(problem.message, message);
  if (at) {
    const file = at.file ?? SPEC;
    assert.equal(problem.file, file);
    const text = files[file] as string;
    const offset = text.indexOf(at.marker);
    assert.ok(offset >= 0, `marker ${at.marker} not in the text`);
    const before = text.slice(0, offset).split('\n');
    assert.deepEqual(problem.range.start, { line: before.length - 1, character: (before[before.length - 1] as string).length }, `problem placed at ${JSON.stringify(problem.range.start)}`);
  }
  assert.equal(outcome.result, undefined);
  return problem;
}

test('a dangling layer id is reported on the id, listing the known ids', () => {
  onlyProblem(
    { [SPEC]: experimentText({ student: { layers: [{ id: 'W1', width: 40, activation: 'tanh' }, { id: 'W2', width: 40, activation: 'tanh', weights: { sameAs: 'W9' } }] } }) },
    'spec/unknown-layer',
    /no layer has the id "W9" \(layers: "W1", "W2"\)/,
    { marker: '"W9"' },
  );
});

test('a cycle of references is reported once, naming the cycle', () => {
  onlyProblem(
    {
      [SPEC]: experimentText({
        student: {
          layers: [
            { id: 'A', width: 30, activation: 'tanh', weights: { gaussian: {}, plus: [{ layer: 'B' }] } },
            { id: 'B', width: 30, activation: 'tanh', weights: { sameAs: 'C' } },
            { id: 'C', width: 30, activation: 'tanh', weights: { gaussian: { rowCovariance: { gram: { layer: 'A' } } } } },
          ],
        },
        input: { dimension: 30 },
      }),
    },
    'spec/cycle',
    /depend on themselves: A -> B -> C -> A/,
  );
});

test('sameAs between layers of different shapes', () => {
  onlyProblem(
    { [SPEC]: experimentText({ student: { layers: [{ id: 'A', width: 40, activation: 'tanh' }, { id: 'B', width: 50, activation: 'tanh', weights: { sameAs: 'A' } }] } }) },
    'spec/shape',
    /layer "B" is 50 x 40 \(width x fan-in\), "A" is 40 x 30/,
    { marker: '"A"\n' },
  );
});

test('duplicate ids between student and teacher', () => {
  onlyProblem(
    {
      [SPEC]: experimentText({
        teacher: { kind: 'network', network: { layers: [{ id: 'W', width: 10, activation: 'relu' }] } },
        student: { layers: [{ id: 'W', width: 40, activation: 'tanh' }] },
      }),
    },
    'spec/duplicate-id',
    /layer id "W" is already used by student layer 1/,
  );
});

test('a missing .npy file is reported on the path string', () => {
  onlyProblem({ [SPEC]: experimentText({ student: { layers: [{ width: 40, activation: 'tanh', weights: { file: 'missing.npy' } }] } }) }, 'file/missing', /cannot read weights of layer "L1" \(layout outIn\) "missing.npy": it does not exist \(resolved to \/missing.npy\)/, {
    marker: '"missing.npy"',
  });
});

test('a .npy of the wrong shape says what was expected, including the transposed layout hint', () => {
  onlyProblem(
    { [SPEC]: experimentText({ student: { layers: [{ width: 40, activation: 'tanh', weights: { file: 'w.npy' } }] } }), '/w.npy': encodeNpy([30, 40], new Float64Array(1200)) },
    'npy/shape',
    /expected a 40 x 30 matrix, found shape \(30, 40\): the transpose; if these are Keras kernels \(x @ W\), set "layout": "inOut"/,
    { marker: '"w.npy"' },
  );
});

test('a .npy with a NaN is reported with the entry', () => {
  const data = new Float64Array(1200);
  data[5] = NaN;
  onlyProblem(
    { [SPEC]: experimentText({ student: { layers: [{ width: 40, activation: 'tanh', weights: { file: 'w.npy' } }] } }), '/w.npy': encodeNpy([40, 30], data) },
    'npy/non-finite',
    /entry \[0, 5\] is NaN/,
  );
});

test('a network file that is an experiment: one problem at the reference', () => {
  const files = {
    [SPEC]: experimentText({ student: 'other.rainbow.json' }),
    '/other.rainbow.json': experimentText({}),
  };
  const outcome = predict(files[SPEC], SPEC, memoryHost(files));
  const here = outcome.problems.filter((p) => p.file === SPEC);
  assert.equal(here.length, 1);
  assert.match(here[0]?.message ?? '', /is an experiment, not a "kind": "network" file/);
  assert.ok(outcome.problems.every((p) => p.severity === 'error'));
});

test('a network file that does not exist', () => {
  onlyProblem({ [SPEC]: experimentText({ student: 'nets/deep.rainbow.json' }) }, 'file/missing', /cannot use the student network file "nets\/deep.rainbow.json": it does not exist \(resolved to \/nets\/deep.rainbow.json\)/, {
    marker: '"nets/deep.rainbow.json"',
  });
});

test('problems inside a referenced network file are placed in that file', () => {
  const network = '{\n  "kind": "network",\n  "layers": [ { "width": 40, "activation": "tanhh" } ]\n}\n';
  const files = { [SPEC]: experimentText({ student: 'net.rainbow.json' }), '/net.rainbow.json': network };
  const outcome = predict(files[SPEC], SPEC, memoryHost(files));
  const inNetwork = outcome.problems.find((p) => p.file === '/net.rainbow.json');
  assert.ok(inNetwork);
  assert.match(inNetwork.message, /did you mean "tanh"/);
  assert.deepEqual(inNetwork.range.start, { line: 2, character: (network.split('\n')[2] as string).indexOf('"tanhh"') });
});

test('a data teacher without input samples', () => {
  onlyProblem({ [SPEC]: experimentText({ teacher: { kind: 'data', labels: 'y.npy' } }) }, 'spec/data-without-samples', /needs the input data/);
});

test('labels whose length differs from the number of samples', () => {
  onlyProblem(
    {
      [SPEC]: experimentText({ input: { dimension: 30, covariance: { samples: 'X.npy' } }, teacher: { kind: 'data', labels: 'y.npy' } }),
      '/X.npy': encodeNpy([100, 30], new Float64Array(3000).fill(1)),
      '/y.npy': encodeNpy([99], new Float64Array(99)),
    },
    'npy/shape',
    /labels \(one per row of the 100 input samples\) "y.npy": expected a vector of length 100, found shape \(99,\)/,
  );
});

test('an indefinite input covariance is refused instead of predicting', () => {
  // Every |C_ij| <= sqrt(C_ii C_jj), so only the moments stage can tell: eigenvalue 1 - 1.8 < 0.
  const cov = encodeNpy([3, 3], [1, 0.9, -0.9, 0.9, 1, 0.9, -0.9, 0.9, 1]);
  const files = {
    [SPEC]: experimentText({ input: { dimension: 3, covariance: { file: 'cov.npy' } }, student: { layers: [{ width: 3, activation: 'linear' }] } }),
    '/cov.npy': cov,
  };
  const outcome = predict(files[SPEC], SPEC, memoryHost(files));
  assert.ok(outcome.problems.some((p) => p.code === 'moments/not-psd' || p.code === 'moments/activation'), JSON.stringify(outcome.problems));
  assert.ok(outcome.result === undefined || outcome.result.points.length === 0);
});

test('a sweep parameter that points nowhere', () => {
  onlyProblem({ [SPEC]: experimentText({ sweep: { parameter: '/student/layers/3/width', values: [10] } }) }, 'spec/sweep-parameter', /names nothing in this spec/, { marker: '"/student/layers/3/width"' });
});

test('a sweep value that makes the spec invalid is reported on that value', () => {
  onlyProblem({ [SPEC]: experimentText({ sweep: { parameter: '/student/layers/0/width', values: [10, 0] } }) }, 'spec/sweep-value', /with \/student\/layers\/0\/width = 0 the spec is invalid/);
});

test('a penalty listed twice is reported on the second entry', () => {
  onlyProblem({ [SPEC]: experimentText({ ridge: { lambda: ['optimal', 0.1, 'optimal'] } }) }, 'spec/duplicate-lambda', /"optimal" is already listed \(entry 0\)/);
});

test('variances that leave double precision are refused at their cause, not at a layer', () => {
  onlyProblem({ [SPEC]: experimentText({ input: { dimension: 20, covariance: { powerLaw: -120 } } }) }, 'spec/variance-too-large', /20\^120 = 1e156.*use an exponent >= -76\.9/, { marker: '-120' });
  // The bound itself is usable: k^76.9 for k up to 20 stays below 1e100.
  const atBound = predict(experimentText({ input: { dimension: 20, covariance: { powerLaw: -76.8 } } }), SPEC, memoryHost({}));
  assert.ok(!atBound.problems.some((p) => p.code === 'spec/variance-too-large'), JSON.stringify(atBound.problems));
  onlyProblem(
    { [SPEC]: experimentText({ student: { layers: [{ width: 40, activation: 'tanh', weights: { gaussian: { scale: 1e200 } } }] } }) },
    'spec/variance-too-large',
    /a scale of 1e200 multiplies the layer's variances by s\^2 = 1e400/,
    { marker: '1e+200' },
  );
  onlyProblem({ [SPEC]: experimentText({ teacher: { kind: 'linear', noise: 1e300 } }) }, 'spec/variance-too-large', /a noise of 1e300 makes a label-noise variance of s\^2 = 1e600/, { marker: '1e+300' });
  onlyProblem(
    { [SPEC]: experimentText({ student: { layers: [{ width: 40, activation: 'tanh', weights: { gaussian: { rowCovariance: { spiked: { strength: 1e300, rank: 1 } } } } }] } }) },
    'spec/variance-too-large',
    /a spike strength of 1e300/,
    { marker: '1e+300' },
  );
  onlyProblem(
    { [SPEC]: experimentText({ student: { layers: [{ width: 40, activation: 'tanh', weights: { gaussian: { rowCovariance: { powerLaw: -200 } } } }] } }) },
    'spec/variance-too-large',
    /with 30 entries/,
    { marker: '-200' },
  );
});

test('a covariance file that is not a covariance is blamed on the file', () => {
  const d = 30;
  const negative = Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? -0.99 : 0));
  const spec = experimentText({ input: { dimension: d, covariance: { file: 'c.npy' } } });
  onlyProblem({ [SPEC]: spec, '/c.npy': encodeNpy([d, d], negative) }, 'spec/negative-variance', /diagonal entry \[0, 0\] is -0\.99/, { marker: '"c.npy"' });
  // Positive diagonal, but |C_01| > sqrt(C_00 C_11): no Gaussian has this covariance.
  const indefinite = Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? 1 : k === 1 || k === d ? 2 : 0));
  onlyProblem({ [SPEC]: spec, '/c.npy': encodeNpy([d, d], indefinite) }, 'spec/negative-variance', /entry \[0, 1\] = 2 exceeds sqrt/, { marker: '"c.npy"' });
});
