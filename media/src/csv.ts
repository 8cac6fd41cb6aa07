/**
 * The preview's data as CSV: the engine's predicted points, the what-if curves at the sliders'
 * values, and the simulation, one row per (kind, sweep value, lambda, n).
 */
import type { PredictionPayload } from '../../server/src/protocol';
import type { Series, SimulationPoints } from './charts/series';

export const CSV_HEADER = ['kind', 'sweepValue', 'lambda', 'optimal', 'noiseVariance', 'n', 'testError', 'generalizationError', 'trainError', 'testErrorStd', 'repeats'];

export function toCsv(payload: PredictionPayload, whatIf: { lambda: number; noiseVariance: number; series: Series[] } | undefined, simulation: SimulationPoints | undefined): string {
  const rows: (string | number | null | undefined)[][] = [CSV_HEADER];
  const noise = payload.target.noiseVariance;
  for (const p of payload.points) {
    const s2 = payload.targets?.find((t) => t.sweepValue === p.sweepValue)?.noiseVariance ?? noise;
    rows.push(['prediction', p.sweepValue, p.lambda, p.optimal ? 'true' : 'false', s2, p.n, p.testError, p.generalizationError, p.trainError, '', '']);
  }
  for (const s of whatIf?.series ?? []) {
    for (const p of s.points) rows.push(['whatIf', s.sweepValue, p.lambda, 'false', whatIf!.noiseVariance, p.n, p.testError, p.testError === null ? null : p.testError - whatIf!.noiseVariance, p.trainError, '', '']);
  }
  for (const s of simulation ?? []) {
    rows.push(['simulation', s.sweepValue, s.lambda, s.optimal ? 'true' : 'false', '', s.n, s.testError, '', s.trainError, s.testErrorStd, s.repeats]);
  }
  return rows.map((row) => row.map(cell).join(',')).join('\n') + '\n';
}

function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
