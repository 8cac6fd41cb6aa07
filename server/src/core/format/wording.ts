/**
 * How values and objects are named in problem messages: `"width"`, `each "lambda" value`,
 * `layer "W1"`, `rowCovariance of layer "W1"`, and how a written value is quoted back.
 */

import { pointerSegments, sourceAt, toPointer, type SpecDocument } from './document';
import { isObject } from './schemaMap';

const isIndex = (s: string | undefined): boolean => s !== undefined && /^(0|[1-9][0-9]*)$/.test(s);

/** How values are named in messages: `"width"`, `each "lambda" value`. */
export function fieldName(pointer: string): string {
  const segments = pointerSegments(pointer);
  const last = segments[segments.length - 1];
  if (last === undefined) return 'the file';
  if (isIndex(last)) {
    const parent = segments[segments.length - 2];
    if (parent === undefined || isIndex(parent)) return `entry ${Number(last) + 1}`;
    return parent.endsWith('s') ? `each entry of "${parent}"` : `each "${parent}" value`;
  }
  return `"${last}"`;
}

/** The word for a misspelt name: "activation" for { "name": ... } in an activation, else the key. */
export function enumLabel(pointer: string): string {
  const segments = pointerSegments(pointer);
  const last = segments[segments.length - 1] ?? '';
  const parent = segments[segments.length - 2];
  if (last === 'name' && parent === 'activation') return 'activation';
  return last;
}

export function layerName(layer: unknown, index: number, listPointer: string): string {
  if (isObject(layer) && typeof layer.id === 'string') return `layer "${layer.id}"`;
  const owner = listPointer.startsWith('/student') ? 'student ' : listPointer.startsWith('/teacher') ? 'teacher ' : '';
  return `${owner}layer ${index + 1}`;
}

const QUALIFIED: { [path: string]: string } = {
  'teacher/network': 'teacher network',
  'teacher/weights': 'teacher weights',
  'teacher/readout': 'teacher readout',
  'input/covariance': 'input covariance',
  'simulate/n': 'simulate "n"',
  'ridge/lambda': '"lambda"',
};

/** How objects are named in messages: `the experiment`, `layer "W1"`, `gaussian of layer "W1"`. */
export function objectLabel(pointer: string, root: unknown): string {
  const segments = pointerSegments(pointer);
  if (segments.length === 0) {
    const kind = isObject(root) ? root.kind : undefined;
    return kind === 'experiment' ? 'the experiment' : kind === 'network' ? 'the network file' : 'the file';
  }
  const valueAt = (n: number): unknown => {
    let v: unknown = root;
    for (const s of segments.slice(0, n)) v = isObject(v) || Array.isArray(v) ? (v as { [k: string]: unknown })[s] : undefined;
    return v;
  };
  const last = segments[segments.length - 1]!;
  const parent = segments[segments.length - 2];
  const layersAt = segments.lastIndexOf('layers');
  const layerIndex = segments[layersAt + 1];
  const inLayer = layersAt >= 0 && isIndex(layerIndex);
  const layerListPointer = toPointer(segments.slice(0, layersAt + 1));
  const thisLayer = (): string => layerName(valueAt(layersAt + 2), Number(layerIndex), layerListPointer);
  if (inLayer && layersAt + 2 === segments.length) return thisLayer();
  let label: string;
  if (isIndex(last)) {
    label = parent === 'plus' ? `"plus" term ${Number(last) + 1}` : `entry ${Number(last) + 1} of "${parent ?? ''}"`;
  } else {
    label = QUALIFIED[`${parent ?? ''}/${last}`] ?? last;
  }
  return inLayer ? `${label} of ${thisLayer()}` : label;
}

/** The value as the user wrote it, for "(got ...)": numbers as in the file (1e400), strings quoted. */
export function describe(doc: SpecDocument, pointer: string, value: unknown, typed = false): string {
  if (Array.isArray(value)) return 'a list';
  if (isObject(value)) return 'an object';
  if (typeof value === 'string') {
    const text = JSON.stringify(value.length > 40 ? value.slice(0, 40) + '...' : value);
    return typed ? `the string ${text}` : text;
  }
  return sourceAt(doc, pointer) ?? String(value);
}
