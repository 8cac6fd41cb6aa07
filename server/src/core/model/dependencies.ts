/**
 * References between layers' weights: `sameAs`, `plus` and the `gram`/`inverseGram` row
 * covariances. Weights are realised in a topological order of this graph; a cycle is a user error.
 */
import type { LayerModel } from './types';

/** Ids of the layers whose weights must exist before this layer's weights can be drawn. */
export function weightDependencies(layer: LayerModel): string[] {
  const deps: string[] = [];
  const base = layer.weights.base;
  if (base.kind === 'sameAs') deps.push(base.layer);
  if (base.kind === 'gaussian') {
    const c = base.rowCovariance;
    if (c.kind === 'gram' || c.kind === 'inverseGram') deps.push(c.layer);
  }
  for (const term of layer.weights.plus) deps.push(term.layer);
  return deps;
}

export type Ordering = { ok: true; order: LayerModel[] } | { ok: false; cycle: LayerModel[] };

/** Depth-first topological sort; on a cycle returns its layers in reference order (first = last). */
export function weightOrder(layers: readonly LayerModel[]): Ordering {
  const byId = new Map(layers.map((l) => [l.id, l]));
  const state = new Map<string, 'visiting' | 'done'>();
  const order: LayerModel[] = [];
  const stack: LayerModel[] = [];
  let cycle: LayerModel[] | undefined;

  const visit = (layer: LayerModel): void => {
    if (cycle) return;
    const s = state.get(layer.id);
    if (s === 'done') return;
    if (s === 'visiting') {
      cycle = [...stack.slice(stack.indexOf(layer)), layer];
      return;
    }
    state.set(layer.id, 'visiting');
    stack.push(layer);
    for (const id of weightDependencies(layer)) {
      const dep = byId.get(id);
      if (dep) visit(dep);
    }
    stack.pop();
    state.set(layer.id, 'done');
    order.push(layer);
  };
  for (const layer of layers) visit(layer);
  return cycle ? { ok: false, cycle } : { ok: true, order };
}

/**
 * The layers whose own random draws (or file) a layer's weights contain, through `sameAs` and `plus`.
 * Two layers with a common source have correlated rows, which is what makes the identity term
 * kappaCheck2 of the teacher-student cross covariance non-zero (theory.md section 5). A gram row
 * covariance does not correlate rows in this sense: W = Z C^{1/2} with Z drawn afresh.
 */
export function randomnessSources(layer: LayerModel, byId: ReadonlyMap<string, LayerModel>): Set<string> {
  const sources = new Set<string>();
  const seen = new Set<string>();
  const walk = (l: LayerModel): void => {
    if (seen.has(l.id)) return;
    seen.add(l.id);
    const base = l.weights.base;
    if (base.kind === 'sameAs') {
      const target = byId.get(base.layer);
      if (target) walk(target);
    } else {
      sources.add(l.id);
    }
    for (const term of l.weights.plus) {
      const target = byId.get(term.layer);
      if (target) walk(target);
    }
  };
  walk(layer);
  return sources;
}

export function sharesRandomness(a: LayerModel, b: LayerModel, byId: ReadonlyMap<string, LayerModel>): boolean {
  const sa = randomnessSources(a, byId);
  for (const id of randomnessSources(b, byId)) if (sa.has(id)) return true;
  return false;
}
