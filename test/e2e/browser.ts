/**
 * Headless Chromium for the workbench tests: Debian's chromium driven by playwright-core (no
 * browser download). In CI (CI=true) a missing chromium is a failure; on a developer machine the
 * tests skip with a message saying how to install it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumPath(): string | undefined {
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  try {
    const found = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
    return found || undefined;
  } catch {
    return undefined;
  }
}

export const MISSING_CHROMIUM = 'chromium not found: install it (Debian/Ubuntu: apt-get install -y chromium) to run the workbench tests';

/** Why the tests cannot run here (a skip reason), or undefined; throws in CI. */
export function browserUnavailable(): string | undefined {
  if (chromiumPath()) return undefined;
  if (process.env.CI === 'true') throw new Error(MISSING_CHROMIUM);
  return MISSING_CHROMIUM;
}

export function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(MISSING_CHROMIUM);
  return chromium.launch({ executablePath, args: CHROMIUM_FLAGS });
}
