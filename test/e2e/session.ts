/**
 * One end-to-end session: the packaged VSIX installed into a fresh code-server (scripts/code-server.js)
 * with its own user data, a temporary copy of the examples as the workspace, and headless Chromium.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { repoRoot } from '../support/paths';
import { launchChromium } from './browser';

interface RunningCodeServer {
  url: string;
  stop(): Promise<void>;
}

/** The surface of scripts/code-server.js (plain JavaScript, shared with `npm run try`). */
interface CodeServerScript {
  VERSION: string;
  installCodeServer(): string;
  installExtension(vsix: string, dirs: { extensionsDir: string; userDataDir: string }): void;
  startCodeServer(options: { userDataDir: string; extensionsDir: string; logFile?: string }): Promise<RunningCodeServer>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const codeServerScript = require(join(repoRoot, 'scripts', 'code-server.js')) as CodeServerScript;

/** The VSIX that `npm run package` wrote (test:e2e builds it first), or RAINBOW_E2E_VSIX. */
export function packagedVsix(): string {
  if (process.env.RAINBOW_E2E_VSIX) return process.env.RAINBOW_E2E_VSIX;
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  const vsix = join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
  if (!existsSync(vsix)) throw new Error(`${vsix} not found: run \`npm run package\` first (npm run test:e2e does)`);
  return vsix;
}

/**
 * User settings for a quiet, reproducible workbench: no welcome page, tips, telemetry or
 * extension recommendations over the editor, and workspace trust asked for (the default).
 */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'always',
  'editor.minimap.enabled': false,
  // The tests replace a spec's text in one insertion, as a paste would: no brackets closed or lines
  // re-indented behind their back, and no suggestion popping up unasked.
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'editor.autoSurround': 'never',
  'editor.autoIndent': 'none',
  'editor.formatOnType': false,
  'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
  'files.autoSave': 'off',
  'window.commandCenter': false,
  'chat.commandCenter.enabled': false,
};

export interface Session {
  url: string;
  browser: Browser;
  /** Folders with their own copy of the examples: one to trust, one to leave untrusted. */
  trustedFolder: string;
  untrustedFolder: string;
  screenshots: string;
  newContext(): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * Copies examples/ into `folder` and the schema beside it, so that each spec's
 * `"$schema": "../schemas/rainbow.schema.json"` resolves as it does in the repository.
 */
function makeWorkspace(parent: string, name: string): string {
  const folder = join(parent, name, 'examples');
  cpSync(join(repoRoot, 'examples'), folder, { recursive: true });
  cpSync(join(repoRoot, 'schemas'), join(parent, name, 'schemas'), { recursive: true });
  return folder;
}

export async function startSession(): Promise<Session> {
  const vsix = packagedVsix();
  codeServerScript.installCodeServer();
  const base = mkdtempSync(join(tmpdir(), 'rainbow-e2e-'));
  const userDataDir = join(base, 'user-data');
  const extensionsDir = join(base, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  codeServerScript.installExtension(vsix, { extensionsDir, userDataDir });
  const trustedFolder = makeWorkspace(base, 'trusted');
  const untrustedFolder = makeWorkspace(base, 'untrusted');
  const screenshots = join(repoRoot, '.e2e', 'screenshots');
  rmSync(screenshots, { recursive: true, force: true });
  mkdirSync(screenshots, { recursive: true });
  const server = await codeServerScript.startCodeServer({ userDataDir, extensionsDir, logFile: join(base, 'code-server.log') });
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    url: server.url,
    browser,
    trustedFolder,
    untrustedFolder,
    screenshots,
    // A fresh context per workspace: its own storage, so that trust given in one never leaks.
    newContext: () => browser.newContext({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1 }),
    async close() {
      await browser.close();
      await server.stop();
      if (process.env.RAINBOW_E2E_KEEP !== '1') rmSync(base, { recursive: true, force: true });
      else console.log(`kept the session's files in ${base}`);
    },
  };
}
