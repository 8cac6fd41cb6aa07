/**
 * The code lens above an experiment: the headline of its latest prediction ("test error 0.0731 at
 * n = 1000, lambda = 1e-3 · optimal lambda 0.02: 0.0652 · 14 ms"), or where its run stands.
 * Clicking it opens the preview beside the editor (`rainbow.openPreviewToSide` with [uri]).
 */
import type { CodeLens } from 'vscode-languageserver-types';
import type { PredictionJson } from '../core';
import { formatMs, formatNumber } from './numbers';
import type { PredictionState, RunState } from './predictions';
import { parseOutline } from './specTree';

export const OPEN_PREVIEW_COMMAND = 'rainbow.openPreviewToSide';

type Point = PredictionJson['points'][number];

/** The headline of a prediction: the largest n of the first sweep value, best fixed lambda there, and the optimum. */
export function headline(payload: PredictionJson, elapsedMs: number): string {
  const first = payload.points[0];
  const points = payload.points.filter((p) => p.sweepValue === first?.sweepValue);
  const largest = Math.max(...points.map((p) => p.n));
  const atLargest = points.filter((p) => p.n === largest);
  const fixed = atLargest.filter((p) => !p.optimal && p.testError !== null) as (Point & { testError: number })[];
  const optimal = atLargest.find((p) => p.optimal && p.testError !== null);
  const parts: string[] = [];
  const best = fixed.sort((a, b) => a.testError - b.testError)[0];
  if (best) parts.push(`test error ${formatNumber(best.testError)} at n = ${largest}, lambda = ${formatNumber(best.lambda)}`);
  if (optimal) parts.push(`${best ? '' : `at n = ${largest}: `}optimal lambda ${formatNumber(optimal.lambda)}: ${formatNumber(optimal.testError)}`);
  if (parts.length === 0) parts.push(`no finite prediction at n = ${largest} (see Problems)`);
  const sweeps = payload.sweep ? ` · ${payload.sweep.values.length} values of ${payload.sweep.parameter} (first shown)` : '';
  return `${parts.join(' · ')}${sweeps} · ${formatMs(elapsedMs)}`;
}

export function codeLenses(uri: string, text: string, result: PredictionState | undefined, run: RunState | undefined, stale: boolean): CodeLens[] {
  const outline = parseOutline(text);
  const root = outline.root;
  if (root?.type !== 'object') return [];
  // Only experiments: a network file has nothing to predict by itself.
  const kind = root.children?.find((p) => p.children?.[0]?.value === 'kind')?.children?.[1]?.value;
  if (kind !== 'experiment') return [];
  let title: string;
  if (run?.status === 'computing') title = `computing${run.progress ? `: ${run.progress.message} (${Math.round(run.progress.fraction * 100)}%)` : ''}`;
  else if (run && run.status !== 'cancelled') title = `no prediction: ${run.message}`;
  else if (result) title = `${stale ? '(before the latest edits) ' : ''}${headline(result.payload, result.elapsedMs)}`;
  else title = 'Open the preview (the prediction runs on save)';
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
  return [{ range, command: { title, command: OPEN_PREVIEW_COMMAND, arguments: [uri] } }];
}
