/**
 * Go-to-definition and find-references on layer ids, and document links on file paths. A layer id
 * is defined by its layer (the `"id"` value, or the layer object for a default id such as "L2")
 * and referenced by `sameAs`, `plus[].layer`, `gram.layer` and `inverseGram.layer`. Layers of a
 * network file named by the spec are found in that file.
 */
import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import type { DocumentLink, Location, Position } from 'vscode-languageserver-types';
import { LineIndex } from '../core';
import { layerById, nodeAtOffset, parseOutline, type LayerSite, type SpecOutline } from './specTree';

export interface NavigationHost {
  /** The spec's path (absolute for files). */
  path: string;
  uri: string;
  /** Path of a file named by the spec, resolved against its folder. */
  resolve(relative: string): string;
  /** Text of another file (open document or disk, within the access policy), or undefined. */
  readText(path: string): string | undefined;
  uriOf(path: string): string;
}

function location(uri: string, text: string, offset: number, length: number): Location {
  return { uri, range: new LineIndex(text).range(offset, length) };
}

function layerLocation(uri: string, text: string, layer: LayerSite): Location {
  // A default id ("L2") is written nowhere: point at the layer's opening brace.
  return layer.idNode ? location(uri, text, layer.idNode.offset, layer.idNode.length) : location(uri, text, layer.node.offset, 1);
}

/** The id under the cursor: on a reference string or on a layer's "id" value. */
function idAt(outline: SpecOutline, offset: number): string | undefined {
  const at = nodeAtOffset(outline, offset);
  if (!at || at.node.type !== 'string') return undefined;
  if (outline.references.some((r) => r.node === at.node)) return String(at.node.value);
  if (outline.layers.some((l) => l.idNode === at.node)) return String(at.node.value);
  return undefined;
}

/** The network files the spec names, with their outlines (for layers defined there). */
function networkFiles(outline: SpecOutline, host: NavigationHost): { uri: string; text: string; outline: SpecOutline }[] {
  const files = [];
  for (const site of outline.paths) {
    if (site.target !== 'network') continue;
    const path = host.resolve(site.value);
    const text = host.readText(path);
    if (text !== undefined) files.push({ uri: host.uriOf(path), text, outline: parseOutline(text) });
  }
  return files;
}

export function definition(text: string, offset: number, host: NavigationHost): Location[] {
  const outline = parseOutline(text);
  const at = nodeAtOffset(outline, offset);
  if (!at) return [];
  // A path string: the file it names.
  const site = outline.paths.find((p) => p.node === at.node);
  if (site && isAbsolute(host.path)) {
    const zero: Position = { line: 0, character: 0 };
    return [{ uri: host.uriOf(host.resolve(site.value)), range: { start: zero, end: zero } }];
  }
  const id = outline.references.some((r) => r.node === at.node) ? String(at.node.value) : undefined;
  if (id === undefined) return [];
  const here = layerById(outline, id);
  if (here) return [layerLocation(host.uri, text, here)];
  for (const file of networkFiles(outline, host)) {
    const there = layerById(file.outline, id);
    if (there) return [layerLocation(file.uri, file.text, there)];
  }
  return [];
}

export function references(text: string, offset: number, includeDeclaration: boolean, host: NavigationHost): Location[] {
  const outline = parseOutline(text);
  const id = idAt(outline, offset) ?? outline.layers.find((l) => !l.idNode && offset >= l.node.offset && offset <= l.node.offset + 1)?.id;
  if (id === undefined) return [];
  const found: Location[] = [];
  const layer = layerById(outline, id);
  if (includeDeclaration && layer) found.push(layerLocation(host.uri, text, layer));
  for (const r of outline.references) if (r.id === id) found.push(location(host.uri, text, r.node.offset, r.node.length));
  return found;
}

/** Links on every path string (network and .npy files), for a spec saved on disk. */
export function documentLinks(text: string, host: NavigationHost): DocumentLink[] {
  if (!isAbsolute(host.path)) return [];
  const lines = new LineIndex(text);
  return parseOutline(text).paths.map((site) => ({
    // Inside the quotes.
    range: lines.range(site.node.offset + 1, Math.max(0, site.node.length - 2)),
    target: pathToFileURL(host.resolve(site.value)).href,
    tooltip: site.target === 'network' ? 'Open the network file' : 'Reveal the .npy file',
  }));
}
