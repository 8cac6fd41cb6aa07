/**
 * Series as the plots and the table view see them: one learning curve per penalty and sweep value,
 * from the payload's points (recorded) or recomputed by the what-if (whatIf.ts).
 */
import type { PredictionPayload, SimulationJson } from '../../../server/src/protocol';
import type { Choice, Curve } from '../whatIf';

export interface SeriesPoint {
  n: number;
  testError: number | null;
  trainError: number | null;
  /** Test error minus the label noise. */
  generalizationError: number | null;
  lambda: number;
}

export interface Series {
  choice: Choice;
  sweepValue?: number;
  points: SeriesPoint[];
}

export type SimulationPoints = SimulationJson['simulation'];

/** The payload's own points, grouped by penalty (or optimal) and sweep value, in their order. */
export function recordedSeries(payload: PredictionPayload): Series[] {
  const byKey = new Map<string, Series>();
  for (const p of payload.points) {
    const choice: Choice = p.optimal ? 'optimal' : p.lambda;
    const key = `${choice}|${p.sweepValue ?? ''}`;
    let series = byKey.get(key);
    if (!series) {
      series = { choice, ...(p.sweepValue === undefined ? {} : { sweepValue: p.sweepValue }), points: [] };
      byKey.set(key, series);
    }
    series.points.push({ n: p.n, testError: p.testError, trainError: p.trainError, generalizationError: p.generalizationError, lambda: p.lambda });
  }
  return [...byKey.values()];
}

/** Recomputed curves as series (status other than 'ok' becomes a gap). */
export function curveSeries(curves: Curve[]): Series[] {
  return curves.map((c) => ({
    choice: c.choice,
    ...(c.sweepValue === undefined ? {} : { sweepValue: c.sweepValue }),
    points: c.points.map((p) => ({
      n: p.n,
      testError: p.status === 'ok' ? p.testError : null,
      trainError: p.status === 'ok' ? p.trainError : null,
      generalizationError: p.status === 'ok' ? p.generalizationError : null,
      lambda: p.reportedLambda,
    })),
  }));
}

/** "λ = 0.001", "optimal λ", with the sweep's parameter when there is one: "λ = 0.001 · powerLaw = 0.2". */
export function seriesLabel(choice: Choice, sweepValue: number | undefined, sweepParameter: string | undefined): string {
  const lambda = choice === 'optimal' ? 'optimal λ' : `λ = ${choice}`;
  if (sweepValue === undefined) return lambda;
  const name = sweepParameter?.split('/').filter(Boolean).pop() ?? 'sweep';
  return `${lambda} · ${name} = ${sweepValue}`;
}

/** The simulation dots of one series (same penalty, or the optimal one, and sweep value). */
export function simulationOf(simulation: SimulationPoints, series: { choice: Choice; sweepValue?: number }): SimulationPoints {
  return simulation.filter(
    (s) => (series.choice === 'optimal' ? s.optimal === true : !s.optimal && s.lambda === series.choice) && s.sweepValue === series.sweepValue,
  );
}
