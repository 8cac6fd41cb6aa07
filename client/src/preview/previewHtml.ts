/**
 * The preview page's HTML: a strict Content Security Policy (nothing inline but the one nonce'd
 * script tag, resources only from the webview's own origin for media/, no eval) and the skeleton
 * that media/src fills in. No vscode import so that the browser tests serve exactly this page.
 */
import { randomBytes } from 'node:crypto';

export interface PreviewHtmlOptions {
  /** `webview.cspSource`: the origin the page may load media/ resources from. */
  cspSource: string;
  /** Random per page load; only scripts carrying it run. */
  nonce: string;
  /** URIs (as strings) of media/dist/preview.js and media/preview.css for this webview. */
  scriptUri: string;
  styleUri: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function previewHtml({ cspSource, nonce, scriptUri, styleUri }: PreviewHtmlOptions): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(cspSource, nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeAttribute(styleUri)}">
<title>Rainbow Lab preview</title>
</head>
<body>
<main id="app" aria-live="polite">
  <p class="placeholder">Loading the preview…</p>
</main>
<script nonce="${nonce}" src="${escapeAttribute(scriptUri)}"></script>
</body>
</html>
`;
}

/** 144 random bits, base64 (24 characters, no padding): a fresh one for every page load. */
export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
