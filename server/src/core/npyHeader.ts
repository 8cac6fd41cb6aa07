/**
 * The text layer of a NumPy .npy header: byte decoding (latin-1 for format 1.0/2.0, UTF-8 for 3.0)
 * and a strict parser for the Python literal the header holds, for example
 * `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`.
 *
 * NumPy reads the header with `ast.literal_eval`; this parser accepts the same subset of Python
 * that NumPy writes (dicts, tuples, lists, strings, integers, True/False/None) and nothing that
 * could execute: there is no eval anywhere. Integers are kept as bigint so that an absurd shape
 * such as `(10**30,)` written out in digits is recognised as too large instead of being rounded.
 * Python 2 long suffixes (`3L`) are accepted because NumPy itself still reads such old files.
 */

export type PyValue =
  | { kind: 'str'; value: string }
  | { kind: 'int'; value: bigint }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'tuple'; items: PyValue[] }
  | { kind: 'list'; items: PyValue[] }
  | { kind: 'dict'; entries: Array<[PyValue, PyValue]> };

export type LiteralResult = { ok: true; value: PyValue } | { ok: false; message: string; offset: number };

/** Each byte is one character (ISO-8859-1), as NumPy decodes format 1.0 and 2.0 headers. */
export function decodeLatin1(bytes: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i += 4096) {
    const chunk = bytes.subarray(i, Math.min(end, i + 4096));
    text += String.fromCharCode(...chunk);
  }
  return text;
}

/**
 * Strict UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), as format 3.0
 * headers are written. Returns the offset (relative to `start`) of the first invalid byte on failure.
 */
export function decodeUtf8(
  bytes: Uint8Array,
  start: number,
  end: number,
): { ok: true; text: string } | { ok: false; offset: number } {
  let text = '';
  let i = start;
  while (i < end) {
    const b0 = bytes[i] as number;
    if (b0 < 0x80) {
      text += String.fromCharCode(b0);
      i++;
      continue;
    }
    let need: number;
    let cp: number;
    let min: number;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1;
      cp = b0 & 0x1f;
      min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      cp = b0 & 0x0f;
      min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      cp = b0 & 0x07;
      min = 0x10000;
    } else {
      return { ok: false, offset: i - start };
    }
    if (i + need >= end) return { ok: false, offset: i - start }; // sequence cut by the header's end
    for (let k = 1; k <= need; k++) {
      const b = bytes[i + k] as number;
      if ((b & 0xc0) !== 0x80) return { ok: false, offset: i - start };
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return { ok: false, offset: i - start };
    text += String.fromCodePoint(cp);
    i += need + 1;
  }
  return { ok: true, text };
}

/** Python-style repr, used to quote header values back to the user in messages. */
export function formatPyValue(v: PyValue): string {
  switch (v.kind) {
    case 'str':
      return `'${v.value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    case 'int':
      return v.value.toString();
    case 'bool':
      return v.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'tuple':
      return v.items.length === 1
        ? `(${formatPyValue(v.items[0] as PyValue)},)`
        : `(${v.items.map(formatPyValue).join(', ')})`;
    case 'list':
      return `[${v.items.map(formatPyValue).join(', ')}]`;
    case 'dict':
      return `{${v.entries.map(([k, x]) => `${formatPyValue(k)}: ${formatPyValue(x)}`).join(', ')}}`;
  }
}

/** Nesting limit: NumPy headers nest at most a few levels; deeper input is rejected, not recursed. */
const MAX_DEPTH = 32;

class LiteralSyntaxError {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

/** Parses one Python literal filling the whole text (surrounding whitespace allowed). */
export function parsePythonLiteral(text: string): LiteralResult {
  const parser = new LiteralParser(text);
  try {
    parser.skipSpace();
    const value = parser.value(0);
    parser.skipSpace();
    if (parser.pos < text.length) throw new LiteralSyntaxError('unexpected text after the closing brace', parser.pos);
    return { ok: true, value };
  } catch (e) {
    if (e instanceof LiteralSyntaxError) return { ok: false, message: e.message, offset: e.offset };
    throw e;
  }
}

class LiteralParser {
  pos = 0;

  constructor(private readonly text: string) {}

  skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) this.pos++;
      else break;
    }
  }

  private fail(message: string, offset = this.pos): never {
    throw new LiteralSyntaxError(message, offset);
  }

  value(depth: number): PyValue {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    const t = this.text;
    if (this.pos >= t.length) this.fail('the header ends where a value was expected');
    const c = t[this.pos] as string;
    if (c === '{') return this.dict(depth);
    if (c === '(') return this.tupleOrGroup(depth);
    if (c === '[') {
      this.pos++;
      return { kind: 'list', items: this.sequence(']', depth) };
    }
    if (c === "'" || c === '"') return { kind: 'str', value: this.string() };
    if (c === '-' || c === '+' || (c >= '0' && c <= '9')) return this.integer();
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(t.slice(this.pos, this.pos + 64));
    if (word) {
      const w = word[0];
      if (w === 'True' || w === 'False') {
        this.pos += w.length;
        return { kind: 'bool', value: w === 'True' };
      }
      if (w === 'None') {
        this.pos += w.length;
        return { kind: 'none' };
      }
      this.fail(`'${w}' is not a literal value (only strings, integers, True, False, None, tuples, lists and dicts are allowed)`);
    }
    this.fail(`unexpected character '${c}'`);
  }

  private dict(depth: number): PyValue {
    this.pos++; // '{'
    const entries: Array<[PyValue, PyValue]> = [];
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) this.fail("the header ends before the closing '}'");
      if (this.text[this.pos] === '}') {
        this.pos++;
        return { kind: 'dict', entries };
      }
      const key = this.value(depth + 1);
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail("expected ':' after a dictionary key");
      this.pos++;
      this.skipSpace();
      const value = this.value(depth + 1);
      entries.push([key, value]);
      this.skipSpace();
      const sep = this.text[this.pos];
      if (sep === ',') this.pos++;
      else if (sep !== '}') this.fail(sep === undefined ? "the header ends before the closing '}'" : "expected ',' or '}' after a dictionary value");
    }
  }

  /** `()` is an empty tuple, `(x)` is just x, `(x,)` and `(x, y)` are tuples, as in Python. */
  private tupleOrGroup(depth: number): PyValue {
    const open = this.pos;
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ')') {
      this.pos++;
      return { kind: 'tuple', items: [] };
    }
    const first = this.value(depth + 1);
    this.skipSpace();
    if (this.text[this.pos] === ')') {
      this.pos++;
      return first;
    }
    if (this.text[this.pos] !== ',') {
      this.fail(this.pos >= this.text.length ? `the '(' at character ${open + 1} is never closed` : "expected ',' or ')' in a tuple");
    }
    this.pos++;
    return { kind: 'tuple', items: [first, ...this.sequence(')', depth)] };
  }

  /** Items up to the closing bracket, trailing comma allowed; the opening bracket is consumed. */
  private sequence(close: string, depth: number): PyValue[] {
    const items: PyValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) this.fail(`the header ends before the closing '${close}'`);
      if (this.text[this.pos] === close) {
        this.pos++;
        return items;
      }
      items.push(this.value(depth + 1));
      this.skipSpace();
      const sep = this.text[this.pos];
      if (sep === ',') this.pos++;
      else if (sep !== close) this.fail(sep === undefined ? `the header ends before the closing '${close}'` : `expected ',' or '${close}'`);
    }
  }

  private integer(): PyValue {
    const t = this.text;
    const start = this.pos;
    let negative = false;
    if (t[this.pos] === '-' || t[this.pos] === '+') {
      negative = t[this.pos] === '-';
      this.pos++;
      this.skipSpace();
    }
    const m = /^[0-9](?:_?[0-9])*/.exec(t.slice(this.pos));
    if (!m) this.fail('expected digits after the sign', start);
    const digits = m[0].replace(/_/g, '');
    // Python 3 forbids leading zeros in decimal literals ("007"), except for zero itself.
    if (digits.length > 1 && digits[0] === '0' && /[1-9]/.test(digits)) this.fail(`'${m[0]}' is not a valid integer (leading zero)`, start);
    this.pos += m[0].length;
    if (t[this.pos] === 'L' || t[this.pos] === 'l') this.pos++; // Python 2 long, still read by NumPy
    const next = t[this.pos];
    if (next !== undefined && /[A-Za-z0-9_.]/.test(next)) {
      this.fail(next === '.' || next === 'e' || next === 'E' ? 'numbers in the header must be integers' : `unexpected character '${next}' after a number`);
    }
    const value = BigInt(digits);
    return { kind: 'int', value: negative ? -value : value };
  }

  private string(): string {
    const t = this.text;
    const quote = t[this.pos] as string;
    const start = this.pos;
    this.pos++;
    let out = '';
    for (;;) {
      if (this.pos >= t.length) this.fail('a string is never closed', start);
      const c = t[this.pos] as string;
      if (c === quote) {
        this.pos++;
        return out;
      }
      if (c === '\n' || c === '\r') this.fail('a string is never closed on its line', start);
      if (c !== '\\') {
        out += c;
        this.pos++;
        continue;
      }
      const e = t[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case undefined:
          return this.fail('a string is never closed', start);
        case '\n':
          break; // line continuation
        case '\\':
        case "'":
        case '"':
          out += e;
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case '0':
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
        case '6':
        case '7': {
          const m = /^[0-7]{1,3}/.exec(t.slice(this.pos - 1, this.pos + 2)) as RegExpExecArray;
          out += String.fromCharCode(parseInt(m[0], 8));
          this.pos += m[0].length - 1;
          break;
        }
        case 'x':
          out += this.hexEscape(2);
          break;
        case 'u':
          out += this.hexEscape(4);
          break;
        case 'U':
          out += this.hexEscape(8);
          break;
        default:
          out += '\\' + e; // Python keeps unknown escapes verbatim
      }
    }
  }

  private hexEscape(length: number): string {
    const hex = this.text.slice(this.pos, this.pos + length);
    if (!new RegExp(`^[0-9A-Fa-f]{${length}}$`).test(hex)) this.fail(`a \\ escape needs ${length} hexadecimal digits`, this.pos - 2);
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff) this.fail('a \\U escape beyond U+10FFFF', this.pos - 2);
    this.pos += length;
    return String.fromCodePoint(cp);
  }
}
