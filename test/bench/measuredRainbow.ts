/**
 * `rainbow` as a user runs it, plus one line of bookkeeping: on exit, the process's peak resident
 * memory (getrusage's ru_maxrss, KiB) is written to the file named by RAINBOW_BENCH_PEAK_FILE.
 *
 * The rest is bin/rainbow.js: compiled, this file loads the same out/server/src/cli.js; run from
 * source through tsx, the TypeScript CLI (start-up then includes tsx's transpilation).
 */
import { writeFileSync } from 'node:fs';
import { main } from '../../server/src/cli';

const peakFile = process.env.RAINBOW_BENCH_PEAK_FILE;
if (peakFile) process.on('exit', () => writeFileSync(peakFile, String(process.resourceUsage().maxRSS)));

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
