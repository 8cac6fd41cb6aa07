/**
 * Parsing a .rainbow.json text into a SpecDocument: the JSON value plus the syntax tree (offsets of
 * every key and value), so that every later problem can point at the exact place in the file.
 *
 * The format is plain JSON (spec-format.md). The text is parsed tolerantly (comments and trailing
 * commas accepted by the parser) so that those two common mistakes become precise problems
 * (`json/comment`, `json/trailing-comma`) while the rest of the file is still checked against the
 * schema. Real syntax errors (`json/syntax`) leave no document: a half-parsed value would only
 * produce misleading schema problems. Duplicate keys (`json/duplicate-key`) keep the document,
 * with the last value winning as in JSON.parse.
 */

import {
  type Node,
  type ParseError,
  ParseErrorCode,
  SyntaxKind,
  createScanner,
  parseTree,
} from 'jsonc-parser';
import { LineIndex, type Problem, type ProblemCode, type Range, type Severity } from '../problems';

export interface SpecDocument {
  file: string;
  text: string;
  /** jsonc-parser syntax tree; offsets index `text`. */
  root: Node;
  /** The JSON value (duplicate keys: the last one wins, as with JSON.parse). */
  value: unknown;
  lines: LineIndex;
}

/**
 * Parses a spec. `document` is present unless the text has a syntax error; comments, trailing
 * commas and duplicate keys are reported but keep the document (the caller must still treat every
 * error-severity problem as blocking).
 */
export function parseSpecDocument(text: string, file: string): { document?: SpecDocument; problems: Problem[] } {
  const lines = new LineIndex(text);
  // A byte-order mark is not part of the JSON; blank it (same length, so offsets stay valid).
  const source = text.charCodeAt(0) === 0xfeff ? ' ' + text.slice(1) : text;
  const problems: Problem[] = [];
  const at = (offset: number, length: number, code: ProblemCode, message: string): void => {
    problems.push({ code, severity: 'error', message, file, range: lines.range(offset, length) });
  };

  const tokens = scanTokens(source);
  if (tokens.limit) {
    // No tree is built past a limit: report the limit alone.
    at(tokens.limit.offset, tokens.limit.length, tokens.limit.code, tokens.limit.message);
    return { problems: sortProblems(problems) };
  }
  for (const c of tokens.comments) {
    at(c.offset, c.length, 'json/comment', 'comments are not allowed: .rainbow.json files are plain JSON (describe the experiment in "title" instead)');
  }
  for (const offset of tokens.trailingCommas) {
    at(offset, 1, 'json/trailing-comma', 'trailing comma: plain JSON does not allow a "," before "}" or "]"; remove it');
  }

  const errors: ParseError[] = [];
  const root = parseTree(source, errors, { disallowComments: false, allowTrailingComma: true, allowEmptyContent: false });
  let syntaxErrors = 0;
  for (const e of significantErrors(errors, source, tokens)) {
    const located = describeSyntaxError(e, source, tokens, lines);
    at(located.offset, located.length, 'json/syntax', located.message);
    syntaxErrors++;
  }
  if (syntaxErrors === 0) {
    // Safety net: whatever jsonc-parser tolerates beyond comments and trailing commas (for example
    // non-breaking spaces as whitespace) must still be rejected, as JSON.parse would.
    const strict = strictJsonError(source, tokens);
    if (strict) {
      at(strict.offset, 1, 'json/syntax', strict.message);
      syntaxErrors++;
    }
  }
  if (syntaxErrors > 0 || !root) return { problems: sortProblems(problems) };

  checkDuplicateKeys(root, (key, first) => {
    const firstLine = lines.position(first.offset).line + 1;
    at(key.offset, key.length, 'json/duplicate-key',
      `duplicate property ${JSON.stringify(key.value)} (first given on line ${firstLine}); JSON keeps only the last one, remove one of them`);
  });
  const document: SpecDocument = { file, text, root, value: nodeValue(root), lines };
  return { document, problems: sortProblems(problems) };
}

/** Segments of a JSON pointer (RFC 6901); "" is the root. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer.slice(pointer.startsWith('/') ? 1 : 0).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** JSON pointer of the given segments. */
export function toPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/**
 * The value node at a JSON pointer, and whether the whole pointer was found; otherwise the node of
 * the nearest existing ancestor.
 */
export function nodeAt(doc: SpecDocument, pointer: string): { node: Node; exact: boolean } {
  let node = doc.root;
  for (const segment of pointerSegments(pointer)) {
    const child = childNode(node, segment);
    if (!child) return { node, exact: false };
    node = child;
  }
  return { node, exact: true };
}

/** The source text of the value at a JSON pointer (undefined if it does not exist). */
export function sourceAt(doc: SpecDocument, pointer: string): string | undefined {
  const { node, exact } = nodeAt(doc, pointer);
  return exact ? doc.text.slice(node.offset, node.offset + node.length) : undefined;
}

/**
 * Range of the value at a JSON pointer, or of its key (property name) when which = 'key'. A value
 * without a key (the root, an array element) is located by its opening bracket when it is an object
 * or array, and by itself otherwise. A pointer that does not exist falls back to the key range of
 * the nearest existing ancestor.
 */
export function rangeAt(doc: SpecDocument, pointer: string, which: 'value' | 'key' = 'value'): Range {
  const { node, exact } = nodeAt(doc, pointer);
  if (exact && which === 'value') return doc.lines.range(node.offset, node.length);
  const parent = node.parent;
  if (parent && parent.type === 'property' && parent.children?.[0]) {
    const key = parent.children[0];
    return doc.lines.range(key.offset, key.length);
  }
  if (node.type === 'object' || node.type === 'array') return doc.lines.range(node.offset, 1);
  return doc.lines.range(node.offset, node.length);
}

export function problemAt(
  doc: SpecDocument,
  pointer: string,
  code: ProblemCode,
  message: string,
  which: 'value' | 'key' = 'value',
  severity: Severity = 'error',
): Problem {
  return { code, severity, message, file: doc.file, range: rangeAt(doc, pointer, which), pointer };
}

/** Problems in reading order (stable for equal positions). */
export function sortProblems(problems: Problem[]): Problem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) =>
      a.p.range.start.line - b.p.range.start.line ||
      a.p.range.start.character - b.p.range.start.character ||
      a.i - b.i)
    .map((x) => x.p);
}

// ---------------------------------------------------------------------------------------------

/**
 * Property values of an object node by key (the last duplicate wins, matching the value), built on
 * the first lookup: placing one problem per property of a 40,000-property object must not scan the
 * object each time.
 */
const propertyIndex = new WeakMap<Node, Map<string, Node>>();

function childNode(node: Node, segment: string): Node | undefined {
  if (node.type === 'object') {
    let index = propertyIndex.get(node);
    if (!index) {
      index = new Map();
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        if (key && value) index.set(String(key.value), value);
      }
      propertyIndex.set(node, index);
    }
    return index.get(segment);
  }
  if (node.type === 'array' && /^(0|[1-9][0-9]*)$/.test(segment)) return node.children?.[Number(segment)];
  return undefined;
}

/** The value of a tree, built like JSON.parse (own "__proto__" keys included, last duplicate wins). */
function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        if (!key || !value) continue;
        Object.defineProperty(out, String(key.value), { value: nodeValue(value), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value;
  }
}

function checkDuplicateKeys(node: Node, report: (key: Node, first: Node) => void): void {
  if (node.type === 'object') {
    const seen = new Map<string, Node>();
    for (const property of node.children ?? []) {
      const key = property.children?.[0];
      if (!key) continue;
      const first = seen.get(String(key.value));
      if (first) report(key, first);
      else seen.set(String(key.value), key);
    }
  }
  for (const child of node.children ?? []) checkDuplicateKeys(child, report);
}

/**
 * Structural limits checked while scanning, before any tree is built: the parser, the tree and the
 * schema check all recurse and allocate per entry, so a 3,000-deep nesting or a list of 26 million
 * numbers is refused here, at once and at its place, instead of exhausting the stack or the memory.
 * No valid spec comes near either limit (the format nests about a dozen levels; its longest lists
 * have 10,000 entries, see the schema's maxItems).
 */
export const MAX_NESTING = 64;
export const MAX_ENTRIES = 100_000;

interface LimitFact {
  offset: number;
  length: number;
  code: 'json/too-deep' | 'json/too-long';
  message: string;
}

interface TokenFacts {
  comments: { offset: number; length: number }[];
  trailingCommas: number[];
  /** Offset of a closing bracket that does not match the innermost open one -> the opener's offset. */
  mismatched: Map<number, number>;
  /** Openers never closed, innermost last. */
  unclosed: number[];
  /** End offset of the last token that is not whitespace or a comment. */
  contentEnd: number;
  /** The first structural limit exceeded; scanning stopped there. */
  limit?: LimitFact;
}

interface Opener {
  offset: number;
  /** Commas seen directly inside (entries - 1). */
  commas: number;
  /** The property name token this bracket is the value of, if any. */
  key?: { offset: number; length: number };
}

function scanTokens(text: string): TokenFacts {
  const scanner = createScanner(text, false);
  const facts: TokenFacts = { comments: [], trailingCommas: [], mismatched: new Map(), unclosed: [], contentEnd: 0 };
  const open: Opener[] = [];
  let pendingComma = -1;
  let previous: SyntaxKind = SyntaxKind.Unknown;
  let lastString: { offset: number; length: number } | undefined;
  let key: { offset: number; length: number } | undefined;
  for (let kind = scanner.scan(); kind !== SyntaxKind.EOF; kind = scanner.scan()) {
    const offset = scanner.getTokenOffset();
    if (kind === SyntaxKind.LineCommentTrivia || kind === SyntaxKind.BlockCommentTrivia) {
      facts.comments.push({ offset, length: scanner.getTokenLength() });
      continue;
    }
    if (kind === SyntaxKind.Trivia || kind === SyntaxKind.LineBreakTrivia) continue;
    facts.contentEnd = offset + scanner.getTokenLength();
    if ((kind === SyntaxKind.CloseBraceToken || kind === SyntaxKind.CloseBracketToken) && pendingComma >= 0) {
      facts.trailingCommas.push(pendingComma);
    }
    // A comma right after "{", "[", "," or ":" is a syntax error of its own, not a trailing comma.
    const afterValue = previous !== SyntaxKind.OpenBraceToken && previous !== SyntaxKind.OpenBracketToken &&
      previous !== SyntaxKind.CommaToken && previous !== SyntaxKind.ColonToken && previous !== SyntaxKind.Unknown;
    pendingComma = kind === SyntaxKind.CommaToken && afterValue ? offset : -1;
    if (kind === SyntaxKind.StringLiteral) lastString = { offset, length: scanner.getTokenLength() };
    if (kind === SyntaxKind.ColonToken) key = previous === SyntaxKind.StringLiteral ? lastString : undefined;
    const valueOf = previous === SyntaxKind.ColonToken ? key : undefined;
    previous = kind;
    if (kind === SyntaxKind.OpenBraceToken || kind === SyntaxKind.OpenBracketToken) {
      open.push({ offset, commas: 0, ...(valueOf ? { key: valueOf } : {}) });
      if (open.length > MAX_NESTING) {
        facts.limit = { offset, length: 1, code: 'json/too-deep',
          message: `nested more than ${MAX_NESTING} levels deep: the format nests about a dozen levels at most, so this cannot be a spec; reading stopped here` };
        break;
      }
    } else if (kind === SyntaxKind.CommaToken) {
      const top = open[open.length - 1];
      if (top && ++top.commas >= MAX_ENTRIES) {
        const what = text[top.offset] === '[' ? 'list' : 'object';
        const name = top.key ? `${text.slice(top.key.offset, top.key.offset + Math.min(top.key.length, 40))}${top.key.length > 40 ? '..."' : ''} ` : 'this ';
        const longest = what === 'list' ? 'the longest lists of the format have 10,000 entries' : 'objects of the format have a few dozen properties at most';
        facts.limit = { ...(top.key ?? { offset: top.offset, length: 1 }), code: 'json/too-long',
          message: `${name}${what} has more than ${MAX_ENTRIES.toLocaleString('en-US')} entries (${longest}); reading stopped here` };
        break;
      }
    } else if (kind === SyntaxKind.CloseBraceToken || kind === SyntaxKind.CloseBracketToken) {
      const wanted = kind === SyntaxKind.CloseBraceToken ? '{' : '[';
      const top = open[open.length - 1];
      if (top === undefined) continue;
      if (text[top.offset] === wanted) {
        open.pop();
      } else {
        facts.mismatched.set(offset, top.offset);
        // Assume the innermost bracket was left open and this one closes the enclosing bracket.
        const below = open[open.length - 2];
        if (below !== undefined && text[below.offset] === wanted) open.splice(open.length - 2, 2);
      }
    }
  }
  facts.unclosed = open.map((o) => o.offset);
  return facts;
}

/**
 * After an error jsonc-parser recovers exactly only from a missing comma or colon; anything later
 * than another error is mostly noise caused by it, so only the first such error is kept.
 */
function significantErrors(errors: ParseError[], text: string, tokens: TokenFacts): ParseError[] {
  const kept: ParseError[] = [];
  for (const e of errors) {
    if (e.error === ParseErrorCode.InvalidCommentToken) continue;
    if (kept.some((k) => k.offset === e.offset)) continue;
    kept.push(e);
    const recovered = (e.error === ParseErrorCode.CommaExpected || e.error === ParseErrorCode.ColonExpected) &&
      !tokens.mismatched.has(e.offset) && !isLeadingZero(e, text);
    if (!recovered) break;
  }
  return kept;
}

/** jsonc-parser reads "01" as the number 0 followed by a number 1 without a comma. */
function isLeadingZero(e: ParseError, text: string): boolean {
  return e.error === ParseErrorCode.CommaExpected && /^[0-9]/.test(text.charAt(e.offset)) &&
    text.charAt(e.offset - 1) === '0' && !/[0-9.eE+-]/.test(text.charAt(e.offset - 2));
}

const CLOSER: Record<string, string> = { '{': '}', '[': ']' };

function describeSyntaxError(
  e: ParseError,
  text: string,
  tokens: TokenFacts,
  lines: LineIndex,
): { offset: number; length: number; message: string } {
  const token = text.slice(e.offset, e.offset + e.length);
  const short = token.length > 30 ? token.slice(0, 30) + '...' : token;
  // A string token is shown as written; anything else in quotes.
  const shown = token.startsWith('"') ? short : JSON.stringify(short);
  const atEnd = e.offset >= tokens.contentEnd;
  const opener = tokens.mismatched.get(e.offset);
  if (opener !== undefined) {
    const o = text.charAt(opener);
    const line = lines.position(opener).line + 1;
    return { offset: e.offset, length: e.length || 1, message: `expected "${CLOSER[o]}" to close the "${o}" opened on line ${line}, found ${shown}` };
  }
  if (isLeadingZero(e, text)) {
    return { offset: e.offset - 1, length: e.length + 1, message: `numbers cannot start with a leading zero: write ${token} instead of 0${token}` };
  }
  if (atEnd) {
    const unclosed = tokens.unclosed[tokens.unclosed.length - 1];
    if (unclosed !== undefined) {
      const o = text.charAt(unclosed);
      return { offset: unclosed, length: 1, message: `this "${o}" is never closed: add a matching "${CLOSER[o]}"` };
    }
    if (tokens.contentEnd === 0) return { offset: 0, length: 0, message: 'the file is empty: expected a JSON object with "kind"' };
    const last = Math.max(0, tokens.contentEnd - 1);
    return { offset: last, length: 1, message: 'unexpected end of the file: a value is missing after this' };
  }
  const length = e.length || 1;
  switch (e.error) {
    case ParseErrorCode.CommaExpected:
      return { offset: e.offset, length, message: `missing "," before ${shown}` };
    case ParseErrorCode.ColonExpected:
      return { offset: e.offset, length, message: `missing ":" after the property name, before ${shown}` };
    case ParseErrorCode.PropertyNameExpected:
      return { offset: e.offset, length, message: `expected a property name in double quotes, found ${shown}` };
    case ParseErrorCode.ValueExpected:
      return { offset: e.offset, length, message: `expected a value, found ${shown}` };
    case ParseErrorCode.CloseBraceExpected:
      return { offset: e.offset, length, message: `expected "," or "}", found ${shown}` };
    case ParseErrorCode.CloseBracketExpected:
      return { offset: e.offset, length, message: `expected "," or "]", found ${shown}` };
    case ParseErrorCode.EndOfFileExpected:
      return { offset: e.offset, length, message: `unexpected ${shown} after the end of the top-level object; remove it` };
    case ParseErrorCode.InvalidSymbol:
      return { offset: e.offset, length, message: invalidSymbolMessage(token) };
    case ParseErrorCode.InvalidNumberFormat:
    case ParseErrorCode.UnexpectedEndOfNumber:
      return { offset: e.offset, length, message: `invalid number ${shown}: write digits with an optional "." part and exponent, such as 0.5 or 1e-3` };
    case ParseErrorCode.UnexpectedEndOfString:
      return { offset: e.offset, length, message: 'unterminated string: add the closing double quote' };
    case ParseErrorCode.UnexpectedEndOfComment:
      return { offset: e.offset, length, message: 'unterminated comment (and comments are not allowed in .rainbow.json files)' };
    case ParseErrorCode.InvalidEscapeCharacter:
      return { offset: e.offset, length, message: 'invalid escape in string: a backslash must start \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX (write paths with "/")' };
    case ParseErrorCode.InvalidUnicode:
      return { offset: e.offset, length, message: 'invalid \\u escape in string: expected four hexadecimal digits' };
    case ParseErrorCode.InvalidCharacter:
      return { offset: e.offset, length, message: 'control character in string: write it as an escape such as \\n or \\t' };
    default:
      return { offset: e.offset, length, message: `invalid JSON at ${shown}` };
  }
}

function invalidSymbolMessage(token: string): string {
  const shown = JSON.stringify(token);
  const first = token.charCodeAt(0);
  if (first < 32 || first === 0xa0 || first === 0xfeff || (first >= 0x2000 && first <= 0x200b) || first === 0x3000) {
    const code = 'U+' + first.toString(16).toUpperCase().padStart(4, '0');
    return `invalid whitespace character ${code}: JSON allows only spaces, tabs and line breaks between tokens`;
  }
  if (token.startsWith("'")) return `strings and property names need double quotes, found ${shown}`;
  if (/^-?(NaN|Infinity)$/.test(token)) return `JSON has no ${token}: write a finite number`;
  if (/^(True|TRUE|False|FALSE|None|null|NULL|Null|undefined)$/.test(token)) {
    return `unexpected ${shown}: JSON writes true, false and null in lower case (and has no undefined)`;
  }
  if (/^[A-Za-z_$][\w$.-]*$/.test(token)) return `unexpected word ${shown}: property names and strings need double quotes`;
  return `unexpected ${shown}`;
}

/** First error JSON.parse finds once comments and trailing commas (already reported) are blanked. */
function strictJsonError(text: string, tokens: TokenFacts): { offset: number; message: string } | undefined {
  // Blank by slices (same length, line breaks kept): a character array of a 50 MB text would cost
  // hundreds of megabytes.
  const blanks = [...tokens.comments, ...tokens.trailingCommas.map((offset) => ({ offset, length: 1 }))].sort((a, b) => a.offset - b.offset);
  const parts: string[] = [];
  let done = 0;
  for (const { offset, length } of blanks) {
    parts.push(text.slice(done, offset), text.slice(offset, offset + length).replace(/[^\r\n]/g, ' '));
    done = offset + length;
  }
  parts.push(text.slice(done));
  const strict = parts.join('');
  try {
    JSON.parse(strict);
    return undefined;
  } catch (error) {
    const match = /position (\d+)/.exec(String((error as Error).message));
    const offset = match ? Math.min(Number(match[1]), Math.max(0, text.length - 1)) : 0;
    const ch = text.charAt(offset);
    const what = /\s/.test(ch) || ch < ' ' ? `character U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : JSON.stringify(ch);
    return { offset, message: `invalid JSON: unexpected ${what} (only spaces, tabs and line breaks may separate tokens)` };
  }
}
