/**
 * What the engine needs from its environment, injected by the adapter (CLI, language server,
 * tests). The core never touches the file system itself, and only one module calls a host:
 * format/files.ts, which checks what a file is and how large before anything is read.
 *
 * The interface is synchronous (the CLI and the language server read local files). A host that can
 * only read asynchronously (a browser) fits the same core by reading ahead: every path the engine
 * asks for is visible to the adapter through `stat`, so an adapter can resolve once with a host that
 * records the requested paths, fetch them, and resolve again from the fetched copies (a spec names
 * its network files and .npy files at most two levels deep, so this settles in three passes).
 */
import type { NpyResult } from './npy';

/** What a path names, as stat(2) says after following symbolic links. */
export type FileKind = 'file' | 'folder' | 'device' | 'fifo' | 'socket' | 'missing' | 'unreadable';

export interface FileInfo {
  kind: FileKind;
  /** Size in bytes (regular files; 0 otherwise). */
  size: number;
  /**
   * Changes whenever the content may have changed: size and modification time on disk, or the
   * editor's version of an unsaved document. Caches key on it.
   */
  stamp: string;
}

/** A text file's content, or why it is not text (`offset`: the first offending byte). */
export type TextContent = { ok: true; text: string } | { ok: false; why: string; offset: number };

export interface SpecHost {
  /** What `path` is; never throws, never blocks (a FIFO or a device is not opened). */
  stat(path: string): FileInfo;
  /**
   * The text of a regular file of at most `maxBytes` bytes (UTF-8, a leading byte order mark
   * dropped), or why it is not UTF-8 text; undefined when it cannot be read. The engine calls it
   * only after `stat` said "file" within the limit; the host still reads at most `maxBytes + 1`
   * bytes, in case the file grew in between.
   */
  readText(path: string, maxBytes: number): TextContent | undefined;
  /** `length` bytes from `offset` of a regular file (fewer at its end), or undefined. */
  readBytes(path: string, offset: number, length: number): Uint8Array | undefined;
  /** Path of `relative` resolved against the folder of `fromFile`. */
  resolve(fromFile: string, relative: string): string;
  /**
   * Whether the engine may read `path` (a file named by a spec); absent means every path. The
   * language server allows only its workspace folders unless the user's settings say otherwise.
   */
  mayRead?(path: string): boolean;
  /** The adapter's own size limit for any file, in bytes, on top of the format's limits. */
  maxFileBytes?: number;
  /** Parsed .npy files kept between loads (an editor validates on every keystroke). */
  arrays?: ArrayCache<NpyResult>;
}

/** Limits of the format, whatever the host (stated in the README and the schema's descriptions). */
export const MAX_TEXT_FILE_BYTES = 16 * 1024 * 1024;

interface CachedArray<T> {
  stamp: string;
  value: T;
  bytes: number;
}

/**
 * Results of parsing data files, by path and stamp: a later load asks with the file's current
 * stamp and gets the earlier result only if the stamp is unchanged. Bounded by the bytes it holds;
 * the least recently used entries go first.
 */
export class ArrayCache<T = unknown> {
  private readonly entries = new Map<string, CachedArray<T>>();
  private held = 0;

  constructor(readonly maxBytes = 512 * 1024 * 1024) {}

  get(path: string, stamp: string): T | undefined {
    const entry = this.entries.get(path);
    if (!entry || entry.stamp !== stamp) return undefined;
    // Re-insert to mark it as the most recently used (a Map iterates in insertion order).
    this.entries.delete(path);
    this.entries.set(path, entry);
    return entry.value;
  }

  set(path: string, stamp: string, value: T, bytes: number): void {
    this.delete(path);
    if (bytes > this.maxBytes) return;
    this.entries.set(path, { stamp, value, bytes });
    this.held += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.held <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.held -= entry.bytes;
    }
  }

  delete(path: string): void {
    const entry = this.entries.get(path);
    if (!entry) return;
    this.entries.delete(path);
    this.held -= entry.bytes;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** An unsaved document: its text and the editor's version number. */
export interface OverlayDocument {
  text: string;
  version: number;
}

/**
 * A host whose open documents override the disk: the language server puts the unsaved text of
 * every open spec and network file here, so a spec sees the network file as it is being edited.
 * Data files (.npy) always come from `base`.
 */
export function overlayHost(base: SpecHost, documents: ReadonlyMap<string, OverlayDocument>): SpecHost {
  return {
    ...base,
    stat(path) {
      const open = documents.get(path);
      return open ? { kind: 'file', size: utf8Length(open.text), stamp: `open:${open.version}` } : base.stat(path);
    },
    readText(path, maxBytes) {
      const open = documents.get(path);
      return open ? { ok: true, text: open.text } : base.readText(path, maxBytes);
    },
  };
}

/** Bytes of a string in UTF-8, without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Whether bytes are UTF-8 text, for hosts before they decode: undefined when they are, otherwise
 * why not and where. Rejects UTF-16 and UTF-32 (by their byte order marks or the NUL bytes of
 * their ASCII characters), NUL bytes, and invalid UTF-8 (RFC 3629: no overlong forms, surrogates
 * or code points above U+10FFFF).
 */
export function notUtf8Text(bytes: Uint8Array): { why: string; offset: number } | undefined {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xff && b1 === 0xfe) return { why: bytes[2] === 0 && bytes[3] === 0 ? 'it is UTF-32 (little-endian byte order mark)' : 'it is UTF-16 (little-endian byte order mark)', offset: 0 };
  if (b0 === 0xfe && b1 === 0xff) return { why: 'it is UTF-16 (big-endian byte order mark)', offset: 0 };
  if (b0 === 0 && b1 === 0 && bytes[2] === 0xfe && bytes[3] === 0xff) return { why: 'it is UTF-32 (big-endian byte order mark)', offset: 0 };
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const c = bytes[i] as number;
    if (c >= 0x01 && c < 0x80) {
      i++;
      continue;
    }
    if (c === 0) {
      const utf16 = (i % 2 === 1 && (bytes[i - 1] as number) < 0x80) || (i % 2 === 0 && (bytes[i + 1] as number) < 0x80 && (bytes[i + 1] as number) > 0);
      return { why: utf16 ? 'it looks like UTF-16 (NUL bytes between ASCII characters)' : `it has a NUL byte at byte ${i + 1}, so it is binary`, offset: i };
    }
    let need: number;
    let cp: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) [need, cp, min] = [1, c & 0x1f, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [need, cp, min] = [2, c & 0x0f, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [need, cp, min] = [3, c & 0x07, 0x10000];
    else return invalidAt(i);
    if (i + need >= n) return invalidAt(i);
    for (let k = 1; k <= need; k++) {
      const b = bytes[i + k] as number;
      if ((b & 0xc0) !== 0x80) return invalidAt(i);
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return invalidAt(i);
    i += need + 1;
  }
  return undefined;
}

function invalidAt(offset: number): { why: string; offset: number } {
  return { why: `byte ${offset + 1} is not valid UTF-8, so it is binary or in another encoding`, offset };
}
