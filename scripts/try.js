#!/usr/bin/env node
/**
 * `npm run try`: Rainbow Lab in a browser, for someone without VS Code. `npm run package` has built
 * the VSIX; this installs code-server (scripts/code-server.js, once), installs the VSIX into a
 * folder of its own (.e2e/try/, so the user's own VS Code is untouched), starts code-server on
 * 127.0.0.1 only, without a password, and prints the URL that opens the examples. It runs until
 * Ctrl-C.
 *
 *   npm run try                   port 8080
 *   npm run try -- --port 9000
 */
const fs = require('fs');
const path = require('path');
const { installCodeServer, installExtension, startCodeServer } = require('./code-server.js');

const root = path.resolve(__dirname, '..');

function parsePort(argv) {
  const index = argv.indexOf('--port');
  if (index < 0) return 8080;
  const port = Number(argv[index + 1]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`error: --port needs a number from 1 to 65535 (got ${argv[index + 1] ?? 'nothing'})`);
    process.exit(2);
  }
  return port;
}

async function main() {
  const port = parsePort(process.argv.slice(2));
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const vsix = path.join(root, `${manifest.name}-${manifest.version}.vsix`);
  if (!fs.existsSync(vsix)) throw new Error(`${path.basename(vsix)} not found: run \`npm run package\` first (npm run try does)`);
  const tryDir = path.join(root, '.e2e', 'try');
  const userDataDir = path.join(tryDir, 'user-data');
  const extensionsDir = path.join(tryDir, 'extensions');
  const settings = path.join(userDataDir, 'User', 'settings.json');
  if (!fs.existsSync(settings)) {
    fs.mkdirSync(path.dirname(settings), { recursive: true });
    fs.writeFileSync(settings, JSON.stringify({ 'telemetry.telemetryLevel': 'off', 'workbench.startupEditor': 'none' }, null, 2) + '\n');
  }
  installCodeServer();
  console.log(`installing ${path.basename(vsix)} into ${path.relative(root, extensionsDir)}`);
  installExtension(vsix, { extensionsDir, userDataDir });
  const server = await startCodeServer({ port, userDataDir, extensionsDir, logFile: path.join(tryDir, 'code-server.log') });
  const folder = path.join(root, 'examples');
  console.log('\nRainbow Lab is running in code-server (VS Code in the browser), on this machine only:\n');
  console.log(`  ${server.url}/?folder=${encodeURIComponent(folder).replace(/%2F/g, '/')}\n`);
  console.log('Open that address, answer "Yes, I trust the authors", and open a .rainbow.json file:');
  console.log('the code lens above it shows the predicted test error; "Open Preview to the Side" (the');
  console.log('icon at the top right of the editor) draws the spectra and learning curves.');
  console.log(`Log: ${path.relative(root, path.join(tryDir, 'code-server.log'))}. Stop with Ctrl-C.`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.process.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`code-server stopped (${signal ?? `exit code ${code}`}); see the log above`);
    process.exit(1);
  });
}

main().catch((error) => {
  console.error(`error: ${error.message}`);
  if (/EADDRINUSE/.test(error.message)) console.error('That port is taken: choose another with `npm run try -- --port 9000`.');
  process.exit(1);
});
