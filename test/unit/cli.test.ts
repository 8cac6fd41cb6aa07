/**
 * `rainbow` as a user runs it: a real process, its exit code, stdout and stderr.
 * (Runs the compiled CLI; `npm test` builds first.)
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/paths';

function rainbow(...args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'rainbow.js'), ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempSpec(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rainbow-cli-'));
  const file = join(dir, 'bad.rainbow.json');
  writeFileSync(file, text);
  return file;
}

test('predict --json prints the output contract of spec-format.md', () => {
  const r = rainbow('predict', 'examples/random-features.rainbow.json', '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const out = JSON.parse(r.stdout);
  assert.equal(out.title, 'Random features: one ReLU layer, linear teacher');
  assert.equal(out.features, 800);
  assert.equal(out.seed, 7);
  const layer = out.layers[0];
  for (const key of ['id', 'width', 'activation', 'preactivationVariance', 'kappa0', 'kappa1', 'kappaStar', 'spectrum']) assert.ok(key in layer, key);
  assert.deepEqual(Object.keys(layer.spectrum).sort(), ['max', 'mean', 'min']);
  assert.ok(!('eigenvalues' in layer), 'eigenvalues only with --eigenvalues');
  assert.deepEqual(Object.keys(out.target).sort(), ['noiseVariance', 'variance']);
  assert.equal(out.target.noiseVariance, 0.0625);
  // 40 log-spaced n (all distinct here) times 2 lambdas, n outer.
  assert.equal(out.points.length, 80);
  const p = out.points[0];
  for (const key of ['n', 'lambda', 'testError', 'generalizationError', 'trainError', 'effectiveRegularization']) assert.equal(typeof p[key], 'number', key);
  assert.deepEqual([out.points[0].n, out.points[0].lambda, out.points[1].n, out.points[1].lambda], [40, 0.001, 40, 0.1]);
});

test('predict prints readable tables', () => {
  const r = rainbow('predict', 'examples/random-features.rainbow.json');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /layer\s+width\s+activation/);
  assert.match(r.stdout, /n\s+lambda\s+test error\s+generalisation\s+train error\s+kappa/);
});

test('malformed JSON: file:line:column on stderr, exit code 1, no stack trace', () => {
  const file = tempSpec('{\n  "kind": "experiment",\n  "input": { "dimension": 10 }\n  "seed": 1\n}\n');
  const r = rainbow('predict', file);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /bad\.rainbow\.json:4:3: error \[json\/syntax\]/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('validate: an unknown activation is one line at the value with a suggestion', () => {
  const file = tempSpec(
    JSON.stringify({ kind: 'experiment', input: { dimension: 10 }, teacher: { kind: 'linear' }, student: { layers: [{ width: 10, activation: 'tahn' }] }, ridge: { lambda: [1] }, samples: { n: [5] } }, null, 2),
  );
  const r = rainbow('validate', file);
  assert.equal(r.code, 1);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0] as string, /:13:23: error \[schema\/enum\] unknown activation "tahn".*did you mean "tanh"/);
});

test('validate accepts every bundled example', () => {
  const r = rainbow('validate', 'examples/random-features.rainbow.json', 'examples/deep-tanh.rainbow.json', 'examples/correlated-rainbow.rainbow.json', 'examples/trained-mlp.rainbow.json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 4);
});

test('usage errors exit with code 2 and say why', () => {
  const r = rainbow('predict');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /predict takes one spec file/);
  const unknown = rainbow('frobnicate');
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  const missing = rainbow('predict', 'no/such.rainbow.json');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no\/such\.rainbow\.json:1:1: error \[file\/missing\] cannot read the spec: it does not exist/);
});

test('usage text goes to stderr when the command is missing or wrong; extra arguments are refused', () => {
  const none = rainbow();
  assert.equal(none.code, 2);
  assert.equal(none.stdout, '');
  assert.match(none.stderr, /a command is needed\nusage:/);
  const help = rainbow('--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^usage:/);
  for (const args of [['schema', 'extra'], ['--version', 'extra'], ['predict', 'examples/random-features.rainbow.json', 'examples/deep-tanh.rainbow.json']]) {
    const r = rainbow(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
    assert.match(r.stderr, /takes (no arguments|one spec file), got/, args.join(' '));
  }
});

test('--version prints the package version', () => {
  const r = rainbow('--version');
  assert.equal(r.code, 0);
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  assert.equal(r.stdout, `rainbow ${manifest.version}\n`);
});

test('terminal escape sequences in the title are printed escaped in the tables, as in problems', () => {
  const file = tempSpec(JSON.stringify({
    kind: 'experiment', title: 'evil \u001b[2J\u001b]0;owned\u0007 title', input: { dimension: 10 }, teacher: { kind: 'linear', noise: 0.1 },
    student: { layers: [{ width: 12, activation: 'tanh' }] }, ridge: { lambda: [0.1] }, samples: { n: [10] },
  }));
  const r = rainbow('predict', file);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /[\u0000-\u0008\u000b-\u001f\u007f]/);
  assert.ok(r.stdout.startsWith('evil \\u001b[2J\\u001b]0;owned\\u0007 title: p = 12 features'), r.stdout.slice(0, 80));
});

test('file names with control characters are printed escaped in problems', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rainbow-cli-'));
  const file = join(dir, 'evil\u001b[31m.rainbow.json');
  writeFileSync(file, '{}');
  const r = rainbow('validate', file);
  assert.equal(r.code, 1);
  assert.ok(!r.stderr.includes('\u001b'), r.stderr);
  assert.match(r.stderr, /evil\\u001b\[31m\.rainbow\.json:1:1: error \[schema\/kind\]/);
});

test('schema prints the JSON Schema', () => {
  const r = rainbow('schema');
  assert.equal(r.code, 0);
  assert.equal(JSON.parse(r.stdout).$schema, 'https://json-schema.org/draft/2020-12/schema');
});

test('a reader that stops early (| head) ends the output quietly, without a stack trace', async () => {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'rainbow.js'), 'predict', 'examples/deep-tanh.rainbow.json', '--json', '--eigenvalues'], { cwd: repoRoot });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(stderr, '');
  assert.equal(code, 0);
});
