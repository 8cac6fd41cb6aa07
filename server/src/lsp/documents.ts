/**
 * The open `.rainbow.json` documents and what the server knows about each: its latest validation
 * (debounced per document; stale results never published), the files it depends on, and the
 * problems of its latest prediction. Diagnostics are published per file: a network file shows its
 * own problems and those found through every open experiment that uses it.
 */
import { pathToFileURL, fileURLToPath } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { MAX_TEXT_FILE_BYTES, START_OF_FILE, type OverlayDocument, type Problem, type SpecHost } from '../core';
import type { RainbowSettings } from '../protocol';
import { dedupe, toDiagnostic, validateSpec, type Validation } from './diagnostics';
import { diskHost, editorHost, type FileAccess } from './overlay';

/**
 * A document is ours if its name ends in .rainbow.json (whatever language id the client gave it),
 * or if the client says it is `rainbow-json` (an untitled editor, a file named otherwise).
 */
export function isSpecDocument(doc: { uri: string; languageId: string }): boolean {
  return doc.languageId === 'rainbow-json' || /\.rainbow\.json$/i.test(doc.uri.split(/[?#]/)[0] ?? doc.uri);
}

/** The file path of a document, or the URI itself for documents that are not files (untitled). */
export function uriToPath(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return fileURLToPath(uri);
  } catch {
    return uri;
  }
}

interface DocumentState {
  doc: TextDocument;
  path: string;
  timer?: NodeJS.Timeout;
  /** The latest validation and the version it is of. */
  validated?: { version: number; validation: Validation; ms: number };
  /** Problems of the latest finished prediction (numerics, validity) and the version they are of. */
  predicted?: { version: number; problems: Problem[] };
}

export interface DocumentsOptions {
  publish(uri: string, diagnostics: Diagnostic[], version?: number): void;
  /** After a document's validation is published (the runner uses it for 'onChange'). */
  validated?(uri: string, version: number, validation: Validation): void;
}

export class SpecDocuments {
  private readonly states = new Map<string, DocumentState>();
  /** URIs that had diagnostics at the last publish, so that fixed files are cleared. */
  private readonly shown = new Set<string>();
  settings: RainbowSettings;
  private fileAccess: FileAccess;
  /** The disk host of the current access policy, with its .npy cache. */
  private disk: SpecHost;

  constructor(
    private readonly options: DocumentsOptions,
    settings: RainbowSettings,
    access: FileAccess,
  ) {
    this.settings = settings;
    this.fileAccess = access;
    this.disk = diskHost(access);
  }

  get access(): FileAccess {
    return this.fileAccess;
  }

  set access(access: FileAccess) {
    if (JSON.stringify(access) === JSON.stringify(this.fileAccess)) return;
    this.fileAccess = access;
    this.disk = diskHost(access);
  }

  get(uri: string): TextDocument | undefined {
    return this.states.get(uri)?.doc;
  }

  pathOf(uri: string): string {
    return this.states.get(uri)?.path ?? uriToPath(uri);
  }

  /** The URI of a path: the open document's own URI if it is open (clients encode URIs differently). */
  uriOf(path: string): string {
    for (const [uri, s] of this.states) if (s.path === path) return uri;
    return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) ? pathToFileURL(path).href : path;
  }

  all(): TextDocument[] {
    return [...this.states.values()].map((s) => s.doc);
  }

  /** Unsaved text of every open document, by path: what the engine reads instead of the disk. */
  overlay(): Map<string, OverlayDocument> {
    return new Map([...this.states.values()].map((s) => [s.path, { text: s.doc.getText(), version: s.doc.version }]));
  }

  /** Text of a file for navigation: the open document, or the disk within the access policy. */
  readText(path: string): string | undefined {
    for (const s of this.states.values()) if (s.path === path) return s.doc.getText();
    if (!this.fileAccess.trusted || (this.disk.mayRead && !this.disk.mayRead(path))) return undefined;
    const info = this.disk.stat(path);
    if (info.kind !== 'file' || info.size > Math.min(MAX_TEXT_FILE_BYTES, this.fileAccess.maxBytes)) return undefined;
    const content = this.disk.readText(path, info.size);
    return content?.ok ? content.text : undefined;
  }

  open(doc: TextDocument): void {
    this.states.set(doc.uri, { doc, path: uriToPath(doc.uri) });
    this.validateNow(doc.uri);
    this.scheduleDependents(this.pathOf(doc.uri), doc.uri);
  }

  change(doc: TextDocument): void {
    const state = this.states.get(doc.uri);
    if (!state) return this.open(doc);
    state.doc = doc;
    this.schedule(doc.uri);
    this.scheduleDependents(state.path, doc.uri);
  }

  close(uri: string): void {
    const state = this.states.get(uri);
    if (!state) return;
    clearTimeout(state.timer);
    this.states.delete(uri);
    // Its own diagnostics go; the files it reached lose the problems found through it.
    this.publishFiles(new Set([state.path, ...(state.validated?.validation.dependencies ?? [])]));
    this.scheduleDependents(state.path, uri);
  }

  /** A file changed on disk (saved elsewhere, a .npy rewritten): re-validate every spec using it. */
  fileChanged(path: string): void {
    this.scheduleDependents(path);
  }

  /** Re-validate everything (settings or trust changed). */
  revalidateAll(): void {
    for (const uri of this.states.keys()) this.schedule(uri, 0);
  }

  latest(uri: string): DocumentState['validated'] {
    return this.states.get(uri)?.validated;
  }

  /** The validation of the current text: the cached one if it is current, else computed now. */
  current(uri: string): Validation | undefined {
    const state = this.states.get(uri);
    if (!state) return undefined;
    if (state.validated?.version === state.doc.version) return state.validated.validation;
    return this.validateNow(uri);
  }

  setPredictionProblems(uri: string, version: number, problems: Problem[]): void {
    const state = this.states.get(uri);
    if (!state) return;
    state.predicted = { version, problems };
    this.publishFiles(new Set([state.path, ...problems.map((p) => p.file)]));
  }

  private schedule(uri: string, delay = this.settings.debounceMs): void {
    const state = this.states.get(uri);
    if (!state) return;
    clearTimeout(state.timer);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      this.validateNow(uri);
    }, delay);
  }

  private scheduleDependents(path: string, except?: string): void {
    for (const [uri, s] of this.states) {
      if (uri !== except && s.validated?.validation.dependencies.has(path)) this.schedule(uri);
    }
  }

  private validateNow(uri: string): Validation | undefined {
    const state = this.states.get(uri);
    if (!state) return undefined;
    clearTimeout(state.timer);
    state.timer = undefined;
    const version = state.doc.version;
    const started = performance.now();
    const { host, requested } = editorHost(this.disk, this.overlay());
    let validation: Validation;
    try {
      validation = validateSpec(state.doc.getText(), state.path, host, requested, this.fileAccess);
    } catch (error) {
      // A bug in the engine, not a user mistake: said once, at the top of the file, and the server
      // keeps serving (the next edit is validated afresh).
      const message = `internal error while validating (please report it): ${(error as Error).message}`;
      validation = { problems: [{ code: 'internal/error', severity: 'error', message, file: state.path, range: START_OF_FILE }], dependencies: new Set(requested), loaded: { problems: [], documents: new Map() } };
    }
    const before = state.validated?.validation;
    state.validated = { version, validation, ms: performance.now() - started };
    const files = new Set<string>([state.path, ...validation.problems.map((p) => p.file)]);
    for (const p of before?.problems ?? []) files.add(p.file);
    this.publishFiles(files);
    this.options.validated?.(uri, version, validation);
    return validation;
  }

  /** Problems of a file from every source: its own validation, every open spec's, predictions. */
  private problemsOf(path: string): Problem[] {
    const all: Problem[] = [];
    for (const s of this.states.values()) {
      for (const p of s.validated?.validation.problems ?? []) if (p.file === path) all.push(p);
      // A prediction's problems hold while the text is the one predicted.
      if (s.predicted && s.predicted.version === s.doc.version) for (const p of s.predicted.problems) if (p.file === path) all.push(p);
    }
    return dedupe(all);
  }

  private publishFiles(paths: Set<string>): void {
    for (const path of paths) {
      const uri = this.uriOf(path);
      const problems = this.problemsOf(path);
      // An open document always gets its verdict (an empty list says "checked, fine").
      if (problems.length === 0 && !this.shown.has(uri) && !this.states.has(uri)) continue;
      if (problems.length > 0) this.shown.add(uri);
      else this.shown.delete(uri);
      const state = this.states.get(uri);
      this.options.publish(uri, problems.map(toDiagnostic), state?.doc.version);
    }
  }
}
