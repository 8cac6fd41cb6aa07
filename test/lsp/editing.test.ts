/**
 * Editing help from the real server process: completion (schema keys, layer ids, .npy paths,
 * snippets), hover texts, definition and references of layer ids, document links, symbols,
 * quick fixes (did-you-mean, missing properties, .npy layout, misplaced linearization), formatting
 * and folding.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, CompletionItem, CompletionList, Diagnostic, DocumentLink, DocumentSymbol, FoldingRange, Hover, Location, TextEdit } from 'vscode-languageserver-types';
import { encodeNpy } from '../../server/src/core/npy';
import { fileUri, TestServer } from './harness';

const SPEC = `{
  "kind": "experiment",
  "input": { "dimension": 30 },
  "teacher": { "kind": "linear", "noise": 0.1 },
  "student": {
    "layers": [
      { "id": "W1", "width": 30, "activation": "tanh" },
      { "id": "W2", "width": 30, "activation": "relu", "weights": { "sameAs": "W1" } },
      { "width": 30, "activation": "erf", "weights": { "gaussian": { "rowCovariance": { "gram": { "layer": "W1", "shift": 1 } } } } }
    ]
  },
  "ridge": { "lambda": [0.01] },
  "samples": { "n": [10, 100] }
}
`;

/** Line and character of the n-th occurrence of `needle` (plus `shift` characters). */
function at(text: string, needle: string, shift = 0, nth = 0): { line: number; character: number } {
  let offset = -1;
  for (let i = 0; i <= nth; i++) offset = text.indexOf(needle, offset + 1);
  assert.ok(offset >= 0, `${needle} not in text`);
  return TextDocument.create('x', 'json', 1, text).positionAt(offset + shift);
}

function items(r: CompletionList | CompletionItem[] | null): CompletionItem[] {
  return Array.isArray(r) ? r : (r?.items ?? []);
}

function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('x', 'json', 1, text), edits);
}

describe('editing help', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rainbow-lsp-edit-'));
  mkdirSync(join(dir, 'data'));
  writeFileSync(join(dir, 'data', 'w.npy'), encodeNpy([30, 30], new Float64Array(900)));
  writeFileSync(join(dir, 'beta.npy'), encodeNpy([30], new Float64Array(30)));
  const file = join(dir, 'edit.rainbow.json');
  writeFileSync(file, SPEC);
  const uri = fileUri(file);
  let server: TestServer;
  const open = async (text: string): Promise<Diagnostic[]> => {
    server.change(uri, text);
    return server.diagnosticsOf(uri);
  };

  before(async () => {
    server = new TestServer({ folders: [dir], settings: { debounceMs: 0, predict: 'off' } });
    await server.start();
    server.open(uri, SPEC);
    assert.deepEqual(await server.diagnosticsOf(uri), []);
  });
  after(() => server.stop());

  it('completes schema keys and enum values from the JSON service', async () => {
    await open(SPEC);
    const keys = items(await server.request('textDocument/completion', { textDocument: { uri }, position: at(SPEC, '"input"') }));
    for (const key of ['title', 'seed', 'simulate', 'sweep']) assert.ok(keys.some((i) => i.label === key), `${key} in ${keys.map((i) => i.label)}`);
    const acts = items(await server.request('textDocument/completion', { textDocument: { uri }, position: at(SPEC, '"tanh"', 1) }));
    for (const a of ['"tanh"', '"relu"', '"gelu"']) assert.ok(acts.some((i) => i.label === a), `${a} in ${acts.map((i) => i.label)}`);
  });

  it('completes layer ids in sameAs and gram, without the layer itself', async () => {
    const same = items(await server.request('textDocument/completion', { textDocument: { uri }, position: at(SPEC, '"sameAs": "W1"', 11) }));
    assert.deepEqual(same.map((i) => i.label), ['W1', 'L3']);
    assert.deepEqual(same[0]?.textEdit && 'range' in same[0].textEdit ? same[0].textEdit.range : undefined, { start: at(SPEC, '"W1" }'), end: at(SPEC, '"W1" }', 4) });
    const gram = items(await server.request('textDocument/completion', { textDocument: { uri }, position: at(SPEC, '"layer": "W1"', 10) }));
    assert.deepEqual(gram.map((i) => i.label), ['W1', 'W2']);
  });

  it('completes .npy paths relative to the spec', async () => {
    const text = SPEC.replace('"noise": 0.1 }', '"noise": 0.1, "weights": { "file": "" } }');
    await open(text);
    const files = items(await server.request('textDocument/completion', { textDocument: { uri }, position: at(text, '"file": ""', 9) }));
    assert.deepEqual(files.map((i) => i.label), ['beta.npy', 'data/w.npy']);
  });

  it('offers snippets: a new experiment in an empty file, a layer in a layer list', async () => {
    await open('');
    const empty = items(await server.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 0 } }));
    const snippet = empty.find((i) => i.label === 'new experiment');
    assert.ok(snippet?.textEdit && 'newText' in snippet.textEdit);
    // The snippet with its placeholders' defaults is a valid experiment.
    const expanded = snippet.textEdit.newText.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1');
    assert.deepEqual(await open(expanded), []);
    const list = SPEC.replace('"layers": [\n', '"layers": [\n      \n');
    await open(list);
    const inList = items(await server.request('textDocument/completion', { textDocument: { uri }, position: at(list, '"layers": [\n      ', 18) }));
    assert.ok(inList.some((i) => i.label === 'layer'), JSON.stringify(inList.map((i) => i.label)));
  });

  it('hovers with the schema description', async () => {
    await open(SPEC);
    const h = await server.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: at(SPEC, '"dimension"', 2) });
    const text = JSON.stringify(h?.contents ?? '');
    assert.match(text, /dimension|input/i);
  });

  it('goes to the definition of a layer id and finds its references', async () => {
    await open(SPEC);
    const def = await server.request<Location[]>('textDocument/definition', { textDocument: { uri }, position: at(SPEC, '"sameAs": "W1"', 12) });
    assert.deepEqual(def, [{ uri, range: { start: at(SPEC, '"W1"'), end: at(SPEC, '"W1"', 4) } }]);
    const refs = await server.request<Location[]>('textDocument/references', { textDocument: { uri }, position: at(SPEC, '"W1"', 1), context: { includeDeclaration: true } });
    assert.deepEqual(
      refs.map((r) => r.range.start),
      [at(SPEC, '"W1"'), at(SPEC, '"W1"', 0, 1), at(SPEC, '"W1"', 0, 2)],
    );
  });

  it('links path strings to their files', async () => {
    const text = SPEC.replace('"noise": 0.1 }', '"noise": 0.1, "weights": { "file": "beta.npy" } }');
    await open(text);
    const links = await server.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri } });
    assert.deepEqual(links.map((l) => [l.target, l.range.start]), [[fileUri(join(dir, 'beta.npy')), at(text, 'beta.npy')]]);
  });

  it('shows layers in the outline by id, width and activation', async () => {
    await open(SPEC);
    const symbols = await server.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    const student = symbols.find((s) => s.name === 'student');
    const layers = student?.children?.find((s) => s.name === 'layers')?.children ?? [];
    assert.deepEqual(layers.map((l) => [l.name, l.detail]), [['W1', '30 · tanh'], ['W2', '30 · relu'], ['L3', '30 · erf']]);
  });

  it('quick fix: did-you-mean for an enum value and for a key', async () => {
    const typo = SPEC.replace('"activation": "tanh"', '"activation": "tahn"').replace('"seed"', '"seed"').replace('"kind": "experiment",', '"kind": "experiment",\n  "sed": 1,');
    const diagnostics = await open(typo);
    const actions = await server.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0]!.range, context: { diagnostics } });
    const fixed = applyEdits(typo, actions.flatMap((a) => a.edit?.changes?.[uri] ?? []));
    assert.deepEqual(actions.map((a) => a.title).sort(), ['Change to "seed"', 'Change to "tanh"']);
    assert.equal(fixed, SPEC.replace('"kind": "experiment",', '"kind": "experiment",\n  "seed": 1,'));
    assert.deepEqual(await open(fixed), []);
  });

  it('quick fix: add a missing required property', async () => {
    const missing = SPEC.replace('  "samples": { "n": [10, 100] }\n', '  "samples": { "n": [10, 100] }\n').replace(',\n  "ridge": { "lambda": [0.01] }', '');
    const diagnostics = await open(missing);
    assert.equal(diagnostics[0]?.code, 'schema/missing-property');
    const actions = await server.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0]!.range, context: { diagnostics } });
    const add = actions.find((a) => a.title === 'Add "ridge"');
    assert.ok(add, JSON.stringify(actions.map((a) => a.title)));
    assert.deepEqual(await open(applyEdits(missing, add.edit?.changes?.[uri] ?? [])), []);
  });

  it('quick fix: a transposed .npy weight file gets "layout": "inOut"', async () => {
    writeFileSync(join(dir, 'kernel.npy'), encodeNpy([20, 30], new Float64Array(600).fill(0.1)));
    const text = SPEC.replace('"dimension": 30', '"dimension": 20')
      .replace('{ "id": "W1", "width": 30, "activation": "tanh" }', '{ "id": "W1", "width": 30, "activation": "tanh", "weights": { "file": "kernel.npy" } }')
      .replace(', "weights": { "sameAs": "W1" }', '');
    const diagnostics = await open(text);
    assert.equal(diagnostics[0]?.code, 'npy/shape');
    const actions = await server.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0]!.range, context: { diagnostics } });
    assert.equal(actions[0]?.title, 'Set "layout": "inOut" (the file holds the transpose)');
    const fixed = applyEdits(text, actions[0]?.edit?.changes?.[uri] ?? []);
    assert.match(fixed, /"file": "kernel\.npy",\s*"layout": "inOut"/);
    assert.deepEqual(await open(fixed), []);
  });

  it('quick fix: "linearization" on a layer moves into its "weights" (existing, or created as the default Gaussian)', async () => {
    const text = SPEC.replace('"activation": "tanh" }', '"activation": "tanh", "linearization": "perNeuron" }').replace(
      '"activation": "relu", "weights": { "sameAs": "W1" }',
      '"activation": "relu", "linearization": "perNeuron", "weights": { "sameAs": "W1" }',
    );
    const diagnostics = await open(text);
    assert.deepEqual(diagnostics.map((d) => d.code), ['spec/linearization-on-layer', 'spec/linearization-on-layer']);
    const actions = await server.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0]!.range, context: { diagnostics } });
    assert.deepEqual(actions.map((a) => a.title), ['Move "linearization" into "weights"', 'Move "linearization" into "weights"']);
    // Each fix alone removes its own problem; both together leave a valid spec.
    for (const [i, a] of actions.entries()) {
      const left = await open(applyEdits(text, a.edit?.changes?.[uri] ?? []));
      assert.deepEqual(left.map((d) => d.data), [diagnostics[1 - i]?.data]);
    }
    let fixed = applyEdits(text, actions[0]?.edit?.changes?.[uri] ?? []);
    const again = await open(fixed);
    const second = await server.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: again[0]!.range, context: { diagnostics: again } });
    fixed = applyEdits(fixed, second[0]?.edit?.changes?.[uri] ?? []);
    assert.deepEqual(await open(fixed), []);
    const layers = (JSON.parse(fixed) as { student: { layers: Record<string, unknown>[] } }).student.layers;
    assert.deepEqual(layers[0], { id: 'W1', width: 30, activation: 'tanh', weights: { gaussian: {}, linearization: 'perNeuron' } });
    assert.deepEqual(layers[1], { id: 'W2', width: 30, activation: 'relu', weights: { sameAs: 'W1', linearization: 'perNeuron' } });
  });

  it('quick fix: no move when "weights" already sets a linearization', async () => {
    const text = SPEC.replace('"weights": { "sameAs": "W1" }', '"linearization": "perNeuron", "weights": { "sameAs": "W1", "linearization": "average" }');
    const diagnostics = await open(text);
    assert.deepEqual(diagnostics.map((d) => d.code), ['spec/linearization-on-layer']);
    const actions = await server.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0]!.range, context: { diagnostics } });
    assert.deepEqual(actions, []);
  });

  it('formats and folds', async () => {
    const ugly = JSON.stringify(JSON.parse(SPEC));
    await open(ugly);
    const edits = await server.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    const formatted = applyEdits(ugly, edits);
    assert.deepEqual(JSON.parse(formatted), JSON.parse(SPEC));
    assert.ok(formatted.split('\n').length > 10);
    await open(SPEC);
    const folds = await server.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
    assert.ok(folds.some((f) => f.startLine === at(SPEC, '"student"').line));
  });
});
