/**
 * Recorded `rainbow/prediction` payloads for the page, made at test time by the engine itself from
 * the examples (exactly `rainbow predict --json --eigenvalues`), optionally with the spec edited.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { predict, predictionJson, simulate, simulationJson, type SimulationJson } from '../../server/src/core';
import { nodeHost } from '../../server/src/nodeHost';
import type { PredictionPayload } from '../../server/src/protocol';
import { repoRoot } from '../support/paths';

type Spec = Record<string, unknown>;

function specText(relativePath: string, edit?: (spec: Spec) => void): { text: string; path: string } {
  const path = join(repoRoot, relativePath);
  const spec = JSON.parse(readFileSync(path, 'utf8')) as Spec;
  edit?.(spec);
  return { text: JSON.stringify(spec, null, 2), path };
}

export function payloadOf(relativePath: string, edit?: (spec: Spec) => void): PredictionPayload {
  const { text, path } = specText(relativePath, edit);
  const outcome = predict(text, path, nodeHost, undefined, { layerSpectra: true });
  const errors = outcome.problems.filter((p) => p.severity === 'error');
  if (!outcome.result || errors.length > 0) throw new Error(`${relativePath}: ${errors.map((p) => p.message).join('; ')}`);
  return predictionJson(outcome.result, true);
}

export function simulationOf(relativePath: string, edit?: (spec: Spec) => void): SimulationJson {
  const { text, path } = specText(relativePath, edit);
  const outcome = simulate(text, path, nodeHost);
  if (!outcome.result) throw new Error(`${relativePath}: ${outcome.problems.map((p) => p.message).join('; ')}`);
  return simulationJson(outcome.result, false);
}
