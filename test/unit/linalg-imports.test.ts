/**
 * The module structure of server/src/core/linalg: no import cycle (type imports included), and the
 * TypeScript kernels reach neither the WebAssembly loader nor the backend that installs it, so they
 * compile and run without them (accelerator.ts is how the faster kernels come in).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/paths';

const LINALG = join(repoRoot, 'server', 'src', 'core', 'linalg');

/** Every .ts module under linalg/ except the AssemblyScript sources (a separate program). */
function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'assembly' ? [] : modules(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** The linalg modules a module imports or re-exports (static `from '...'`, type-only included). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const targets = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']/gms)].map((m) => m[1] as string);
  return [...new Set(targets.filter((t) => t.startsWith('.')).map((t) => resolve(dirname(file), t) + '.ts').filter((t) => t.startsWith(LINALG)))];
}

const graph = new Map(modules(LINALG).map((file) => [file, importsOf(file)]));
const name = (file: string): string => relative(LINALG, file);

test('core/linalg: the import graph is read (guards the parser of this test)', () => {
  assert.ok(graph.size >= 15, `${graph.size} modules`);
  assert.deepEqual(graph.get(join(LINALG, 'eigen.ts'))?.map(name).sort(), ['accelerator.ts', 'householder.ts', 'matrix.ts', 'order.ts', 'products.ts', 'results.ts', 'tridiagonalQL.ts']);
});

test('core/linalg: no import cycle', () => {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...path.slice(path.indexOf(file)), file].map(name).join(' -> '));
      return;
    }
    state.set(file, 'open');
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  assert.deepEqual(cycles, []);
});

test('core/linalg: the TypeScript kernels do not reach the WebAssembly loader or the backend', () => {
  for (const kernel of ['products.ts', 'eigen.ts', 'householder.ts', 'tridiagonalQL.ts', 'cholesky.ts']) {
    const reached = new Set<string>();
    const stack = [join(LINALG, kernel)];
    while (stack.length > 0) {
      for (const next of graph.get(stack.pop() as string) ?? []) {
        if (!reached.has(next)) {
          reached.add(next);
          stack.push(next);
        }
      }
    }
    const forbidden = [...reached].map(name).filter((m) => m.startsWith('wasm/') || m === 'backend.ts');
    assert.deepEqual(forbidden, [], `${kernel} reaches ${forbidden.join(', ')}`);
  }
});
