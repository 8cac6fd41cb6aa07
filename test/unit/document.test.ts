/**
 * SpecDocument: the parsed value agrees with JSON.parse, and JSON pointers map to the exact text of
 * values and keys (what every later problem relies on).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Range } from '../../server/src/core/problems';
import { nodeAt, parseSpecDocument, pointerSegments, problemAt, rangeAt, toPointer, type SpecDocument } from '../../server/src/core/format/document';

const TEXT = `{
  "kind": "network",
  "title": "a/b~c",
  "a/b": { "x~y": [10, { "deep": true }] },
  "layers": [
    { "width": 3, "activation": "tanh" },
    { "width": 4, "activation": { "name": "relu", "gain": 2.5e-1 } }
  ]
}`;

function parsed(text: string): SpecDocument {
  const { document, problems } = parseSpecDocument(text, 'net.rainbow.json');
  assert.deepEqual(problems, []);
  assert.ok(document);
  return document;
}

/** The text a range covers. */
function cover(doc: SpecDocument, range: Range): string {
  const lines = doc.text.split('\n');
  assert.equal(range.start.line, range.end.line, 'single-line range expected');
  return (lines[range.start.line] ?? '').slice(range.start.character, range.end.character);
}

describe('parseSpecDocument', () => {
  it('gives the value JSON.parse gives', () => {
    const doc = parsed(TEXT);
    assert.deepEqual(doc.value, JSON.parse(TEXT));
    assert.equal(doc.file, 'net.rainbow.json');
    assert.equal(doc.text, TEXT);
  });

  it('keeps "__proto__" as an ordinary property, like JSON.parse', () => {
    const text = '{ "__proto__": { "polluted": 1 }, "kind": "network" }';
    const doc = parsed(text);
    assert.deepEqual(Object.keys(doc.value as object), ['__proto__', 'kind']);
    assert.equal(Object.getPrototypeOf(doc.value), Object.prototype);
    assert.deepEqual(doc.value, JSON.parse(text));
  });

  it('keeps the last of duplicate keys, like JSON.parse, and reports the duplicate', () => {
    const { document, problems } = parseSpecDocument('{ "a": 1, "a": 2 }', 'f');
    assert.deepEqual(document?.value, { a: 2 });
    assert.deepEqual(problems.map((p) => p.code), ['json/duplicate-key']);
  });

  it('accepts a byte-order mark and keeps offsets', () => {
    const doc = parsed('\ufeff{ "kind": "network" }');
    assert.deepEqual(doc.value, { kind: 'network' });
    assert.equal(cover(doc, rangeAt(doc, '/kind')), '"network"');
  });

  it('keeps a document despite comments and trailing commas, but not despite syntax errors', () => {
    const commented = parseSpecDocument('{ "a": [1, 2,], // note\n "b": 3 }', 'f');
    assert.deepEqual(commented.problems.map((p) => p.code), ['json/trailing-comma', 'json/comment']);
    assert.deepEqual(commented.document?.value, { a: [1, 2], b: 3 });
    const broken = parseSpecDocument('{ "a": [1, 2 }', 'f');
    assert.equal(broken.document, undefined);
    assert.deepEqual(broken.problems.map((p) => p.code), ['json/syntax']);
  });

  it('reports line and column of problems on later lines (CRLF line ends)', () => {
    const { problems } = parseSpecDocument('{\r\n  "a": 1\r\n  "b": 2\r\n}', 'f');
    assert.equal(problems.length, 1);
    assert.deepEqual(problems[0]!.range, { start: { line: 2, character: 2 }, end: { line: 2, character: 5 } });
  });

  it('rejects what JSON.parse rejects', () => {
    for (const text of ['{"a": NaN}', '{"a": .5}', '{"a": 1.}', '{"a": "\\x"}', '{"a":\u00a01}', '{"a": 1} x', '{"a": undefined}', '{a: 1}']) {
      assert.throws(() => JSON.parse(text));
      const { document, problems } = parseSpecDocument(text, 'f');
      assert.equal(document, undefined, text);
      assert.deepEqual(problems.map((p) => p.code), ['json/syntax'], text);
    }
  });
});

describe('JSON pointers', () => {
  it('round-trip with escapes', () => {
    const segments = ['a/b', 'x~y', '0', ''];
    assert.equal(toPointer(segments), '/a~1b/x~0y/0/');
    assert.deepEqual(pointerSegments(toPointer(segments)), segments);
    assert.deepEqual(pointerSegments(''), []);
  });

  it('rangeAt covers values and keys', () => {
    const doc = parsed(TEXT);
    assert.equal(cover(doc, rangeAt(doc, '/kind')), '"network"');
    assert.equal(cover(doc, rangeAt(doc, '/kind', 'key')), '"kind"');
    assert.equal(cover(doc, rangeAt(doc, '/layers/1/activation/gain')), '2.5e-1');
    assert.equal(cover(doc, rangeAt(doc, '/layers/1/activation/gain', 'key')), '"gain"');
    assert.equal(cover(doc, rangeAt(doc, '/a~1b/x~0y/0')), '10');
    assert.equal(cover(doc, rangeAt(doc, '/a~1b/x~0y/1/deep')), 'true');
    assert.equal(cover(doc, rangeAt(doc, '/layers/0')), '{ "width": 3, "activation": "tanh" }');
  });

  it('rangeAt locates keyless objects and arrays by their opening bracket', () => {
    const doc = parsed(TEXT);
    assert.deepEqual(rangeAt(doc, '', 'key'), { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } });
    assert.equal(cover(doc, rangeAt(doc, '/layers/0', 'key')), '{');
    assert.equal(rangeAt(doc, '/layers/0', 'key').start.character, 4);
    // An array element that is a plain value is its own key range.
    assert.equal(cover(doc, rangeAt(doc, '/a~1b/x~0y/0', 'key')), '10');
  });

  it('rangeAt falls back to the key of the nearest existing ancestor', () => {
    const doc = parsed(TEXT);
    assert.equal(cover(doc, rangeAt(doc, '/layers/1/weights/gaussian')), '{');
    assert.equal(rangeAt(doc, '/layers/1/weights/gaussian').start.line, 6);
    assert.equal(cover(doc, rangeAt(doc, '/title/x')), '"title"');
    assert.equal(cover(doc, rangeAt(doc, '/layers/7')), '"layers"');
    assert.equal(nodeAt(doc, '/layers/7').exact, false);
    assert.equal(nodeAt(doc, '/layers/1').exact, true);
  });

  it('problemAt fills in file, pointer and severity', () => {
    const doc = parsed(TEXT);
    const p = problemAt(doc, '/layers/0/width', 'spec/shape', 'message');
    assert.deepEqual(p, {
      code: 'spec/shape',
      severity: 'error',
      message: 'message',
      file: 'net.rainbow.json',
      range: { start: { line: 5, character: 15 }, end: { line: 5, character: 16 } },
      pointer: '/layers/0/width',
    });
    assert.equal(problemAt(doc, '/kind', 'schema/kind', 'm', 'key', 'warning').severity, 'warning');
  });
});
