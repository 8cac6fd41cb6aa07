/** The engine's host on Node.js: files from disk, paths resolved against the spec's folder. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SpecHost } from './core';

export const nodeHost: SpecHost = {
  readText(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  readBytes(path) {
    try {
      const b = readFileSync(path);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch {
      return undefined;
    }
  },
  resolve(fromFile, relative) {
    return resolve(dirname(fromFile), relative);
  },
};
