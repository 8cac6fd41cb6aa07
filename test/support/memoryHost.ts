/** An in-memory SpecHost: specs, network files and .npy files as a map from path to content. */
import type { FileKind, SpecHost } from '../../server/src/core/host';
import { notUtf8Text } from '../../server/src/core/host';

/** A file's content, or a path that is something other than a regular file. */
export type MemoryEntry = string | Uint8Array | { kind: Exclude<FileKind, 'file'> };

export function memoryHost(files: Record<string, MemoryEntry>): SpecHost {
  const bytesOf = (f: MemoryEntry | undefined): Uint8Array | undefined => (typeof f === 'string' ? new TextEncoder().encode(f) : f instanceof Uint8Array ? f : undefined);
  return {
    stat: (path) => {
      const f = files[path];
      if (f === undefined) return { kind: 'missing', size: 0, stamp: '' };
      const bytes = bytesOf(f);
      return bytes ? { kind: 'file', size: bytes.length, stamp: String(bytes.length) } : { kind: (f as { kind: Exclude<FileKind, 'file'> }).kind, size: 0, stamp: '' };
    },
    readText: (path, maxBytes) => {
      const bytes = bytesOf(files[path]);
      if (!bytes) return undefined;
      if (bytes.length > maxBytes) return { ok: false, why: 'too large', offset: maxBytes };
      const bad = notUtf8Text(bytes);
      return bad ? { ok: false, ...bad } : { ok: true, text: new TextDecoder().decode(bytes) };
    },
    readBytes: (path, offset, length) => bytesOf(files[path])?.slice(offset, offset + length),
    resolve: (fromFile, relative) => {
      const dir = fromFile.includes('/') ? fromFile.slice(0, fromFile.lastIndexOf('/')) : '.';
      const parts = `${dir}/${relative}`.split('/');
      const out: string[] = [];
      for (const part of parts) {
        if (part === '..') out.pop();
        else if (part !== '.' && part !== '') out.push(part);
      }
      return `/${out.join('/')}`;
    },
  };
}

/** A spec object as text, with the experiment boilerplate filled in. */
export function experimentText(fields: Record<string, unknown>): string {
  return JSON.stringify(
    {
      kind: 'experiment',
      input: { dimension: 30 },
      teacher: { kind: 'linear', noise: 0.1 },
      student: { layers: [{ width: 40, activation: 'tanh' }] },
      ridge: { lambda: [0.01] },
      samples: { n: [20, 80] },
      ...fields,
    },
    null,
    2,
  );
}
