/**
 * Validation of one spec as the editor sees it: exactly `rainbow validate`'s code path
 * (`loadExperiment`) on the unsaved text, through the overlay host, plus the adapter's own
 * additions: why a file was not read, a summary on the reference of a file that has problems, and
 * the wasted-time advice. Problems stay the engine's `Problem` until they are sent.
 */
import { Diagnostic, DiagnosticSeverity, type Range } from 'vscode-languageserver-types';
import { LineIndex, loadExperiment, type LoadResult, type Problem, type Severity, type SpecHost } from '../core';
import { adviseOn } from './advice';
import { explainRefusals, type FileAccess } from './overlay';
import { keyNodeOf, nodeAtPointer, parseOutline, type SpecOutline } from './specTree';

export interface Validation {
  /** Every problem, in whichever file it is (the spec, its network files). */
  problems: Problem[];
  /** Paths the spec depends on (network files and .npy files, read or not). */
  dependencies: Set<string>;
  loaded: LoadResult;
}

/** `host` records the paths it was asked about in `requested` (overlay.ts, editorHost). */
export function validateSpec(text: string, path: string, host: SpecHost, requested: ReadonlySet<string>, access: FileAccess): Validation {
  const loaded = loadExperiment(text, path, host);
  const problems = explainRefusals(loaded.problems, access, path);
  const blocked = problems.some((p) => p.severity === 'error');
  if (!blocked) problems.push(...adviceProblems(loaded));
  problems.push(...referenceSummaries(text, path, problems, host));
  return { problems, dependencies: new Set(requested), loaded };
}

function adviceProblems(loaded: LoadResult): Problem[] {
  return adviseOn(loaded).map((a) => {
    const doc = loaded.documents.get(a.file);
    return {
      code: a.code,
      severity: a.severity,
      message: a.message,
      file: a.file,
      range: doc ? pointerRange(doc.text, a.pointer, a.key ?? false) : zeroRange(),
      pointer: a.pointer,
    };
  });
}

/** Range of the value (or key) at a JSON pointer of a text; the start of the file if absent. */
export function pointerRange(text: string, pointer: string, key: boolean, outline: SpecOutline = parseOutline(text)): Range {
  const node = nodeAtPointer(outline, pointer);
  const target = node && key ? (keyNodeOf(node) ?? node) : node;
  return target ? new LineIndex(text).range(target.offset, target.length) : zeroRange();
}

function zeroRange(): Range {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2 };

/**
 * Problems inside a referenced file are published on that file; the reference in the spec gets one
 * line that says so (the user may not have that file open), unless the engine already put an
 * error on it.
 */
function referenceSummaries(text: string, path: string, problems: readonly Problem[], host: SpecHost): Problem[] {
  const foreign = new Map<string, Problem[]>();
  for (const p of problems) if (p.file !== path) foreign.set(p.file, [...(foreign.get(p.file) ?? []), p]);
  if (foreign.size === 0) return [];
  const outline = parseOutline(text);
  const lines = new LineIndex(text);
  const summaries: Problem[] = [];
  for (const site of outline.paths) {
    const target = host.resolve(path, site.value);
    const inside = foreign.get(target);
    if (!inside) continue;
    const range = lines.range(site.node.offset, site.node.length);
    if (problems.some((p) => p.file === path && p.severity === 'error' && sameStart(p.range, range))) continue;
    const worst = [...inside].sort((a, b) => RANK[a.severity] - RANK[b.severity])[0] as Problem;
    const counts = inside.length === 1 ? 'a problem' : `${inside.length} problems`;
    summaries.push({
      code: 'file/problems-inside',
      severity: worst.severity,
      message: `${site.value} has ${counts}; first, line ${worst.range.start.line + 1}: ${worst.message}`,
      file: path,
      range,
    });
  }
  return summaries;
}

function sameStart(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

/** The LSP form: same range, code and message as `rainbow validate` prints. */
export function toDiagnostic(p: Problem): Diagnostic {
  const d = Diagnostic.create(p.range, p.message, SEVERITY[p.severity], p.code, 'rainbow');
  if (p.pointer !== undefined) d.data = { pointer: p.pointer };
  return d;
}

/** Problems grouped by the file they are in. */
export function byFile(problems: readonly Problem[]): Map<string, Problem[]> {
  const groups = new Map<string, Problem[]>();
  for (const p of problems) {
    const list = groups.get(p.file);
    if (list) list.push(p);
    else groups.set(p.file, [p]);
  }
  return groups;
}

/** One copy of each problem (the same problem reached through two specs, or two runs). */
export function dedupe(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}|${p.range.start.line}:${p.range.start.character}-${p.range.end.line}:${p.range.end.character}|${p.code}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
