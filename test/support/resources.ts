/**
 * Preloaded (`node --require`) into a CLI process by the hostile-input corpus runner: on exit it
 * writes the process's peak resident memory and CPU time as JSON to the file named by
 * RAINBOW_TEST_RESOURCES, so the runner measures the child itself (helper threads included)
 * without `/usr/bin/time` and without any test hook in the CLI.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.RAINBOW_TEST_RESOURCES;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    // maxRSS is in KiB; CPU times in microseconds.
    writeFileSync(target, JSON.stringify({ maxRssKiB: usage.maxRSS, userMicros: usage.userCPUTime, systemMicros: usage.systemCPUTime }));
  });
}
