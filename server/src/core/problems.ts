/**
 * User mistakes and numerical failures are data, not exceptions: every one becomes a Problem with a
 * stable code, a sentence a researcher understands, and the exact place in the file it concerns.
 * Positions are 0-based (LSP convention); `formatProblem` prints them 1-based for terminals.
 */

export type Severity = 'error' | 'warning' | 'information';

export interface Position {
  /** 0-based line. */
  line: number;
  /** 0-based UTF-16 column. */
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/**
 * Every problem code the engine and its adapters report: stable identifiers that users may search
 * for and tools may filter on, so a code is never renamed or reused. One line per code, grouped by
 * the stage that reports it; add a new code here first, and the compiler then accepts it.
 */
export type ProblemCode =
  // The JSON text (format/document.ts).
  | 'json/syntax'
  | 'json/comment'
  | 'json/trailing-comma'
  | 'json/duplicate-key'
  | 'json/too-deep'
  | 'json/too-long'
  // The schema (format/validate.ts).
  | 'schema/kind'
  | 'schema/type'
  | 'schema/enum'
  | 'schema/range'
  | 'schema/pattern'
  | 'schema/unknown-property'
  | 'schema/missing-property'
  | 'schema/conflicting-properties'
  | 'schema/invalid'
  | 'schema/too-many'
  // Reading a .npy file (npy.ts) and checking its shape (format/context.ts).
  | 'npy/magic'
  | 'npy/version'
  | 'npy/header'
  | 'npy/dtype'
  | 'npy/truncated'
  | 'npy/non-finite'
  | 'npy/too-large'
  | 'npy/shape'
  /** A warning: bytes after the array's data, ignored as numpy.load ignores them. */
  | 'npy/extra-bytes'
  // Files a spec refers to, and the spec file itself (format/files.ts, format/context.ts).
  | 'file/missing'
  | 'file/not-regular'
  | 'file/too-large'
  | 'file/not-utf8'
  | 'file/absolute-path'
  | 'file/outside-workspace'
  | 'file/invalid-network'
  // Resolving the spec (format/experiment.ts, network.ts, references.ts, load.ts).
  | 'spec/unknown-layer'
  | 'spec/duplicate-id'
  | 'spec/shape'
  | 'spec/cycle'
  | 'spec/length'
  | 'spec/negative-variance'
  | 'spec/variance-too-large'
  | 'spec/not-symmetric'
  | 'spec/spike-rank'
  | 'spec/data-without-samples'
  /** "linearization" written on the layer: it belongs inside "weights" (the pointer is the misplaced key, for a quick fix). */
  | 'spec/linearization-on-layer'
  | 'spec/sweep-parameter'
  | 'spec/sweep-value'
  | 'spec/duplicate-lambda'
  // Drawing the weights (model/weights.ts).
  | 'weights/row-covariance'
  // The Gaussian-equivalent moments (analysis.ts, model/linearization.ts).
  | 'moments/not-psd'
  | 'moments/activation'
  // The deterministic equivalent (prediction.ts).
  | 'risk/not-converged'
  | 'risk/non-finite'
  // When to believe a prediction: warnings from the diagnostics of the theory's assumptions
  // (model/validity.ts), calibrated by the simulation study in test/study/.
  | 'validity/correlated-preactivations'
  | 'validity/trained-weights-nonlinear-target'
  | 'validity/file-weights-correlation'
  | 'validity/unequal-preactivation-variances'
  // The Monte-Carlo check (simulation/).
  | 'simulation/no-plan'
  | 'simulation/too-large'
  | 'simulation/input-covariance'
  // Added by the language server (server/src/lsp): why a file was not read (trust, workspace,
  // size setting), a summary on the reference of a file with problems, and the wasted-time advice.
  | 'file/not-read'
  | 'file/problems-inside'
  | 'advice/interpolation-peak'
  | 'advice/large-cost'
  | 'advice/simulation-cost'
  | 'internal/error';

export interface Problem {
  /** Stable identifier, e.g. `schema/type`, `npy/shape`, `moments/not-psd`. */
  code: ProblemCode;
  severity: Severity;
  message: string;
  /** The file the range refers to (the spec itself, a referenced network file, ...). */
  file: string;
  range: Range;
  /** JSON pointer of the value concerned, when there is one. */
  pointer?: string;
}

export const START_OF_FILE: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

/** `file:line:column: severity [code] message`, 1-based like compilers print it. */
export function formatProblem(p: Problem): string {
  return `${p.file}:${p.range.start.line + 1}:${p.range.start.character + 1}: ${p.severity} [${p.code}] ${p.message}`;
}

/**
 * Thrown inside the engine when a stage cannot go on; the pipeline catches it at the stage boundary
 * and returns the problem as data. Never escapes the public API.
 */
export class ProblemError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
  }
}

/** Maps character offsets of a text to line/character positions (lines split at \n, \r\n or \r). */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.lineStarts.push(i + 1);
      } else if (c === 10 /* \n */) {
        this.lineStarts.push(i + 1);
      }
    }
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - (this.lineStarts[lo] as number) };
  }

  range(offset: number, length: number): Range {
    return { start: this.position(offset), end: this.position(offset + length) };
  }
}
