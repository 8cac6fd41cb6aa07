/**
 * The VS Code workbench (served by code-server) as a user drives it: keyboard shortcuts, the
 * command palette, the Problems panel, code lenses, the status bar and webviews. Every step waits
 * on what appears on screen, with a deadline; nothing sleeps for a fixed time.
 */
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';

/** Long enough for a cold extension host and a first prediction on a loaded CI machine. */
export const APPEAR_MS = 90_000;

/** Screenshots are numbered in the order taken, across windows. */
let shots = 0;

export class Workbench {

  constructor(
    readonly page: Page,
    private readonly screenshotDir: string,
  ) {}

  /** Opens `folder` in the workbench and answers the workspace trust prompt. */
  async open(url: string, folder: string, trust: boolean): Promise<void> {
    await this.page.goto(`${url}/?folder=${encodeURIComponent(folder).replace(/%2F/g, '/')}`);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: APPEAR_MS });
    const answer = trust ? 'Yes, I trust the authors' : "No, I don't trust the authors";
    await this.page.getByRole('button', { name: answer }).click({ timeout: APPEAR_MS });
    // Restricted Mode shows a badge in the status bar; trusting removes it.
    const restricted = this.page.locator('.statusbar-item', { hasText: 'Restricted Mode' });
    if (trust) await restricted.waitFor({ state: 'detached', timeout: APPEAR_MS });
    else await restricted.first().waitFor({ timeout: APPEAR_MS });
  }

  /** Saves a full-window screenshot as NN-name.png in the session's folder and returns its path. */
  async screenshot(name: string): Promise<string> {
    shots += 1;
    const path = join(this.screenshotDir, `${String(shots).padStart(2, '0')}-${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /** Runs a command from the palette (F1) by its title, as a user types it. */
  async command(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ timeout: APPEAR_MS });
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ timeout: APPEAR_MS });
    await row.click();
  }

  /** Opens a workspace file with Quick Open (Ctrl+P) and waits for its editor tab to be active. */
  async openFile(relativePath: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ timeout: APPEAR_MS });
    await input.fill(relativePath);
    const name = relativePath.split('/').pop() ?? relativePath;
    // The row whose file name is exactly `name` (the list is refreshed as the filter applies, and
    // the recently opened file may be first for a moment).
    const exact = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const row = this.page.locator('.quick-input-widget .monaco-list-row').filter({ has: this.page.locator('.label-name', { hasText: exact }) }).first();
    await row.click({ timeout: APPEAR_MS });
    await this.activeTab(name).waitFor({ timeout: APPEAR_MS });
    await this.editor().locator('.view-lines').waitFor({ timeout: APPEAR_MS });
  }

  activeTab(name: string): Locator {
    return this.page.locator(`.tab.active[data-resource-name="${name}"]`);
  }

  /** The text editor that has focus in the active editor group. */
  editor(): Locator {
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  /** Puts the cursor at a 1-based line and column with Go to Line/Column (Ctrl+G). */
  async goTo(line: number, column: number): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.press('Control+G');
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ timeout: APPEAR_MS });
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: APPEAR_MS });
  }

  /**
   * Replaces the whole text of the active editor, as a paste would (one edit, no auto-closing of
   * brackets), and saves it with Ctrl+S.
   */
  async replaceTextAndSave(text: string): Promise<void> {
    await this.replaceText(text);
    await this.save();
  }

  async replaceText(text: string): Promise<void> {
    await this.focusEditor();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.insertText(text);
  }

  /** Focuses the text editor in the first (left) editor group, where the spec is open. */
  async focusEditor(): Promise<void> {
    await this.page.keyboard.press('Control+1');
    await this.editor().locator('.view-lines').click();
  }

  async save(): Promise<void> {
    await this.page.keyboard.press('Control+S');
    // A tab with unsaved changes is marked dirty until the save completes.
    await this.page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: APPEAR_MS });
  }

  /** Rows of the Problems panel (opened with Ctrl+Shift+M), as their accessible labels. */
  async openProblems(): Promise<Locator> {
    await this.command('View: Focus Problems');
    const panel = this.page.locator('.markers-panel');
    await panel.waitFor({ timeout: APPEAR_MS });
    return panel.locator('.monaco-list-row');
  }

  /** Code lenses currently shown in the active editor. */
  codeLenses(): Locator {
    return this.editor().locator('.codelens-decoration');
  }

  /** Status bar entries, including the language status of the active editor. */
  statusBar(): Locator {
    return this.page.locator('.part.statusbar');
  }

  /**
   * The language status hover (the `{}` next to the language mode): the items extensions set for
   * the active document. It opens on hover over the status bar entry.
   */
  async languageStatus(): Promise<Locator> {
    await this.statusBar().locator('#status\\.languageStatus').hover();
    const hover = this.page.locator('.monaco-hover .hover-language-status, .hover-language-status').first();
    await hover.waitFor({ timeout: APPEAR_MS });
    return hover;
  }

  /**
   * The document inside a webview panel: VS Code nests it in two iframes (the host frame, then
   * #active-frame with the extension's HTML).
   */
  webview(): FrameLocator {
    return this.page
      .locator('iframe.webview.ready')
      .first()
      .contentFrame()
      .locator('iframe#active-frame')
      .contentFrame();
  }
}
