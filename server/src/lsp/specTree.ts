/**
 * What the editing features need to know about a spec's text, from its syntax tree (jsonc-parser,
 * tolerant, so it works while the text is broken): where the layers are and their ids (written or
 * default), where a layer id is referenced (`sameAs`, `plus[].layer`, `gram.layer`,
 * `inverseGram.layer`), and where file paths are written. Offsets index the text.
 */
import { findNodeAtLocation, findNodeAtOffset, getNodePath, parseTree, type JSONPath, type Node } from 'jsonc-parser';

export type LayerRole = 'student' | 'teacher' | 'network';

export interface LayerSite {
  /** The id the engine uses: the written one, or the default L1.., T1.. (network files: L1..). */
  id: string;
  /** The `"id"` value node when the id is written. */
  idNode?: Node;
  /** The layer's object node. */
  node: Node;
  role: LayerRole;
  index: number;
  width?: number;
  activation?: string;
  pointer: string;
}

export interface ReferenceSite {
  id: string;
  /** The string node that names the layer. */
  node: Node;
}

export interface PathSite {
  value: string;
  node: Node;
  /** What the path is expected to name. */
  target: 'network' | 'npy';
}

export interface SpecOutline {
  root?: Node;
  layers: LayerSite[];
  references: ReferenceSite[];
  paths: PathSite[];
}

const LAYER_LISTS: { path: JSONPath; role: LayerRole; prefix: string }[] = [
  { path: ['student', 'layers'], role: 'student', prefix: 'L' },
  { path: ['teacher', 'network', 'layers'], role: 'teacher', prefix: 'T' },
  { path: ['layers'], role: 'network', prefix: 'L' },
];

/** Keys whose string value is a .npy path (spec-format.md, "Files"). */
const NPY_KEYS = new Set(['file', 'samples', 'labels']);

export function parseOutline(text: string): SpecOutline {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  const outline: SpecOutline = { layers: [], references: [], paths: [] };
  if (!root) return outline;
  outline.root = root;
  for (const list of LAYER_LISTS) {
    const array = findNodeAtLocation(root, list.path);
    if (array?.type !== 'array') continue;
    (array.children ?? []).forEach((layer, index) => {
      if (layer.type !== 'object') return;
      const idNode = findNodeAtLocation(layer, ['id']);
      const width = findNodeAtLocation(layer, ['width']);
      const activation = findNodeAtLocation(layer, ['activation']);
      const activationName = activation?.type === 'string' ? activation.value : activation?.type === 'object' ? findNodeAtLocation(activation, ['name'])?.value : undefined;
      outline.layers.push({
        id: idNode?.type === 'string' ? String(idNode.value) : `${list.prefix}${index + 1}`,
        ...(idNode?.type === 'string' ? { idNode } : {}),
        node: layer,
        role: list.role,
        index,
        ...(width?.type === 'number' ? { width: width.value as number } : {}),
        ...(typeof activationName === 'string' ? { activation: activationName } : {}),
        pointer: '/' + [...list.path, index].join('/'),
      });
    });
  }
  walkStrings(root, (node, path) => {
    const key = path[path.length - 1];
    const parentKey = path[path.length - 2];
    if (key === 'sameAs' || (key === 'layer' && (parentKey === 'gram' || parentKey === 'inverseGram' || typeof parentKey === 'number'))) {
      outline.references.push({ id: String(node.value), node });
    } else if ((path.length === 1 && key === 'student') || (path.length === 2 && path[0] === 'teacher' && key === 'network')) {
      outline.paths.push({ value: String(node.value), node, target: 'network' });
    } else if (typeof key === 'string' && NPY_KEYS.has(key)) {
      outline.paths.push({ value: String(node.value), node, target: 'npy' });
    }
  });
  return outline;
}

function walkStrings(node: Node, visit: (node: Node, path: JSONPath) => void, path: JSONPath = []): void {
  if (node.type === 'string') {
    visit(node, path);
    return;
  }
  if (node.type === 'object') {
    for (const property of node.children ?? []) {
      const [key, value] = property.children ?? [];
      if (key && value) walkStrings(value, visit, [...path, String(key.value)]);
    }
  } else if (node.type === 'array') {
    (node.children ?? []).forEach((child, i) => walkStrings(child, visit, [...path, i]));
  }
}

/** The layer whose id is `id` (the first one: duplicates are a diagnostic of their own). */
export function layerById(outline: SpecOutline, id: string): LayerSite | undefined {
  return outline.layers.find((l) => l.id === id);
}

/** The innermost node at an offset, with its JSON path. */
export function nodeAtOffset(outline: SpecOutline, offset: number): { node: Node; path: JSONPath } | undefined {
  if (!outline.root) return undefined;
  const node = findNodeAtOffset(outline.root, offset, true);
  return node ? { node, path: getNodePath(node) } : undefined;
}

/** The layer whose object contains the offset. */
export function layerAt(outline: SpecOutline, offset: number): LayerSite | undefined {
  return outline.layers.find((l) => offset >= l.node.offset && offset <= l.node.offset + l.node.length);
}

/** The node at a JSON pointer, or undefined. */
export function nodeAtPointer(outline: SpecOutline, pointer: string): Node | undefined {
  if (!outline.root) return undefined;
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  return findNodeAtLocation(
    outline.root,
    segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
  );
}

/** The key node of a property value node (the `"width"` of `"width": 3`). */
export function keyNodeOf(node: Node): Node | undefined {
  return node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
}

/**
 * Nesting beyond which the editing features (the JSON service, the outline) answer nothing: their
 * parsers recurse per level. The format nests about a dozen levels and the validator refuses more
 * than 64 (json/too-deep, shown as a diagnostic); this bound only keeps the stack safe.
 */
export const MAX_EDITING_NESTING = 256;

/** Whether brackets (outside strings) nest deeper than `limit`; one pass, no allocation. */
export function nestsDeeperThan(text: string, limit = MAX_EDITING_NESTING): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */ || c === 10 /* newline ends a broken string */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > limit) return true;
    } else if ((c === 125 /* } */ || c === 93) /* ] */ && depth > 0) depth--;
  }
  return false;
}
