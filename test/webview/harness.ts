/**
 * The preview page on its own in headless Chromium: a tiny loopback server serves the exact HTML
 * the extension gives the webview (client/src/preview/previewHtml.ts, with its CSP also sent as a
 * header) and media/, and a fake `acquireVsCodeApi` (the test double of VS Code's webview API) records what the page posts and saves.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { contentSecurityPolicy, makeNonce, previewHtml } from '../../client/src/preview/previewHtml';
import type { ToWebview, WebviewState } from '../../server/src/protocol';
import { repoRoot } from '../support/paths';

export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Debian's chromium, or why the browser tests cannot run (a failure in CI, a skip elsewhere). */
export function findChromium(): { path: string } | { missing: string } {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((c): c is string => Boolean(c));
  for (const candidate of candidates) if (existsSync(candidate)) return { path: candidate };
  try {
    const path = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
    if (path) return { path };
  } catch {
    // not on PATH
  }
  return { missing: 'chromium is not installed: install it (Debian: apt-get install -y chromium) to run the preview tests' };
}

export async function launchBrowser(path: string): Promise<Browser> {
  return chromium.launch({ executablePath: path, args: CHROMIUM_FLAGS, headless: true });
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml' };

export interface PreviewServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the page at / and media/ below /media/, on 127.0.0.1 only. */
export async function servePreview(): Promise<PreviewServer> {
  const bundle = join(repoRoot, 'media/dist/preview.js');
  if (!existsSync(bundle)) throw new Error('media/dist/preview.js is missing: run `npm run bundle` first');
  const server: Server = createServer((request, response) => {
    const origin = `http://${request.headers.host}`;
    const path = decodeURIComponent((request.url ?? '/').split('?')[0] as string);
    if (path === '/') {
      const nonce = makeNonce();
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': contentSecurityPolicy(origin, nonce) });
      response.end(previewHtml({ cspSource: origin, nonce, scriptUri: `${origin}/media/dist/preview.js`, styleUri: `${origin}/media/preview.css` }));
      return;
    }
    if (path === '/favicon.ico') {
      // Browsers ask for it; a webview never does.
      response.writeHead(204).end();
      return;
    }
    const file = normalize(join(repoRoot, path));
    if (!path.startsWith('/media/') || !file.startsWith(join(repoRoot, 'media')) || !existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** What the page did, as the fake webview API recorded it. */
export interface PageRecord {
  posted: { type: string; [key: string]: unknown }[];
  state: WebviewState | undefined;
  violations: string[];
}

export interface Theme {
  bodyClass: string;
  variables: Record<string, string>;
}

export const LIGHT: Theme = {
  bodyClass: 'vscode-light',
  variables: {
    '--vscode-editor-foreground': '#1f1f1f',
    '--vscode-editor-background': '#ffffff',
    '--vscode-descriptionForeground': '#616161',
    '--vscode-editorWidget-border': '#c8c8c8',
    '--vscode-charts-blue': '#1a85ff',
    '--vscode-charts-red': '#e51400',
    '--vscode-charts-green': '#388a34',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-purple': '#652d90',
    '--vscode-charts-yellow': '#bf8803',
    '--vscode-editorWarning-foreground': '#bf8803',
    '--vscode-button-background': '#005fb8',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-button-secondaryBackground': '#e5e5e5',
    '--vscode-button-secondaryForeground': '#3b3b3b',
    '--vscode-font-family': 'sans-serif',
    '--vscode-font-size': '13px',
  },
};

export const DARK: Theme = {
  bodyClass: 'vscode-dark',
  variables: {
    ...LIGHT.variables,
    '--vscode-editor-foreground': '#cccccc',
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-editorWidget-border': '#454545',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-charts-yellow': '#cca700',
    '--vscode-editorWarning-foreground': '#cca700',
    '--vscode-button-secondaryBackground': '#313131',
    '--vscode-button-secondaryForeground': '#cccccc',
  },
};

/**
 * Opens the page with the fake webview API (and optionally a saved state, as after a reload), the theme's
 * variables on <html> and its class on <body> like VS Code sets them; collects console errors,
 * page errors and CSP violations.
 */
export async function openPreview(browser: Browser, server: PreviewServer, options: { state?: WebviewState; theme?: Theme; width?: number } = {}): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: options.width ?? 900, height: 1400 }, deviceScaleFactor: 1 });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  await page.addInitScript((saved) => {
    const w = window as unknown as Record<string, unknown>;
    w.__record = { posted: [], state: saved ?? undefined, violations: [] };
    const record = w.__record as PageRecord;
    document.addEventListener('securitypolicyviolation', (e) => record.violations.push(`${e.violatedDirective}: ${e.blockedURI}`));
    w.acquireVsCodeApi = () => ({
      postMessage: (m: PageRecord['posted'][number]) => record.posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => record.state,
      setState: (s: WebviewState) => (record.state = JSON.parse(JSON.stringify(s))),
    });
  }, options.state ?? null);
  await page.goto(server.url);
  await setTheme(page, options.theme ?? LIGHT);
  await page.waitForFunction(() => (window as unknown as { __record: PageRecord }).__record.posted.some((m) => m.type === 'ready'));
  return { page, errors };
}

export async function setTheme(page: Page, theme: Theme): Promise<void> {
  await page.evaluate((t) => {
    for (const [name, value] of Object.entries(t.variables)) document.documentElement.style.setProperty(name, value);
    document.body.className = t.bodyClass;
  }, theme);
}

/** Delivers a message as the extension's postMessage would, then waits for the page's next render. */
export async function send(page: Page, message: ToWebview): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
  await settle(page);
}

/** Two animation frames: whatever a message or an input scheduled has rendered. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

export async function record(page: Page): Promise<PageRecord> {
  return page.evaluate(() => (window as unknown as { __record: PageRecord }).__record);
}

/** A chart's datasets and scales, as plain JSON. */
export interface ChartSnapshot {
  datasets: { label: string; data: { x: number; y: number }[]; borderColor: string; type?: string; yErrors?: number[] }[];
  scales: Record<string, { type: string; min: number; max: number; tickColor: string }>;
}

export async function chartSnapshot(page: Page, chart: 'learningCurve' | 'lambdaCurve' | 'spectra'): Promise<ChartSnapshot> {
  return page.evaluate((id) => {
    interface ChartLike {
      data: { datasets: { label: string; data: { x: number; y: number }[]; borderColor: string; type?: string; yErrors?: number[] }[] };
      scales: Record<string, { type: string; min: number; max: number; options: { ticks: { color: string } } }>;
    }
    const c = (window as unknown as { rainbowPreview: { charts: Record<string, ChartLike> } }).rainbowPreview.charts[id] as ChartLike;
    return {
      datasets: c.data.datasets.map((d) => ({
        label: d.label,
        data: d.data.map((p) => ({ x: p.x, y: p.y })),
        borderColor: String(d.borderColor),
        ...(d.type ? { type: d.type } : {}),
        ...(d.yErrors ? { yErrors: d.yErrors } : {}),
      })),
      scales: Object.fromEntries(Object.entries(c.scales).map(([k, s]) => [k, { type: s.type, min: s.min, max: s.max, tickColor: String(s.options.ticks.color) }])),
    };
  }, chart);
}
