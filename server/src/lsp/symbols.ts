/**
 * Document symbols: the JSON service's outline, with each layer named by its id and described by
 * width and activation ("W1 · 500 · tanh"), so that the outline and breadcrumbs read as a network.
 */
import type { JSONDocument, TextDocument } from 'vscode-json-languageservice';
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver-types';
import { jsonService } from './jsonService';
import { parseOutline, type LayerSite } from './specTree';

export function documentSymbols(doc: TextDocument, json: JSONDocument): DocumentSymbol[] {
  const symbols = jsonService().findDocumentSymbols2(doc, json, { resultLimit: 5000 });
  const layers = new Map<number, LayerSite>(parseOutline(doc.getText()).layers.map((l) => [l.node.offset, l]));
  const rename = (list: DocumentSymbol[]): void => {
    for (const symbol of list) {
      const layer = layers.get(doc.offsetAt(symbol.range.start));
      if (layer && symbol.kind !== SymbolKind.Property) {
        symbol.name = layer.id;
        symbol.detail = [layer.width, layer.activation].filter((x) => x !== undefined).join(' · ');
        symbol.kind = SymbolKind.Class;
      }
      if (symbol.children) rename(symbol.children);
    }
  };
  rename(symbols);
  return symbols;
}
