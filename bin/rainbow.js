#!/usr/bin/env node
'use strict';
// Thin launcher: the compiled CLI lives in out/ (built by `npm install` through the prepare script).
// A reader that stops early (`rainbow predict ... | head`) closes the pipe: that ends the output
// quietly, like other command-line tools, instead of an EPIPE stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
// The linear-algebra kernels are WebAssembly: compile them with the optimising compiler at once
// instead of V8's baseline compiler first (which runs them 2-3x slower until it tiers up, most of
// a short command's run). Set before the kernels are compiled, i.e. before the CLI is loaded.
require('node:v8').setFlagsFromString('--no-liftoff');
const { main } = require('../out/server/src/cli.js');
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
