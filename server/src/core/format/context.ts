/**
 * State shared by the resolver's parts while one spec is resolved: the host, every document read
 * so far (so late problems can be placed in the right file), the problems found, and a cache of
 * data files (a sweep resolves the spec several times but reads each .npy once).
 */
import type { SpecHost } from '../host';
import type { Matrix } from '../linalg/matrix';
import { describeShapeMismatch, parseNpy } from '../npy';
import type { Problem, ProblemCode, Severity } from '../problems';
import { problemAt, type SpecDocument } from './document';

export class ResolveContext {
  readonly problems: Problem[] = [];
  private readonly npyCache = new Map<string, ReturnType<typeof parseNpy> | undefined>();

  constructor(
    readonly host: SpecHost,
    readonly documents: Map<string, SpecDocument>,
  ) {}

  report(doc: SpecDocument, pointer: string, code: ProblemCode, message: string, which: 'value' | 'key' = 'value', severity: Severity = 'error'): void {
    this.problems.push(problemAt(doc, pointer, code, message, which, severity));
  }

  get failed(): boolean {
    return this.problems.some((p) => p.severity === 'error');
  }

  /**
   * Reads a .npy file named at `pointer` (a path string in `doc`) and checks its shape. `expected`
   * lists the accepted shapes, `null` meaning any size along that axis. Problems go on the path
   * string.
   */
  readArray(
    doc: SpecDocument,
    pointer: string,
    relative: string,
    expected: readonly (readonly (number | null)[])[],
    what: string,
    hint?: (shape: readonly number[]) => string | undefined,
  ): { shape: number[]; data: Float64Array } | undefined {
    const path = this.host.resolve(doc.file, relative);
    let parsed = this.npyCache.get(path);
    if (!this.npyCache.has(path)) {
      const bytes = this.host.readBytes(path);
      parsed = bytes === undefined ? undefined : parseNpy(bytes);
      this.npyCache.set(path, parsed);
    }
    if (parsed === undefined) {
      this.report(doc, pointer, 'file/missing', `cannot read ${what} "${relative}" (resolved to ${path}): no such file or it is not readable`);
      return undefined;
    }
    if (!parsed.ok) {
      this.report(doc, pointer, parsed.code, `${what} "${relative}": ${parsed.message}`);
      return undefined;
    }
    const shape = parsed.array.shape;
    const mismatches = expected.map((e) => describeShapeMismatch(shape, e));
    if (mismatches.every((m) => m !== undefined)) {
      const extra = hint?.(shape);
      this.report(doc, pointer, 'npy/shape', `${what} "${relative}": ${mismatches[0] as string}${extra ? `: ${extra}` : ''}`);
      return undefined;
    }
    return parsed.array;
  }

  readMatrix(
    doc: SpecDocument,
    pointer: string,
    relative: string,
    rows: number | null,
    cols: number | null,
    what: string,
    hint?: (shape: readonly number[]) => string | undefined,
  ): Matrix | undefined {
    const a = this.readArray(doc, pointer, relative, [[rows, cols]], what, hint);
    return a && { rows: a.shape[0] as number, cols: a.shape[1] as number, data: a.data };
  }

  /** A vector of the given length, stored as (n,), (n, 1) or (1, n). */
  readVector(doc: SpecDocument, pointer: string, relative: string, length: number | null, what: string): Float64Array | undefined {
    return this.readArray(doc, pointer, relative, [[length], [length, 1], [1, length]], what)?.data;
  }
}
