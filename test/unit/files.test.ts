/**
 * Files a spec names, and the spec file itself: only regular files are read, sizes are checked
 * before reading, paths follow the policy (relative; the editor's workspace rule), text must be
 * UTF-8, and an editor's host serves unsaved documents and keeps parsed .npy files between loads.
 * In memory where the behaviour is the core's, on a real temporary folder (FIFOs, links to
 * /dev/zero, sockets) where it is the Node host's, and through the CLI as a user runs it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { main } from '../../server/src/cli';
import { loadExperiment } from '../../server/src/core/format/load';
import { ArrayCache, notUtf8Text, overlayHost, type FileInfo, type SpecHost } from '../../server/src/core/host';
import { encodeNpy, parseNpy } from '../../server/src/core/npy';
import { predict } from '../../server/src/core/prediction';
import { predictionJson } from '../../server/src/core/output';
import type { Problem } from '../../server/src/core/problems';
import { createNodeHost, nodeHost } from '../../server/src/nodeHost';
import { experimentText, memoryHost, type MemoryEntry } from '../support/memoryHost';
import { repoRoot } from '../support/paths';

const SPEC = '/work/spec.rainbow.json';
const NET = '/work/net.rainbow.json';
const network = (width: number): string => JSON.stringify({ kind: 'network', layers: [{ width, activation: 'tanh' }] });
const weightsSpec = (file: string): string => experimentText({ student: { layers: [{ id: 'W', width: 40, activation: 'tanh', weights: { file } }] } });
const weights = (): Uint8Array => encodeNpy([40, 30], Float64Array.from({ length: 1200 }, (_, i) => Math.sin(i) / 6));

function errors(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => p.severity === 'error');
}

/** The only error of loading `text`, with where it starts (0-based) and what it says. */
function onlyError(host: SpecHost, text: string): Problem {
  const found = errors(loadExperiment(text, SPEC, host).problems);
  assert.equal(found.length, 1, JSON.stringify(found.map((p) => `${p.code}: ${p.message}`)));
  return found[0] as Problem;
}

/** The 0-based position of the first occurrence of `marker` in `text`. */
function positionOf(text: string, marker: string): { line: number; character: number } {
  const offset = text.indexOf(marker);
  assert.ok(offset >= 0, `${marker} not in the text`);
  const lines = text.slice(0, offset).split('\n');
  return { line: lines.length - 1, character: (lines[lines.length - 1] as string).length };
}

/** A host that records every call, to see what was read and how much. */
function recording(base: SpecHost): { host: SpecHost; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    host: {
      ...base,
      stat: (path) => (calls.push(`stat ${path}`), base.stat(path)),
      readText: (path, max) => (calls.push(`text ${path}`), base.readText(path, max)),
      readBytes: (path, offset, length) => (calls.push(`bytes ${path} ${offset}+${length}`), base.readBytes(path, offset, length)),
    },
  };
}

describe('what a spec may name', () => {
  for (const [kind, says] of [
    ['folder', 'it is a folder, not a file'],
    ['device', 'it is a device (such as /dev/zero), not a regular file'],
    ['fifo', 'it is a FIFO (named pipe), not a regular file'],
    ['socket', 'it is a socket, not a regular file'],
  ] as const) {
    test(`a .npy path that is a ${kind}: file/not-regular on the path string, nothing read`, () => {
      const text = weightsSpec('w.npy');
      const { host, calls } = recording(memoryHost({ '/work/w.npy': { kind } }));
      const p = onlyError(host, text);
      assert.equal(p.code, 'file/not-regular');
      assert.ok(p.message.startsWith(`cannot read weights of layer "W" (layout outIn) "w.npy": ${says}`), p.message);
      assert.deepEqual(p.range.start, positionOf(text, '"w.npy"'));
      assert.deepEqual(calls, ['stat /work/w.npy']);
    });
  }

  test('a network path that is a FIFO: file/not-regular on the path string', () => {
    const text = experimentText({ student: 'net.rainbow.json' });
    const p = onlyError(memoryHost({ [NET]: { kind: 'fifo' } }), text);
    assert.equal(p.code, 'file/not-regular');
    assert.match(p.message, /^cannot use the student network file "net.rainbow.json": it is a FIFO/);
    assert.deepEqual(p.range.start, positionOf(text, '"net.rainbow.json"'));
  });

  test('absolute paths are refused before the host is asked (POSIX and Windows forms)', () => {
    for (const file of ['/tmp/w.npy', 'C:\\data\\w.npy', 'D:/w.npy', '\\\\server\\share\\w.npy']) {
      const text = weightsSpec(file);
      const { host, calls } = recording(memoryHost({ '/tmp/w.npy': weights() }));
      const p = onlyError(host, text);
      assert.equal(p.code, 'file/absolute-path', file);
      assert.match(p.message, /it is an absolute path: paths in a spec are relative to the spec's own folder/);
      assert.deepEqual(calls, [], file);
    }
    const net = onlyError(memoryHost({}), experimentText({ student: '/work/net.rainbow.json' }));
    assert.equal(net.code, 'file/absolute-path');
  });

  test('a host policy that refuses a path: file/outside-workspace, nothing read', () => {
    const base = memoryHost({ '/elsewhere/w.npy': weights(), [SPEC]: '' });
    const { host, calls } = recording({ ...base, mayRead: (path) => path.startsWith('/work/') });
    const p = onlyError(host, weightsSpec('../elsewhere/w.npy'));
    assert.equal(p.code, 'file/outside-workspace');
    assert.match(p.message, /it is outside the workspace folders \(resolved to \/elsewhere\/w.npy\); the editor reads files there only when the setting rainbow.allowFilesOutsideWorkspace is on/);
    assert.deepEqual(calls, []);
    // Without a policy (the CLI), "../" outside the spec's folder is read like any relative path.
    assert.deepEqual(errors(loadExperiment(weightsSpec('../elsewhere/w.npy'), SPEC, base).problems), []);
  });

  test("the host's size limit refuses a file before reading it", () => {
    const { host, calls } = recording({ ...memoryHost({ '/work/w.npy': weights() }), maxFileBytes: 1024 });
    const p = onlyError(host, weightsSpec('w.npy'));
    assert.equal(p.code, 'file/too-large');
    assert.match(p.message, /"w\.npy": it is 0\.0093 MiB \(9728 bytes\), over 0\.00098 MiB, the limit set for this editor \(setting rainbow\.maxFileSizeMiB\)$/);
    assert.deepEqual(calls, ['stat /work/w.npy']);
  });

  test('a network file over 16 MiB is refused by its size, before it is read', () => {
    const huge: SpecHost = { ...memoryHost({}), stat: (): FileInfo => ({ kind: 'file', size: 17 * 1024 * 1024, stamp: 'x' }) };
    const { host, calls } = recording(huge);
    const p = onlyError(host, experimentText({ student: 'net.rainbow.json' }));
    assert.equal(p.code, 'file/too-large');
    assert.match(p.message, /it is 17 MiB \(17825792 bytes\), over 16 MiB, the limit for spec and network files/);
    assert.deepEqual(calls, [`stat ${NET}`]);
  });
});

describe('.npy files are read boundedly', () => {
  test('a header that promises more data than the file holds: npy/truncated, only preamble and header read', () => {
    const full = weights();
    const cut = full.slice(0, full.length - 800);
    const { host, calls } = recording(memoryHost({ '/work/w.npy': cut }));
    const p = onlyError(host, weightsSpec('w.npy'));
    assert.equal(p.code, 'npy/truncated');
    assert.match(p.message, /needs 9,600 bytes after the header but only 8,800 are there/);
    const dataStart = full.length - 9600;
    assert.deepEqual(calls, ['stat /work/w.npy', 'bytes /work/w.npy 0+12', `bytes /work/w.npy 10+${dataStart - 10}`]);
  });

  test('a file of exactly header plus data is read in three bounded reads', () => {
    const full = weights();
    const { host, calls } = recording(memoryHost({ '/work/w.npy': full }));
    assert.deepEqual(errors(loadExperiment(weightsSpec('w.npy'), SPEC, host).problems), []);
    const dataStart = full.length - 9600;
    assert.deepEqual(calls.filter((c) => c.startsWith('bytes')), ['bytes /work/w.npy 0+12', `bytes /work/w.npy 10+${dataStart - 10}`, `bytes /work/w.npy ${dataStart}+9600`]);
  });

  test('bytes after the data: a warning on the path, the first array used, the rest never read', () => {
    const full = weights();
    const longer = new Uint8Array(full.length + 24);
    longer.set(full);
    const text = weightsSpec('w.npy');
    const { host, calls } = recording(memoryHost({ '/work/w.npy': longer }));
    const loaded = loadExperiment(text, SPEC, host);
    assert.deepEqual(errors(loaded.problems), []);
    const warning = loaded.problems.find((p) => p.code === 'npy/extra-bytes');
    assert.ok(warning, JSON.stringify(loaded.problems));
    assert.equal(warning.severity, 'warning');
    assert.match(warning.message, /24 bytes follow the data of shape \(40, 30\) and are ignored/);
    assert.deepEqual(warning.range.start, positionOf(text, '"w.npy"'));
    assert.ok(loaded.runs?.length === 1);
    assert.ok(calls.every((c) => !c.startsWith('bytes') || Number(c.split(' ')[2]?.split('+')[0]) + Number(c.split('+')[1]) <= full.length), calls.join('\n'));
  });
});

describe('experiments named where a network is expected', () => {
  test('the spec as its own student: one located problem, not an internal error', () => {
    const text = experimentText({ student: 'spec.rainbow.json' });
    const p = onlyError(memoryHost({ [SPEC]: text }), text);
    assert.equal(p.code, 'file/invalid-network');
    assert.equal(p.message, 'cannot use the student network file "spec.rainbow.json": it is this experiment itself, not a "kind": "network" file');
    assert.deepEqual(p.range.start, positionOf(text, '"spec.rainbow.json"'));
  });

  test('the spec as its own teacher network, under a sweep: one problem, not a crash', () => {
    const text = experimentText({ teacher: { kind: 'network', network: 'spec.rainbow.json', noise: 0.1 }, sweep: { parameter: '/teacher/noise', values: [0.1, 0.2] } });
    const loaded = loadExperiment(text, SPEC, memoryHost({ [SPEC]: text }));
    assert.deepEqual(
      errors(loaded.problems).map((p) => [p.code, p.message]),
      [['file/invalid-network', 'cannot use the teacher network file "spec.rainbow.json": it is this experiment itself, not a "kind": "network" file']],
    );
  });

  test('one experiment file named twice (student and teacher): a problem at each reference', () => {
    const other = experimentText({});
    const text = experimentText({ student: 'other.rainbow.json', teacher: { kind: 'network', network: 'other.rainbow.json' } });
    const loaded = loadExperiment(text, SPEC, memoryHost({ '/work/other.rainbow.json': other }));
    const found = errors(loaded.problems);
    const references = found.filter((p) => p.file === SPEC);
    assert.deepEqual(
      references.map((p) => p.message),
      [
        'cannot use the student network file "other.rainbow.json": it is an experiment, not a "kind": "network" file',
        'cannot use the teacher network file "other.rainbow.json": it is an experiment, not a "kind": "network" file',
      ],
    );
    assert.ok(references.every((p) => p.code === 'file/invalid-network'));
    // The file's own problem is reported once, in that file.
    assert.equal(found.filter((p) => p.file === '/work/other.rainbow.json').length, 1);
  });

  test('one network file used by the student and the teacher is read once and works for both', () => {
    const { host, calls } = recording(memoryHost({ [NET]: JSON.stringify({ kind: 'network', layers: [{ id: 'N', width: 40, activation: 'tanh' }] }) }));
    const loaded = loadExperiment(experimentText({ student: 'net.rainbow.json', teacher: { kind: 'network', network: 'net.rainbow.json' } }), SPEC, host);
    // Same ids twice is the resolver's concern (spec/duplicate-id); the file was read once.
    assert.ok(loaded.problems.every((p) => p.code === 'spec/duplicate-id'), JSON.stringify(loaded.problems));
    assert.equal(calls.filter((c) => c.startsWith('text')).length, 1);
  });
});

describe('text that is not UTF-8', () => {
  const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
  test('byte order marks of UTF-16 and UTF-32, NUL bytes, invalid sequences; valid UTF-8 passes', () => {
    const utf16le = Uint8Array.from([0xff, 0xfe, ...ascii('{}').flatMap((c) => [c, 0])]);
    assert.equal(notUtf8Text(utf16le)?.why, 'it is UTF-16 (little-endian byte order mark)');
    assert.equal(notUtf8Text(Uint8Array.from([0xfe, 0xff, 0, 0x7b]))?.why, 'it is UTF-16 (big-endian byte order mark)');
    assert.equal(notUtf8Text(Uint8Array.from([0xff, 0xfe, 0, 0, 0x7b, 0, 0, 0]))?.why, 'it is UTF-32 (little-endian byte order mark)');
    assert.equal(notUtf8Text(Uint8Array.from([0, 0, 0xfe, 0xff]))?.why, 'it is UTF-32 (big-endian byte order mark)');
    assert.deepEqual(notUtf8Text(Uint8Array.from(ascii('{}').flatMap((c) => [c, 0]))), { why: 'it looks like UTF-16 (NUL bytes between ASCII characters)', offset: 1 });
    assert.deepEqual(notUtf8Text(Uint8Array.from(ascii('{}').flatMap((c) => [0, c]))), { why: 'it looks like UTF-16 (NUL bytes between ASCII characters)', offset: 0 });
    assert.deepEqual(notUtf8Text(Uint8Array.from([...ascii('{"a"'), 0, 0, 0xff])), { why: 'it has a NUL byte at byte 5, so it is binary', offset: 4 });
    const invalid = (bytes: number[], offset: number): void => assert.deepEqual(notUtf8Text(Uint8Array.from(bytes)), { why: `byte ${offset + 1} is not valid UTF-8, so it is binary or in another encoding`, offset }, bytes.join(' '));
    invalid([0x7b, 0xe9, 0x7d], 1); // latin-1 "é"
    invalid([0x7b, 0xc0, 0xaf], 1); // overlong "/"
    invalid([0x7b, 0xed, 0xa0, 0x80], 1); // a UTF-16 surrogate
    invalid([0xf4, 0x90, 0x80, 0x80], 0); // above U+10FFFF
    invalid([0x41, 0xe2, 0x82], 1); // cut at the end
    invalid([0x80], 0); // a lone continuation byte
    assert.equal(notUtf8Text(new TextEncoder().encode('{"title": "Zürich – 東京 😀"}')), undefined);
    assert.equal(notUtf8Text(Uint8Array.from([0xef, 0xbb, 0xbf, ...ascii('{}')])), undefined);
  });

  test('a network file in UTF-16: file/not-utf8 on the path string', () => {
    const text = experimentText({ student: 'net.rainbow.json' });
    const utf16 = Uint8Array.from([0xff, 0xfe, ...Array.from(network(40), (c) => [c.charCodeAt(0), 0]).flat()]);
    const p = onlyError(memoryHost({ [NET]: utf16 }), text);
    assert.equal(p.code, 'file/not-utf8');
    assert.equal(p.message, 'cannot use the student network file "net.rainbow.json": it is not a UTF-8 text file: it is UTF-16 (little-endian byte order mark)');
    assert.deepEqual(p.range.start, positionOf(text, '"net.rainbow.json"'));
  });
});

describe("an editor's host", () => {
  test('unsaved text of an open document overrides the disk', () => {
    const disk = memoryHost({ [NET]: network(40) });
    const spec = experimentText({ student: 'net.rainbow.json' });
    assert.deepEqual(errors(loadExperiment(spec, SPEC, disk).problems), []);
    const open = new Map([[NET, { text: '{ "kind": "network", "layers": [ { "width": 0, "activation": "tanh" } ] }', version: 3 }]]);
    const edited = errors(loadExperiment(spec, SPEC, overlayHost(disk, open)).problems);
    assert.deepEqual(
      edited.map((p) => [p.file, p.code]),
      [
        [NET, 'schema/range'],
        [SPEC, 'file/invalid-network'],
      ],
    );
    // A document open but never saved (not on disk at all) is read from the overlay too.
    const fresh = overlayHost(memoryHost({}), new Map([[NET, { text: network(40), version: 1 }]]));
    assert.deepEqual(errors(loadExperiment(spec, SPEC, fresh).problems), []);
    assert.deepEqual(fresh.stat(NET), { kind: 'file', size: network(40).length, stamp: 'open:1' });
    // Its size is counted in UTF-8 bytes, for the size limit.
    assert.equal(overlayHost(memoryHost({}), new Map([[NET, { text: 'é😀', version: 1 }]])).stat(NET).size, 6);
  });

  test('an open document over 16 MiB is refused before it is parsed', () => {
    const text = `{"title": "${'é'.repeat(8 * 1024 * 1024)}"}`; // 16 MiB + 13 bytes in UTF-8, half as many characters
    const loaded = loadExperiment(text, SPEC, memoryHost({}));
    assert.deepEqual(
      loaded.problems.map((p) => [p.code, p.message, p.range.start]),
      [['file/too-large', 'the spec is 16 MiB (16777229 bytes), over 16 MiB, the limit for spec and network files', { line: 0, character: 0 }]],
    );
    assert.equal(loaded.documents.size, 0);
  });

  test('parsed .npy files are kept between loads by path and stamp; a new stamp reads again', () => {
    const files: Record<string, MemoryEntry> = { '/work/w.npy': weights() };
    let stamp = 'v1';
    const base = memoryHost(files);
    const { host, calls } = recording({ ...base, stat: (path) => ({ ...base.stat(path), stamp }), arrays: new ArrayCache() });
    const text = weightsSpec('w.npy');
    const reads = (): number => calls.filter((c) => c.startsWith('bytes')).length;

    const first = loadExperiment(text, SPEC, host);
    assert.deepEqual(errors(first.problems), []);
    assert.equal(reads(), 3);
    const second = loadExperiment(text, SPEC, host);
    assert.deepEqual(errors(second.problems), []);
    assert.equal(reads(), 3, 'the second validation read the file again');
    assert.ok(calls.filter((c) => c.startsWith('stat')).length >= 2, 'the stamp is checked at every load');

    files['/work/w.npy'] = encodeNpy([40, 30], new Float64Array(1200).fill(0.5));
    stamp = 'v2';
    const third = loadExperiment(text, SPEC, host);
    assert.equal(reads(), 6, 'a changed stamp reads the file again');
    const w = third.runs?.[0]?.model.student[0]?.weights.base;
    assert.ok(w?.kind === 'file' && w.matrix.data[0] === 0.5, 'the new content is used');
  });

  test('cached arrays are shared between runs and never modified by them: two predictions agree', () => {
    const host = createNodeHost({ arrayCacheBytes: 64 * 2 ** 20 });
    const file = join(repoRoot, 'examples', 'trained-mlp.rainbow.json');
    const text = readFileSync(file, 'utf8');
    const first = predict(text, file, host);
    assert.ok(first.result, JSON.stringify(first.problems));
    const cached = readdirSync(join(repoRoot, 'examples', 'trained-mlp')).filter((f) => f.endsWith('.npy'));
    assert.equal(host.arrays?.size, cached.length, 'every .npy file of the example is cached');
    const second = predict(text, file, host);
    assert.ok(second.result);
    assert.deepEqual(predictionJson(second.result, true), predictionJson(first.result, true));
    for (const name of cached) {
      const path = join(repoRoot, 'examples', 'trained-mlp', name);
      const kept = host.arrays?.get(path, host.stat(path).stamp);
      const fresh = parseNpy(new Uint8Array(readFileSync(path)));
      assert.ok(kept?.ok && fresh.ok);
      assert.deepEqual(kept.array.data, fresh.array.data, `${name} was modified by a run`);
    }
  });

  test('the array cache is bounded by bytes, oldest entries going first', () => {
    const cache = new ArrayCache<string>(100);
    cache.set('a', '1', 'A', 60);
    cache.set('b', '1', 'B', 30);
    assert.equal(cache.get('a', '1'), 'A'); // a is now the most recent
    cache.set('c', '1', 'C', 30);
    assert.equal(cache.get('b', '1'), undefined, 'b was the least recently used');
    assert.equal(cache.get('a', '1'), 'A');
    assert.equal(cache.get('a', '2'), undefined, 'another stamp is another version');
    cache.set('d', '1', 'D', 101);
    assert.equal(cache.get('d', '1'), undefined, 'an entry larger than the whole cache is not kept');
    assert.equal(cache.size, 2);
  });
});

describe('the Node host on a real folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rainbow-files-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const path = (name: string): string => join(dir, name);
  const mkfifo = (name: string): void => assert.equal(spawnSync('mkfifo', [path(name)]).status, 0, 'mkfifo');

  /** Runs the CLI in this process: exit code and what it printed. */
  async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await main(argv, { out: (s) => (out += `${s}\n`), err: (s) => (err += `${s}\n`) });
    return { code, out, err };
  }

  test('stat names what a path is, following symbolic links, without opening it', async () => {
    writeFileSync(path('plain.npy'), weights());
    mkdirSync(path('folder.npy'));
    mkfifo('pipe.npy');
    symlinkSync('/dev/zero', path('zero.npy'));
    const server = createServer();
    await new Promise<void>((done) => server.listen(path('socket.npy'), done));
    try {
      assert.equal(nodeHost.stat(path('plain.npy')).kind, 'file');
      assert.equal(nodeHost.stat(path('plain.npy')).size, weights().length);
      assert.equal(nodeHost.stat(path('folder.npy')).kind, 'folder');
      assert.equal(nodeHost.stat(path('pipe.npy')).kind, 'fifo');
      assert.equal(nodeHost.stat(path('zero.npy')).kind, 'device');
      assert.equal(nodeHost.stat(path('socket.npy')).kind, 'socket');
      assert.equal(nodeHost.stat(path('none.npy')).kind, 'missing');
      assert.equal(nodeHost.stat(path('plain.npy/x')).kind, 'missing');
      // Even asked directly, the host does not read what is not a regular file.
      assert.equal(nodeHost.readBytes(path('pipe.npy'), 0, 16), undefined);
      assert.equal(nodeHost.readBytes(path('zero.npy'), 0, 16), undefined);
      assert.equal(nodeHost.readText(path('zero.npy'), 1024), undefined);
    } finally {
      server.close();
    }
  });

  test('a rewritten file gets a new stamp; text is decoded as UTF-8 without its byte order mark', () => {
    writeFileSync(path('t.rainbow.json'), '\ufeff{"a": "é"}');
    const before = nodeHost.stat(path('t.rainbow.json')).stamp;
    assert.deepEqual(nodeHost.readText(path('t.rainbow.json'), 100), { ok: true, text: '{"a": "é"}' });
    writeFileSync(path('t.rainbow.json'), '{"a": "e!"}');
    assert.notEqual(nodeHost.stat(path('t.rainbow.json')).stamp, before);
    // Reads stop at the limit: a file that grew past it is not read whole.
    assert.equal(nodeHost.readText(path('t.rainbow.json'), 4)?.ok, false);
  });

  test('CLI: a FIFO and a link to /dev/zero named as weights, under validate and predict', async () => {
    mkdirSync(path('fifo'));
    writeFileSync(path('fifo/spec.rainbow.json'), weightsSpec('w.npy'));
    assert.equal(spawnSync('mkfifo', [path('fifo/w.npy')]).status, 0);
    mkdirSync(path('zero'));
    writeFileSync(path('zero/spec.rainbow.json'), weightsSpec('w.npy'));
    symlinkSync('/dev/zero', path('zero/w.npy'));
    for (const [folder, what] of [['fifo', 'a FIFO'], ['zero', 'a device']]) {
      for (const command of ['validate', 'predict']) {
        const r = await cli(command, path(`${folder}/spec.rainbow.json`));
        assert.equal(r.code, 1, r.err);
        assert.equal(r.out, '');
        assert.match(r.err, new RegExp(`spec\\.rainbow\\.json:\\d+:\\d+: error \\[file/not-regular\\] cannot read weights of layer "W" \\(layout outIn\\) "w\\.npy": it is ${what}`));
      }
    }
  });

  test('CLI: /dev/zero, a FIFO, a folder and a 17 MiB file as the spec itself', async () => {
    mkfifo('pipe.rainbow.json');
    mkdirSync(path('folder.rainbow.json'));
    const fd = openSync(path('big.rainbow.json'), 'w');
    ftruncateSync(fd, 17 * 1024 * 1024); // sparse: nothing written, nothing to read
    closeSync(fd);
    const cases: Array<[string, string]> = [
      ['/dev/zero', '/dev/zero:1:1: error [file/not-regular] cannot read the spec: it is a device (such as /dev/zero), not a regular file'],
      [path('pipe.rainbow.json'), ':1:1: error [file/not-regular] cannot read the spec: it is a FIFO (named pipe), not a regular file'],
      [path('folder.rainbow.json'), ':1:1: error [file/not-regular] cannot read the spec: it is a folder, not a file'],
      [path('big.rainbow.json'), ':1:1: error [file/too-large] cannot read the spec: it is 17 MiB (17825792 bytes), over 16 MiB, the limit for spec and network files'],
      [path('none.rainbow.json'), ':1:1: error [file/missing] cannot read the spec: it does not exist'],
    ];
    for (const [spec, says] of cases) {
      for (const command of ['validate', 'predict', 'simulate']) {
        const r = await cli(command, spec);
        assert.equal(r.code, 1, `${command} ${spec}: ${r.err}`);
        assert.equal(r.out, '');
        assert.ok(r.err.includes(says), `${command} ${spec}: ${r.err}`);
      }
    }
  });

  test('CLI: a spec in UTF-16 or binary says "not a UTF-8 text file" at its start', async () => {
    writeFileSync(path('utf16.rainbow.json'), Buffer.from(`\ufeff${experimentText({})}`, 'utf16le'));
    writeFileSync(path('binary.rainbow.json'), Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    const utf16 = await cli('validate', path('utf16.rainbow.json'));
    assert.equal(utf16.code, 1);
    assert.match(utf16.err, /utf16\.rainbow\.json:1:1: error \[file\/not-utf8\] cannot read the spec: it is not a UTF-8 text file: it is UTF-16 \(little-endian byte order mark\)/);
    const binary = await cli('validate', path('binary.rainbow.json'));
    assert.match(binary.err, /binary\.rainbow\.json:1:1: error \[file\/not-utf8\] cannot read the spec: it is not a UTF-8 text file: byte 1 is not valid UTF-8/);
  });

  test('workspace folders: inside is read, "../" outside and links leading outside are refused', () => {
    mkdirSync(path('ws/sub'), { recursive: true });
    writeFileSync(path('ws/sub/w.npy'), weights());
    writeFileSync(path('outside.npy'), weights());
    symlinkSync(path('outside.npy'), path('ws/sub/link.npy'));
    const spec = path('ws/sub/spec.rainbow.json');
    const host = createNodeHost({ allowedFolders: [path('ws')] });
    assert.deepEqual(errors(loadExperiment(weightsSpec('w.npy'), spec, host).problems), []);
    for (const file of ['../../outside.npy', 'link.npy']) {
      const found = errors(loadExperiment(weightsSpec(file), spec, host).problems);
      assert.deepEqual(found.map((p) => p.code), ['file/outside-workspace'], file);
    }
    // The CLI's host reads "../" outside the spec's folder, as the user's shell would.
    assert.deepEqual(errors(loadExperiment(weightsSpec('../../outside.npy'), spec, nodeHost).problems), []);
  });
});
