/**
 * The language server: the only module that imports vscode-languageserver. It wires LSP messages to
 * the small modules beside it (documents and validation, the JSON service, navigation, quick fixes,
 * the compute runner) and owns nothing else: no engine call happens here.
 *
 * Started by `rainbow lsp --stdio` (cli.ts) or by the extension's bundle (main.ts). Transport from
 * the command line (--stdio, --node-ipc, --socket=N), as every vscode-languageserver server.
 */
import {
  CodeActionKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { DEFAULT_SETTINGS, type InitializationOptions, type RainbowSettings } from '../protocol';
import { isSpecUri, SpecDocuments, uriToPath } from './documents';
import { documentSymbols } from './symbols';
import { jsonDocument, jsonService, forgetJsonDocument } from './jsonService';
import { readSettings } from './settings';

export interface ServerOptions {
  /** For tests: a connection over given streams instead of the command line's transport. */
  connection?: Connection;
}

export function startServer(options: ServerOptions = {}): Connection {
  const connection = options.connection ?? createConnection(ProposedFeatures.all);
  const textDocuments = new TextDocuments(TextDocument);
  let settings: RainbowSettings = DEFAULT_SETTINGS;
  let trusted = true;
  let roots: string[] = [];
  let canPullConfiguration = false;
  let canWatchFiles = false;
  let canTrackFolders = false;

  const documents = new SpecDocuments(
    {
      publish: (uri, diagnostics, version) => void connection.sendDiagnostics({ uri, diagnostics, ...(version === undefined ? {} : { version }) }),
    },
    settings,
    access(),
  );

  function access() {
    return { trusted, roots, allowOutside: settings.allowFilesOutsideWorkspace, maxBytes: settings.maxFileSizeMiB * 2 ** 20 };
  }

  async function refreshSettings(pushed?: unknown): Promise<void> {
    const raw = canPullConfiguration ? await connection.workspace.getConfiguration('rainbow').catch(() => undefined) : pushed;
    const next = readSettings(raw);
    if (JSON.stringify(next) === JSON.stringify(settings)) return;
    settings = next;
    documents.settings = settings;
    documents.access = access();
    documents.revalidateAll();
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const init = (params.initializationOptions ?? {}) as Partial<InitializationOptions> & { settings?: unknown };
    // Other editors know nothing of workspace trust: absent means trusted, as for any tool they run.
    trusted = init.trusted !== false;
    if (init.settings !== undefined) settings = readSettings(init.settings);
    roots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
    if (roots.length === 0 && params.rootUri) roots = [uriToPath(params.rootUri)];
    canPullConfiguration = params.capabilities.workspace?.configuration === true;
    canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    canTrackFolders = params.capabilities.workspace?.workspaceFolders === true;
    documents.settings = settings;
    documents.access = access();
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        completionProvider: { triggerCharacters: ['"', ':', '/', '.'], resolveProvider: false },
        hoverProvider: true,
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        selectionRangeProvider: true,
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'rainbow-lab' },
    };
  });

  connection.onInitialized(() => {
    if (canPullConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'rainbow' }).catch(() => undefined);
    if (canWatchFiles) {
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.rainbow.json' }, { globPattern: '**/*.npy' }] })
        .catch(() => undefined);
    }
    if (canTrackFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
        roots = [...roots.filter((r) => !removed.has(r)), ...e.added.map((f) => uriToPath(f.uri))];
        documents.access = access();
        documents.revalidateAll();
      });
    }
    void refreshSettings();
  });

  connection.onDidChangeConfiguration((change) => void refreshSettings((change.settings as { rainbow?: unknown } | undefined)?.rainbow));
  connection.onDidChangeWatchedFiles((e) => {
    // Created, changed or deleted: a spec that names the file gets a new verdict either way.
    for (const change of e.changes) documents.fileChanged(uriToPath(change.uri));
  });

  textDocuments.onDidOpen((e) => isSpecUri(e.document.uri) && documents.open(e.document));
  textDocuments.onDidChangeContent((e) => isSpecUri(e.document.uri) && documents.change(e.document));
  textDocuments.onDidClose((e) => {
    forgetJsonDocument(e.document.uri);
    documents.close(e.document.uri);
  });

  const specDocument = (uri: string): TextDocument | undefined => (isSpecUri(uri) ? documents.get(uri) : undefined);

  connection.onCompletion(async (params) => {
    const doc = specDocument(params.textDocument.uri);
    if (!doc) return null;
    return jsonService().doComplete(doc, params.position, jsonDocument(doc));
  });
  connection.onHover(async (params) => {
    const doc = specDocument(params.textDocument.uri);
    if (!doc) return null;
    return jsonService().doHover(doc, params.position, jsonDocument(doc));
  });
  connection.onDocumentSymbol((params) => {
    const doc = specDocument(params.textDocument.uri);
    return doc ? documentSymbols(doc, jsonDocument(doc)) : null;
  });
  connection.onFoldingRanges((params) => {
    const doc = specDocument(params.textDocument.uri);
    return doc ? jsonService().getFoldingRanges(doc) : null;
  });
  connection.onSelectionRanges((params) => {
    const doc = specDocument(params.textDocument.uri);
    return doc ? jsonService().getSelectionRanges(doc, params.positions, jsonDocument(doc)) : null;
  });
  connection.onDocumentFormatting((params) => {
    const doc = specDocument(params.textDocument.uri);
    return doc ? jsonService().format(doc, undefined, params.options) : null;
  });
  connection.onDocumentRangeFormatting((params) => {
    const doc = specDocument(params.textDocument.uri);
    return doc ? jsonService().format(doc, params.range, params.options) : null;
  });

  textDocuments.listen(connection);
  connection.listen();
  return connection;
}
