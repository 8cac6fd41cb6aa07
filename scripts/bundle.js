#!/usr/bin/env node
'use strict';
// Bundles the extension for the VSIX with esbuild (one file per entry, no node_modules needed at
// run time):
//   dist/extension.js      the VS Code side (client/src), with 'vscode' left to the host
//   dist/server.js         the language server (server/src/lsp/main.ts)
//   dist/worker.js         the server's compute worker (server/src/worker.ts)
//   dist/kernelThread.js   the kernels' helper thread (server/src/kernelThread.ts)
//   media/dist/preview.js  the preview page (media/src), for the browser
// Worker entries are found at run time as join(__dirname, '<name>' + extname(__filename)), so each
// must be emitted beside the bundle that starts it: all Node bundles go to dist/. The WebAssembly
// kernels are embedded in the engine as base64 and need no loader.
//
// Usage: node scripts/bundle.js [--dev]   (--dev: no minification, inline source maps)
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const esbuild = require('esbuild');

const root = join(__dirname, '..');
const dev = process.argv.includes('--dev');

/** Node bundles: [entry, output name]. The server-side entries are optional until they exist. */
const nodeEntries = [
  ['client/src/extension.ts', 'extension'],
  ['server/src/lsp/main.ts', 'server'],
  ['server/src/worker.ts', 'worker'],
  ['server/src/kernelThread.ts', 'kernelThread'],
];

/**
 * The page imports only the risk formulas from the engine's front (server/src/core/index.ts); the
 * engine's modules are pure (no import for its side effects), so telling esbuild so lets it drop
 * the rest of the engine (schema, validators, kernels) from the browser bundle.
 */
const pureEngine = {
  name: 'pure-engine',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData === 'pure-engine') return undefined;
      const result = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'pure-engine' });
      if (result.errors.length > 0) return undefined;
      return result.path.includes(`${join('server', 'src', 'core')}`) ? { ...result, sideEffects: false } : result;
    });
  },
};

async function main() {
  const common = {
    bundle: true,
    minify: !dev,
    sourcemap: dev ? 'inline' : false,
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: root,
  };
  const built = [];
  for (const [entry, name] of nodeEntries) {
    if (!existsSync(join(root, entry))) {
      if (name === 'extension') throw new Error(`bundle: ${entry} is missing`);
      console.warn(`bundle: ${entry} does not exist; dist/${name}.js not built`);
      continue;
    }
    await esbuild.build({
      ...common,
      entryPoints: [entry],
      outfile: `dist/${name}.js`,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      // 'vscode' is provided by the extension host; tsx only serves runs from the TypeScript
      // sources (never from a bundle); the native huge-page addon is loaded by path
      // at run time (and absent from the VSIX: without it only speed changes).
      external: ['vscode', 'tsx/cjs'],
      // jsonc-parser and vscode-json-languageservice ship UMD builds whose internal requires
      // esbuild cannot follow ("Cannot find module './impl/format'" at run time); their ES module
      // builds bundle cleanly.
      mainFields: ['module', 'main'],
    });
    built.push(`dist/${name}.js`);
  }
  await esbuild.build({
    ...common,
    plugins: [pureEngine],
    entryPoints: ['media/src/main.ts'],
    outfile: 'media/dist/preview.js',
    platform: 'browser',
    target: 'chrome120',
    format: 'iife',
  });
  built.push('media/dist/preview.js');
  console.log(`bundle: wrote ${built.join(', ')}${dev ? ' (dev)' : ''}`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
