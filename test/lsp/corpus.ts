/**
 * Broken specs for the diagnostics tests: each is a valid experiment with one mistake, in which
 * ⟦ ⟧ marks the exact text the expected problem must cover. The files they reference (a network
 * file, .npy files good and bad) are written beside them by `writeCorpus`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNpy } from '../../server/src/core/npy';

export const VALID = `{
  "kind": "experiment",
  "title": "corpus",
  "seed": 1,
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
}
`;

export interface BrokenSpec {
  name: string;
  /** The text with ⟦ ⟧ around the range of the expected problem. */
  marked: string;
  code: string;
}

function edit(from: string, to: string): string {
  if (!VALID.includes(from)) throw new Error(`corpus: "${from}" is not in the valid spec`);
  return VALID.replace(from, to);
}

const W1 = '{ "id": "W1", "width": 30, "activation": "tanh" }';
const W2 = '{ "id": "W2", "width": 40, "activation": "relu" }';
const TEACHER = '"teacher": { "kind": "linear", "noise": 0.1 }';
const INPUT = '"input": { "dimension": 20 }';

export const BROKEN: BrokenSpec[] = [
  { name: 'missing comma', marked: edit('"seed": 1,\n  "input"', '"seed": 1\n  ⟦"input"⟧'), code: 'json/syntax' },
  { name: 'comment', marked: edit('"seed": 1,', '⟦// the seed⟧\n  "seed": 1,'), code: 'json/comment' },
  { name: 'trailing comma', marked: edit('"n": [10, 100] }', '"n": [10, 100]⟦,⟧ }'), code: 'json/trailing-comma' },
  { name: 'duplicate key', marked: edit('"seed": 1,', '"seed": 1,\n  ⟦"seed"⟧: 2,'), code: 'json/duplicate-key' },
  { name: 'unterminated string', marked: edit('"title": "corpus",', '"title": ⟦"corpus,⟧'), code: 'json/syntax' },
  { name: 'kind misspelt', marked: edit('"kind": "experiment"', '"kind": ⟦"experimnt"⟧'), code: 'schema/kind' },
  { name: 'dimension as a string', marked: edit('"dimension": 20', '"dimension": ⟦"20"⟧'), code: 'schema/type' },
  { name: 'dimension zero', marked: edit('"dimension": 20', '"dimension": ⟦0⟧'), code: 'schema/range' },
  { name: 'negative width', marked: edit('"width": 30', '"width": ⟦-3⟧'), code: 'schema/range' },
  { name: 'fractional width', marked: edit('"width": 30', '"width": ⟦2.5⟧'), code: 'schema/type' },
  { name: 'activation misspelt', marked: edit('"activation": "tanh"', '"activation": ⟦"tahn"⟧'), code: 'schema/enum' },
  { name: 'unknown layer property', marked: edit('"id": "W1",', '"id": "W1", ⟦"widht"⟧: 3,'), code: 'schema/unknown-property' },
  { name: 'negative noise', marked: edit('"noise": 0.1', '"noise": ⟦-1⟧'), code: 'schema/range' },
  { name: 'teacher kind misspelt', marked: edit('"kind": "linear"', '"kind": ⟦"lineal"⟧'), code: 'schema/kind' },
  { name: 'negative lambda', marked: edit('"lambda": [0.01, 1]', '"lambda": [⟦-0.01⟧, 1]'), code: 'schema/range' },
  { name: 'lambda as a word', marked: edit('"lambda": [0.01, 1]', '"lambda": ⟦"best"⟧'), code: 'schema/enum' },
  { name: 'convention misspelt', marked: edit('"lambda": [0.01, 1] }', '"lambda": [0.01, 1], "convention": ⟦"avg"⟧ }'), code: 'schema/enum' },
  { name: 'sample size zero', marked: edit('"n": [10, 100]', '"n": [⟦0⟧, 100]'), code: 'schema/range' },
  { name: 'spacing misspelt', marked: edit('"samples": { "n": [10, 100] }', '"samples": { "from": 10, "to": 100, "points": 5, "spacing": ⟦"lin"⟧ }'), code: 'schema/enum' },
  { name: 'seed as a word', marked: edit('"seed": 1', '"seed": ⟦"one"⟧'), code: 'schema/type' },
  { name: 'unknown top-level key', marked: edit('"seed": 1,', '"seed": 1,\n  ⟦"sed"⟧: 1,'), code: 'schema/unknown-property' },
  { name: 'duplicate lambda', marked: edit('"lambda": [0.01, 1]', '"lambda": [0.01, ⟦0.01⟧]'), code: 'spec/duplicate-lambda' },
  { name: 'sameAs names no layer', marked: edit(W2, '{ "id": "W2", "width": 40, "activation": "relu", "weights": { "sameAs": ⟦"W9"⟧ } }'), code: 'spec/unknown-layer' },
  { name: 'duplicate layer id', marked: edit('"id": "W2"', '"id": ⟦"W1"⟧'), code: 'spec/duplicate-id' },
  { name: 'sameAs with another shape', marked: edit(W2, '{ "id": "W2", "width": 40, "activation": "relu", "weights": { "sameAs": ⟦"W1"⟧ } }'), code: 'spec/shape' },
  { name: 'gram of an unknown layer', marked: edit(W2, '{ "id": "W2", "width": 40, "activation": "relu", "weights": { "gaussian": { "rowCovariance": { "gram": { "layer": ⟦"X"⟧, "shift": 1 } } } } }'), code: 'spec/unknown-layer' },
  { name: 'plus of an unknown layer', marked: edit(W2, '{ "id": "W2", "width": 40, "activation": "relu", "weights": { "gaussian": { "scale": 1 }, "plus": [ { "layer": ⟦"V7"⟧, "scale": 1 } ] } }'), code: 'spec/unknown-layer' },
  { name: 'spike rank above the fan-in', marked: edit(W1, '{ "id": "W1", "width": 30, "activation": "tanh", "weights": { "gaussian": { "rowCovariance": { "spiked": { "strength": 1, "rank": ⟦100⟧ } } } } }'), code: 'spec/spike-rank' },
  { name: 'data teacher without data', marked: edit(TEACHER, '"teacher": { "kind": ⟦"data"⟧, "labels": "y.npy" }'), code: 'spec/data-without-samples' },
  { name: 'missing network file', marked: edit('"student": {\n    "layers": [\n      ' + W1 + ',\n      ' + W2 + '\n    ]\n  }', '"student": ⟦"missing.rainbow.json"⟧'), code: 'file/missing' },
  { name: 'missing .npy file', marked: edit(TEACHER, '"teacher": { "kind": "linear", "noise": 0.1, "weights": { "file": ⟦"nope.npy"⟧ } }'), code: 'file/missing' },
  { name: '.npy of the wrong length', marked: edit(TEACHER, '"teacher": { "kind": "linear", "noise": 0.1, "weights": { "file": ⟦"beta7.npy"⟧ } }'), code: 'npy/shape' },
  { name: '.npy that is text', marked: edit(TEACHER, '"teacher": { "kind": "linear", "noise": 0.1, "weights": { "file": ⟦"text.npy"⟧ } }'), code: 'npy/magic' },
  { name: '.npy with a NaN', marked: edit(TEACHER, '"teacher": { "kind": "linear", "noise": 0.1, "weights": { "file": ⟦"nan.npy"⟧ } }'), code: 'npy/non-finite' },
  { name: 'diagonal of the wrong length', marked: edit(INPUT, '"input": { "dimension": 20, "covariance": { "diagonal": ⟦[1, 2, 3]⟧ } }'), code: 'spec/length' },
  { name: 'sweep of a missing number', marked: edit('"samples": { "n": [10, 100] }', '"samples": { "n": [10, 100] },\n  "sweep": { "parameter": ⟦"/teacher/nois"⟧, "values": [0, 1] }'), code: 'spec/sweep-parameter' },
  { name: 'sweep value that breaks the spec', marked: edit('"samples": { "n": [10, 100] }', '"samples": { "n": [10, 100] },\n  "sweep": { "parameter": "/input/dimension", "values": [10, ⟦0⟧] }'), code: 'spec/sweep-value' },
  { name: 'gain as a string', marked: edit('"activation": "tanh"', '"activation": { "name": "tanh", "gain": ⟦"2"⟧ }'), code: 'schema/type' },
  { name: 'power law as a string', marked: edit(INPUT, '"input": { "dimension": 20, "covariance": { "powerLaw": ⟦"0.5"⟧ } }'), code: 'schema/type' },
  { name: 'zero repeats', marked: edit('"samples": { "n": [10, 100] }', '"samples": { "n": [10, 100] },\n  "simulate": { "n": [10], "repeats": ⟦0⟧ }'), code: 'schema/range' },
  { name: 'no layers', marked: edit('"layers": [\n      ' + W1 + ',\n      ' + W2 + '\n    ]', '⟦"layers"⟧: []'), code: 'schema/range' },
  { name: 'linearization on the layer', marked: edit(W1, '{ "id": "W1", "width": 30, "activation": "tanh", ⟦"linearization"⟧: "perNeuron", "weights": { "gaussian": { "scale": 1 }, "linearization": "average" } }'), code: 'spec/linearization-on-layer' },
  { name: 'invalid network file', marked: edit('"student": {\n    "layers": [\n      ' + W1 + ',\n      ' + W2 + '\n    ]\n  }', '"student": ⟦"broken-net.rainbow.json"⟧'), code: 'file/invalid-network' },
  { name: 'a list instead of an object', marked: '⟦[⟧1, 2]\n', code: 'schema/type' },
];

/** Files the corpus references, written into `dir`. */
export function writeCorpusFiles(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'beta7.npy'), encodeNpy([7], [1, 2, 3, 4, 5, 6, 7]));
  writeFileSync(join(dir, 'nan.npy'), encodeNpy([20], Array.from({ length: 20 }, (_, i) => (i === 3 ? NaN : i))));
  writeFileSync(join(dir, 'text.npy'), 'this is not a NumPy file\n');
  writeFileSync(join(dir, 'broken-net.rainbow.json'), '{\n  "kind": "network",\n  "layers": [ { "width": 5, "activation": "tanh" } \n');
}

