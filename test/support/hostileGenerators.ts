/**
 * Generators of hostile specs too big to commit (test/fixtures/hostile/README.md). A case names one
 * with `{"generate": "<name>", ...parameters}` in its `setup`; the runner writes the result into
 * the case's temporary copy. Each generator streams its output in chunks, so that a 50 MB spec
 * costs the runner no more than the chunk size.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

export interface GenerateSetup {
  generate: string;
  /** File to write, relative to the case folder (default "spec.rainbow.json"). */
  file?: string;
  [parameter: string]: unknown;
}

type Generator = (write: (chunk: string) => void, parameters: GenerateSetup) => void;

/** A valid experiment around one inserted fragment, the way a user would lay it out. */
const HEAD = '{\n  "kind": "experiment",\n';
const BODY =
  '  "input": { "dimension": 20 },\n' +
  '  "teacher": { "kind": "linear", "noise": 0.1 },\n' +
  '  "student": { "layers": [ { "id": "W", "width": 30, "activation": "tanh" } ] },\n' +
  '  "ridge": { "lambda": [0.1] },\n' +
  '  "samples": { "n": [10, 20] }\n' +
  '}\n';

function integer(parameters: GenerateSetup, name: string, fallback?: number): number {
  const value = parameters[name] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new Error(`generator "${parameters.generate}" needs an integer "${name}" >= 0`);
  }
  return value;
}

/** Emits `count` items produced by `item(i)`, joined by `separator`, in chunks of about 1 MB. */
function repeated(write: (chunk: string) => void, count: number, separator: string, item: (i: number) => string): void {
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += (i === 0 ? '' : separator) + item(i);
    if (chunk.length >= 1 << 20) {
      write(chunk);
      chunk = '';
    }
  }
  write(chunk);
}

export const generators: { [name: string]: Generator } = {
  /** `count` distinct unknown top-level properties ("extra0": 0, ...), one per line, before the body. */
  unknownProperties: (write, p) => {
    const count = integer(p, 'count');
    write(HEAD);
    repeated(write, count, '', (i) => `  "extra${i}": ${i},\n`);
    write(BODY);
  },
  /** `"samples": {"n": [1, 2, ..., count]}`: a list far over its schema limit, on one line. */
  longSampleList: (write, p) => {
    const count = integer(p, 'count');
    write(HEAD + BODY.replace('  "samples": { "n": [10, 20] }\n}\n', '  "samples": { "n": ['));
    repeated(write, count, ',', (i) => String(1 + (i % 9)));
    write('] }\n}\n');
  },
  /** A "title" of `mib` MiB of "a" (over the title's length limit). */
  longTitle: (write, p) => {
    const bytes = integer(p, 'mib') * (1 << 20);
    write(HEAD + '  "title": "');
    const block = 'a'.repeat(1 << 20);
    for (let written = 0; written < bytes; written += block.length) write(block.slice(0, Math.min(block.length, bytes - written)));
    write('",\n' + BODY);
  },
  /** A "title" nested `depth` levels deep in arrays ([[[...]]]) or objects ({"a":{"a":...}}). */
  deepNesting: (write, p) => {
    const depth = integer(p, 'depth');
    const objects = p.shape === 'objects';
    write(HEAD + '  "title": ');
    repeated(write, depth, '', () => (objects ? '{"a":' : '['));
    write('1');
    repeated(write, depth, '', () => (objects ? '}' : ']'));
    write(',\n' + BODY);
  },
};

/** Runs the named generator into `path`. Throws on an unknown name or bad parameters (a corpus bug). */
export function generate(path: string, setup: GenerateSetup): void {
  const generator = generators[setup.generate];
  if (!generator) throw new Error(`unknown generator "${setup.generate}" (known: ${Object.keys(generators).join(', ')})`);
  const fd = openSync(path, 'w');
  try {
    generator((chunk) => {
      if (chunk.length > 0) writeSync(fd, chunk);
    }, setup);
  } finally {
    closeSync(fd);
  }
}
