/**
 * A small fake of the `vscode` module for testing the extension's wiring in Node: the parts the
 * client uses (webview panels, editors, commands, dialogs, language status, workspace edits), each
 * recording what it was asked. Importing this module makes `require('vscode')` return the fake.
 */
import Module from 'node:module';

type Listener<T> = (value: T) => void;

export class EventEmitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>) => {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  };
  fire(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }
}

export class Uri {
  private constructor(
    readonly scheme: string,
    readonly path: string,
  ) {}
  static parse(value: string): Uri {
    const match = /^([a-z][\w+.-]*):(?:\/\/[^/]*)?(.*)$/i.exec(value);
    return match ? new Uri(match[1] as string, decodeURIComponent(match[2] as string)) : new Uri('file', value);
  }
  static file(path: string): Uri {
    return new Uri('file', path);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    const segments = base.path.split('/');
    for (const part of parts.join('/').split('/')) {
      if (part === '..') segments.pop();
      else if (part !== '.' && part !== '') segments.push(part);
    }
    return new Uri(base.scheme, segments.join('/'));
  }
  get fsPath(): string {
    return this.path;
  }
  with(change: { path?: string }): Uri {
    return new Uri(this.scheme, change.path ?? this.path);
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

export class Position {
  constructor(
    readonly line: number,
    readonly character: number,
  ) {}
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(a: number | Position, b: number | Position, c?: number, d?: number) {
    this.start = a instanceof Position ? a : new Position(a, b as number);
    this.end = b instanceof Position ? b : new Position(c as number, d as number);
  }
}

export class WorkspaceEdit {
  readonly replacements: { uri: Uri; range: Range; text: string }[] = [];
  replace(uri: Uri, range: Range, text: string): void {
    this.replacements.push({ uri, range, text });
  }
}

export const ViewColumn = { Active: -1, Beside: -2, One: 1, Two: 2 } as const;
export const LanguageStatusSeverity = { Information: 0, Warning: 1, Error: 2 } as const;
export const DiagnosticSeverity = { Error: 0, Warning: 1, Information: 2, Hint: 3 } as const;
export const ProgressLocation = { SourceControl: 1, Window: 10, Notification: 15 } as const;

/** A text document held in memory (offsets <-> positions for edits). */
export class FakeDocument {
  version = 1;
  constructor(
    readonly uri: Uri,
    public text: string,
    readonly languageId = 'rainbow-json',
  ) {}
  getText(): string {
    return this.text;
  }
  positionAt(offset: number): Position {
    const before = this.text.slice(0, offset).split('\n');
    return new Position(before.length - 1, (before[before.length - 1] as string).length);
  }
  offsetAt(position: Position): number {
    const lines = this.text.split('\n');
    let offset = 0;
    for (let i = 0; i < position.line; i++) offset += (lines[i] as string).length + 1;
    return offset + position.character;
  }
}

export class FakeWebviewPanel {
  readonly messages = new EventEmitter<unknown>();
  readonly disposed = new EventEmitter<void>();
  readonly viewState = new EventEmitter<{ webviewPanel: FakeWebviewPanel }>();
  readonly posted: { type: string; [key: string]: unknown }[] = [];
  title: string;
  iconPath: unknown;
  active = true;
  visible = true;
  isDisposed = false;
  revealed: unknown[] = [];
  readonly webview = {
    html: '',
    options: {} as Record<string, unknown>,
    cspSource: 'https://webview.test',
    asWebviewUri: (uri: Uri) => uri,
    postMessage: async (message: { type: string }) => {
      this.posted.push(JSON.parse(JSON.stringify(message)));
      return true;
    },
    onDidReceiveMessage: this.messages.event,
  };
  readonly onDidDispose = this.disposed.event;
  readonly onDidChangeViewState = this.viewState.event;

  constructor(
    readonly viewType: string,
    title: string,
    readonly showOptions: unknown,
    readonly options: Record<string, unknown>,
  ) {
    this.title = title;
  }
  get viewColumn(): number {
    return 1;
  }
  reveal(column?: number): void {
    this.revealed.push(column);
  }
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.disposed.fire();
  }
  /** The page sends a message to the extension. */
  fromPage(message: unknown): void {
    this.messages.fire(message);
  }
  sent(type: string): { type: string; [key: string]: unknown }[] {
    return this.posted.filter((m) => m.type === type);
  }
}

export interface FakeStatusItem {
  id: string;
  selector: unknown;
  name?: string;
  text: string;
  detail?: string;
  busy: boolean;
  severity: number;
  command?: { command: string; arguments?: unknown[] };
  dispose(): void;
}

/** Everything the fake recorded, and the answers it will give; reset() between tests. */
export const fake = {
  panels: [] as FakeWebviewPanel[],
  documents: new Map<string, FakeDocument>(),
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  executed: [] as { command: string; args: unknown[] }[],
  information: [] as string[],
  errors: [] as string[],
  saveDialogAnswer: undefined as Uri | undefined,
  quickPickAnswer: undefined as unknown,
  written: new Map<string, Uint8Array>(),
  shown: [] as { uri: Uri; options: unknown }[],
  statusItems: [] as FakeStatusItem[],
  diagnostics: new Map<string, { severity: number; range: Range }[]>(),
  activeEditor: new EventEmitter<{ document: FakeDocument } | undefined>(),
  textChanges: new EventEmitter<unknown>(),
  trustGranted: new EventEmitter<void>(),
  trusted: true,
  activeTextEditor: undefined as { document: FakeDocument } | undefined,
  reset(): void {
    this.panels.length = 0;
    this.documents.clear();
    this.commands.clear();
    this.executed.length = 0;
    this.information.length = 0;
    this.errors.length = 0;
    this.saveDialogAnswer = undefined;
    this.quickPickAnswer = undefined;
    this.written.clear();
    this.shown.length = 0;
    this.statusItems.length = 0;
    this.diagnostics.clear();
    this.trusted = true;
    this.activeTextEditor = undefined;
  },
  /** Makes `document` the active editor's and tells the listeners. */
  focus(document: FakeDocument | undefined): void {
    this.activeTextEditor = document ? { document } : undefined;
    this.activeEditor.fire(this.activeTextEditor);
  },
};

const vscode = {
  Uri,
  Position,
  Range,
  WorkspaceEdit,
  EventEmitter,
  ViewColumn,
  LanguageStatusSeverity,
  DiagnosticSeverity,
  ProgressLocation,
  window: {
    createWebviewPanel(viewType: string, title: string, showOptions: unknown, options: Record<string, unknown>) {
      const panel = new FakeWebviewPanel(viewType, title, showOptions, options);
      fake.panels.push(panel);
      return panel;
    },
    registerWebviewPanelSerializer: () => ({ dispose() {} }),
    get activeTextEditor() {
      return fake.activeTextEditor;
    },
    onDidChangeActiveTextEditor: fake.activeEditor.event,
    showInformationMessage: async (message: string) => void fake.information.push(message),
    showErrorMessage: async (message: string) => void fake.errors.push(message),
    showSaveDialog: async () => fake.saveDialogAnswer,
    showQuickPick: async () => fake.quickPickAnswer,
    withProgress: async <T>(_options: unknown, task: (progress: unknown, token: unknown) => Promise<T>) => task({ report() {} }, { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) }),
    showTextDocument: async (uri: Uri, options: unknown) => void fake.shown.push({ uri, options }),
  },
  workspace: {
    get isTrusted() {
      return fake.trusted;
    },
    workspaceFolders: undefined,
    fs: { writeFile: async (uri: Uri, bytes: Uint8Array) => void fake.written.set(uri.toString(), bytes) },
    openTextDocument: async (uri: Uri) => {
      const document = fake.documents.get(uri.toString());
      if (!document) throw new Error(`no document ${uri.toString()}`);
      return document;
    },
    applyEdit: async (edit: WorkspaceEdit) => {
      // Applied back to front, as VS Code applies non-overlapping edits.
      const sorted = [...edit.replacements].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
      for (const r of sorted) {
        const document = fake.documents.get(r.uri.toString());
        if (!document) return false;
        document.text = document.text.slice(0, document.offsetAt(r.range.start)) + r.text + document.text.slice(document.offsetAt(r.range.end));
        document.version++;
      }
      return true;
    },
    onDidChangeTextDocument: fake.textChanges.event,
    onDidGrantWorkspaceTrust: fake.trustGranted.event,
  },
  commands: {
    registerCommand(name: string, run: (...args: unknown[]) => unknown) {
      fake.commands.set(name, run);
      return { dispose: () => fake.commands.delete(name) };
    },
    async executeCommand(command: string, ...args: unknown[]) {
      fake.executed.push({ command, args });
      return fake.commands.get(command)?.(...args);
    },
  },
  languages: {
    createLanguageStatusItem(id: string, selector: unknown): FakeStatusItem {
      const item: FakeStatusItem = { id, selector, text: '', busy: false, severity: 0, dispose() {} };
      fake.statusItems.push(item);
      return item;
    },
    getDiagnostics: (uri: Uri) => fake.diagnostics.get(uri.toString()) ?? [],
  },
};

// `require('vscode')` (the client's `import * as vscode from 'vscode'`) gets the fake.
const loader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
const original = loader._load;
loader._load = function (request: string, parent: unknown, isMain: boolean) {
  return request === 'vscode' ? vscode : original.call(this, request, parent, isMain);
};
