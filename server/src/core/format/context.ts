/**
 * State shared by the resolver's parts while one spec is resolved: the host (reached only through
 * files.ts), every document read so far (so late problems can be placed in the right file), the
 * problems found, and the files read in this load (a sweep resolves the spec several times but
 * reads each network file and .npy once).
 */
import type { SpecHost } from '../host';
import type { Matrix } from '../linalg/matrix';
import { describeShapeMismatch, type NpyResult } from '../npy';
import type { Problem, ProblemCode, Severity } from '../problems';
import { parseSpecDocument, problemAt, type SpecDocument } from './document';
import { readArrayFile, readTextFile, resolvePath, type FileRefusal } from './files';
import { validateSchema } from './validate';

export class ResolveContext {
  readonly problems: Problem[] = [];
  private readonly npyCache = new Map<string, NpyResult | FileRefusal>();
  /** Network files that could not be used, with the reason to repeat at every later reference. */
  private readonly unusableNetworks = new Map<string, FileRefusal>();

  constructor(
    private readonly host: SpecHost,
    readonly documents: Map<string, SpecDocument>,
  ) {}

  report(doc: SpecDocument, pointer: string, code: ProblemCode, message: string, which: 'value' | 'key' = 'value', severity: Severity = 'error'): void {
    this.problems.push(problemAt(doc, pointer, code, message, which, severity));
  }

  /** A file that cannot be used, on the path string that named it. */
  private refused(doc: SpecDocument, pointer: string, what: string, relative: string, refusal: FileRefusal, verb = 'cannot read'): void {
    this.report(doc, pointer, refusal.code, `${verb} ${what} "${relative}": ${refusal.reason}`);
  }

  get failed(): boolean {
    return this.problems.some((p) => p.severity === 'error');
  }

  /**
   * The valid "kind": "network" document named by the path string at `pointer` in `doc`, read
   * once per load; problems inside that file go to that file, and the reason it cannot be used
   * goes on the path string (at every reference, e.g. the same file as student and teacher).
   */
  networkDocument(doc: SpecDocument, pointer: string, relative: string, what: string): SpecDocument | undefined {
    const resolved = resolvePath(this.host, doc.file, relative);
    if (!resolved.ok) {
      this.refused(doc, pointer, what, relative, resolved);
      return undefined;
    }
    const path = resolved.path;
    const unusable = this.unusableNetworks.get(path) ?? this.loadNetwork(path);
    if (unusable) {
      this.refused(doc, pointer, what, relative, unusable, 'cannot use');
      return undefined;
    }
    return this.documents.get(path);
  }

  /** Reads, parses and checks a network file not seen yet in this load; the reason it is unusable, if it is. */
  private loadNetwork(path: string): FileRefusal | undefined {
    const known = this.documents.get(path);
    if (known) {
      if ((known.value as { kind?: unknown } | null)?.kind === 'network') return undefined;
      // The spec itself, or an experiment already loaded: never the layers of a network.
      const why = path === this.specFile ? 'it is this experiment itself, not a "kind": "network" file' : 'it is an experiment, not a "kind": "network" file';
      return this.unusable(path, 'file/invalid-network', why);
    }
    const read = readTextFile(this.host, path);
    if (!read.ok) return this.unusable(path, read.code, read.reason);
    const parsed = parseSpecDocument(read.text, path);
    this.problems.push(...parsed.problems);
    if (!parsed.document) return this.unusable(path, 'file/invalid-network', 'it is not valid JSON (see the problems in that file)');
    const networkDoc = parsed.document;
    this.documents.set(path, networkDoc);
    const schemaProblems = validateSchema(networkDoc, 'network');
    this.problems.push(...schemaProblems);
    if (schemaProblems.some((p) => p.severity === 'error')) {
      const kind = (networkDoc.value as { kind?: unknown } | null)?.kind;
      return this.unusable(path, 'file/invalid-network', kind === 'experiment' ? 'it is an experiment, not a "kind": "network" file' : 'it has problems (see that file)');
    }
    return undefined;
  }

  /** The spec being resolved: the first document (load.ts puts it there before resolving). */
  private get specFile(): string | undefined {
    return this.documents.keys().next().value;
  }

  private unusable(path: string, code: FileRefusal['code'], reason: string): FileRefusal {
    const entry: FileRefusal = { ok: false, code, reason };
    this.unusableNetworks.set(path, entry);
    return entry;
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
    const resolved = resolvePath(this.host, doc.file, relative);
    if (!resolved.ok) {
      this.refused(doc, pointer, what, relative, resolved);
      return undefined;
    }
    const path = resolved.path;
    let parsed = this.npyCache.get(path);
    if (!parsed) {
      parsed = readArrayFile(this.host, path);
      this.npyCache.set(path, parsed);
    }
    if (!parsed.ok) {
      if ('reason' in parsed) this.refused(doc, pointer, what, relative, parsed);
      else this.report(doc, pointer, parsed.code, `${what} "${relative}": ${parsed.message}`);
      return undefined;
    }
    if (parsed.warning) this.report(doc, pointer, 'npy/extra-bytes', `${what} "${relative}": ${parsed.warning}`, 'value', 'warning');
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
