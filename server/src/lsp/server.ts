/**
 * The language server: the only module that imports vscode-languageserver. It wires LSP messages to
 * the small modules beside it (documents and validation, the JSON service, navigation, quick fixes,
 * the compute runner) and owns nothing else: no engine call happens here.
 *
 * Started by `rainbow lsp --stdio` (cli.ts) or by the extension's bundle (main.ts). Transport from
 * the command line (--stdio, --node-ipc, --socket=N), as every vscode-languageserver server.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  CompletionItemKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  MessageType,
  ProposedFeatures,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  WorkDoneProgress,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CANCEL_NOTIFICATION,
  DEFAULT_SETTINGS,
  PREDICTION_NOTIFICATION,
  SIMULATE_REQUEST,
  type CancelParams,
  type InitializationOptions,
  type PredictionNotification,
  type RainbowSettings,
  type SimulateParams,
  type SimulateResult,
} from '../protocol';
import { codeLenses } from './codeLens';
import { extraCompletions } from './completion';
import { definition, documentLinks, references, type NavigationHost } from './navigation';
import { quickFixes } from './quickFixes';
import { isSpecDocument, SpecDocuments, uriToPath } from './documents';
import { computedHover, mergeHover } from './hover';
import { inlayHints } from './inlayHints';
import { Predictions, type ProgressHandle } from './predictions';
import { Runner } from './runner';
import { documentSymbols } from './symbols';
import { jsonDocument, jsonService, forgetJsonDocument } from './jsonService';
import { readSettings } from './settings';
import { nestsDeeperThan } from './specTree';

export function startServer(): Connection {
  const connection = createConnection(ProposedFeatures.all);
  const textDocuments = new TextDocuments(TextDocument);
  let settings: RainbowSettings = DEFAULT_SETTINGS;
  let trusted = true;
  let roots: string[] = [];
  let canPullConfiguration = false;
  let canWatchFiles = false;
  let canTrackFolders = false;

  let canShowProgress = false;
  let canRefreshLenses = false;
  let canRefreshHints = false;

  const documents = new SpecDocuments(
    {
      publish: (uri, diagnostics, version) => void connection.sendDiagnostics({ uri, diagnostics, ...(version === undefined ? {} : { version }) }),
      validated: (uri) => predictions.onEvent(uri, 'change'),
    },
    settings,
    access(),
  );
  // Plain window/showMessage notifications: every client shows them, none has to answer.
  const show = (type: MessageType, message: string): void => void connection.sendNotification(ShowMessageNotification.type, { type, message });
  const runner = new Runner({ crashed: (message) => show(MessageType.Error, `Rainbow Lab: ${message}; a new compute worker was started.`) });
  const refreshLensesAndHints = (): void => {
    if (canRefreshLenses) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    if (canRefreshHints) void connection.languages.inlayHint.refresh().catch(() => undefined);
  };
  const predictions = new Predictions(documents, runner, {
    notify: (n: PredictionNotification) => void connection.sendNotification(PREDICTION_NOTIFICATION, n),
    beginProgress: async (title) => (canShowProgress ? progressHandle(await connection.window.createWorkDoneProgress(), title) : undefined),
    refresh: refreshLensesAndHints,
    warn: (message) => show(MessageType.Warning, message),
  });

  function progressHandle(reporter: Awaited<ReturnType<typeof connection.window.createWorkDoneProgress>>, title: string): ProgressHandle {
    reporter.begin(title, 0, undefined, true);
    return {
      report: (fraction, message) => reporter.report(Math.round(fraction * 100), message),
      done: () => reporter.done(),
      onCancel: (listener) => void reporter.token.onCancellationRequested(listener),
    };
  }

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
    refreshLensesAndHints();
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const init = (params.initializationOptions ?? {}) as Partial<InitializationOptions> & { settings?: unknown; rainbow?: unknown };
    // Other editors know nothing of workspace trust: absent means trusted, as for any tool they run.
    trusted = init.trusted !== false;
    // Clients without workspace/configuration may pass the settings here (Helix sends its `config`).
    const initial = init.settings ?? init.rainbow;
    if (initial !== undefined) settings = readSettings(initial);
    roots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri));
    if (roots.length === 0 && params.rootUri) roots = [uriToPath(params.rootUri)];
    canPullConfiguration = params.capabilities.workspace?.configuration === true;
    canWatchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    canTrackFolders = params.capabilities.workspace?.workspaceFolders === true;
    canShowProgress = params.capabilities.window?.workDoneProgress === true;
    canRefreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    canRefreshHints = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
    documents.settings = settings;
    documents.access = access();
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        completionProvider: { triggerCharacters: ['"', ':', '/', '.'], resolveProvider: false },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentLinkProvider: { resolveProvider: false },
        documentSymbolProvider: true,
        foldingRangeProvider: true,
        selectionRangeProvider: true,
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        codeLensProvider: { resolveProvider: false },
        inlayHintProvider: true,
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
    // Compile the engine in the workers while the user reads the file (only where it may compute).
    if (trusted) runner.warmUp();
  });
  connection.onShutdown(() => runner.dispose());

  connection.onDidChangeConfiguration((change) => void refreshSettings((change.settings as { rainbow?: unknown } | undefined)?.rainbow));
  connection.onDidChangeWatchedFiles((e) => {
    // Created, changed or deleted: a spec that names the file gets a new verdict either way.
    for (const change of e.changes) documents.fileChanged(uriToPath(change.uri));
  });

  textDocuments.onDidOpen((e) => {
    if (!isSpecDocument(e.document)) return;
    documents.open(e.document);
    predictions.onEvent(e.document.uri, 'open');
  });
  textDocuments.onDidSave((e) => documents.get(e.document.uri) && predictions.onEvent(e.document.uri, 'save'));
  textDocuments.onDidChangeContent((e) => documents.get(e.document.uri) && documents.change(e.document));
  textDocuments.onDidClose((e) => {
    forgetJsonDocument(e.document.uri);
    depthChecked.delete(e.document.uri);
    predictions.forget(e.document.uri);
    documents.close(e.document.uri);
  });

  // Documents the editing features work on: ours, and not nested deeper than their parsers can
  // recurse (the validator reports such a text; see specTree.ts).
  const depthChecked = new Map<string, { version: number; tooDeep: boolean }>();
  const specDocument = (uri: string): TextDocument | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    let checked = depthChecked.get(uri);
    if (checked?.version !== doc.version) depthChecked.set(uri, (checked = { version: doc.version, tooDeep: nestsDeeperThan(doc.getText()) }));
    return checked.tooDeep ? undefined : doc;
  };

  connection.onCompletion(async (params) => {
    const doc = specDocument(params.textDocument.uri);
    if (!doc) return null;
    const offset = doc.offsetAt(params.position);
    const extra = extraCompletions(doc, offset, { listFiles: trusted, path: documents.pathOf(doc.uri) });
    // A layer-id or path value has nothing from the schema: ours alone.
    if (extra.length > 0 && extra.every((i) => i.kind !== CompletionItemKind.Snippet)) return { isIncomplete: false, items: extra };
    const list = await jsonService().doComplete(doc, params.position, jsonDocument(doc));
    return { isIncomplete: list?.isIncomplete ?? false, items: [...(list?.items ?? []), ...extra] };
  });
  const navigationHost = (uri: string): NavigationHost => {
    const path = documents.pathOf(uri);
    return {
      path,
      uri,
      resolve: (relative) => resolvePath(dirname(path), relative),
      readText: (p) => documents.readText(p),
      uriOf: (p) => documents.uriOf(p),
    };
  };
  connection.onDefinition((params) => {
    const doc = specDocument(params.textDocument.uri);
    return doc ? definition(doc.getText(), doc.offsetAt(params.position), navigationHost(doc.uri)) : null;
  });
  connection.onReferences((params) => {
    const doc = specDocument(params.textDocument.uri);
    return doc ? references(doc.getText(), doc.offsetAt(params.position), params.context.includeDeclaration, navigationHost(doc.uri)) : null;
  });
  connection.onDocumentLinks((params) => {
    const doc = specDocument(params.textDocument.uri);
    return doc ? documentLinks(doc.getText(), navigationHost(doc.uri)) : null;
  });
  connection.onCodeAction((params) => {
    const doc = specDocument(params.textDocument.uri);
    return doc ? quickFixes(doc, params.context.diagnostics) : null;
  });
  connection.onHover(async (params) => {
    const doc = specDocument(params.textDocument.uri);
    if (!doc) return null;
    const schema = await jsonService().doHover(doc, params.position, jsonDocument(doc));
    return mergeHover(schema, computedHover(doc, doc.offsetAt(params.position), predictions.current(doc.uri)));
  });
  connection.onCodeLens((params) => {
    const doc = specDocument(params.textDocument.uri);
    if (!doc || !settings.codeLens || !trusted || settings.predict === 'off') return null;
    const result = predictions.latest(doc.uri);
    return codeLenses(doc.uri, doc.getText(), result, predictions.runState(doc.uri), result !== undefined && result.text !== doc.getText());
  });
  connection.languages.inlayHint.on((params) => {
    const doc = specDocument(params.textDocument.uri);
    if (!doc || !settings.inlayHints) return null;
    return inlayHints(doc, params.range, predictions.current(doc.uri));
  });
  connection.onRequest(SIMULATE_REQUEST, async (params: SimulateParams, token): Promise<SimulateResult> => {
    const progressToken = params.workDoneToken;
    if (progressToken !== undefined) void connection.sendProgress(WorkDoneProgress.type, progressToken, { kind: 'begin', title: 'Simulating', cancellable: true, percentage: 0 });
    const result = await predictions.simulate(params, (listener) => void token.onCancellationRequested(listener), (fraction, message) => {
      if (progressToken !== undefined) void connection.sendProgress(WorkDoneProgress.type, progressToken, { kind: 'report', percentage: Math.round(fraction * 100), message });
    });
    if (progressToken !== undefined) void connection.sendProgress(WorkDoneProgress.type, progressToken, { kind: 'end', message: result.status });
    return result;
  });
  connection.onNotification(CANCEL_NOTIFICATION, (params: CancelParams) => predictions.stop(params.uri));
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
