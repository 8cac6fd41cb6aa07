/**
 * Huge pages for the engine's large arrays, on Linux, through the optional native addon
 * server/native/hugepages.c (built at install by scripts/build-native.js). This Node-side adapter
 * installs the core's large-array advisor (core/linalg/memory.ts); the engine itself never loads
 * native code. Without the addon, or with RAINBOW_HUGE_PAGES=off, nothing changes but speed.
 */
import { extname, join } from 'node:path';
import { setLargeArrayAdvisor } from './core';

interface HugePagesAddon {
  adviseHugePages(view: ArrayBufferView): boolean;
}

/** From out/server/src (compiled, .js) or server/src (the sources under tsx) to the repository root. */
function addonPath(): string {
  const up = extname(__filename) === '.js' ? '../../..' : '../..';
  return join(__dirname, up, 'server/native/build/Release/hugepages.node');
}

let addon: HugePagesAddon | null | undefined;

/** Node's own loader for native addons (what require does for a .node file). */
function loadAddon(file: string): HugePagesAddon {
  const module = { exports: {} as HugePagesAddon };
  process.dlopen(module, file);
  return module.exports;
}

/** The addon, or null when it is not built here (or not Linux). */
export function hugePagesAddon(): HugePagesAddon | null {
  if (addon === undefined) {
    try {
      addon = process.platform === 'linux' ? loadAddon(addonPath()) : null;
    } catch {
      addon = null;
    }
  }
  return addon;
}

/**
 * Installs the advisor for this thread's engine unless RAINBOW_HUGE_PAGES is "off"; returns
 * whether huge-page advice is active.
 */
export function installHugePageAdvice(env: NodeJS.ProcessEnv = process.env): boolean {
  const native = env.RAINBOW_HUGE_PAGES === 'off' ? null : hugePagesAddon();
  setLargeArrayAdvisor(native ? (view) => void native.adviseHugePages(view) : undefined);
  return native !== null;
}
