/**
 * `rainbow` as a user runs it, plus one line of bookkeeping: on exit, the process's resource usage
 * (getrusage: peak resident memory in KiB, user and system CPU time in microseconds, minor page
 * faults) is written as JSON to the file named by RAINBOW_BENCH_PEAK_FILE.
 * The rest is bin/rainbow.js itself (it reads this process's arguments), so the benchmark runs
 * the launcher's settings too; it needs the compiled CLI (`npm run bench` builds first).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/paths';
import type { ChildUsage } from './processes';

const peakFile = process.env.RAINBOW_BENCH_PEAK_FILE;
if (peakFile) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    const usage: ChildUsage = { maxRSS: u.maxRSS, userCPUTime: u.userCPUTime, systemCPUTime: u.systemCPUTime, minorPageFault: u.minorPageFault };
    writeFileSync(peakFile, JSON.stringify(usage));
  });
}

// RAINBOW_BENCH_LAUNCHER: another build's launcher (an ablation variant built elsewhere).
void import(process.env.RAINBOW_BENCH_LAUNCHER ?? join(repoRoot, 'bin', 'rainbow.js'));
