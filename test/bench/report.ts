/** The benchmark's tables: the comparison with NumPy, then where the time goes. */
import { BREAKDOWN_COLUMNS, median, type Breakdown, type ScenarioResult } from './measure';

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]): string => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const seconds = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : x < 10 ? x.toFixed(3) : x.toFixed(1));
const ratio = (x: number | null): string => (x === null ? '-' : `${x.toFixed(2)}x`);
const mb = (x: number | null): string => (x === null ? '-' : x.toFixed(0));

function verdict(r: ScenarioResult): string {
  if (r.ratio === null) return '-';
  return r.ratio <= r.target.ratio ? 'met' : 'missed';
}

export function comparisonTable(results: ScenarioResult[]): string {
  const rows = results.map((r) => [
    `${r.name} ${r.description}`,
    seconds(r.ours.processSeconds),
    seconds(r.numpy.processSeconds),
    ratio(r.ratio),
    `${r.target.wording}: ${verdict(r)}`,
    seconds(r.ours.stages?.total),
    seconds(r.numpy.stages?.total),
    ratio(r.computeRatio),
    `${mb(r.ours.peakMB)} / ${mb(r.ours.memoryLimitMB)}`,
    mb(r.numpy.peakMB),
    r.agreement ? `${(100 * r.agreement.median).toFixed(2)}% / ${(100 * r.agreement.max).toFixed(2)}%` : '-',
  ]);
  return table(
    ['scenario', 'ours (s)', 'NumPy (s)', 'ratio', 'target', 'ours in-proc (s)', 'NumPy compute (s)', 'ratio', 'peak MiB / limit', 'NumPy MiB', 'test error diff med/max'],
    rows,
  );
}

export function stageTable(results: ScenarioResult[]): string {
  const rows: string[][] = [];
  const add = (label: string, b: Breakdown | null): void => {
    if (b) rows.push([label, ...BREAKDOWN_COLUMNS.map((c) => seconds(b[c.key]))]);
  };
  for (const r of results) {
    add(`${r.name} ours`, r.ours.stages);
    add(`${r.name} NumPy`, r.numpy.stages);
  }
  return table(['stage (s)', ...BREAKDOWN_COLUMNS.map((c) => c.label)], rows);
}

export function notes(results: ScenarioResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    if (r.ours.error) lines.push(`${r.name}: Rainbow Lab failed: ${r.ours.error}`);
    if (r.numpy.error) lines.push(`${r.name}: NumPy pipeline failed: ${r.numpy.error}`);
    if (r.numpy.skipped) lines.push(`${r.name}: NumPy skipped: ${r.numpy.skipped}`);
  }
  const s1 = results.find((r) => r.name === 'S1');
  if (s1 && s1.ours.inProcessTotals.length > 0) {
    const t = s1.ours.inProcessTotals;
    lines.push(
      `S1 in-process (warm, no start-up), ${t.length} runs: best ${seconds(Math.min(...t))} s, median ${seconds(median(t))} s ` +
        `(200 n x 4 lambdas plus the optimal lambda at every n)`,
    );
  }
  for (const r of results) {
    const rep = r.numpy.report;
    if (!rep) continue;
    const it = rep.sweepIterations;
    if (it) {
      lines.push(
        `${r.name} NumPy fixed point (sweep): ${it.solves} solves, ${it.iterations} iterations (max ${it.maxIterations}), ` +
          `${it.notConverged} at the cap of ${it.cap}`,
      );
    }
    const opt = rep.optimal as { evaluations: number; iterations: { iterations: number; maxIterations: number; notConverged: number } } | undefined;
    if (opt) {
      lines.push(
        `${r.name} NumPy optimal lambda: ${opt.evaluations} evaluations, ${opt.iterations.iterations} iterations (max ${opt.iterations.maxIterations}), ` +
          `${opt.iterations.notConverged} at the cap`,
      );
    }
  }
  const threads = results.find((r) => r.numpy.report)?.numpy.report?.threads;
  if (threads) {
    lines.push(
      `NumPy ${results.find((r) => r.numpy.report)?.numpy.report?.numpy}: OpenBLAS kernel ${threads.kernel ?? 'unknown'}, threads ${threads.openblas ?? 'unknown'} ` +
        `(OPENBLAS_NUM_THREADS=${threads.OPENBLAS_NUM_THREADS ?? 'unset'}, OMP_NUM_THREADS=${threads.OMP_NUM_THREADS ?? 'unset'}, ${threads.cpus} CPUs)`,
    );
  }
  for (const r of results) {
    if (r.ours.simulationBreakdownMs) {
      const parts = Object.entries(r.ours.simulationBreakdownMs).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`);
      lines.push(`${r.name} ours, inside the simulation: ${parts.join(', ')}`);
    }
    const s = r.numpy.report?.stages;
    if (r.numpy.report?.mode === 'simulate' && s) {
      const parts = ['features', 'fits', 'evaluation'].map((k) => `${k} ${(s[k] ?? 0).toFixed(2)} s`);
      lines.push(`${r.name} NumPy, inside the simulation: ${parts.join(', ')}`);
    }
  }
  return lines;
}
