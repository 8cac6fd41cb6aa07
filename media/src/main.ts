/**
 * The preview page's entry (bundled to media/dist/preview.js): builds the page, restores its state
 * and routes the extension's messages to it. Sends 'ready' once listening, so that the extension
 * (re)sends the current result after every load, including after the panel was hidden or restored.
 */
import type { ToWebview } from '../../server/src/protocol';
import { PreviewApp } from './app';
import { vscodeApi } from './vscodeApi';

const root = document.getElementById('app');
if (root) {
  const vscode = vscodeApi();
  const app = new PreviewApp(root, vscode);
  // The charts, for inspection from the developer tools and by the browser and end-to-end tests.
  (window as unknown as { rainbowPreview: unknown }).rainbowPreview = { charts: app.charts };
  window.addEventListener('message', (event: MessageEvent<ToWebview>) => app.receive(event.data));
  vscode.postMessage({ type: 'ready' });
}
