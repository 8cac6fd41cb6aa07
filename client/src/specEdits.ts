/**
 * The one way the preview changes a spec: "write lambda into the spec". Text edits computed with
 * jsonc-parser on the document's own text (comments and layout kept), applied as a WorkspaceEdit so
 * that the change is undoable and marks the file dirty like any other edit.
 */
import { findNodeAtLocation, modify, parseTree, type Edit } from 'jsonc-parser';

/** The spec allows at most this many penalties (schemas/rainbow.schema.json, lambdaList). */
export const MAX_PENALTIES = 100;

/**
 * Edits that add `lambda` to `ridge.lambda`: appended to a list (kept if already there, to within
 * 1e-12 relative), next to "optimal" when the spec asks for the optimal curve, or a new `ridge`
 * when there is none. Returns a reason instead when the text cannot take it.
 */
export function lambdaEdits(text: string, lambda: number): Edit[] | { reason: string } {
  if (!(lambda > 0) || !Number.isFinite(lambda)) return { reason: `lambda must be a finite number > 0 (got ${lambda}).` };
  const value = Number(lambda.toPrecision(6));
  const root = parseTree(text);
  if (!root || root.type !== 'object') return { reason: 'The spec is not a JSON object; fix its syntax first.' };
  const node = findNodeAtLocation(root, ['ridge', 'lambda']);
  const formattingOptions = { insertSpaces: true, tabSize: 2 };
  if (!node) return modify(text, ['ridge', 'lambda'], [value], { formattingOptions });
  if (node.type === 'string') return modify(text, ['ridge', 'lambda'], [value, 'optimal'], { formattingOptions });
  if (node.type === 'number') return modify(text, ['ridge', 'lambda'], [value], { formattingOptions });
  if (node.type !== 'array') return { reason: '"ridge.lambda" is neither a list nor "optimal"; fix it first.' };
  const items = node.children ?? [];
  if (items.some((item) => typeof item.value === 'number' && Math.abs(item.value - value) <= 1e-12 * value)) return [];
  if (items.length >= MAX_PENALTIES) return { reason: `"ridge.lambda" already lists ${MAX_PENALTIES} penalties, the most a spec may have.` };
  return modify(text, ['ridge', 'lambda', items.length], value, { formattingOptions, isArrayInsertion: true });
}
