/**
 * Resolves a network (inline object or relative path to a "kind": "network" file) into layer
 * models: default ids, fan-ins, activations, weight forms, data files. References between layers
 * are checked later, once the student and the teacher are both known (see references.ts).
 */
import { transpose } from '../linalg/products';
import { makeActivation } from '../model/activations';
import type { LayerModel, Role, RowCovarianceModel, WeightBase, WeightsModel } from '../model/types';
import { powPositive } from '../reproducibleMath';
import type { ResolveContext } from './context';
import { DEFAULTS } from './defaults';
import type { SpecDocument } from './document';
import type { Experiment, Layer, NetworkFile, RowCovariance, Weights } from './types.generated';

type NetworkOrPath = Experiment['student'];

/** Where a network's layers live: the document and the JSON pointer of its "layers" array. */
interface NetworkSite {
  doc: SpecDocument;
  layersPointer: string;
  layers: Layer[];
}

/** @param defaultMoments the experiment's "moments", for layers that do not set their own. */
export function resolveNetwork(
  ctx: ResolveContext,
  doc: SpecDocument,
  pointer: string,
  value: NetworkOrPath,
  role: Role,
  fanIn: number,
  defaultMoments: LayerModel['moments'] = 'linearized',
): LayerModel[] | undefined {
  const site = networkSite(ctx, doc, pointer, value, role);
  if (!site) return undefined;
  const prefix = role === 'student' ? 'L' : 'T';
  const layers: LayerModel[] = [];
  let previousWidth = fanIn;
  site.layers.forEach((layer, index) => {
    const layerPointer = `${site.layersPointer}/${index}`;
    const model: LayerModel = {
      id: layer.id ?? `${prefix}${index + 1}`,
      role,
      depth: index + 1,
      width: layer.width,
      fanIn: previousWidth,
      activation: typeof layer.activation === 'string' ? makeActivation(layer.activation) : makeActivation(layer.activation.name, layer.activation.gain ?? DEFAULTS.gain),
      activationSpec: layer.activation,
      // Absent weights: the schema's default, Gaussian with identity row covariance (DEFAULT_WEIGHTS).
      weights: { base: { kind: 'gaussian', rowCovariance: { kind: DEFAULTS.rowCovariance }, scale: DEFAULTS.gaussianScale }, plus: [] },
      linearization: layer.weights?.linearization ?? DEFAULTS.linearization,
      moments: layer.moments ?? defaultMoments,
      source: { file: site.doc.file, pointer: layerPointer },
    };
    if (layer.linearization !== undefined) {
      // One place only (docs/spec-format.md): the problem sits on the misplaced key, whose pointer
      // is all an editor's quick fix needs to move it into "weights".
      const into = layer.weights ? '"weights"' : '"weights" (for example "weights": { "gaussian": {}, "linearization": "' + layer.linearization + '" })';
      const twice = layer.weights?.linearization !== undefined ? ', where it is already set' : '';
      ctx.report(site.doc, `${layerPointer}/linearization`, 'spec/linearization-on-layer', `"linearization" belongs inside ${into}${twice}: move it there`, 'key');
    }
    const weights = layer.weights && resolveWeights(ctx, site.doc, `${layerPointer}/weights`, layer.weights, model);
    if (weights) model.weights = weights;
    layers.push(model);
    previousWidth = layer.width;
  });
  return layers;
}

function networkSite(ctx: ResolveContext, doc: SpecDocument, pointer: string, value: NetworkOrPath, role: Role): NetworkSite | undefined {
  if (typeof value !== 'string') return { doc, layersPointer: `${pointer}/layers`, layers: value.layers };
  const networkDoc = ctx.networkDocument(doc, pointer, value, `the ${role} network file`);
  return networkDoc && { doc: networkDoc, layersPointer: '/layers', layers: (networkDoc.value as NetworkFile).layers };
}

function resolveWeights(ctx: ResolveContext, doc: SpecDocument, pointer: string, weights: Weights, layer: LayerModel): WeightsModel | undefined {
  const plus = (weights.plus ?? []).map((term) => ({ layer: term.layer, scale: term.scale ?? DEFAULTS.plusScale }));
  let base: WeightBase | undefined;
  const scalesOk = [
    ...('gaussian' in weights ? [{ at: `${pointer}/gaussian/scale`, scale: weights.gaussian.scale ?? 1 }] : []),
    ...plus.map((term, i) => ({ at: `${pointer}/plus/${i}/scale`, scale: term.scale })),
  ].every(({ at, scale }) => squareInRange(ctx, doc, at, scale, 'scale'));
  if (!scalesOk) return undefined;
  if ('gaussian' in weights) {
    const rowCovariance = resolveRowCovariance(ctx, doc, `${pointer}/gaussian/rowCovariance`, weights.gaussian.rowCovariance ?? DEFAULTS.rowCovariance, layer.fanIn);
    if (rowCovariance) base = { kind: 'gaussian', rowCovariance, scale: weights.gaussian.scale ?? DEFAULTS.gaussianScale };
  } else if ('sameAs' in weights) {
    base = { kind: 'sameAs', layer: weights.sameAs };
  } else {
    const layout = weights.layout ?? DEFAULTS.layout;
    const [rows, cols] = layout === 'outIn' ? [layer.width, layer.fanIn] : [layer.fanIn, layer.width];
    const transposeHint = (shape: readonly number[]): string | undefined =>
      rows !== cols && shape[0] === cols && shape[1] === rows
        ? layout === 'outIn'
          ? 'the transpose; if these are Keras kernels (x @ W), set "layout": "inOut"'
          : 'the transpose; if these are PyTorch weights (nn.Linear.weight), use "layout": "outIn"'
        : undefined;
    const m = ctx.readMatrix(doc, `${pointer}/file`, weights.file, rows, cols, `weights of layer "${layer.id}" (layout ${layout})`, transposeHint);
    if (m) base = { kind: 'file', matrix: layout === 'outIn' ? m : transpose(m) };
  }
  return base && { base, plus };
}

function resolveRowCovariance(ctx: ResolveContext, doc: SpecDocument, pointer: string, c: RowCovariance, fanIn: number): RowCovarianceModel | undefined {
  if (c === 'identity') return { kind: 'identity' };
  if ('powerLaw' in c) {
    if (!powerLawInRange(ctx, doc, `${pointer}/powerLaw`, c.powerLaw, fanIn)) return undefined;
    return { kind: 'diagonal', values: powerLawDiagonal(fanIn, c.powerLaw) };
  }
  if ('diagonal' in c) {
    const values = Array.isArray(c.diagonal)
      ? checkLength(ctx, doc, `${pointer}/diagonal`, Float64Array.from(c.diagonal), fanIn, 'the row covariance diagonal')
      : ctx.readVector(doc, `${pointer}/diagonal/file`, c.diagonal.file, fanIn, 'row covariance diagonal');
    if (values && !nonNegative(ctx, doc, Array.isArray(c.diagonal) ? `${pointer}/diagonal` : `${pointer}/diagonal/file`, values)) return undefined;
    return values && { kind: 'diagonal', values };
  }
  if ('spiked' in c) {
    if (c.spiked.rank > fanIn) {
      ctx.report(doc, `${pointer}/spiked/rank`, 'spec/spike-rank', `the spike rank ${c.spiked.rank} exceeds the fan-in ${fanIn} of this layer`);
      return undefined;
    }
    if (!(Math.abs(c.spiked.strength) <= MAX_VARIANCE)) {
      ctx.report(doc, `${pointer}/spiked/strength`, 'spec/variance-too-large', `a spike strength of ${String(c.spiked.strength).replace('e+', 'e')} is beyond ${LIMIT}, where the moments are no longer finite numbers`);
      return undefined;
    }
    return { kind: 'spiked', strength: c.spiked.strength, rank: c.spiked.rank };
  }
  if ('gram' in c) return { kind: 'gram', layer: c.gram.layer, shift: c.gram.shift ?? DEFAULTS.gramShift };
  if ('inverseGram' in c) return { kind: 'inverseGram', layer: c.inverseGram.layer, shift: c.inverseGram.shift ?? DEFAULTS.gramShift };
  const matrix = ctx.readMatrix(doc, `${pointer}/file`, c.file, fanIn, fanIn, 'row covariance');
  if (matrix && !covarianceMatrix(ctx, doc, `${pointer}/file`, matrix)) return undefined;
  return matrix && { kind: 'dense', matrix };
}

/**
 * Variances beyond this leave double precision in the layer recursion (their products and sums
 * overflow, or turn negative through cancellation): refused at the number that causes them, not
 * reported later as a meaningless pre-activation variance of some layer.
 */
export const MAX_VARIANCE = 1e100;
const LIMIT = '1e100';

/** A weight scale or a noise level s enters the variances as s^2. */
export function squareInRange(ctx: ResolveContext, doc: SpecDocument, pointer: string, s: number, noun: 'scale' | 'noise'): boolean {
  if (s * s <= MAX_VARIANCE) return true;
  const effect = noun === 'scale' ? "multiplies the layer's variances by" : 'makes a label-noise variance of';
  ctx.report(doc, pointer, 'spec/variance-too-large',
    `a ${noun} of ${String(s).replace('e+', 'e')} ${effect} s^2 = 1e${Math.round(2 * Math.log10(Math.abs(s)))}, beyond ${LIMIT} where the moments are no longer finite numbers; use a ${noun} below 1e50`);
  return false;
}

/** diag(k^-g) grows as size^-g for a negative exponent. */
export function powerLawInRange(ctx: ResolveContext, doc: SpecDocument, pointer: string, exponent: number, size: number): boolean {
  const decades = -exponent * Math.log10(size);
  if (decades <= Math.log10(MAX_VARIANCE)) return true;
  const bound = Math.log10(MAX_VARIANCE) / Math.log10(size);
  ctx.report(doc, pointer, 'spec/variance-too-large',
    `with ${size} entries, k^-g reaches ${size}^${-exponent} = 1e${Math.round(decades)}, beyond ${LIMIT} where the moments are no longer finite numbers; for this size use an exponent >= ${(-bound).toFixed(1)}`);
  return false;
}

/**
 * A covariance read from a file: symmetric, a non-negative diagonal within MAX_VARIANCE, and every
 * |C_ij| <= sqrt(C_ii C_jj) (a necessary condition of positive semi-definiteness that costs one
 * pass), so that a matrix that is not a covariance is blamed on its file rather than on a layer.
 */
export function covarianceMatrix(ctx: ResolveContext, doc: SpecDocument, pointer: string, m: { rows: number; data: Float64Array }): boolean {
  if (!symmetric(ctx, doc, pointer, m)) return false;
  const n = m.rows;
  const diagonal = Float64Array.from({ length: n }, (_, i) => m.data[i * n + i] as number);
  const bad = diagonal.findIndex((v) => !(v >= 0) || v > MAX_VARIANCE);
  if (bad >= 0) {
    const v = diagonal[bad] as number;
    ctx.report(doc, pointer, v >= 0 ? 'spec/variance-too-large' : 'spec/negative-variance', v >= 0
      ? `diagonal entry [${bad}, ${bad}] is ${v}, beyond ${LIMIT} where the moments are no longer finite numbers`
      : `diagonal entry [${bad}, ${bad}] is ${v}: a covariance matrix is positive semi-definite, so its diagonal is >= 0`);
    return false;
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const c = m.data[i * n + j] as number;
      const bound = Math.sqrt((diagonal[i] as number) * (diagonal[j] as number));
      if (Math.abs(c) > bound * (1 + 1e-12)) {
        ctx.report(doc, pointer, 'spec/negative-variance',
          `entry [${i}, ${j}] = ${c} exceeds sqrt([${i}, ${i}] [${j}, ${j}]) = ${bound}: not a covariance matrix (not positive semi-definite)`);
        return false;
      }
    }
  }
  return true;
}

/** diag(k^-a), k = 1..size, not rescaled (as in the paper); the same bits on every JavaScript engine. */
export function powerLawDiagonal(size: number, exponent: number): Float64Array {
  const values = new Float64Array(size);
  for (let k = 0; k < size; k++) values[k] = powPositive(k + 1, -exponent);
  return values;
}

export function checkLength(ctx: ResolveContext, doc: SpecDocument, pointer: string, values: Float64Array, length: number, what: string): Float64Array | undefined {
  if (values.length === length) return values;
  ctx.report(doc, pointer, 'spec/length', `${what} needs ${length} entries (one per input of the layer), found ${values.length}`);
  return undefined;
}

export function nonNegative(ctx: ResolveContext, doc: SpecDocument, pointer: string, values: Float64Array): boolean {
  const i = values.findIndex((v) => !(v >= 0) || v > MAX_VARIANCE);
  if (i < 0) return true;
  const v = values[i] as number;
  if (v >= 0) ctx.report(doc, pointer, 'spec/variance-too-large', `entry ${i} is ${v}, beyond ${LIMIT} where the moments are no longer finite numbers`);
  else ctx.report(doc, pointer, 'spec/negative-variance', `entry ${i} is ${v}: covariance diagonals must be >= 0`);
  return false;
}

function symmetric(ctx: ResolveContext, doc: SpecDocument, pointer: string, m: { rows: number; data: Float64Array }): boolean {
  const n = m.rows;
  let scale = 0;
  for (const v of m.data) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = m.data[i * n + j] as number;
      const b = m.data[j * n + i] as number;
      if (Math.abs(a - b) > 1e-10 * scale) {
        ctx.report(doc, pointer, 'spec/not-symmetric', `a covariance matrix must be symmetric: entry [${i}, ${j}] = ${a} but [${j}, ${i}] = ${b}`);
        return false;
      }
    }
  }
  return true;
}
