/**
 * Checks the references between layers once the student and the teacher are known: unique ids,
 * every referenced id exists, shapes agree (sameAs and plus need the same width and fan-in; gram
 * needs the referenced width to equal this fan-in), and no layer depends on itself.
 */
import { weightOrder } from '../model/dependencies';
import type { LayerModel } from '../model/types';
import type { ResolveContext } from './context';
import type { SpecDocument } from './document';

export function checkReferences(ctx: ResolveContext, layers: readonly LayerModel[]): void {
  const byId = new Map<string, LayerModel>();
  for (const layer of layers) {
    const first = byId.get(layer.id);
    if (first) {
      ctx.report(docOf(ctx, layer), `${layer.source.pointer}/id`, 'spec/duplicate-id', `layer id "${layer.id}" is already used by ${describe(first)}; ids must be unique within the experiment`);
    } else {
      byId.set(layer.id, layer);
    }
  }
  const known = [...byId.keys()].map((id) => `"${id}"`).join(', ');

  let broken = false;
  for (const layer of layers) {
    const doc = docOf(ctx, layer);
    const w = `${layer.source.pointer}/weights`;
    const check = (id: string, pointer: string, relation: 'sameAs' | 'plus' | 'gram'): void => {
      const target = byId.get(id);
      if (!target) {
        ctx.report(doc, pointer, 'spec/unknown-layer', `no layer has the id "${id}" (layers: ${known})`);
        broken = true;
        return;
      }
      if (relation === 'gram') {
        if (target.width !== layer.fanIn) {
          ctx.report(doc, pointer, 'spec/shape', `the gram row covariance of layer "${layer.id}" needs a layer of width ${layer.fanIn} (its fan-in); "${id}" has width ${target.width}`);
          broken = true;
        }
      } else if (target.width !== layer.width || target.fanIn !== layer.fanIn) {
        ctx.report(doc, pointer, 'spec/shape', `"${relation}" needs weights of the same shape: layer "${layer.id}" is ${layer.width} x ${layer.fanIn} (width x fan-in), "${id}" is ${target.width} x ${target.fanIn}`);
        broken = true;
      }
    };
    const base = layer.weights.base;
    if (base.kind === 'sameAs') check(base.layer, `${w}/sameAs`, 'sameAs');
    if (base.kind === 'gaussian' && (base.rowCovariance.kind === 'gram' || base.rowCovariance.kind === 'inverseGram')) {
      check(base.rowCovariance.layer, `${w}/gaussian/rowCovariance/${base.rowCovariance.kind}/layer`, 'gram');
    }
    layer.weights.plus.forEach((term, i) => check(term.layer, `${w}/plus/${i}/layer`, 'plus'));
  }
  if (broken) return;

  const ordering = weightOrder([...byId.values()]);
  if (!ordering.ok) {
    const cycle = ordering.cycle;
    const head = cycle[0] as LayerModel;
    ctx.report(
      docOf(ctx, head),
      `${head.source.pointer}/weights`,
      'spec/cycle',
      `the weights of layer "${head.id}" depend on themselves: ${cycle.map((l) => l.id).join(' -> ')} (through sameAs, plus or gram references)`,
      'key',
    );
  }
}

function docOf(ctx: ResolveContext, layer: LayerModel): SpecDocument {
  const doc = ctx.documents.get(layer.source.file);
  if (!doc) throw new Error(`no document for ${layer.source.file}`);
  return doc;
}

function describe(layer: LayerModel): string {
  return `${layer.role} layer ${layer.depth}`;
}
