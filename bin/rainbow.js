#!/usr/bin/env node
'use strict';
// Thin launcher: the compiled CLI lives in out/ (built by `npm install` through the prepare script).
const { main } = require('../out/server/src/cli.js');
main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
