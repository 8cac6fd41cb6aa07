/**
 * Inlay hints after each student layer with its linearisation and spectrum from the latest
 * prediction: "kappa1 0.632 · kappaStar 0.151 · spectrum 0.0102..3.2". Shown only while the text is
 * the one predicted (after an edit the numbers may belong to another network).
 */
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LayerJson } from '../core';
import { formatNumber } from './numbers';
import type { PredictionState } from './predictions';
import { parseOutline } from './specTree';

/** The student layers of the first sweep value, by id. */
export function layerReports(result: PredictionState): Map<string, LayerJson> {
  const first = result.payload.layers[0]?.sweepValue;
  return new Map(result.payload.layers.filter((l) => l.sweepValue === first).map((l) => [l.id, l]));
}

export function layerSummary(layer: LayerJson): string {
  return `kappa1 ${formatNumber(layer.kappa1)} · kappaStar ${formatNumber(layer.kappaStar)} · spectrum ${formatNumber(layer.spectrum.min)}..${formatNumber(layer.spectrum.max)}`;
}

export function inlayHints(doc: TextDocument, range: Range, result: PredictionState | undefined): InlayHint[] {
  if (!result) return [];
  const reports = layerReports(result);
  const from = doc.offsetAt(range.start);
  const to = doc.offsetAt(range.end);
  const hints: InlayHint[] = [];
  for (const layer of parseOutline(doc.getText()).layers) {
    if (layer.role !== 'student') continue;
    const end = layer.node.offset + layer.node.length;
    const report = reports.get(layer.id);
    if (!report || end < from || end > to) continue;
    hints.push({ position: doc.positionAt(end), label: layerSummary(report), kind: InlayHintKind.Type, paddingLeft: true });
  }
  return hints;
}
