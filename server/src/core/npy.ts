/**
 * Reader (and a minimal writer) for NumPy's .npy format, versions 1.0, 2.0 and 3.0
 * (numpy.lib.format). The engine gets its trained weights, covariances, readouts and data from
 * these files (spec-format.md, "Files"); the core takes bytes, never paths, and returns problems
 * as data.
 *
 * Layout: "\x93NUMPY", major and minor version bytes, the header length (uint16 little-endian in
 * 1.0, uint32 in 2.0/3.0), the header (latin-1 in 1.0/2.0, UTF-8 in 3.0: a Python dict literal with
 * exactly the keys 'descr', 'fortran_order', 'shape'), then the raw entries.
 *
 * Problem codes (`code` of a failed NpyResult):
 *   npy/magic       the bytes do not start with \x93NUMPY (also: empty file, .npz archive)
 *   npy/version     a format version other than 1.0, 2.0, 3.0
 *   npy/header      the header is not valid latin-1/UTF-8, not a Python dict literal, has missing,
 *                   extra or ill-typed keys, or is implausibly long
 *   npy/dtype       a data type the engine cannot use (complex, long double, objects, strings,
 *                   structured records, datetimes, ...)
 *   npy/truncated   the file ends inside the preamble, the header or the data
 *   npy/non-finite  an entry is NaN or +-Infinity (unless `allowNonFinite`)
 *   npy/too-large   more than 2^31 entries, or more than this process can allocate
 *
 * Decisions:
 * - Accepted data types: float64, float32, float16, signed and unsigned integers of 1, 2, 4 and
 *   8 bytes, and bool (read as 0/1: label vectors are often saved as bool). Every value is returned
 *   as a double; int64/uint64 beyond 2^53 in magnitude are rounded to the nearest double (the
 *   engine works in float64 anyway).
 * - Byte orders '<' and '>' as written; '=' and '|' (and no prefix) mean the reading machine's
 *   own order, as NumPy interprets them.
 * - Fortran-order files are transposed on reading: `data` is always C (row-major) order.
 * - Only the bytes the header describes are read: the file's size is checked against the header
 *   before the data is read. Bytes after the last entry are ignored, as np.load does (several
 *   np.save calls on one open file append arrays and np.load returns the first), with a warning.
 * - The header must have exactly the three keys NumPy writes; 'shape' must be a tuple of
 *   non-negative integers (NumPy's own check, except that True/False are not taken as integers).
 */

import type { ProblemCode } from './problems';
import { decodeLatin1, decodeUtf8, formatPyValue, parsePythonLiteral, PyValue } from './npyHeader';

export interface NpyArray {
  shape: number[];
  /** Entries in C (row-major) order, whatever the file's order. */
  data: Float64Array;
  /** The header's 'descr' as written, e.g. '<f4'. */
  dtype: string;
}

export type NpyResult = { ok: true; array: NpyArray; warning?: string } | { ok: false; code: Extract<ProblemCode, `npy/${string}`>; message: string };

/**
 * Random access to a file's bytes, so that a reader takes only what the header says it needs:
 * `size` is known before reading (from stat), `read` returns a fresh array the reader may modify,
 * shorter than asked (or undefined) when the file is shorter or unreadable.
 */
export interface ByteSource {
  size: number;
  read(offset: number, length: number): Uint8Array | undefined;
}

/** An in-memory file as a ByteSource. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (offset, length) => bytes.slice(offset, offset + length) };
}

/** Refuse arrays with more entries than this (a 46341 x 46341 float64 matrix is already 16 GiB). */
export const MAX_ENTRIES = 2 ** 31;

/** Plain-array headers are a few hundred bytes; a longer one is refused before it is decoded. */
const MAX_HEADER_BYTES = 1 << 20;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93 N U M P Y

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type Kind = 'f' | 'i' | 'u' | 'b';

interface ElementType {
  kind: Kind;
  size: number;
  littleEndian: boolean;
}

type NpyFailure = Extract<NpyResult, { ok: false }>;

const fail = (code: NpyFailure['code'], message: string): NpyFailure => ({ ok: false, code, message });

export function parseNpy(bytes: Uint8Array, options?: { allowNonFinite?: boolean }): NpyResult {
  return readNpy(bytesSource(bytes), options);
}

/**
 * Reads a .npy file in three bounded steps: the preamble, the header (at most 1 MiB), then exactly
 * the data the header describes, after checking that the file is long enough to hold it. Nothing
 * after the data is read.
 */
export function readNpy(source: ByteSource, options?: { allowNonFinite?: boolean }): NpyResult {
  const preamble = checkPreamble(source);
  if ('code' in preamble) return preamble;
  const { headerStart, headerLength, utf8 } = preamble;
  const headerBytes = source.read(headerStart, headerLength);
  if (!headerBytes || headerBytes.length < headerLength) return fail('npy/truncated', 'the file is truncated: it ends inside the header (it changed while being read?)');

  let text: string;
  if (utf8) {
    const decoded = decodeUtf8(headerBytes, 0, headerLength);
    if (!decoded.ok) {
      const b = headerBytes[decoded.offset] as number;
      return fail('npy/header', `the header is not valid UTF-8 (byte 0x${hex2(b)} at header position ${decoded.offset}), as format 3.0 requires`);
    }
    text = decoded.text;
  } else {
    text = decodeLatin1(headerBytes, 0, headerLength);
  }

  const header = readHeaderDict(text);
  if ('code' in header) return header;
  const type = elementType(header.descr);
  if ('code' in type) return type;
  const count = countEntries(header.shape);
  if (typeof count !== 'number') return count;

  const dataStart = headerStart + headerLength;
  const needed = count * type.size;
  const available = source.size - dataStart;
  if (available < needed) return truncatedData(header, type, needed, available, count);

  let data: Float64Array;
  try {
    const raw = source.read(dataStart, needed);
    if (!raw || raw.length < needed) return truncatedData(header, type, needed, raw?.length ?? 0, count);
    data = decodeEntries(raw, count, type);
    if (header.fortranOrder && header.shape.length > 1) data = fortranToC(data, header.shape);
  } catch (e) {
    if (e instanceof RangeError) {
      return fail('npy/too-large', `the array ${formatShape(header.shape)} (${plural(count, 'entry', 'entries')}) does not fit in memory`);
    }
    throw e;
  }

  if (type.kind === 'f' && !options?.allowNonFinite) {
    const problem = checkFinite(data, header.shape);
    if (problem) return problem;
  }
  const array = { shape: header.shape, data, dtype: header.descr };
  if (available === needed) return { ok: true, array };
  // np.load reads the first array of a file several np.save calls wrote to; so does this reader,
  // but says so, since a damaged file looks the same.
  return {
    ok: true,
    array,
    warning: `${plural(available - needed, 'byte')} follow the data of shape ${formatShape(header.shape)} and are ignored (a second array saved into the same file?); only the first array is read, as numpy.load does`,
  };
}

function truncatedData(header: HeaderDict, type: ElementType, needed: number, available: number, count: number): NpyFailure {
  return fail(
    'npy/truncated',
    `the data is truncated: shape ${formatShape(header.shape)} of '${header.descr}' needs ${plural(needed, 'byte')} after the header ` +
      `but only ${formatCount(available)} are there (${formatCount(Math.floor(available / type.size))} of ${formatCount(count)} entries)`,
  );
}

function checkPreamble(source: ByteSource): { headerStart: number; headerLength: number; utf8: boolean } | NpyFailure {
  const size = source.size;
  if (size === 0) return fail('npy/magic', 'the file is empty (0 bytes), not a NumPy .npy file');
  const bytes = source.read(0, Math.min(size, 12)) ?? new Uint8Array(0);
  for (let i = 0; i < MAGIC.length && i < bytes.length; i++) {
    if (bytes[i] !== MAGIC[i]) return fail('npy/magic', notNpyMessage(bytes));
  }
  if (size < 10) {
    return fail('npy/truncated', `the file is truncated: it has only ${plural(size, 'byte')}, too few for a .npy preamble`);
  }
  const major = bytes[6] as number;
  const minor = bytes[7] as number;
  if ((major !== 1 && major !== 2 && major !== 3) || minor !== 0) {
    return fail(
      'npy/version',
      `.npy format version ${major}.${minor} is not supported (only 1.0, 2.0 and 3.0): save the array again with numpy.save`,
    );
  }
  const wide = major >= 2;
  const lengthBytes = wide ? 4 : 2;
  if (size < 8 + lengthBytes || bytes.length < 8 + lengthBytes) {
    return fail('npy/truncated', `the file is truncated: it ends inside the header length (${plural(size, 'byte')} in total)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = wide ? view.getUint32(8, true) : view.getUint16(8, true);
  const headerStart = 8 + lengthBytes;
  if (headerLength > size - headerStart) {
    return fail(
      'npy/truncated',
      `the file is truncated: the header should be ${plural(headerLength, 'byte')} long but only ${size - headerStart} follow the preamble`,
    );
  }
  if (headerLength > MAX_HEADER_BYTES) {
    return fail('npy/header', `the header is ${plural(headerLength, 'byte')} long; a plain array's header is a few hundred bytes, so this file is not one`);
  }
  return { headerStart, headerLength, utf8: major === 3 };
}

function notNpyMessage(bytes: Uint8Array): string {
  const base = 'the file is not a NumPy .npy file (it does not start with \\x93NUMPY)';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    return `${base}: it is a zip archive, probably an .npz from numpy.savez; save a single array with numpy.save`;
  }
  if (bytes[0] === 0x80) return `${base}: it looks like a Python pickle; save the array with numpy.save`;
  return base;
}

interface HeaderDict {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

function readHeaderDict(text: string): HeaderDict | NpyFailure {
  const bad = (detail: string) => fail('npy/header', `the .npy header is not readable: ${detail}`);
  const parsed = parsePythonLiteral(text);
  if (!parsed.ok) {
    return bad(`${parsed.message} at character ${parsed.offset + 1} of ${JSON.stringify(excerpt(text, parsed.offset))}`);
  }
  const dict = parsed.value;
  if (dict.kind !== 'dict') return bad(`expected a dictionary {'descr': ..., 'fortran_order': ..., 'shape': ...}, found ${clip(formatPyValue(dict))}`);

  const values = new Map<string, PyValue>();
  for (const [key, value] of dict.entries) {
    if (key.kind !== 'str') return bad(`dictionary keys must be strings, found ${clip(formatPyValue(key))}`);
    if (key.value !== 'descr' && key.value !== 'fortran_order' && key.value !== 'shape') {
      return bad(`unexpected key ${clip(formatPyValue(key))} (the header has exactly 'descr', 'fortran_order' and 'shape')`);
    }
    if (values.has(key.value)) return bad(`the key '${key.value}' appears twice`);
    values.set(key.value, value);
  }
  for (const key of ['descr', 'fortran_order', 'shape']) {
    if (!values.has(key)) return bad(`the key '${key}' is missing`);
  }

  const descr = values.get('descr') as PyValue;
  if (descr.kind === 'list') {
    const shown = clip(formatPyValue(descr));
    return fail('npy/dtype', `data type ${shown} (a structured record with named fields) is not supported: save one plain float64 or float32 field, e.g. numpy.save(path, a['x'])`);
  }
  if (descr.kind !== 'str') return bad(`'descr' must be a data type string such as '<f8', found ${clip(formatPyValue(descr))}`);

  const order = values.get('fortran_order') as PyValue;
  if (order.kind !== 'bool') return bad(`'fortran_order' must be True or False, found ${clip(formatPyValue(order))}`);

  const shapeValue = values.get('shape') as PyValue;
  if (shapeValue.kind !== 'tuple') return bad(`'shape' must be a tuple of integers such as (3, 4) or (5,), found ${clip(formatPyValue(shapeValue))}`);
  const shape: number[] = [];
  for (const dim of shapeValue.items) {
    if (dim.kind !== 'int') return bad(`'shape' must contain only integers, found ${clip(formatPyValue(shapeValue))}`);
    if (dim.value < 0n) return bad(`'shape' has a negative dimension: ${clip(formatPyValue(shapeValue))}`);
    // Dimensions beyond MAX_ENTRIES are kept approximately; countEntries refuses them anyway.
    shape.push(dim.value > BigInt(MAX_ENTRIES) ? Number.POSITIVE_INFINITY : Number(dim.value));
  }
  if (shape.some((d) => d === Number.POSITIVE_INFINITY)) {
    return fail('npy/too-large', `the array has shape ${clip(formatPyValue(shapeValue))}, a dimension beyond ${formatCount(MAX_ENTRIES)} (2^31): the engine cannot hold it`);
  }
  return { descr: descr.value, fortranOrder: order.value, shape };
}

/** Classifies a dtype string such as '<f8'; anything but plain floats, integers and bool is refused. */
function elementType(descr: string): ElementType | NpyFailure {
  const m = /^([<>|=]?)([A-Za-z])(\d+)$/.exec(descr);
  if (m) {
    const order = m[1] as string;
    const kind = m[2] as string;
    const size = Number(m[3]);
    const littleEndian = order === '<' ? true : order === '>' ? false : HOST_LITTLE_ENDIAN;
    if ((kind === 'f' && (size === 2 || size === 4 || size === 8)) || ((kind === 'i' || kind === 'u') && (size === 1 || size === 2 || size === 4 || size === 8)) || (kind === 'b' && size === 1)) {
      return { kind: kind as Kind, size, littleEndian };
    }
  }
  const what = describeUnsupportedType(descr);
  return fail('npy/dtype', `data type '${descr}' (${what}) is not supported: save float64 or float32`);
}

function describeUnsupportedType(descr: string): string {
  // NumPy writes dtype.str: byte order, kind letter, item size, and a unit for dates ('<M8[ns]').
  const kind = /^[<>|=]?([A-Za-z])\d*(\[\w+\])?$/.exec(descr)?.[1];
  switch (kind) {
    case 'c':
      return 'complex';
    case 'f':
      return /^[<>|=]?f(10|12|16)$/.test(descr) ? 'extended-precision float, numpy.longdouble' : 'a float of unknown size';
    case 'i':
    case 'u':
      return 'an integer of unknown size';
    case 'O':
      return 'Python objects, stored with pickle';
    case 'S':
    case 'a':
      return 'byte strings';
    case 'U':
      return 'text strings';
    case 'V':
      return 'raw bytes or records';
    case 'M':
      return 'dates and times';
    case 'm':
      return 'time differences';
    case 'b':
      return 'a boolean of unknown size';
    default:
      return "not a NumPy type code such as '<f8'";
  }
}

/** Entry count of a shape, or a too-large problem; the product is computed in BigInt so it cannot overflow. */
function countEntries(shape: readonly number[]): number | NpyFailure {
  let product = 1n;
  for (const d of shape) product *= BigInt(d);
  if (product > BigInt(MAX_ENTRIES)) {
    return fail(
      'npy/too-large',
      `the array has shape ${formatShape(shape)}, ${formatCount(product)} entries; at most ${formatCount(MAX_ENTRIES)} (2^31) are supported`,
    );
  }
  return Number(product);
}

/**
 * Entries in file order as doubles. `raw` (exactly the data bytes, owned by this call) is swapped
 * in place if its byte order differs from the host's, so that every type is then read by a native
 * typed-array view and converted by TypedArray.set (a memcpy for native float64, no per-entry
 * DataView call).
 */
function decodeEntries(bytes: Uint8Array, count: number, type: ElementType): Float64Array {
  // Typed-array views need their element alignment; a fresh array from a read starts at offset 0.
  const raw = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  if (type.size > 1 && type.littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(raw, type.size);
  const buffer = raw.buffer;
  const at = raw.byteOffset;
  if (type.kind === 'f' && type.size === 8) return new Float64Array(buffer, at, count);
  const out = new Float64Array(count);
  switch (type.kind) {
    case 'f':
      if (type.size === 4) out.set(new Float32Array(buffer, at, count));
      else decodeHalf(new Uint16Array(buffer, at, count), out);
      break;
    case 'i':
      if (type.size === 1) out.set(new Int8Array(buffer, at, count));
      else if (type.size === 2) out.set(new Int16Array(buffer, at, count));
      else if (type.size === 4) out.set(new Int32Array(buffer, at, count));
      else decodeInt64(new Uint32Array(buffer, at, 2 * count), out, true);
      break;
    case 'u':
      if (type.size === 1) out.set(raw.subarray(0, count));
      else if (type.size === 2) out.set(new Uint16Array(buffer, at, count));
      else if (type.size === 4) out.set(new Uint32Array(buffer, at, count));
      else decodeInt64(new Uint32Array(buffer, at, 2 * count), out, false);
      break;
    case 'b':
      for (let k = 0; k < count; k++) out[k] = raw[k] === 0 ? 0 : 1;
      break;
  }
  return out;
}

function swapBytes(raw: Uint8Array, size: number): void {
  const half = size >> 1;
  for (let base = 0; base < raw.length; base += size) {
    for (let a = 0, b = size - 1; a < half; a++, b--) {
      const t = raw[base + a] as number;
      raw[base + a] = raw[base + b] as number;
      raw[base + b] = t;
    }
  }
}

/**
 * 64-bit integers from native-order 32-bit words: hi * 2^32 is exact in a double and adding lo
 * rounds once, so the result is the nearest double (exact up to 2^53 in magnitude).
 */
function decodeInt64(words: Uint32Array, out: Float64Array, signed: boolean): void {
  const loAt = HOST_LITTLE_ENDIAN ? 0 : 1;
  const hiAt = 1 - loAt;
  for (let k = 0; k < out.length; k++) {
    const lo = words[2 * k + loAt] as number;
    let hi = words[2 * k + hiAt] as number;
    if (signed && hi >= 0x80000000) hi -= 0x100000000;
    out[k] = hi * 4294967296 + lo;
  }
}

/** IEEE 754 binary16: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits. */
function decodeHalf(halves: Uint16Array, out: Float64Array): void {
  for (let k = 0; k < out.length; k++) {
    const h = halves[k] as number;
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) out[k] = sign * fraction * 2 ** -24;
    else if (exponent === 31) out[k] = fraction === 0 ? sign * Infinity : NaN;
    else out[k] = sign * (1024 + fraction) * 2 ** (exponent - 25);
  }
}

/**
 * Reorders column-major (first index fastest) entries into row-major order. The file is read
 * sequentially while an odometer over the multi-index tracks the C position.
 */
function fortranToC(src: Float64Array, shape: readonly number[]): Float64Array {
  const out = new Float64Array(src.length);
  if (src.length === 0) return out;
  const ndim = shape.length;
  if (ndim === 2) {
    // Blocked transpose: 32 x 32 tiles keep both the read and the write side in cache.
    const rows = shape[0] as number;
    const cols = shape[1] as number;
    const B = 32;
    for (let j0 = 0; j0 < cols; j0 += B) {
      const j1 = Math.min(cols, j0 + B);
      for (let i0 = 0; i0 < rows; i0 += B) {
        const i1 = Math.min(rows, i0 + B);
        for (let j = j0; j < j1; j++) {
          const col = j * rows;
          for (let i = i0; i < i1; i++) out[i * cols + j] = src[col + i] as number;
        }
      }
    }
    return out;
  }
  const cStride = new Array<number>(ndim);
  let s = 1;
  for (let a = ndim - 1; a >= 0; a--) {
    cStride[a] = s;
    s *= shape[a] as number;
  }
  const index = new Array<number>(ndim).fill(0);
  let c = 0;
  for (let k = 0; k < src.length; k++) {
    out[c] = src[k] as number;
    for (let a = 0; a < ndim; a++) {
      index[a] = (index[a] as number) + 1;
      c += cStride[a] as number;
      if ((index[a] as number) < (shape[a] as number)) break;
      c -= (shape[a] as number) * (cStride[a] as number);
      index[a] = 0;
    }
  }
  return out;
}

function checkFinite(data: Float64Array, shape: readonly number[]): NpyFailure | undefined {
  let first = -1;
  for (let k = 0; k < data.length; k++) {
    const v = data[k] as number;
    if (v - v !== 0) {
      first = k; // NaN - NaN and Inf - Inf are NaN; finite v - v is 0
      break;
    }
  }
  if (first < 0) return undefined;
  let total = 1;
  for (let k = first + 1; k < data.length; k++) {
    const v = data[k] as number;
    if (v - v !== 0) total++;
  }
  const v = data[first] as number;
  const what = Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  const where = shape.length === 0 ? 'the value' : `entry [${cIndex(first, shape).join(', ')}]`;
  const others = total > 1 ? ` (${formatCount(total)} non-finite entries in total)` : '';
  return fail('npy/non-finite', `${where} is ${what}${others}: the engine needs finite numbers, fix or remove them before saving`);
}

/** Row-major multi-index of a flat position. */
function cIndex(flat: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  let rest = flat;
  for (let a = shape.length - 1; a >= 0; a--) {
    const d = shape[a] as number;
    index[a] = rest % d;
    rest = Math.floor(rest / d);
  }
  return index;
}

/**
 * Shape expectations, used by the spec loader: returns a message like
 * "expected a 500 x 300 matrix, found shape (300, 500)" or undefined when the shape fits.
 * `null` in `expected` means any length along that axis.
 */
export function describeShapeMismatch(shape: readonly number[], expected: readonly (number | null)[]): string | undefined {
  const fits = shape.length === expected.length && expected.every((e, a) => e === null || e === shape[a]);
  if (fits) return undefined;
  return `expected ${describeExpectation(expected)}, found shape ${formatShape(shape)}`;
}

function describeExpectation(expected: readonly (number | null)[]): string {
  if (expected.length === 0) return 'a single number (shape ())';
  if (expected.length === 1) {
    const n = expected[0];
    return n === null || n === undefined ? 'a vector (a 1-d array)' : `a vector of length ${n}`;
  }
  if (expected.length === 2) {
    const [rows, cols] = expected as [number | null, number | null];
    if (rows !== null && cols !== null) return `a ${rows} x ${cols} matrix`;
    if (rows !== null) return `a matrix with ${rows} rows`;
    if (cols !== null) return `a matrix with ${cols} columns`;
    return 'a matrix (a 2-d array)';
  }
  return `an array of shape (${expected.map((e) => (e === null ? 'any' : String(e))).join(', ')})`;
}

/**
 * Writes a float64 little-endian C-order .npy (version 1.0), byte for byte as numpy.save writes
 * it (same key order, spare spaces after the dict, padding to 64 bytes). For tests and tools;
 * throws RangeError when data does not match the shape (a programming error, not user input).
 */
export function encodeNpy(shape: readonly number[], data: ArrayLike<number>): Uint8Array {
  let count = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`encodeNpy: invalid dimension ${d} in shape ${formatShape(shape)}`);
    count *= d;
  }
  if (data.length !== count) throw new RangeError(`encodeNpy: shape ${formatShape(shape)} needs ${count} values, got ${data.length}`);

  // numpy.lib.format._write_array_header: the dict, then room for the first axis to grow to 21 digits.
  let dict = `{'descr': '<f8', 'fortran_order': False, 'shape': ${formatShape(shape)}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, 21 - String(shape[0]).length));
  // _wrap_header: magic (6) + version (2) + length (2) + dict + spaces + '\n' is a multiple of 64.
  const padding = 64 - ((10 + dict.length + 1) % 64);
  const headerLength = dict.length + padding + 1;
  if (headerLength > 0xffff) throw new RangeError(`encodeNpy: shape ${formatShape(shape)} has too many dimensions for format 1.0`);
  const dataStart = 10 + headerLength;

  const out = new Uint8Array(dataStart + 8 * count);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = headerLength & 0xff;
  out[9] = headerLength >> 8;
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i); // ASCII only
  out.fill(0x20, 10 + dict.length, dataStart - 1);
  out[dataStart - 1] = 0x0a;
  if (HOST_LITTLE_ENDIAN) {
    new Float64Array(out.buffer, dataStart, count).set(data); // dataStart is a multiple of 64
  } else {
    const view = new DataView(out.buffer);
    for (let k = 0; k < count; k++) view.setFloat64(dataStart + 8 * k, data[k] as number, true);
  }
  return out;
}

/** Python's repr of a shape tuple: (), (5,), (3, 4). */
function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** 2147483648 -> "2,147,483,648" (locale-independent). */
function formatCount(n: number | bigint): string {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

function hex2(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, '0');
}

function clip(s: string, max = 80): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A short piece of the header around an offset, for parse errors. */
function excerpt(text: string, offset: number): string {
  const from = Math.max(0, offset - 30);
  const to = Math.min(text.length, offset + 30);
  return `${from > 0 ? '…' : ''}${text.slice(from, to).trimEnd()}${to < text.length && text.slice(to).trim() !== '' ? '…' : ''}`;
}
