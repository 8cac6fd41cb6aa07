/**
 * Parse and schema problems, data-driven: each case is a spec in which ⟦ ⟧ marks the exact text the
 * single expected problem must cover, the expected code and a fragment of the expected message.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { formatProblem, type Problem } from '../../server/src/core/problems';
import { unmark } from '../support/markers';
import { repoRoot } from '../support/paths';
import { parseSpecDocument } from '../../server/src/core/format/document';
import { validateSchema } from '../../server/src/core/format/validate';

const EXAMPLE = fs.readFileSync(path.join(repoRoot, 'test/fixtures/spec/spec-format-example.rainbow.json'), 'utf8');
const NETWORK = fs.readFileSync(path.join(repoRoot, 'test/fixtures/spec/spec-format-network.rainbow.json'), 'utf8');

/** Every problem of a text: parse problems, then schema problems when the text parsed. */
function allProblems(text: string, expectedKind?: 'experiment' | 'network'): Problem[] {
  const parsed = parseSpecDocument(text, 'spec.rainbow.json');
  return [...parsed.problems, ...(parsed.document ? validateSchema(parsed.document, expectedKind) : [])];
}

/** A small valid experiment; `edit` rewrites parts of it. */
function experiment(edit: (s: string) => string = (s) => s): string {
  return edit(`{
  "kind": "experiment",
  "input": { "dimension": 20 },
  "teacher": { "kind": "linear", "noise": 0.1 },
  "student": {
    "layers": [
      { "id": "W1", "width": 30, "activation": "tanh" },
      { "id": "W2", "width": 40, "activation": "relu" }
    ]
  },
  "ridge": { "lambda": [0.01, 1] },
  "samples": { "n": [10, 100] }
}`);
}

interface Case {
  name: string;
  spec: string;
  code: string;
  message: string;
  expectedKind?: 'experiment' | 'network';
}

const cases: Case[] = [
  // ---- JSON
  {
    name: 'missing comma between properties',
    spec: '{\n  "kind": "network"\n  ⟦"layers"⟧: []\n}',
    code: 'json/syntax',
    message: 'missing "," before "layers"',
  },
  {
    name: 'brace left open inside a list',
    spec: '{\n  "kind": "network",\n  "layers": [ { "width": 3, "activation": "tanh" ⟦]⟧\n}',
    code: 'json/syntax',
    message: 'expected "}" to close the "{" opened on line 3',
  },
  {
    name: 'brace never closed at the end of the file',
    spec: '⟦{⟧\n  "kind": "network",\n  "layers": [ { "width": 3, "activation": "tanh" } ]\n',
    code: 'json/syntax',
    message: 'never closed',
  },
  {
    name: 'empty file',
    spec: '⟦⟧',
    code: 'json/syntax',
    message: 'the file is empty',
  },
  {
    name: 'leading zero',
    spec: '{ "kind": "network", "layers": [ { "width": ⟦03⟧, "activation": "tanh" } ] }',
    code: 'json/syntax',
    message: 'leading zero',
  },
  {
    name: 'single quotes',
    spec: "{ \"kind\": \"network\", \"layers\": [ { \"width\": 3, \"activation\": ⟦'tanh'⟧ } ] }",
    code: 'json/syntax',
    message: 'need double quotes',
  },
  {
    name: 'line comment',
    spec: experiment((s) => s.replace('"input"', '⟦// the input⟧\n  "input"')),
    code: 'json/comment',
    message: 'comments are not allowed',
  },
  {
    name: 'block comment',
    spec: experiment((s) => s.replace('"width": 30,', '"width": 30 ⟦/* p */⟧,')),
    code: 'json/comment',
    message: 'comments are not allowed',
  },
  {
    name: 'trailing comma',
    spec: experiment((s) => s.replace('"activation": "relu" }', '"activation": "relu" }⟦,⟧')),
    code: 'json/trailing-comma',
    message: 'trailing comma',
  },
  {
    name: 'duplicate key',
    spec: experiment((s) => s.replace('"width": 30,', '"width": 30, ⟦"width"⟧: 30,')),
    code: 'json/duplicate-key',
    message: 'duplicate property "width" (first given on line 7)',
  },
  // ---- types and ranges
  {
    name: 'width given as a string',
    spec: experiment((s) => s.replace('"width": 30', '"width": ⟦"500"⟧')),
    code: 'schema/type',
    message: '"width" must be an integer between 1 and 10000 (got the string "500")',
  },
  {
    name: 'width 0',
    spec: experiment((s) => s.replace('"width": 30', '"width": ⟦0⟧')),
    code: 'schema/range',
    message: '"width" must be an integer between 1 and 10000 (got 0)',
  },
  {
    name: 'width 20000',
    spec: experiment((s) => s.replace('"width": 40', '"width": ⟦20000⟧')),
    code: 'schema/range',
    message: '"width" must be an integer between 1 and 10000 (got 20000)',
  },
  {
    name: 'width not an integer',
    spec: experiment((s) => s.replace('"width": 40', '"width": ⟦40.5⟧')),
    code: 'schema/type',
    message: 'must be an integer between 1 and 10000 (got 40.5)',
  },
  {
    name: 'dimension above the limit',
    spec: experiment((s) => s.replace('"dimension": 20', '"dimension": ⟦1e5⟧')),
    code: 'schema/range',
    message: '"dimension" must be an integer between 1 and 10000 (got 1e5)',
  },
  {
    name: 'seed negative',
    spec: experiment((s) => s.replace('"kind": "experiment",', '"kind": "experiment", "seed": ⟦-1⟧,')),
    code: 'schema/range',
    message: '"seed" must be an integer between 0 and 9007199254740991',
  },
  {
    name: 'unknown activation with a suggestion',
    spec: experiment((s) => s.replace('"activation": "tanh"', '"activation": ⟦"tahn"⟧')),
    code: 'schema/enum',
    message: 'unknown activation "tahn": expected one of tanh, relu, erf, sign, linear, sigmoid, gelu, silu, softplus, sin (did you mean "tanh"?)',
  },
  {
    name: 'activation object with a misspelt name',
    spec: experiment((s) => s.replace('"activation": "tanh"', '"activation": { "name": ⟦"sigmod"⟧ }')),
    code: 'schema/enum',
    message: 'unknown activation "sigmod"',
  },
  {
    name: 'activation object with a gain that is not a number',
    spec: experiment((s) => s.replace('"activation": "tanh"', '"activation": { "name": "tanh", "gain": ⟦"2"⟧ }')),
    code: 'schema/type',
    message: '"gain" must be a finite number (got the string "2")',
  },
  {
    name: 'activation object with an infinite gain',
    spec: experiment((s) => s.replace('"activation": "tanh"', '"activation": { "name": "tanh", "gain": ⟦1e999⟧ }')),
    code: 'schema/type',
    message: '"gain" must be a finite number (got 1e999)',
  },
  {
    name: 'activation of the wrong type',
    spec: experiment((s) => s.replace('"activation": "tanh"', '"activation": ⟦true⟧')),
    code: 'schema/type',
    message: '"activation" must be one of tanh',
  },
  // ---- properties
  {
    name: 'unknown property is reported at its key, with a suggestion',
    spec: experiment((s) => s.replace('"width": 30', '⟦"widht"⟧: 30')),
    code: 'schema/unknown-property',
    message: 'unknown property "widht" in layer "W1" (did you mean "width"?)',
  },
  {
    name: 'unknown property without a close match lists the allowed ones',
    spec: experiment((s) => s.replace('"ridge": { "lambda"', '"ridge": { ⟦"alpha"⟧: 1, "lambda"')),
    code: 'schema/unknown-property',
    message: 'unknown property "alpha" in ridge: expected one of "lambda" or "convention"',
  },
  {
    name: 'missing width is reported at the layer',
    spec: experiment((s) => s.replace('{ "id": "W2", "width": 40,', '⟦{⟧ "id": "W2",')),
    code: 'schema/missing-property',
    message: 'layer "W2" is missing "width"',
  },
  {
    name: 'missing properties of the experiment are reported at its opening brace',
    spec: '⟦{⟧ "kind": "experiment", "input": { "dimension": 3 } }',
    code: 'schema/missing-property',
    message: 'the experiment is missing "teacher", "student", "ridge" and "samples"',
  },
  {
    name: '"kind" in a network written inline',
    spec: experiment((s) => s.replace('"student": {', '"student": { ⟦"kind"⟧: "network",')),
    code: 'schema/unknown-property',
    message: '"kind" is only written at the top of a network file',
  },
  // ---- kinds
  {
    name: 'teacher field of another kind gives one problem',
    spec: experiment((s) => s.replace('{ "kind": "linear", "noise": 0.1 }', '{ "kind": "student", ⟦"weights"⟧: { "file": "beta.npy" } }')),
    code: 'schema/unknown-property',
    message: '"weights" does not apply to a "student" teacher (only to "linear" teachers)',
  },
  {
    name: 'noise of a data teacher',
    spec: experiment((s) => s.replace('{ "kind": "linear", "noise": 0.1 }', '{ "kind": "data", "labels": "y.npy", ⟦"noise"⟧: 0 }')),
    code: 'schema/unknown-property',
    message: '"noise" does not apply to a "data" teacher',
  },
  {
    name: 'unknown teacher kind',
    spec: experiment((s) => s.replace('"kind": "linear"', '"kind": ⟦"netwrk"⟧')),
    code: 'schema/kind',
    message: 'unknown teacher kind "netwrk": expected "linear", "network", "student" or "data" (did you mean "network"?)',
  },
  {
    name: 'teacher without kind',
    spec: experiment((s) => s.replace('"teacher": { "kind": "linear", "noise": 0.1 }', '⟦"teacher"⟧: { "noise": 0.1 }')),
    code: 'schema/kind',
    message: 'teacher is missing "kind"',
  },
  {
    name: 'network teacher without its network',
    spec: experiment((s) => s.replace('"teacher": { "kind": "linear", "noise": 0.1 }', '⟦"teacher"⟧: { "kind": "network" }')),
    code: 'schema/missing-property',
    message: 'teacher is missing "network"',
  },
  {
    name: 'file without kind',
    spec: '⟦{⟧ "layers": [] }',
    code: 'schema/kind',
    message: 'missing "kind": a .rainbow.json file starts with "kind": "experiment" or "network"',
  },
  {
    name: 'misspelt file kind',
    spec: '{ "kind": ⟦"experimnet"⟧ }',
    code: 'schema/kind',
    message: 'unknown kind "experimnet": expected "experiment" or "network" (did you mean "experiment"?)',
  },
  {
    name: 'file that is not an object',
    spec: '⟦[⟧ 1, 2 ]',
    code: 'schema/type',
    message: 'a .rainbow.json file holds one JSON object',
  },
  {
    name: 'experiment property in a network file',
    spec: '{ "kind": "network", "layers": [ { "width": 3, "activation": "tanh" } ], ⟦"seed"⟧: 1 }',
    code: 'schema/unknown-property',
    message: '"seed" does not apply to a network file (only to experiments)',
  },
  // ---- weights and row covariances
  {
    name: 'row covariance key misspelt',
    spec: experiment((s) => s.replace('"activation": "relu"', '"activation": "relu", "weights": { "gaussian": { "rowCovariance": { ⟦"powerlaw"⟧: 0.3 } } }')),
    code: 'schema/unknown-property',
    message: 'unknown property "powerlaw" in rowCovariance of layer "W2" (did you mean "powerLaw"?)',
  },
  {
    name: 'row covariance name misspelt',
    spec: experiment((s) => s.replace('"activation": "relu"', '"activation": "relu", "weights": { "gaussian": { "rowCovariance": ⟦"identiy"⟧ } }')),
    code: 'schema/enum',
    message: '"rowCovariance" must be "identity" or an object with one of "powerLaw", "diagonal", "spiked", "gram", "inverseGram" or "file" (got "identiy"; did you mean "identity"?)',
  },
  {
    name: 'row covariance with two forms',
    spec: experiment((s) => s.replace('"activation": "relu"', '"activation": "relu", "weights": { "gaussian": { "rowCovariance": { "powerLaw": 1, ⟦"spiked"⟧: { "strength": 1, "rank": 1 } } } }')),
    code: 'schema/conflicting-properties',
    message: 'rowCovariance of layer "W2" takes either "powerLaw" or "spiked", not both',
  },
  {
    name: 'spike rank 0',
    spec: experiment((s) => s.replace('"activation": "relu"', '"activation": "relu", "weights": { "gaussian": { "rowCovariance": { "spiked": { "strength": 1, "rank": ⟦0⟧ } } } }')),
    code: 'schema/range',
    message: '"rank" must be an integer between 1 and 10000 (got 0)',
  },
  {
    name: 'empty row covariance object',
    spec: experiment((s) => s.replace('"activation": "relu"', '"activation": "relu", "weights": { "gaussian": { ⟦"rowCovariance"⟧: {} } }')),
    code: 'schema/missing-property',
    message: 'rowCovariance of layer "W2" needs one of "powerLaw", "diagonal", "spiked", "gram", "inverseGram" or "file"',
  },
  {
    name: 'negative diagonal entry',
    spec: experiment((s) => s.replace('"activation": "relu"', '"activation": "relu", "weights": { "gaussian": { "rowCovariance": { "diagonal": [1, ⟦-2⟧] } } }')),
    code: 'schema/range',
    message: 'each "diagonal" value must be a number >= 0 (got -2)',
  },
  {
    name: 'layout next to gaussian weights',
    spec: experiment((s) => s.replace('"activation": "relu"', '"activation": "relu", "weights": { "gaussian": {}, ⟦"layout"⟧: "inOut" }')),
    code: 'schema/unknown-property',
    message: '"layout" cannot be combined with "gaussian" in weights of layer "W2" (it goes with "file")',
  },
  {
    name: 'weights file that is not .npy',
    spec: experiment((s) => s.replace('"activation": "relu"', '"activation": "relu", "weights": { "file": ⟦"w.csv"⟧ }')),
    code: 'schema/pattern',
    message: '"file" must be a relative path to a NumPy file ending in .npy (got "w.csv")',
  },
  {
    name: 'weights without a form',
    spec: experiment((s) => s.replace('"activation": "relu"', '"activation": "relu", ⟦"weights"⟧: { "plus": [] }')),
    code: 'schema/missing-property',
    message: 'weights of layer "W2" needs one of "gaussian", "sameAs" or "file"',
  },
  {
    name: 'student path that is not a network file',
    spec: experiment((s) => s.replace(/"student": \{[\s\S]*?\]\n  \}/, '"student": ⟦"student.json"⟧')),
    code: 'schema/pattern',
    message: '"student" must be a relative path to a network file ending in .rainbow.json',
  },
  {
    name: 'too many layers is reported at the key',
    spec: `{ "kind": "network", ⟦"layers"⟧: [${Array(65).fill('{ "width": 2, "activation": "tanh" }').join(', ')}] }`,
    code: 'schema/range',
    message: '"layers" must have between 1 and 64 entries (got 65)',
  },
  // ---- ridge and samples
  {
    name: 'negative lambda',
    spec: experiment((s) => s.replace('[0.01, 1]', '[0.01, ⟦-1⟧]')),
    code: 'schema/range',
    message: 'each "lambda" value must be a number > 0 and <= 1e12 (got -1)',
  },
  {
    name: 'infinite lambda gives one problem',
    spec: experiment((s) => s.replace('[0.01, 1]', '[0.01, ⟦1e400⟧]')),
    code: 'schema/type',
    message: 'each "lambda" value must be a number > 0 and <= 1e12 (got 1e400)',
  },
  {
    name: '"optimal" misspelt',
    spec: experiment((s) => s.replace('[0.01, 1]', '⟦"optimum"⟧')),
    code: 'schema/enum',
    message: '"lambda" must be a list (of numbers > 0 and <= 1e12 or "optimal") or "optimal" (got "optimum"; did you mean "optimal"?)',
  },
  {
    name: 'too many lambdas',
    spec: experiment((s) => s.replace('"lambda": [0.01, 1]', `⟦"lambda"⟧: [${Array(101).fill(1).join(', ')}]`)),
    code: 'schema/range',
    message: '"lambda" must have between 1 and 100 entries (got 101)',
  },
  {
    name: 'convention misspelt',
    spec: experiment((s) => s.replace('"lambda": [0.01, 1]', '"lambda": [0.01, 1], "convention": ⟦"Mean"⟧')),
    code: 'schema/enum',
    message: 'unknown convention "Mean": expected one of sum, mean, paper (did you mean "mean"?)',
  },
  {
    name: 'samples mixing a list and a range',
    spec: experiment((s) => s.replace('{ "n": [10, 100] }', '{ "n": [10, 100], ⟦"from"⟧: 10, "to": 100, "points": 5 }')),
    code: 'schema/conflicting-properties',
    message: 'samples takes either "n" or "from"/"to"/"points", not both',
  },
  {
    name: 'spacing misspelt',
    spec: experiment((s) => s.replace('{ "n": [10, 100] }', '{ "from": 10, "to": 100, "points": 5, "spacing": ⟦"logarithmic"⟧ }')),
    code: 'schema/enum',
    message: 'unknown spacing "logarithmic": expected one of log, linear',
  },
  {
    name: 'range from above to',
    spec: experiment((s) => s.replace('{ "n": [10, 100] }', '{ "from": ⟦1000⟧, "to": 100, "points": 5 }')),
    code: 'schema/range',
    message: '"from" (1000) must not be greater than "to" (100)',
  },
  {
    name: 'range missing its end',
    spec: experiment((s) => s.replace('"samples": { "n": [10, 100] }', '⟦"samples"⟧: { "from": 10, "points": 5 }')),
    code: 'schema/missing-property',
    message: 'samples is missing "to"',
  },
  {
    name: 'sample size 0',
    spec: experiment((s) => s.replace('[10, 100]', '[⟦0⟧, 100]')),
    code: 'schema/range',
    message: 'each "n" value must be an integer between 1 and 1e9 (got 0)',
  },
  {
    name: 'simulation repeats 0',
    spec: experiment((s) => s.replace('"samples"', '"simulate": { "n": [10], "repeats": ⟦0⟧ },\n  "samples"')),
    code: 'schema/range',
    message: '"repeats" must be an integer between 1 and 1000 (got 0)',
  },
  {
    name: 'sweep parameter that is not a JSON pointer',
    spec: experiment((s) => s.replace('"samples"', '"sweep": { "parameter": ⟦"teacher.noise"⟧, "values": [0, 1] },\n  "samples"')),
    code: 'schema/pattern',
    message: '"parameter" must be a JSON pointer',
  },
  // ---- the kind a file is used as
  {
    name: 'experiment used as a network',
    spec: experiment((s) => s.replace('"kind": "experiment"', '"kind": ⟦"experiment"⟧')),
    code: 'schema/kind',
    message: 'this file is an experiment, but it is used as a network',
    expectedKind: 'network',
  },
  {
    name: 'network file used as an experiment',
    spec: '{ "kind": ⟦"network"⟧, "layers": [ { "width": 3, "activation": "tanh" } ] }',
    code: 'schema/kind',
    message: 'this file is a network, not an experiment',
    expectedKind: 'experiment',
  },
];

describe('parse and schema problems', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { text, range } = unmark(c.spec);
      const problems = allProblems(text, c.expectedKind);
      assert.equal(problems.length, 1, `expected one problem, got:\n${problems.map(formatProblem).join('\n')}`);
      const p = problems[0]!;
      assert.equal(p.code, c.code, formatProblem(p));
      assert.ok(p.message.includes(c.message), `message ${JSON.stringify(p.message)} lacks ${JSON.stringify(c.message)}`);
      assert.deepEqual(p.range, range, `range of ${formatProblem(p)}`);
      assert.equal(p.severity, 'error');
      assert.equal(p.file, 'spec.rainbow.json');
    });
  }
});

describe('valid specs', () => {
  it('the example of spec-format.md has no problems', () => {
    assert.deepEqual(allProblems(EXAMPLE).map(formatProblem), []);
  });

  it('the example validates as an experiment when one is expected', () => {
    assert.deepEqual(allProblems(EXAMPLE, 'experiment').map(formatProblem), []);
  });

  it('the network example of spec-format.md validates as a network', () => {
    assert.deepEqual(allProblems(NETWORK, 'network').map(formatProblem), []);
  });

  it('the small experiment used by the cases is valid', () => {
    assert.deepEqual(allProblems(experiment()).map(formatProblem), []);
  });

  it('every form of every alternative is accepted', () => {
    const spec = experiment((s) => s
      .replace('"dimension": 20', '"dimension": 3, "covariance": { "diagonal": [1, 0.5, 0.25] }')
      .replace('{ "kind": "linear", "noise": 0.1 }',
        '{ "kind": "network", "network": "teacher.rainbow.json", "readout": { "file": "theta.npy" }, "noise": 0 }')
      .replace('{ "id": "W1", "width": 30, "activation": "tanh" }',
        '{ "id": "W1", "width": 3, "activation": { "name": "relu", "gain": 2 }, "moments": "exact",' +
        ' "weights": { "gaussian": { "rowCovariance": { "diagonal": { "file": "c.npy" } }, "scale": -1 }, "linearization": "perNeuron" } },' +
        ' { "id": "W1b", "width": 3, "activation": "sign", "weights": { "gaussian": { "rowCovariance": { "gram": { "layer": "W1" } } } } },' +
        ' { "id": "W1c", "width": 3, "activation": "erf", "weights": { "gaussian": { "rowCovariance": { "spiked": { "strength": -1, "rank": 2 } } } } },' +
        ' { "id": "W1d", "width": 3, "activation": "gelu", "weights": { "sameAs": "W1c", "plus": [ { "layer": "W1" } ] } }')
      .replace('{ "id": "W2", "width": 40, "activation": "relu" }',
        '{ "id": "W2", "width": 4, "activation": "softplus", "weights": { "file": "w.NPY", "layout": "inOut", "linearization": "average" } }')
      .replace('"lambda": [0.01, 1]', '"lambda": "optimal", "convention": "paper"')
      .replace('{ "n": [10, 100] }', '{ "from": 10, "to": 10, "points": 1 }')
      .replace('"kind": "experiment",',
        '"kind": "experiment", "$schema": "../schemas/rainbow.schema.json", "title": "all forms", "seed": 9007199254740991, "moments": "linearized",\n' +
        '  "simulate": { "n": { "from": 5, "to": 50, "points": 3, "spacing": "linear" }, "repeats": 1, "testSamples": 1 },\n' +
        '  "sweep": { "parameter": "/student/layers/0/weights/gaussian/scale", "values": [0.5, 1] },'));
    assert.deepEqual(allProblems(spec).map(formatProblem), []);
    const alternatives = [
      ['"covariance": { "diagonal": [1, 0.5, 0.25] }', '"covariance": { "powerLaw": 1.5 }'],
      ['"covariance": { "diagonal": [1, 0.5, 0.25] }', '"covariance": { "file": "cov.npy" }'],
      ['"covariance": { "diagonal": [1, 0.5, 0.25] }', '"covariance": { "samples": "X.npy" }'],
      ['"readout": { "file": "theta.npy" }', '"readout": "random"'],
      ['"network": "teacher.rainbow.json"', '"network": { "layers": [ { "width": 2, "activation": "sin" } ] }'],
      ['{ "gram": { "layer": "W1" } }', '{ "inverseGram": { "layer": "W1", "shift": 0.5 } }'],
      ['{ "gram": { "layer": "W1" } }', '{ "file": "C.npy" }'],
      ['{ "gram": { "layer": "W1" } }', '"identity"'],
    ];
    for (const [from, to] of alternatives) {
      assert.ok(spec.includes(from!), from);
      assert.deepEqual(allProblems(spec.replace(from!, to!)).map(formatProblem), [], to);
    }
    const teachers = [
      '{ "kind": "linear", "weights": { "file": "beta.npy" } }',
      '{ "kind": "student", "readout": "random", "noise": 0.5 }',
      '{ "kind": "data", "labels": "y.npy" }',
    ];
    for (const teacher of teachers) {
      const variant = spec.replace(/"teacher": \{.*\},\n/, `"teacher": ${teacher},\n`);
      assert.ok(variant.includes(teacher));
      assert.deepEqual(allProblems(variant).map(formatProblem), [], teacher);
    }
  });
});

describe('several mistakes', () => {
  it('gives one problem per mistake, in reading order, with pointers', () => {
    const text = experiment((s) => s
      .replace('"width": 30', '"width": 0')
      .replace('"activation": "relu"', '"activation": "rleu"')
      .replace('[0.01, 1]', '[-1]'));
    const problems = allProblems(text);
    assert.deepEqual(problems.map((p) => [p.code, p.pointer, p.range.start.line]), [
      ['schema/range', '/student/layers/0/width', 6],
      ['schema/enum', '/student/layers/1/activation', 7],
      ['schema/range', '/ridge/lambda/0', 10],
    ]);
  });

  it('a misspelt required property is reported once, at the misspelling', () => {
    const problems = allProblems('{ "kind": "network", "layers": [ { "widht": 3, "activation": "tanh" } ] }');
    assert.deepEqual(problems.map((p) => p.code), ['schema/unknown-property']);
  });

  it('lists at most 100 problems and says how many more there are', () => {
    const text = experiment((s) => s.replace('[10, 100]', `[${Array(150).fill(0).join(', ')}]`));
    const problems = allProblems(text);
    assert.equal(problems.length, 101);
    const last = problems[100]!;
    assert.equal(last.code, 'schema/too-many');
    assert.equal(last.severity, 'information');
    assert.ok(last.message.startsWith('... and 50 more problems'), last.message);
  });
});
