/**
 * Places a problem found after resolution (a numerical failure) on the JSON value it concerns,
 * using the documents the resolver read.
 */
import { START_OF_FILE, type Problem, type ProblemCode, type Severity } from '../problems';
import { rangeAt, type SpecDocument } from './document';

export interface UnplacedProblem {
  code: ProblemCode;
  message: string;
  file: string;
  pointer?: string;
  severity?: Severity;
  range?: Problem['range'];
}

export function placeProblem(documents: ReadonlyMap<string, SpecDocument>, p: UnplacedProblem): Problem {
  const doc = documents.get(p.file);
  const range = doc && p.pointer !== undefined ? rangeAt(doc, p.pointer, 'value') : (p.range ?? START_OF_FILE);
  const placed: Problem = { code: p.code, severity: p.severity ?? 'error', message: p.message, file: p.file, range };
  if (p.pointer !== undefined) placed.pointer = p.pointer;
  return placed;
}
