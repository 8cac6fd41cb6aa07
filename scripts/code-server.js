#!/usr/bin/env node
/**
 * code-server (VS Code served to a browser) for the end-to-end tests and `npm run try`.
 *
 * It is installed from the npm registry into a cache folder outside node_modules
 * (`.e2e/code-server/<version>/`, git-ignored), never as a project dependency: it is 600 MB and only
 * the workbench tests need it. npm 11 does not run dependencies' install scripts, so this script
 * does what code-server's postinstall.sh would do, step by step, without any download outside
 * the registry:
 *   - argon2 (loaded by code-server at start) is compiled from source, not fetched as a prebuild;
 *   - VS Code's own native modules (node-pty, spdlog, @parcel/watcher, kerberos, ...) are compiled
 *     with node-gyp against the running Node;
 *   - @vscode/ripgrep would download its binary from outside the registry: Debian's `rg` is linked
 *     in its place when present (only "search in files" needs it).
 * Compiling needs python3, make, a C++ compiler and the Kerberos headers (Debian: build-essential
 * python3 libkrb5-dev).
 *
 * Version: code-server 4.100.x is VS Code 1.100 and declares Node 20, the project's Node; our
 * engines.vscode is ^1.91.0. Later releases need Node 22 or 24.
 *
 *   node scripts/code-server.js install     install (once; later calls only check) and print timing
 *   node scripts/code-server.js path        print the entry script of the installed code-server
 *
 * As a module: installCodeServer(), installExtension(), startCodeServer() (used by test/e2e and
 * scripts/try.js).
 */
const childProcess = require('child_process');
const fs = require('fs');
const path = require('path');

const VERSION = '4.100.3';
const root = path.resolve(__dirname, '..');
const cacheDir = path.join(root, '.e2e', 'code-server', VERSION);
const packageDir = path.join(cacheDir, 'node_modules', 'code-server');
const entry = path.join(packageDir, 'out', 'node', 'entry.js');
const marker = path.join(cacheDir, 'installed.json');

function log(message) {
  process.stderr.write(`[code-server] ${message}\n`);
}

/** Runs a command to completion, its output shown only when it fails (it is long and noisy). */
function run(command, args, cwd, env = {}) {
  const result = childProcess.spawnSync(command, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.split('\n').slice(-60).join('\n');
    throw new Error(`${command} ${args.join(' ')} (in ${path.relative(root, cwd) || '.'}) failed:\n${output}`);
  }
}

function which(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Says up front what the native builds need, instead of a page of node-gyp output later. */
function checkToolchain() {
  const missing = ['python3', 'make', 'g++'].filter((tool) => !which(tool));
  if (!fs.existsSync('/usr/include/gssapi/gssapi.h')) missing.push('Kerberos headers');
  if (missing.length > 0) {
    throw new Error(
      `code-server's native modules must be compiled here, and ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing.\n` +
        'On Debian or Ubuntu: apt-get install -y build-essential python3 libkrb5-dev',
    );
  }
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20) log(`warning: code-server ${VERSION} declares Node 20; this is Node ${process.versions.node}`);
}

function symlink(target, linkPath) {
  fs.rmSync(linkPath, { recursive: true, force: true });
  fs.symlinkSync(target, linkPath);
}

/** Installs code-server into the cache folder unless it is already there; returns its entry script. */
function installCodeServer() {
  if (fs.existsSync(marker) && fs.existsSync(entry)) return entry;
  checkToolchain();
  const started = Date.now();
  // A clean start: a half-finished install (interrupted earlier) is not repaired in place.
  fs.rmSync(cacheDir, { recursive: true, force: true });
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.writeFileSync(path.join(cacheDir, 'package.json'), JSON.stringify({ private: true }) + '\n');
  const npmEnv = {
    // postinstall.sh and the modules' own scripts read these; `yes` lets node-pty's install script
    // fetch node-gyp from the registry through npx.
    npm_config_user_agent: `npm node/${process.version} ${process.platform} ${process.arch}`,
    npm_config_unsafe_perm: 'true',
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };

  log(`installing code-server ${VERSION} from the npm registry into ${path.relative(root, cacheDir)}`);
  run('npm', ['install', '--ignore-scripts', '--no-save', `code-server@${VERSION}`], cacheDir, npmEnv);
  log('compiling argon2');
  run('npm', ['rebuild', 'argon2'], cacheDir, { ...npmEnv, npm_config_build_from_source: 'true' });

  const vscodeDir = path.join(packageDir, 'lib', 'vscode');
  log('installing VS Code server modules');
  run('npm', ['install', '--omit=dev', '--ignore-scripts'], vscodeDir, npmEnv);
  const ripgrepBin = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  // An existing bin/ folder makes @vscode/ripgrep's install script skip its download.
  fs.mkdirSync(ripgrepBin, { recursive: true });
  const rg = which('rg');
  if (rg) symlink(rg, path.join(ripgrepBin, 'rg'));
  else log('warning: no `rg` on PATH (Debian: apt-get install ripgrep); search in files will not work');
  log('compiling VS Code native modules (about a minute)');
  run('npm', ['rebuild'], vscodeDir, npmEnv);
  // The remaining steps of postinstall.sh.
  symlink('node_modules', path.join(vscodeDir, 'node_modules.asar'));
  symlink('code-linux.sh', path.join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
  symlink('browser-linux.sh', path.join(vscodeDir, 'bin', 'helpers', 'browser.sh'));
  const extensionsDir = path.join(vscodeDir, 'extensions');
  log('installing built-in extensions modules');
  run('npm', ['install', '--omit=dev', '--ignore-scripts'], extensionsDir, npmEnv);
  run(process.execPath, ['postinstall.mjs'], extensionsDir);

  const seconds = (Date.now() - started) / 1000;
  fs.writeFileSync(marker, JSON.stringify({ version: VERSION, node: process.version, seconds }, null, 2) + '\n');
  log(`installed in ${seconds.toFixed(0)} s`);
  return entry;
}

/**
 * Installs a VSIX into an extensions folder (code-server's CLI, the same as a user's
 * `code-server --install-extension`), replacing an older build of the same version.
 */
function installExtension(vsix, { extensionsDir, userDataDir }) {
  const codeServer = installCodeServer();
  run(
    process.execPath,
    [codeServer, '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--force', '--install-extension', vsix],
    root,
  );
}

/**
 * Starts code-server on 127.0.0.1 without authentication (loopback only) and resolves once it
 * listens, with its URL and a stop function. `port` 0 picks a free port.
 */
function startCodeServer({ port = 0, userDataDir, extensionsDir, logFile, startTimeoutMs = 60_000 }) {
  const codeServer = installCodeServer();
  fs.mkdirSync(userDataDir, { recursive: true });
  // Its own config file, so that nothing is written into the user's ~/.config/code-server.
  const configFile = path.join(userDataDir, 'config.yaml');
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
  const args = [
    codeServer,
    '--config', configFile,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
  ];
  const child = childProcess.spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const logStream = logFile ? fs.createWriteStream(logFile) : undefined;
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`code-server did not listen within ${startTimeoutMs / 1000} s:\n${output}`)), startTimeoutMs);
    const onData = (chunk) => {
      logStream?.write(chunk);
      if (output.length < 100_000) output += chunk.toString();
      const match = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\/?/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout.removeListener('data', onData);
        child.stderr.removeListener('data', onData);
        // Keep draining the pipes into the log so that code-server never blocks on a full pipe.
        child.stdout.on('data', (data) => logStream?.write(data));
        child.stderr.on('data', (data) => logStream?.write(data));
        resolve({ url: match[1], process: child, stop: () => stop(child, logStream) });
      }
    };
    function fail(error) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    }
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, signal) => fail(new Error(`code-server exited (${signal ?? code}) before listening:\n${output}`)));
    child.on('error', fail);
  });
}

/** Stops code-server and waits for it (its extension hosts are its children and exit with it). */
function stop(child, logStream) {
  return new Promise((resolve) => {
    const done = () => {
      logStream?.end();
      resolve();
    };
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(killer);
      done();
    });
    child.kill('SIGTERM');
  });
}

module.exports = { VERSION, installCodeServer, installExtension, startCodeServer };

if (require.main === module) {
  const command = process.argv[2];
  try {
    if (command === 'install') {
      const started = Date.now();
      installCodeServer();
      const info = JSON.parse(fs.readFileSync(marker, 'utf8'));
      console.log(`code-server ${VERSION} ready in ${path.relative(root, cacheDir)} (install took ${info.seconds.toFixed(0)} s; this check ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } else if (command === 'path') {
      if (!fs.existsSync(marker)) throw new Error('code-server is not installed: run `node scripts/code-server.js install`');
      console.log(entry);
    } else {
      console.error('usage: node scripts/code-server.js install | path');
      process.exit(2);
    }
  } catch (error) {
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
}
