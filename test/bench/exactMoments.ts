/**
 * Scenario S5 of `npm run bench`: the cost of `"moments": "exact"` (model/exactMoments.ts) against
 * the linearised recursion, warm and in this process, stage by stage (inProcess.ts). The NumPy
 * pipeline has no exact moments, so S5 has no comparison column: it reports what the option adds.
 *
 *   S5a  d = 1000, tanh 1000 -> 1000 (the shape of S1): the Hermite series on both layers
 *   S5b  d = 100, relu 2000 (widening): the arc-cosine kernel, and the full 2000 x 2000
 *        eigenproblem that the linearisation's widening shortcut avoids
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { predictInProcess, type StageTimes } from './inProcess';

interface Shape {
  name: string;
  description: string;
  dimension: number;
  layers: { width: number; activation: string }[];
}

const SHAPES: Shape[] = [
  { name: 'S5a', description: 'd = 1000, tanh 1000 -> 1000', dimension: 1000, layers: [{ width: 1000, activation: 'tanh' }, { width: 1000, activation: 'tanh' }] },
  { name: 'S5b', description: 'd = 100, relu 2000 (widening)', dimension: 100, layers: [{ width: 2000, activation: 'relu' }] },
];

export interface ExactMomentsResult {
  name: string;
  description: string;
  linearized: StageTimes;
  exact: StageTimes;
}

function spec(shape: Shape, moments: string): object {
  return {
    kind: 'experiment',
    title: `${shape.name} (${moments}): ${shape.description}`,
    seed: 1,
    moments,
    input: { dimension: shape.dimension },
    teacher: { kind: 'linear', noise: 0.1 },
    student: { layers: shape.layers.map((l, i) => ({ id: `W${i + 1}`, ...l })) },
    ridge: { lambda: [1e-3, 1e-1], convention: 'mean' },
    samples: { from: 100, to: 10000, points: 50 },
  };
}

/** Median stage times of `repeats` warm runs (after one discarded run). */
function measure(file: string, repeats: number): StageTimes {
  predictInProcess(file);
  const runs: StageTimes[] = [];
  for (let i = 0; i < repeats; i++) {
    const run = predictInProcess(file);
    if (!run.ok) throw new Error(`${file}: ${run.error ?? 'failed'}`);
    runs.push(run.times);
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
  const keys = Object.keys(runs[0] as StageTimes) as (keyof StageTimes)[];
  return Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k]))])) as StageTimes;
}

export function measureExactMoments(folder: string, repeats: number, log: (line: string) => void): ExactMomentsResult[] {
  mkdirSync(folder, { recursive: true });
  return SHAPES.map((shape) => {
    log(`${shape.name}: ${shape.description}, linearised and exact moments`);
    const [linearized, exact] = ['linearized', 'exact'].map((moments) => {
      const file = join(folder, `${shape.name}-${moments}.rainbow.json`);
      writeFileSync(file, `${JSON.stringify(spec(shape, moments), null, 2)}\n`);
      return measure(file, repeats);
    }) as [StageTimes, StageTimes];
    return { name: shape.name, description: shape.description, linearized, exact };
  });
}

export function exactMomentsTable(results: ExactMomentsResult[]): string {
  const s = (x: number): string => x.toFixed(3);
  const lines = ['scenario  shape                          moments      moments (s)  spectrum (s)  total (s)'];
  for (const r of results) {
    for (const [label, t] of [['linearized', r.linearized], ['exact', r.exact]] as const) {
      lines.push(`${r.name.padEnd(9)} ${r.description.padEnd(30)} ${label.padEnd(12)} ${s(t.moments).padStart(11)}  ${s(t.spectrum).padStart(12)}  ${s(t.total).padStart(9)}`);
    }
  }
  return lines.join('\n');
}
