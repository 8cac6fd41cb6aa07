/**
 * `npm run bench -- --ablation`: what each optional speed-up buys, as the wall time of whole
 * `rainbow` processes with and without it. The machine is shared and noisy, so the variants
 * alternate: every repeat runs each variant once, the order rotating from repeat to repeat, and
 * medians with their spread (min-max) are reported. gain = 1 - t(all) / t(without), the share of
 * the time without the feature that the feature saves (0.10: 10 % faster with it).
 */
import { median } from './measure';
import { runRainbow } from './processes';
import type { Scenario } from './scenarios';

export interface Variant {
  name: string;
  /** What the variant leaves out. */
  description: string;
  /** Added to the environment of its `rainbow` processes. */
  env: Record<string, string>;
}

/** The baseline first, then one variant per optional speed-up, each left out through the environment. */
export const ABLATION_VARIANTS: readonly Variant[] = [
  { name: 'all', description: 'as shipped: huge-page advice (if the addon is built) and helper threads', env: {} },
  { name: 'no huge pages', description: 'RAINBOW_HUGE_PAGES=off: no huge-page advice for large arrays', env: { RAINBOW_HUGE_PAGES: 'off' } },
  { name: 'no helper threads', description: 'RAINBOW_HELPER_THREADS=0: every kernel on the main thread', env: { RAINBOW_HELPER_THREADS: '0' } },
];

export interface VariantTimes {
  variant: string;
  /** Wall seconds of each round (summed over the scenario's specs). */
  runs: number[];
  /** CPU seconds (user + system, all threads) and minor page faults of each round. */
  cpu: number[];
  pageFaults: number[];
  median: number;
  min: number;
  max: number;
  /** 1 - median(all) / median(this): the time the left-out feature saves (null for the baseline). */
  gain: number | null;
}

export interface AblationResult {
  scenario: string;
  description: string;
  variants: VariantTimes[];
  error?: string;
}

/** Runs the scenario's specs under every variant, `repeats` rounds; the first variant is the baseline. */
export function measureAblation(scenario: Scenario, variants: readonly Variant[], repeats: number, log: (line: string) => void): AblationResult {
  const command = scenario.kind === 'predict' ? 'predict' : 'simulate';
  const runs = variants.map(() => [] as number[]);
  const cpu = variants.map(() => [] as number[]);
  const faults = variants.map(() => [] as number[]);
  for (let k = 0; k < repeats; k++) {
    for (let j = 0; j < variants.length; j++) {
      const v = (j + k) % variants.length;
      const variant = variants[v] as Variant;
      let total = 0;
      let cpuTotal = 0;
      let faultTotal = 0;
      for (const spec of scenario.specs) {
        log(`  ${scenario.name} ${variant.name} (round ${k + 1}/${repeats})`);
        const run = runRainbow([command, spec.file, '--json'], variant.env);
        if (!run.ok) return { scenario: scenario.name, description: scenario.description, variants: [], error: `${variant.name}: ${run.error}` };
        total += run.wallSeconds;
        cpuTotal += run.cpuSeconds ?? NaN;
        faultTotal += run.pageFaults ?? NaN;
      }
      (runs[v] as number[]).push(total);
      (cpu[v] as number[]).push(cpuTotal);
      (faults[v] as number[]).push(faultTotal);
    }
  }
  const baseline = median(runs[0] as number[]);
  return {
    scenario: scenario.name,
    description: scenario.description,
    variants: variants.map((variant, v) => {
      const times = runs[v] as number[];
      const m = median(times);
      return { variant: variant.name, runs: times, cpu: cpu[v] as number[], pageFaults: faults[v] as number[], median: m, min: Math.min(...times), max: Math.max(...times), gain: v === 0 ? null : 1 - baseline / m };
    }),
  };
}

const pct = (x: number | null): string => (x === null ? '-' : `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} %`);

/** One row per scenario and variant: median, spread, gain against the baseline. */
export function ablationTable(results: readonly AblationResult[]): string {
  const header = ['scenario', 'variant', 'median (s)', 'min-max (s)', 'runs', 'gain of the left-out feature', 'CPU median (s)', 'page faults median'];
  const rows: string[][] = [];
  for (const r of results) {
    if (r.error) rows.push([r.scenario, `failed: ${r.error}`, '', '', '', '', '', '']);
    for (const v of r.variants) {
      rows.push([r.scenario, v.variant, v.median.toFixed(3), `${v.min.toFixed(3)}-${v.max.toFixed(3)}`, String(v.runs.length), pct(v.gain), median(v.cpu).toFixed(2), median(v.pageFaults).toFixed(0)]);
    }
  }
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, c) => (c < 2 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
