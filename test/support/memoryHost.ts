/** An in-memory SpecHost: specs, network files and .npy files as a map from path to content. */
import type { SpecHost } from '../../server/src/core/host';

export function memoryHost(files: Record<string, string | Uint8Array>): SpecHost {
  return {
    readText: (path) => {
      const f = files[path];
      return typeof f === 'string' ? f : undefined;
    },
    readBytes: (path) => {
      const f = files[path];
      return f instanceof Uint8Array ? f : undefined;
    },
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
