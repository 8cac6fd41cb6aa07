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
// predict and simulate share their large products with a helper thread, which takes about 100 ms
// to start: start it before loading the rest of the CLI, which takes it over (the commands of
// isHeavyCommand in cli.ts).
const argv = process.argv.slice(2);
if (argv[0] === 'predict' || argv[0] === 'simulate') require('../out/server/src/kernelThreads.js').startKernelThreadsEarly();
const { main } = require('../out/server/src/cli.js');
main(argv).then((code) => {
  process.exitCode = code;
});
