/**
 * New Experiment: a small spec to start from (one ReLU layer on Gaussian inputs, a linear teacher
 * with label noise, two penalties and the optimal curve), quick to predict, every field valid
 * against schemas/rainbow.schema.json (a unit test loads it with the engine).
 */

export function experimentTemplate(title = 'My experiment'): string {
  const spec = {
    kind: 'experiment',
    title,
    seed: 1,
    input: { dimension: 200, covariance: 'identity' },
    teacher: { kind: 'linear', noise: 0.1 },
    student: { layers: [{ id: 'W1', width: 400, activation: 'relu' }] },
    ridge: { lambda: [0.001, 0.1, 'optimal'], convention: 'mean' },
    samples: { from: 20, to: 2000, points: 40, spacing: 'log' },
    simulate: { n: [100, 400, 1600], repeats: 5, testSamples: 1000 },
  };
  return JSON.stringify(spec, null, 2) + '\n';
}

/** The template's title from a file name: "noisy-relu.rainbow.json" -> "noisy relu". */
export function titleFromFileName(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? '';
  const stem = base.replace(/\.rainbow\.json$/i, '').replace(/[-_]+/g, ' ').trim();
  return stem.length > 0 ? stem : 'My experiment';
}
