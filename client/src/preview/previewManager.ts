/**
 * The preview panels, modelled on VS Code's Markdown preview: at most one dynamic preview follows
 * the active spec editor; locked previews stay on their spec; panels are restored after a window
 * reload by the WebviewPanelSerializer from the state the page saved (setState).
 */
import * as vscode from 'vscode';
import type { SimulationJson } from '../../../server/src/protocol';
import { PREVIEW_VIEW_TYPE, PreviewPanel, restoredState, webviewOptions, type PreviewHost } from './previewPanel';

/** What the manager's panels need, minus the panel bookkeeping the manager does itself. */
export type PreviewServices = Omit<PreviewHost, 'toggleLock' | 'focused' | 'disposed'>;

export function isSpecUri(uri: vscode.Uri): boolean {
  return uri.path.endsWith('.rainbow.json');
}

export class PreviewManager implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private dynamic: PreviewPanel | undefined;
  private readonly locked = new Set<PreviewPanel>();
  private active: PreviewPanel | undefined;
  private readonly host: PreviewHost;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(services: PreviewServices) {
    this.host = {
      ...services,
      extensionUri: services.extensionUri,
      store: services.store,
      toggleLock: (panel) => this.toggleLock(panel),
      focused: (panel) => (this.active = panel),
      disposed: (panel) => this.forget(panel),
    };
    this.subscriptions.push(
      services.store.onDidChange((uri) => this.refresh(uri)),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor && isSpecUri(editor.document.uri)) this.dynamic?.setResource(editor.document.uri);
      }),
    );
  }

  /** Opens (or reveals) a preview of `uri`: beside the editor, or in the editor's own column. */
  open(uri: vscode.Uri, options: { toSide: boolean; locked?: boolean }): PreviewPanel {
    const existing = this.find(uri, options.locked === true);
    if (existing) {
      existing.reveal(options.toSide);
      this.active = existing;
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      PREVIEW_VIEW_TYPE,
      'Preview',
      { viewColumn: options.toSide ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active, preserveFocus: options.toSide },
      webviewOptions(this.host.extensionUri),
    );
    return this.adopt(panel, uri, options.locked === true);
  }

  /** WebviewPanelSerializer: a preview that was open before a window reload comes back. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const restored = restoredState(state);
    if (!restored) {
      panel.dispose();
      return;
    }
    this.adopt(panel, vscode.Uri.parse(restored.uri), restored.locked);
  }

  /** The preview last focused (the target of Export commands), or the only one open. */
  activePreview(): PreviewPanel | undefined {
    if (this.active) return this.active;
    const all = this.panels();
    return all.length === 1 ? all[0] : undefined;
  }

  panels(): PreviewPanel[] {
    return [...(this.dynamic ? [this.dynamic] : []), ...this.locked];
  }

  /** After Run Simulation: the dots go to every panel showing that spec. */
  showSimulation(uri: string, version: number, simulation: SimulationJson): void {
    for (const panel of this.panels()) if (panel.resource.toString() === uri) panel.showSimulation(version, simulation);
  }

  dispose(): void {
    for (const panel of this.panels()) panel.panel.dispose();
    for (const s of this.subscriptions.splice(0)) s.dispose();
  }

  private adopt(panel: vscode.WebviewPanel, uri: vscode.Uri, locked: boolean): PreviewPanel {
    const preview = new PreviewPanel(panel, uri, locked, this.host);
    if (locked) this.locked.add(preview);
    else {
      // One dynamic preview at a time, like the Markdown preview.
      const previous = this.dynamic;
      this.dynamic = preview;
      previous?.panel.dispose();
    }
    this.active = preview;
    this.announce();
    return preview;
  }

  /** Context key for menus: whether any preview is open (Export commands in the palette). */
  private announce(): void {
    void vscode.commands.executeCommand('setContext', 'rainbow.previewOpen', this.panels().length > 0);
  }

  private find(uri: vscode.Uri, locked: boolean): PreviewPanel | undefined {
    if (!locked) return this.dynamic ? (this.dynamic.setResource(uri), this.dynamic) : undefined;
    for (const panel of this.locked) if (panel.resource.toString() === uri.toString()) return panel;
    return undefined;
  }

  private toggleLock(panel: PreviewPanel): void {
    if (panel === this.dynamic) {
      this.dynamic = undefined;
      this.locked.add(panel);
      panel.setLocked(true);
    } else if (this.locked.delete(panel)) {
      const previous = this.dynamic;
      this.dynamic = panel;
      panel.setLocked(false);
      previous?.panel.dispose();
      const editor = vscode.window.activeTextEditor;
      if (editor && isSpecUri(editor.document.uri)) panel.setResource(editor.document.uri);
    }
  }

  private forget(panel: PreviewPanel): void {
    if (this.dynamic === panel) this.dynamic = undefined;
    this.locked.delete(panel);
    if (this.active === panel) this.active = undefined;
    this.announce();
  }

  private refresh(uri: string): void {
    for (const panel of this.panels()) if (panel.resource.toString() === uri) panel.update();
  }
}
