/**
 * The .npy reader against files written by NumPy (test/fixtures/npy, produced by make_fixtures.py
 * with the expected entries in fixtures.json), hand-made broken files, and encodeNpy round trips.
 * Decoding is exact, so values are compared with tolerance 0 (Object.is: -0 and 0 differ).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeShapeMismatch, encodeNpy, MAX_ENTRIES, NpyResult, parseNpy } from '../../server/src/core/npy';

interface Fixture {
  file: string;
  version: string;
  note?: string;
  dtype?: string;
  shape?: number[];
  fortranOrder?: boolean;
  values?: Array<number | 'NaN' | 'Infinity' | '-Infinity'>;
  error?: { code: string; includes: string };
}

/** The fixture folder, found from this file whether it runs from test/unit or from out/test/unit. */
function fixtureDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test', 'fixtures', 'npy');
    if (fs.existsSync(path.join(candidate, 'fixtures.json'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error('test/fixtures/npy not found above ' + __dirname);
  }
}

const DIR = fixtureDir();
const FIXTURES = (JSON.parse(fs.readFileSync(path.join(DIR, 'fixtures.json'), 'utf8')) as { fixtures: Fixture[] }).fixtures;

const read = (file: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(DIR, file)));
const toNumber = (v: number | string): number => (typeof v === 'number' ? v : Number(v)); // Number('NaN') is NaN

function ok(result: NpyResult) {
  if (!result.ok) assert.fail(`expected success, got [${result.code}] ${result.message}`);
  return result.array;
}

function failure(result: NpyResult): { code: string; message: string } {
  if (result.ok) assert.fail(`expected a failure, got shape (${result.array.shape.join(', ')})`);
  return result;
}

function assertFails(result: NpyResult, code: string, ...fragments: string[]): void {
  const f = failure(result);
  assert.equal(f.code, code, f.message);
  for (const fragment of fragments) assert.ok(f.message.includes(fragment), `message "${f.message}" lacks "${fragment}"`);
}

/** A .npy file from a header text (bytes = char codes, i.e. latin-1) or raw header bytes; no padding. */
function build(header: string | Uint8Array, data: Uint8Array = new Uint8Array(0), version: [number, number] = [1, 0]): Uint8Array {
  const h = typeof header === 'string' ? Uint8Array.from(header, (c) => c.charCodeAt(0) & 0xff) : header;
  const lengthBytes = version[0] >= 2 ? 4 : 2;
  const out = new Uint8Array(8 + lengthBytes + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version[0], version[1]]);
  const view = new DataView(out.buffer);
  if (lengthBytes === 4) view.setUint32(8, h.length, true);
  else view.setUint16(8, h.length, true);
  out.set(h, 8 + lengthBytes);
  out.set(data, 8 + lengthBytes + h.length);
  return out;
}

const dict = (descr: string, shape: string, fortran = 'False') => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }\n`;

function float64Bytes(values: number[], littleEndian = true): Uint8Array {
  const out = new Uint8Array(8 * values.length);
  const view = new DataView(out.buffer);
  values.forEach((v, k) => view.setFloat64(8 * k, v, littleEndian));
  return out;
}

test('fixtures.json lists every .npy file the script wrote', () => {
  assert.ok(FIXTURES.length > 0, 'fixtures.json lists no file: the tests generated from it would not run');
  const listed = new Set(FIXTURES.map((f) => f.file));
  const onDisk = fs.readdirSync(DIR).filter((f) => f.endsWith('.npy'));
  assert.deepEqual(onDisk.sort(), [...listed].sort());
});

for (const fx of FIXTURES) {
  test(`NumPy file ${fx.file} (format ${fx.version}${fx.dtype ? `, ${fx.dtype}, ${fx.fortranOrder ? 'Fortran' : 'C'} order` : ''})`, () => {
    const bytes = read(fx.file);
    assert.equal(`${bytes[6]}.${bytes[7]}`, fx.version);
    if (fx.error) {
      assertFails(parseNpy(bytes), fx.error.code, fx.error.includes);
      return;
    }
    const expected = (fx.values as Array<number | string>).map(toNumber);
    const nonFinite = expected.some((v) => !Number.isFinite(v));
    const array = ok(parseNpy(bytes, { allowNonFinite: nonFinite }));
    assert.equal(array.dtype, fx.dtype);
    assert.deepEqual(array.shape, fx.shape);
    assert.ok(array.data instanceof Float64Array);
    // deepEqual on plain arrays compares with Object.is: exact values, -0 kept, NaN equal to NaN.
    assert.deepEqual(Array.from(array.data), expected);
  });
}

test('integers beyond 2^53 become the nearest double', () => {
  const i8 = ok(parseNpy(read('i8_le.npy'))).data;
  assert.equal(i8[0], -9223372036854775808);
  assert.equal(i8[1], 9223372036854775808); // 2^63 - 1 rounds up to 2^63
  assert.equal(i8[2], 9007199254740992); // 2^53 + 1 rounds to even, 2^53
  const u8 = ok(parseNpy(read('u8_be_f.npy'))).data;
  assert.equal(u8[1], 18446744073709551616); // 2^64 - 1 rounds up to 2^64
});

test('non-finite entries are reported by their row-major index, also in Fortran-order files', () => {
  assertFails(parseNpy(read('nonfinite_f.npy')), 'npy/non-finite', 'entry [1, 2] is NaN (3 non-finite entries in total)');
  const shape1 = dict('<f8', '(4,)');
  assertFails(parseNpy(build(shape1, float64Bytes([0, 1, Infinity, 3]))), 'npy/non-finite', 'entry [2] is Infinity:');
  assertFails(parseNpy(build(dict('>f8', '(4,)'), float64Bytes([0, -Infinity, 2, 3], false))), 'npy/non-finite', 'entry [1] is -Infinity');
  assertFails(parseNpy(build(dict('<f8', '()'), float64Bytes([NaN]))), 'npy/non-finite', 'the value is NaN');
  const f4 = new Uint8Array(8);
  new DataView(f4.buffer).setFloat32(4, NaN, false);
  assertFails(parseNpy(build(dict('>f4', '(1, 2)'), f4)), 'npy/non-finite', 'entry [0, 1] is NaN');
  const f2 = Uint8Array.from([0x00, 0x3c, 0x00, 0xfc]); // <f2: 1.0, -inf
  assertFails(parseNpy(build(dict('<f2', '(2,)'), f2)), 'npy/non-finite', 'entry [1] is -Infinity');
  assert.deepEqual(Array.from(ok(parseNpy(build(dict('<f2', '(2,)'), f2), { allowNonFinite: true })).data), [1, -Infinity]);
});

test('encodeNpy writes exactly what numpy.save writes', () => {
  const references = FIXTURES.filter((f) => f.note === 'numpy.save reference for encodeNpy');
  assert.ok(references.length >= 5);
  for (const fx of references) {
    const encoded = encodeNpy(fx.shape as number[], (fx.values as number[]).map(toNumber));
    assert.deepEqual(encoded, read(fx.file), fx.file);
  }
});

test('encodeNpy then parseNpy returns the same shape and values', () => {
  const cases: Array<[number[], number[]]> = [
    [[], [Math.E]],
    [[5], [1, -2, 3.5, Number.MIN_VALUE, -Number.MAX_VALUE]],
    [[3, 2], [1, 2, 3, 4, 5, 6]],
    [[2, 2, 2, 1], [8, 7, 6, 5, 4, 3, 2, 1]],
    [[0], []],
    [[1234567890, 0], []],
  ];
  for (const [shape, values] of cases) {
    const bytes = encodeNpy(shape, values);
    assert.equal((10 + (bytes[8] as number) + 256 * (bytes[9] as number)) % 64, 0, 'data starts on a 64-byte boundary');
    const array = ok(parseNpy(bytes));
    assert.deepEqual(array.shape, shape);
    assert.equal(array.dtype, '<f8');
    assert.deepEqual(Array.from(array.data), values);
  }
  assert.throws(() => encodeNpy([2, 2], [1, 2, 3]), RangeError);
  assert.throws(() => encodeNpy([-1], []), RangeError);
});

test('bytes at any offset of a larger buffer, and unpadded headers, decode the same', () => {
  const file = build(dict('<f8', '(3,)'), float64Bytes([1.25, -7, 1e-310])); // data starts at byte 10 + 58: unaligned
  for (const shift of [0, 1, 3, 8]) {
    const host = new Uint8Array(file.length + shift + 5);
    host.set(file, shift);
    const array = ok(parseNpy(host.subarray(shift, shift + file.length)));
    assert.deepEqual(Array.from(array.data), [1.25, -7, 1e-310]);
  }
  const be = build(dict('>i8', '(2,)'), Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 1, 0, 0, 0, 0]));
  assert.deepEqual(Array.from(ok(parseNpy(be.subarray(0))).data), [-2, 4294967296]);
});

test('the caller does not see later changes to its buffer', () => {
  const bytes = encodeNpy([2], [1, 2]);
  const array = ok(parseNpy(bytes));
  bytes.fill(0, bytes.length - 16);
  assert.deepEqual(Array.from(array.data), [1, 2]);
});

test("byte order '=' or '|' or none means the machine's own (little-endian here); bool is 0/1", () => {
  for (const descr of ['=f8', '|f8', 'f8']) {
    const array = ok(parseNpy(build(dict(descr, '(2,)'), float64Bytes([3, -4]))));
    assert.deepEqual(Array.from(array.data), [3, -4], descr);
    assert.equal(array.dtype, descr);
  }
  const bools = ok(parseNpy(build(dict('|b1', '(2, 2)'), Uint8Array.from([0, 1, 2, 255]))));
  assert.deepEqual(Array.from(bools.data), [0, 1, 1, 1]);
});

test('trailing bytes after the data are ignored, as np.load does', () => {
  const file = build(dict('<f8', '(2,)'), new Uint8Array([...float64Bytes([1, 2]), 1, 2, 3]));
  assert.deepEqual(Array.from(ok(parseNpy(file)).data), [1, 2]);
});

test('files that are not .npy: empty, zip (.npz), pickle, text', () => {
  assertFails(parseNpy(new Uint8Array(0)), 'npy/magic', 'the file is empty');
  const npz = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0, 0]);
  assertFails(parseNpy(npz), 'npy/magic', 'does not start with \\x93NUMPY', '.npz', 'numpy.save');
  assertFails(parseNpy(Uint8Array.from([0x80, 0x04, 0x95, 0, 0, 0, 0, 0, 0, 0])), 'npy/magic', 'pickle');
  const text = Uint8Array.from('1.0,2.0\n3.0,4.0\n', (c) => c.charCodeAt(0));
  const f = failure(parseNpy(text));
  assert.equal(f.code, 'npy/magic');
  assert.equal(f.message, 'the file is not a NumPy .npy file (it does not start with \\x93NUMPY)');
});

test('cut-off files: inside the preamble, the header, or the data', () => {
  const full = encodeNpy([2, 3], [1, 2, 3, 4, 5, 6]);
  assertFails(parseNpy(full.subarray(0, 4)), 'npy/truncated', 'only 4 bytes');
  assertFails(parseNpy(full.subarray(0, 9)), 'npy/truncated', 'only 9 bytes');
  assertFails(parseNpy(full.subarray(0, 50)), 'npy/truncated', 'the header should be 118 bytes long but only 40 follow');
  assertFails(parseNpy(full.subarray(0, 128 + 40)), 'npy/truncated', 'shape (2, 3)', "'<f8'", 'needs 48 bytes after the header but only 40 are there (5 of 6 entries)');
  assertFails(parseNpy(full.subarray(0, 128)), 'npy/truncated', 'but only 0 are there (0 of 6 entries)');
  const v2 = build(dict('<f4', '(3,)'), new Uint8Array(4), [2, 0]);
  assertFails(parseNpy(v2), 'npy/truncated', 'needs 12 bytes', 'but only 4 are there (1 of 3 entries)');
  assertFails(parseNpy(v2.subarray(0, 11)), 'npy/truncated', 'inside the header length');
});

test('unsupported format versions', () => {
  for (const [major, minor] of [[4, 0], [1, 1], [0, 0]] as Array<[number, number]>) {
    const file = build(dict('<f8', '(1,)'), float64Bytes([1]), [major, minor]);
    assertFails(parseNpy(file), 'npy/version', `version ${major}.${minor} is not supported (only 1.0, 2.0 and 3.0)`);
  }
});

test('headers that are not the expected Python dict literal', () => {
  const one = float64Bytes([1]);
  const cases: Array<[string, string]> = [
    ["{'descr': '<f8' 'fortran_order': False, 'shape': (1,), }", "expected ',' or '}' after a dictionary value at character 17"],
    ["['<f8', False, (1,)]", 'expected a dictionary'],
    ["__import__('os').system('true')", "'__import__' is not a literal value"],
    ["{'descr': '<f8', 'fortran_order': False, }", "the key 'shape' is missing"],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'extra': 1}", "unexpected key 'extra'"],
    ["{'descr': '<f8', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", "the key 'descr' appears twice"],
    ["{1: '<f8', 'fortran_order': False, 'shape': (1,)}", 'keys must be strings'],
    [dict('<f8', '(1)'), "'shape' must be a tuple of integers such as (3, 4) or (5,), found 1"],
    [dict('<f8', '(-1, 2)'), "negative dimension: (-1, 2)"],
    [dict('<f8', '(1.5,)'), 'numbers in the header must be integers'],
    [dict('<f8', '(True,)'), "'shape' must contain only integers, found (True,)"],
    [dict('<f8', '(01,)'), "'01' is not a valid integer"],
    [dict('<f8', '(1,)', '0'), "'fortran_order' must be True or False, found 0"],
    [dict('<f8', '(1,)', "'no'"), "'fortran_order' must be True or False, found 'no'"],
    ["{'descr': 8, 'fortran_order': False, 'shape': (1,)}", "'descr' must be a data type string"],
    ["{'descr' '<f8', 'fortran_order': False, 'shape': (1,)}", "expected ':' after a dictionary key at character 10"],
    ["{'descr': '<f8, 'fortran_order': False, 'shape': (1,)}", "expected ',' or '}' after a dictionary value at character 18"],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (1,", "the header ends before the closing ')'"],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (1,)} x", 'unexpected text after the closing brace'],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (1,)", "the header ends before the closing '}'"],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (1, ", "the header ends before the closing ')'"],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': [1, ", "the header ends before the closing ']'"],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (1 ", "the '(' at character 51 is never closed"],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (1 2)}", "expected ',' or ')' in a tuple"],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (1,), ", "the header ends before the closing '}'"],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': }", "unexpected character '}'"],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1L2}", "unexpected character '2' after a number"],
    ["{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': '\\xZZ'}", 'a \\ escape needs 2 hexadecimal digits'],
    ["{'descr': '<f8", 'a string is never closed at character 11'],
    ['', 'the header ends where a value was expected'],
    ['{"shape": ' + '('.repeat(100) + ')'.repeat(100), 'nesting deeper than 32 levels'],
  ];
  for (const [header, fragment] of cases) assertFails(parseNpy(build(header, one)), 'npy/header', 'the .npy header is not readable: ', fragment);
});

test('header literals NumPy accepts: double quotes, escapes, Python 2 longs, any key order, line breaks', () => {
  const headers = [
    '{"descr": "<f8", "fortran_order": False, "shape": (2,)}',
    "{'shape': (2L,), 'fortran_order': False, 'descr': '\\x3cf8'}",
    "  {'descr':'<f8','fortran_order':False,'shape':(2,),}\n\t",
    "{'descr': '<f8',\n 'fortran_order': False,\n 'shape': (\n 2 ,\n ) }",
  ];
  for (const header of headers) {
    const array = ok(parseNpy(build(header, float64Bytes([5, 6]))));
    assert.deepEqual([array.shape, Array.from(array.data), array.dtype], [[2], [5, 6], '<f8'], header);
  }
});

test('header encodings: latin-1 in format 1.0, strict UTF-8 in 3.0', () => {
  const latin1 = build("{'descr': 'caf\xe9', 'fortran_order': False, 'shape': (1,)}");
  assertFails(parseNpy(latin1), 'npy/dtype', "'café'");
  const text = "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'λ': 1}";
  const utf8 = new Uint8Array(Buffer.from(text, 'utf8'));
  assertFails(parseNpy(build(utf8, float64Bytes([1]), [3, 0])), 'npy/header', "unexpected key 'λ'");
  const broken = Uint8Array.from(utf8);
  broken[utf8.length - 5] = 0xc3; // cuts the two-byte λ in half
  broken[utf8.length - 4] = 0x28;
  assertFails(parseNpy(build(broken, float64Bytes([1]), [3, 0])), 'npy/header', `not valid UTF-8 (byte 0xC3 at header position ${utf8.length - 5})`);
  const overlong = Uint8Array.from([...utf8.subarray(0, 10), 0xc0, 0xaf]);
  assertFails(parseNpy(build(overlong, new Uint8Array(0), [3, 0])), 'npy/header', 'not valid UTF-8 (byte 0xC0 at header position 10)');
});

test('data types the engine refuses, with what they are', () => {
  const cases: Array<[string, string]> = [
    ['<c8', 'complex'],
    ['<c16', 'complex'],
    ['<f16', 'extended-precision float, numpy.longdouble'],
    ['|O', 'Python objects, stored with pickle'],
    ['|S3', 'byte strings'],
    ['<U5', 'text strings'],
    ['|V8', 'raw bytes or records'],
    ['<M8[ns]', 'dates and times'],
    ['<m8[s]', 'time differences'],
    ['<i3', 'an integer of unknown size'],
    ['|b2', 'a boolean of unknown size'],
    ['float64', "not a NumPy type code such as '<f8'"],
    ['<f8 ', "not a NumPy type code such as '<f8'"],
  ];
  for (const [descr, what] of cases) {
    assertFails(parseNpy(build(dict(descr, '(1,)'), new Uint8Array(16))), 'npy/dtype', `data type '${descr}' (${what}) is not supported: save float64 or float32`);
  }
  const structured = "{'descr': [('x', '<f8'), ('y', '<f8')], 'fortran_order': False, 'shape': (1,)}";
  assertFails(parseNpy(build(structured, new Uint8Array(16))), 'npy/dtype', "[('x', '<f8'), ('y', '<f8')] (a structured record with named fields)");
});

test('shapes beyond 2^31 entries are refused before any allocation', () => {
  assertFails(parseNpy(build(dict('<f8', '(100000, 100000)'))), 'npy/too-large', '10,000,000,000 entries; at most 2,147,483,648 (2^31)');
  // The entry count is a BigInt product: no overflow, exact even beyond 2^53.
  assertFails(parseNpy(build(dict('<f8', '(3000000, 3000000, 3000001)'))), 'npy/too-large', '27,000,009,000,000,000,000 entries');
  // Any single dimension beyond 2^31 is refused, even when another one is 0.
  assertFails(parseNpy(build(dict('<f8', '(1000000000000000000000000000000, 0)'))), 'npy/too-large', 'a dimension beyond 2,147,483,648');
  assertFails(parseNpy(build(dict('|u1', `(${MAX_ENTRIES + 1},)`))), 'npy/too-large');
  // Exactly 2^31 entries is allowed by the limit; this file then simply lacks the data.
  assertFails(parseNpy(build(dict('|u1', `(${MAX_ENTRIES},)`))), 'npy/truncated', 'needs 2,147,483,648 bytes');
  const longHeader = build(`{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }${' '.repeat(1 << 20)}\n`, float64Bytes([1]), [2, 0]);
  assertFails(parseNpy(longHeader), 'npy/header', 'a plain array\'s header is a few hundred bytes');
});

test('a 2000 x 2000 float64 matrix decodes exactly, in C and in Fortran order', () => {
  const n = 2000;
  const values = new Float64Array(n * n);
  for (let k = 0; k < values.length; k++) values[k] = k * 0.25 - 1;
  const c = ok(parseNpy(encodeNpy([n, n], values)));
  assert.deepEqual(c.shape, [n, n]);
  assert.equal(c.data[0], -1);
  assert.equal(c.data[n * n - 1], (n * n - 1) * 0.25 - 1);
  assert.equal(c.data[3 * n + 7], (3 * n + 7) * 0.25 - 1);
  // Same bytes declared Fortran-ordered: entry [i, j] is then the file's value number j * n + i.
  const fortran = encodeNpy([n, n], values);
  const at = Buffer.from(fortran).indexOf("'fortran_order': False,");
  fortran.set(Uint8Array.from("'fortran_order': True, ", (ch) => ch.charCodeAt(0)), at);
  const f = ok(parseNpy(fortran));
  assert.equal(f.data[3 * n + 7], (7 * n + 3) * 0.25 - 1);
  assert.equal(f.data[(n - 1) * n], (n - 1) * 0.25 - 1);
});

test('describeShapeMismatch', () => {
  assert.equal(describeShapeMismatch([500, 300], [500, 300]), undefined);
  assert.equal(describeShapeMismatch([300, 500], [500, 300]), 'expected a 500 x 300 matrix, found shape (300, 500)');
  assert.equal(describeShapeMismatch([500], [500, 300]), 'expected a 500 x 300 matrix, found shape (500,)');
  assert.equal(describeShapeMismatch([7, 3], [null, 3]), undefined);
  assert.equal(describeShapeMismatch([7, 4], [null, 3]), 'expected a matrix with 3 columns, found shape (7, 4)');
  assert.equal(describeShapeMismatch([4, 3], [5, null]), 'expected a matrix with 5 rows, found shape (4, 3)');
  assert.equal(describeShapeMismatch([4, 3, 1], [null, null]), 'expected a matrix (a 2-d array), found shape (4, 3, 1)');
  assert.equal(describeShapeMismatch([500], [500]), undefined);
  assert.equal(describeShapeMismatch([500, 1], [500]), 'expected a vector of length 500, found shape (500, 1)');
  assert.equal(describeShapeMismatch([2, 2], [null]), 'expected a vector (a 1-d array), found shape (2, 2)');
  assert.equal(describeShapeMismatch([], []), undefined);
  assert.equal(describeShapeMismatch([1], []), 'expected a single number (shape ()), found shape (1,)');
  assert.equal(describeShapeMismatch([], [3]), 'expected a vector of length 3, found shape ()');
  assert.equal(describeShapeMismatch([2, 3, 5], [2, null, 4]), 'expected an array of shape (2, any, 4), found shape (2, 3, 5)');
});
