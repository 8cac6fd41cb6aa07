/**
 * Completions the schema cannot give, added to the JSON service's: layer ids where a layer is
 * referenced (`sameAs`, `plus[].layer`, `gram.layer`, `inverseGram.layer`), relative paths of .npy
 * and network files next to the spec, and snippets (a layer, a teacher network, a sweep, a whole
 * new experiment).
 */
import { readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { getLocation, type Node } from 'jsonc-parser';
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseOutline } from './specTree';

const ACTIVATIONS = 'tanh,relu,erf,sign,linear,sigmoid,gelu,silu,softplus,sin';
/** Files listed for path completion: enough for a project folder, bounded for a home folder. */
const MAX_FILES = 200;
const MAX_DEPTH = 3;

export const NEW_EXPERIMENT = `{
  "kind": "experiment",
  "title": "\${1:My experiment}",
  "seed": 0,
  "input": { "dimension": \${2:500} },
  "teacher": { "kind": "linear", "noise": \${3:0.1} },
  "student": {
    "layers": [
      { "id": "W1", "width": \${4:500}, "activation": "\${5|${ACTIVATIONS}|}" }
    ]
  },
  "ridge": { "lambda": [0.001, 0.1] },
  "samples": { "from": 50, "to": 2000, "points": 40 }
}`;

export interface CompletionContext {
  /** The spec's folder may be listed (trusted workspace, a saved file). */
  listFiles: boolean;
  path: string;
}

export function extraCompletions(doc: TextDocument, offset: number, context: CompletionContext): CompletionItem[] {
  const text = doc.getText();
  if (/^\s*(\{\s*\}?)?\s*$/.test(text)) {
    const whole = { start: doc.positionAt(0), end: doc.positionAt(text.length) };
    return [snippet('new experiment', 'A complete experiment to start from', NEW_EXPERIMENT, whole)];
  }
  const location = getLocation(text, offset);
  const path = location.path;
  const last = path[path.length - 1];
  const parentKey = path[path.length - 2];
  const value = location.previousNode;
  const valueRange = (node: Node | undefined): Range | undefined =>
    node && (node.type === 'string' || node.type === 'number' || node.type === 'boolean' || node.type === 'null') ? { start: doc.positionAt(node.offset), end: doc.positionAt(node.offset + node.length) } : undefined;

  if (!location.isAtPropertyKey && (last === 'sameAs' || (last === 'layer' && (parentKey === 'gram' || parentKey === 'inverseGram' || typeof parentKey === 'number')))) {
    const outline = parseOutline(text);
    const own = outline.layers.find((l) => offset >= l.node.offset && offset <= l.node.offset + l.node.length);
    const range = valueRange(value) ?? { start: doc.positionAt(offset), end: doc.positionAt(offset) };
    return outline.layers
      .filter((l) => l !== own)
      .map((l) => ({
        label: l.id,
        kind: CompletionItemKind.Reference,
        detail: [l.role, l.width !== undefined ? `width ${l.width}` : undefined, l.activation].filter(Boolean).join(' · '),
        textEdit: { range, newText: JSON.stringify(l.id) },
        filterText: JSON.stringify(l.id),
      }));
  }

  const wantsNpy = !location.isAtPropertyKey && (last === 'file' || last === 'samples' || last === 'labels') && !(path.length === 1);
  const wantsNetwork = !location.isAtPropertyKey && ((path.length === 1 && last === 'student') || (path.length === 2 && path[0] === 'teacher' && last === 'network'));
  if ((wantsNpy || wantsNetwork) && context.listFiles && isAbsolute(context.path)) {
    const range = valueRange(value) ?? { start: doc.positionAt(offset), end: doc.positionAt(offset) };
    const folder = dirname(context.path);
    return listFiles(folder, wantsNpy ? (f) => f.endsWith('.npy') : (f) => f.endsWith('.rainbow.json') && join(folder, f) !== context.path).map((f) => ({
      label: f,
      kind: CompletionItemKind.File,
      textEdit: { range, newText: JSON.stringify(f) },
      filterText: JSON.stringify(f),
    }));
  }

  const items: CompletionItem[] = [];
  if (typeof last === 'number' && parentKey === 'layers' && !location.isAtPropertyKey && (!value || value.type !== 'string')) {
    const index = last + 1;
    items.push(snippet('layer', 'A layer with id, width and activation', `{ "id": "\${1:W${index}}", "width": \${2:500}, "activation": "\${3|${ACTIVATIONS}|}" }`));
  }
  if (path.length === 1 && location.isAtPropertyKey) {
    const present = new Set(Object.keys(safeParse(text)));
    if (!present.has('teacher')) {
      items.push(snippet('teacher (network)', 'A teacher network with a random readout', `"teacher": {\n  "kind": "network",\n  "network": { "layers": [ { "id": "T1", "width": \${1:500}, "activation": "\${2|${ACTIVATIONS}|}" } ] },\n  "noise": \${3:0.1}\n}`));
    }
    if (!present.has('sweep')) {
      items.push(snippet('sweep', 'Run the experiment once per value of one number in the spec', `"sweep": { "parameter": "\${1:/teacher/noise}", "values": [\${2:0, 0.1, 0.5}] }`));
    }
  }
  return items;
}

function snippet(label: string, detail: string, body: string, range?: Range): CompletionItem {
  return {
    label,
    kind: CompletionItemKind.Snippet,
    detail,
    insertTextFormat: InsertTextFormat.Snippet,
    ...(range ? { textEdit: { range, newText: body } } : { insertText: body }),
    sortText: `~${label}`,
  };
}

function safeParse(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    // Keys of a half-written object: good enough to skip the snippets of keys already there.
    return Object.fromEntries([...text.matchAll(/^\s{0,2}"(\w+)"\s*:/gm)].map((m) => [m[1], true]));
  }
}

/** Relative paths of matching files below `folder` (bounded in depth and count; no hidden folders). */
function listFiles(folder: string, accept: (relativePath: string) => boolean): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (found.length >= MAX_FILES) return;
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH) walk(full, depth + 1);
      } else if (entry.isFile()) {
        const rel = relative(folder, full).split('\\').join('/');
        if (accept(rel)) found.push(rel);
      }
    }
  };
  walk(folder, 0);
  return found.sort();
}
