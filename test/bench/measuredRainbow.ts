/**
 * `rainbow` as a user runs it, plus one line of bookkeeping: on exit, the process's peak resident
 * memory (getrusage's ru_maxrss, KiB) is written to the file named by RAINBOW_BENCH_PEAK_FILE.
 * The rest is bin/rainbow.js itself (it reads this process's arguments), so the benchmark runs
 * the launcher's settings too; it needs the compiled CLI (`npm run bench` builds first).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/paths';

const peakFile = process.env.RAINBOW_BENCH_PEAK_FILE;
if (peakFile) process.on('exit', () => writeFileSync(peakFile, String(process.resourceUsage().maxRSS)));

void import(join(repoRoot, 'bin', 'rainbow.js'));
