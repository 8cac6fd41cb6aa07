/**
 * Quick fixes for the problems whose remedy is certain enough to apply with one click:
 * - did-you-mean: a misspelt key or enum value the validator recognised ("tahn" -> "tanh");
 * - a missing required property, added with a typical value to edit;
 * - a .npy weight file in the other orientation: set `"layout"` as the problem suggests;
 * - `"linearization"` written on a layer: move it into the layer's `"weights"`.
 * Edits are computed with jsonc-parser's `modify`, so they keep the file's formatting.
 */
import { findNodeAtLocation, getNodeValue, modify, parseTree, type JSONPath } from 'jsonc-parser';
import { CodeActionKind, type CodeAction, type Diagnostic, type TextEdit } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';

/** Typical values for required properties (spec-format.md), written as the user would start. */
const TYPICAL: Record<string, unknown> = {
  kind: 'experiment',
  input: { dimension: 100 },
  teacher: { kind: 'linear', noise: 0.1 },
  student: { layers: [{ id: 'W1', width: 500, activation: 'tanh' }] },
  ridge: { lambda: [0.001, 0.1] },
  samples: { n: [100, 1000] },
  layers: [{ width: 500, activation: 'tanh' }],
  dimension: 100,
  width: 500,
  activation: 'tanh',
  lambda: [0.001],
  n: [100, 1000],
  parameter: '/teacher/noise',
  values: [0, 0.1],
  strength: 1,
  rank: 1,
  layer: 'W1',
  shift: 1,
  scale: 1,
  name: 'tanh',
  network: { layers: [{ width: 500, activation: 'tanh' }] },
  labels: 'y.npy',
  file: 'w.npy',
};

function pathOf(pointer: string): JSONPath {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function edits(doc: TextDocument, path: JSONPath, value: unknown, tabSize: number, insertSpaces: boolean): TextEdit[] {
  return modify(doc.getText(), path, value, { formattingOptions: { tabSize, insertSpaces, eol: '\n' } }).map((e) => ({
    range: { start: doc.positionAt(e.offset), end: doc.positionAt(e.offset + e.length) },
    newText: e.content,
  }));
}

function action(title: string, doc: TextDocument, diagnostic: Diagnostic, changes: TextEdit[], preferred = false): CodeAction {
  return { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: preferred, edit: { changes: { [doc.uri]: changes } } };
}

export function quickFixes(doc: TextDocument, diagnostics: readonly Diagnostic[], options: { tabSize?: number; insertSpaces?: boolean } = {}): CodeAction[] {
  const tabSize = options.tabSize ?? 2;
  const insertSpaces = options.insertSpaces ?? true;
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== 'rainbow') continue;
    const message = typeof d.message === 'string' ? d.message : d.message.value;
    const pointer = (d.data as { pointer?: string } | undefined)?.pointer;

    // Did you mean "x"? Replace the flagged key or value (a JSON string) by the suggestion.
    const guess = /did you mean ("(?:[^"\\]|\\.)*")\??/.exec(message)?.[1];
    if (guess) {
      const flagged = doc.getText(d.range);
      if (/^".*"$/s.test(flagged)) actions.push(action(`Change to ${guess}`, doc, d, [{ range: d.range, newText: guess }], true));
    }

    // Missing required properties: add them with typical values.
    if (d.code === 'schema/missing-property' && pointer !== undefined) {
      const names = [...message.matchAll(/"([A-Za-z$]+)"/g)].map((m) => m[1] as string).filter((n) => n in TYPICAL);
      const missing = names.filter((n, i) => names.indexOf(n) === i);
      const needsOneOf = / one of /.test(message);
      for (const name of needsOneOf ? missing : missing.slice(0, 1)) {
        actions.push(action(`Add "${name}"`, doc, d, edits(doc, [...pathOf(pointer), name], TYPICAL[name], tabSize, insertSpaces), !needsOneOf));
      }
      if (!needsOneOf && missing.length > 1) {
        // All at once: apply the edits one after the other on the evolving text.
        let text = doc.getText();
        for (const name of missing) text = applyModify(text, [...pathOf(pointer), name], TYPICAL[name], tabSize, insertSpaces);
        const whole = { start: doc.positionAt(0), end: doc.positionAt(doc.getText().length) };
        actions.push(action(`Add all missing properties (${missing.map((n) => `"${n}"`).join(', ')})`, doc, d, [{ range: whole, newText: text }]));
      }
    }

    // A weight file in the other orientation: set the layout the problem names.
    const layout = /"layout": "(inOut|outIn)"/.exec(message)?.[1];
    if (d.code === 'npy/shape' && layout && pointer?.endsWith('/file')) {
      const weights = pathOf(pointer.slice(0, -'/file'.length));
      actions.push(action(`Set "layout": "${layout}" (the file holds the transpose)`, doc, d, edits(doc, [...weights, 'layout'], layout, tabSize, insertSpaces), true));
    }

    if (d.code === 'spec/linearization-on-layer' && pointer?.endsWith('/linearization')) {
      const move = linearizationIntoWeights(doc, pathOf(pointer).slice(0, -1), tabSize, insertSpaces);
      if (move) actions.push(action('Move "linearization" into "weights"', doc, d, [move], true));
    }
  }
  return actions;
}

/** Parse options of the editor's specs (comments and trailing commas are tolerated). */
const TOLERANT = { allowTrailingComma: true, disallowComments: false };

/**
 * One edit of the layer at `layer` that removes its `"linearization"` and sets it in its
 * `"weights"` (created as the default `{ "gaussian": {} }` when absent). None when "weights" is not
 * an object (nothing certain to move into) or already sets a linearization (which value was meant
 * is unclear).
 */
function linearizationIntoWeights(doc: TextDocument, layer: JSONPath, tabSize: number, insertSpaces: boolean): TextEdit | undefined {
  const text = doc.getText();
  const root = parseTree(text, [], TOLERANT);
  const layerNode = root && findNodeAtLocation(root, layer);
  const misplaced = layerNode && findNodeAtLocation(layerNode, ['linearization']);
  if (!layerNode || layerNode.type !== 'object' || !misplaced) return undefined;
  const weights = findNodeAtLocation(layerNode, ['weights']);
  if (weights && (weights.type !== 'object' || findNodeAtLocation(weights, ['linearization']))) return undefined;
  const value: unknown = getNodeValue(misplaced);
  const removed = applyModify(text, [...layer, 'linearization'], undefined, tabSize, insertSpaces);
  // "weights" needs its kind: an absent one meant the default, Gaussian with identity row covariance.
  const moved = weights
    ? applyModify(removed, [...layer, 'weights', 'linearization'], value, tabSize, insertSpaces)
    : applyModify(removed, [...layer, 'weights'], { gaussian: {}, linearization: value }, tabSize, insertSpaces);
  // Both edits stay inside the layer's object: replace just that object's text.
  const movedRoot = parseTree(moved, [], TOLERANT);
  const movedLayer = movedRoot && findNodeAtLocation(movedRoot, layer);
  if (!movedLayer) return undefined;
  return {
    range: { start: doc.positionAt(layerNode.offset), end: doc.positionAt(layerNode.offset + layerNode.length) },
    newText: moved.slice(movedLayer.offset, movedLayer.offset + movedLayer.length),
  };
}

function applyModify(text: string, path: JSONPath, value: unknown, tabSize: number, insertSpaces: boolean): string {
  const list = modify(text, path, value, { formattingOptions: { tabSize, insertSpaces, eol: '\n' } });
  let out = text;
  for (const e of [...list].sort((a, b) => b.offset - a.offset)) out = out.slice(0, e.offset) + e.content + out.slice(e.offset + e.length);
  return out;
}
