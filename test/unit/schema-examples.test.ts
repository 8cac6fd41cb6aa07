/**
 * Every shipped example, and the example of spec-format.md, is a valid spec of its kind.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { formatProblem } from '../../server/src/core/problems';
import { parseSpecDocument } from '../../server/src/core/format/document';
import { validateSchema } from '../../server/src/core/format/validate';

function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'schemas', 'rainbow.schema.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

function specFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return specFiles(full);
    return entry.name.endsWith('.rainbow.json') ? [full] : [];
  });
}

function problemsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const parsed = parseSpecDocument(text, file);
  return [...parsed.problems, ...(parsed.document ? validateSchema(parsed.document) : [])].map(formatProblem);
}

const root = repoRoot();
const files = [
  path.join(root, 'test/fixtures/spec/spec-format-example.rainbow.json'),
  path.join(root, 'test/fixtures/spec/spec-format-network.rainbow.json'),
  ...specFiles(path.join(root, 'examples')),
];

describe('examples validate against the schema', () => {
  it('examples/ holds specs', () => {
    assert.ok(specFiles(path.join(root, 'examples')).length > 0, 'no .rainbow.json under examples/');
  });
  for (const file of files) {
    it(path.relative(root, file), () => {
      assert.deepEqual(problemsOf(file), []);
    });
  }
});
