#!/usr/bin/env node
/**
 * Builds the optional native addon server/native/hugepages.c (Linux only) with node-gyp, the one
 * npm carries, against the running Node's headers. The addon only advises the kernel to back large
 * arrays with huge pages (see the C file); everything works without it, slower on large problems.
 * So a failed build is reported in one line and does not fail the install or the build; the tests
 * never need the addon (test/unit/hugePages.test.ts checks it only where it is built). It is a
 * CLI extra: the VS Code extension does not carry it (.vscodeignore).
 *
 * The build records a hash of the sources and the Node version beside the addon; when unchanged,
 * node-gyp is not run again. `--force` rebuilds anyway.
 */
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const nativeDir = path.join(root, 'server/native');
const addon = path.join(nativeDir, 'build/Release/hugepages.node');
const stamp = path.join(nativeDir, 'build/sources.sha256');

function fingerprint() {
  const hash = crypto.createHash('sha256');
  hash.update(`${process.version} ${process.arch}\n`);
  for (const name of ['binding.gyp', 'hugepages.c']) hash.update(fs.readFileSync(path.join(nativeDir, name)));
  return hash.digest('hex');
}

/** npm's own node-gyp: lifecycle scripts get its path; otherwise it sits beside npm. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ];
  return candidates.find((file) => file && fs.existsSync(file));
}

/** Headers of the running Node: an npm-configured nodedir, or the installation's own include/node. */
function nodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  return fs.existsSync(path.join(prefix, 'include/node/node_api.h')) ? prefix : undefined;
}

function skip(reason) {
  console.log(`build-native: huge-page addon not built (${reason}); Rainbow Lab runs without it`);
}

function main() {
  if (process.platform !== 'linux') return skip('not Linux');
  const digest = fingerprint();
  const force = process.argv.includes('--force');
  if (!force && fs.existsSync(addon) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === digest) {
    console.log('build-native: hugepages.node is up to date');
    return;
  }
  const gyp = nodeGyp();
  if (!gyp) return skip('node-gyp not found');
  const dir = nodeDir();
  if (!dir) return skip("this Node's headers were not found (set npm's nodedir)");
  const run = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${dir}`, '--loglevel=error'], { cwd: nativeDir, encoding: 'utf8' });
  if (run.status !== 0 || !fs.existsSync(addon)) {
    const detail = `${run.stderr ?? ''}${run.error?.message ?? ''}`.trim().split('\n').filter(Boolean).pop();
    return skip(`node-gyp failed${detail ? `: ${detail}` : ''}`);
  }
  fs.writeFileSync(stamp, digest);
  console.log(`build-native: built ${path.relative(root, addon)}`);
}

main();
