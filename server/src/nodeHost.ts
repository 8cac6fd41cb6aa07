/**
 * The engine's host on Node.js: files from disk, paths resolved against the spec's folder.
 *
 * Reads never block and never run away: `stat` follows symbolic links and reports devices, FIFOs
 * and sockets without opening them; reads open with O_NONBLOCK (a FIFO swapped in after the stat
 * cannot hang the open), check again that the descriptor is a regular file, and read at most the
 * bytes asked for.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, relative as relativePath, resolve, sep } from 'node:path';
import { ArrayCache, notUtf8Text, type FileInfo, type SpecHost, type TextContent } from './core';

export interface NodeHostOptions {
  /**
   * Folders whose files a spec may name; absent means any file (the CLI: the user's shell could
   * read them too). A path counts as inside when its real path (symbolic links followed) is.
   */
  allowedFolders?: readonly string[];
  /** Size limit for every file read, in bytes. */
  maxFileBytes?: number;
  /** Keep parsed .npy files between loads, up to this many bytes (an editor: every keystroke validates). */
  arrayCacheBytes?: number;
}

export function createNodeHost(options: NodeHostOptions = {}): SpecHost {
  const folders = options.allowedFolders?.map(realOrSelf);
  return {
    stat: statPath,
    readText,
    readBytes,
    resolve: (fromFile, relative) => resolve(dirname(fromFile), relative),
    ...(folders ? { mayRead: (path: string) => folders.some((folder) => isInside(realOrSelf(path), folder)) } : {}),
    ...(options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes }),
    ...(options.arrayCacheBytes === undefined ? {} : { arrays: new ArrayCache(options.arrayCacheBytes) }),
  };
}

/** The CLI's host: every path, no size limit beyond the format's, no cache between runs. */
export const nodeHost: SpecHost = createNodeHost();

function kindOf(stats: Stats): FileInfo['kind'] {
  if (stats.isFile()) return 'file';
  if (stats.isDirectory()) return 'folder';
  if (stats.isFIFO()) return 'fifo';
  if (stats.isSocket()) return 'socket';
  return 'device';
}

function statPath(path: string): FileInfo {
  try {
    const stats = statSync(path, { bigint: true });
    const kind = kindOf(stats as unknown as Stats);
    // Inode, size and nanosecond modification time: a rewrite in place or a replacement changes it.
    return { kind, size: kind === 'file' ? Number(stats.size) : 0, stamp: `${stats.ino}:${stats.size}:${stats.mtimeNs}` };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { kind: code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable', size: 0, stamp: '' };
  }
}

/** Runs `body` on a descriptor of `path` (and its size) if it is a regular file; undefined otherwise. */
function withRegularFile<T>(path: string, body: (fd: number, size: number) => T): T | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    const stats = fstatSync(fd);
    return stats.isFile() ? body(fd, stats.size) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Up to `length` bytes from `offset`, fewer at the end of the file. */
function readRange(fd: number, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, out, done, Math.min(length - done, 1 << 30), offset + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? out : out.subarray(0, done);
}

function readBytes(path: string, offset: number, length: number): Uint8Array | undefined {
  return withRegularFile(path, (fd) => readRange(fd, offset, length));
}

function readText(path: string, maxBytes: number): TextContent | undefined {
  return withRegularFile(path, (fd, size): TextContent => {
    // The size stat gave, plus one byte to notice a file that grew since; never past the limit.
    let bytes = readRange(fd, 0, Math.min(size, maxBytes) + 1);
    if (bytes.length > size && bytes.length <= maxBytes) bytes = concat(bytes, readRange(fd, bytes.length, maxBytes + 1 - bytes.length));
    if (bytes.length > maxBytes) return { ok: false, why: `it is larger than ${maxBytes} bytes (it grew while being read)`, offset: maxBytes };
    const bad = notUtf8Text(bytes);
    if (bad) return { ok: false, ...bad };
    const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    return { ok: true, text: Buffer.from(bytes.buffer, bytes.byteOffset + bom, bytes.length - bom).toString('utf8') };
  });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path); // a missing file: judged by where it would be
  }
}

function isInside(path: string, folder: string): boolean {
  const r = relativePath(folder, path);
  return r === '' || (r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r));
}
