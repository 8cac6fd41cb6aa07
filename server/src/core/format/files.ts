/**
 * The files stage: the only code that calls the SpecHost. Every file a spec names goes through
 * the same gate, in this order: the path is relative, the host may read it, it is a regular file
 * (devices, FIFOs, sockets and folders are refused by what stat says, without opening them), its
 * size is within the limits, and only then is it read, boundedly (a .npy file: the preamble, the
 * header, then exactly the data the header describes).
 *
 * Results are reasons, not problems: the resolver places them on the path string that named the
 * file, or at the start of the spec itself.
 */
import { MAX_TEXT_FILE_BYTES, utf8Length, type FileInfo, type SpecHost } from '../host';
import { readNpy, type NpyResult } from '../npy';
import { START_OF_FILE, type Problem, type ProblemCode } from '../problems';

/** A refusal: a stable code and a clause about the file ("it is a FIFO ..."). */
export interface FileRefusal {
  ok: false;
  code: Extract<ProblemCode, `file/${string}`>;
  reason: string;
}

export type TextRead = { ok: true; text: string } | FileRefusal;

const refuse = (code: FileRefusal['code'], reason: string): FileRefusal => ({ ok: false, code, reason });

/** `/x`, `\x`, `C:\x`, `C:/x`: absolute on some system, so not portable in a spec. */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(path);
}

/**
 * The full path of `relative`, named in the file `fromFile`, if a spec may name it: relative, and
 * readable under the host's policy.
 */
export function resolvePath(host: SpecHost, fromFile: string, relative: string): { ok: true; path: string } | FileRefusal {
  if (isAbsolutePath(relative)) {
    return refuse('file/absolute-path', "it is an absolute path: paths in a spec are relative to the spec's own folder (e.g. \"data/w.npy\"), so that the spec and its files can move together");
  }
  const path = host.resolve(fromFile, relative);
  if (host.mayRead && !host.mayRead(path)) {
    return refuse('file/outside-workspace', `it is outside the workspace folders (resolved to ${path}); the editor reads files there only when the setting rainbow.allowFilesOutsideWorkspace is on`);
  }
  return { ok: true, path };
}

const KIND_REASONS: Record<Exclude<FileInfo['kind'], 'file'>, [FileRefusal['code'], string]> = {
  missing: ['file/missing', 'it does not exist'],
  unreadable: ['file/missing', 'it cannot be opened (no permission?)'],
  folder: ['file/not-regular', 'it is a folder, not a file'],
  device: ['file/not-regular', 'it is a device (such as /dev/zero), not a regular file; only regular files are read'],
  fifo: ['file/not-regular', 'it is a FIFO (named pipe), not a regular file; only regular files are read, since a pipe can keep a reader waiting forever'],
  socket: ['file/not-regular', 'it is a socket, not a regular file; only regular files are read'],
};

function mebibytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return `${mib >= 10 ? Math.round(mib) : Number(mib.toPrecision(2))} MiB`;
}

/** The stat of a path that must be a regular file of at most `limit` bytes, or the refusal. */
function regularFile(host: SpecHost, path: string, limit: number, limitWhat: string): { ok: true; info: FileInfo } | FileRefusal {
  const info = host.stat(path);
  if (info.kind !== 'file') {
    const [code, reason] = KIND_REASONS[info.kind];
    return refuse(code, info.kind === 'missing' || info.kind === 'unreadable' ? `${reason} (resolved to ${path})` : reason);
  }
  const hostLimit = host.maxFileBytes ?? Infinity;
  if (info.size > Math.min(limit, hostLimit)) {
    const byHost = hostLimit < limit;
    const cap = byHost ? `${mebibytes(hostLimit)}, the limit set for this editor (setting rainbow.maxFileSizeMiB)` : `${mebibytes(limit)}, the limit for ${limitWhat}`;
    return refuse('file/too-large', `it is ${mebibytes(info.size)} (${info.size} bytes), over ${cap}`);
  }
  return { ok: true, info };
}

/** A spec or network file's text: a regular file of at most 16 MiB in UTF-8. */
export function readTextFile(host: SpecHost, path: string): TextRead {
  const file = regularFile(host, path, MAX_TEXT_FILE_BYTES, 'spec and network files');
  if (!file.ok) return file;
  const content = host.readText(path, Math.min(MAX_TEXT_FILE_BYTES, host.maxFileBytes ?? Infinity));
  if (!content) return refuse('file/missing', `it cannot be opened (resolved to ${path})`);
  if (!content.ok) return refuse('file/not-utf8', `it is not a UTF-8 text file: ${content.why}`);
  return content;
}

/**
 * A .npy file, parsed; a parse that the host's cache holds for the file's current stamp is
 * reused (the editor validates on every keystroke without reading a weight file again).
 */
export function readArrayFile(host: SpecHost, path: string): NpyResult | FileRefusal {
  // 2^31 float64 entries plus a header: the format's own cap (npy.ts), applied before reading.
  const file = regularFile(host, path, 2 ** 34 + (1 << 20), '.npy files (2^31 entries)');
  if (!file.ok) return file;
  const cached = host.arrays?.get(path, file.info.stamp);
  if (cached) return cached;
  const parsed = readNpy({ size: file.info.size, read: (offset, length) => host.readBytes(path, offset, length) });
  host.arrays?.set(path, file.info.stamp, parsed, parsed.ok ? parsed.array.data.byteLength : 0);
  return parsed;
}

/**
 * The spec an adapter was asked to open, as text, or a problem at the start of that file (it is
 * not a regular file, too large, not UTF-8). The spec itself is always readable (the user named it).
 */
export function readSpecFile(host: SpecHost, path: string): { ok: true; text: string } | { ok: false; problem: Problem } {
  const read = readTextFile(host, path);
  if (read.ok) return read;
  return { ok: false, problem: { code: read.code, severity: 'error', message: `cannot read the spec: ${read.reason}`, file: path, range: START_OF_FILE } };
}

/**
 * The same size limit for a spec that arrives as text (an editor's open document), checked before
 * it is parsed. A UTF-16 unit is 1 to 3 UTF-8 bytes, so short texts skip the count.
 */
export function specTextTooLarge(text: string, file: string): Problem | undefined {
  if (text.length * 3 <= MAX_TEXT_FILE_BYTES) return undefined;
  const bytes = utf8Length(text);
  if (bytes <= MAX_TEXT_FILE_BYTES) return undefined;
  const message = `the spec is ${mebibytes(bytes)} (${bytes} bytes), over ${mebibytes(MAX_TEXT_FILE_BYTES)}, the limit for spec and network files`;
  return { code: 'file/too-large', severity: 'error', message, file, range: START_OF_FILE };
}
