/**
 * Hovers: the schema's description of the key (the JSON service), and, once a prediction of the
 * current text exists, the numbers that concern what is under the cursor: a layer's linearisation
 * and spectrum, the test error at a sample size, or along the learning curve of a lambda.
 */
import type { Hover, MarkupContent } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { PredictionJson } from '../core';
import { layerReports } from './inlayHints';
import { formatNumber } from './numbers';
import type { PredictionState } from './predictions';
import { layerAt, nodeAtOffset, parseOutline } from './specTree';

type Point = PredictionJson['points'][number];

/** Markdown about the numbers at `offset`, or undefined when there are none. */
export function computedHover(doc: TextDocument, offset: number, result: PredictionState | undefined): string | undefined {
  if (!result) return undefined;
  const outline = parseOutline(doc.getText());
  const at = nodeAtOffset(outline, offset);
  if (!at) return undefined;
  const path = at.path;
  const firstSweep = result.payload.points[0]?.sweepValue;
  const points = result.payload.points.filter((p) => p.sweepValue === firstSweep);

  if (path[0] === 'samples' && at.node.type === 'number') {
    const n = Math.round(at.node.value as number);
    const here = points.filter((p) => p.n === n);
    if (here.length === 0) return `n = ${n} is not on the predicted grid (sample sizes are rounded and deduplicated)`;
    return [`**Predicted at n = ${n}**`, '', '| lambda | test error | train error |', '|---|---|---|', ...here.map((p) => `| ${formatNumber(p.lambda)}${p.optimal ? ' (optimal)' : ''} | ${formatNumber(p.testError)} | ${formatNumber(p.trainError)} |`)].join('\n');
  }

  if (path[0] === 'ridge' && path[1] === 'lambda') {
    const curve = at.node.type === 'number' ? points.filter((p) => !p.optimal && p.lambda === at.node.value) : points.filter((p) => p.optimal);
    if (curve.length === 0) return undefined;
    return [`**lambda ${at.node.type === 'number' ? formatNumber(at.node.value as number) : '"optimal"'}: learning curve**`, '', curveSummary(curve)].join('\n');
  }

  const layer = layerAt(outline, offset);
  if (layer && layer.role === 'student') {
    const report = layerReports(result).get(layer.id);
    if (!report) return undefined;
    const s = report.spectrum;
    return [
      `**${report.id}**: width ${report.width}, ${typeof report.activation === 'string' ? report.activation : report.activation.name}, ${report.linearization ?? 'average'} linearisation`,
      '',
      `pre-activation variance r = ${formatNumber(report.preactivationVariance)}`,
      '',
      `kappa0 = ${formatNumber(report.kappa0)}, kappa1 = ${formatNumber(report.kappa1)}, kappaStar = ${formatNumber(report.kappaStar)}`,
      '',
      `spectrum of Omega: min ${formatNumber(s.min)}, mean ${formatNumber(s.mean)}, max ${formatNumber(s.max)}`,
    ].join('\n');
  }
  return undefined;
}

function curveSummary(curve: Point[]): string {
  const finite = curve.filter((p) => p.testError !== null) as (Point & { testError: number })[];
  if (finite.length === 0) return 'no finite prediction (see Problems)';
  const first = finite[0] as Point & { testError: number };
  const last = finite[finite.length - 1] as Point & { testError: number };
  const best = [...finite].sort((a, b) => a.testError - b.testError)[0] as Point & { testError: number };
  const lines = [
    `test error ${formatNumber(first.testError)} at n = ${first.n}, ${formatNumber(last.testError)} at n = ${last.n}`,
    '',
    `lowest ${formatNumber(best.testError)} at n = ${best.n}${best.optimal ? ` (lambda ${formatNumber(best.lambda)})` : ''}`,
  ];
  const worst = [...finite].sort((a, b) => b.testError - a.testError)[0] as Point & { testError: number };
  if (worst !== first && worst !== last) lines.push('', `peak ${formatNumber(worst.testError)} at n = ${worst.n}`);
  return lines.join('\n');
}

/** The JSON service's hover with the computed numbers above it. */
export function mergeHover(schema: Hover | null | undefined, computed: string | undefined): Hover | null {
  if (!computed) return schema ?? null;
  const parts = [computed];
  if (schema) parts.push(markdownOf(schema.contents));
  const contents: MarkupContent = { kind: 'markdown', value: parts.filter(Boolean).join('\n\n---\n\n') };
  return schema?.range ? { contents, range: schema.range } : { contents };
}

function markdownOf(contents: Hover['contents']): string {
  if (typeof contents === 'string') return contents;
  if (Array.isArray(contents)) return contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n\n');
  return contents.value;
}
