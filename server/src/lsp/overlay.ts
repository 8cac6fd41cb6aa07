/**
 * The language server's SpecHost: the unsaved text of open documents first, then the disk, within
 * the limits of the workspace trust and the settings. The core reads every file through it, so a
 * spec sees the edits of an open network file before they are saved.
 *
 * Every path read is recorded (an edit or a change on disk of one of them re-validates the spec),
 * and every refused read with its reason, so that the engine's "cannot read" problem can say why.
 * Plain data in, so that the compute worker builds the same host from a message.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Problem, SpecHost } from '../core';

/** What the host may read: from the client's trust, the workspace folders and the settings. */
export interface FileAccess {
  /** Untrusted workspace: nothing is read besides the open documents' own text. */
  trusted: boolean;
  /** Workspace folders (absolute paths); reads outside them need `allowOutside`. */
  roots: string[];
  allowOutside: boolean;
  /** Largest file read, in bytes. */
  maxBytes: number;
}

export class OverlayHost implements SpecHost {
  /** Every path the engine asked for (read or not). */
  readonly requested = new Set<string>();
  /** Paths refused, with the sentence that says why. */
  readonly denied = new Map<string, string>();

  constructor(
    /** Unsaved text of open documents, by absolute path. */
    private readonly overlay: ReadonlyMap<string, string>,
    private readonly access: FileAccess,
  ) {}

  get isTrusted(): boolean {
    return this.access.trusted;
  }

  readText(path: string): string | undefined {
    this.requested.add(path);
    const open = this.overlay.get(path);
    if (open !== undefined) return open;
    const bytes = this.readFile(path);
    return bytes && new TextDecoder().decode(bytes);
  }

  readBytes(path: string): Uint8Array | undefined {
    this.requested.add(path);
    return this.readFile(path);
  }

  resolve(fromFile: string, relativePath: string): string {
    // A document that is not a file (an untitled editor) has no folder: its paths stay unresolved
    // (and are refused) rather than being read relative to the server's working directory.
    if (!isAbsolute(fromFile)) return relativePath;
    return resolve(dirname(fromFile), relativePath);
  }

  private readFile(path: string): Uint8Array | undefined {
    const why = this.refusal(path);
    if (why) {
      this.denied.set(path, why);
      return undefined;
    }
    try {
      const size = statSync(path).size;
      if (size > this.access.maxBytes) {
        this.denied.set(path, `it is ${mib(size)} MiB, above the limit of ${mib(this.access.maxBytes)} MiB (setting rainbow.maxFileSizeMiB)`);
        return undefined;
      }
      const b = readFileSync(path);
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    } catch {
      return undefined;
    }
  }

  private refusal(path: string): string | undefined {
    if (!isAbsolute(path)) return 'the document is not saved in a folder, so its relative paths name no file (save it first)';
    if (!this.access.trusted) return 'files are not read in an untrusted workspace (trust the workspace to check referenced files)';
    if (this.access.allowOutside || this.access.roots.some((root) => isInside(root, path))) return undefined;
    return this.access.roots.length === 0
      ? 'no workspace folder is open (open the folder, or set rainbow.allowFilesOutsideWorkspace)'
      : 'it is outside the workspace folders (set rainbow.allowFilesOutsideWorkspace to read it)';
  }
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0);
}

export function isInside(root: string, path: string): boolean {
  const r = relative(root, path);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

/**
 * The engine reports an unreadable file as `file/missing`; when the host refused it, say why
 * instead. In an untrusted workspace that is information, not an error: the text itself was checked.
 */
export function explainRefusals(problems: readonly Problem[], host: OverlayHost): Problem[] {
  if (host.denied.size === 0) return [...problems];
  return problems.map((p) => {
    if (p.code !== 'file/missing') return p;
    for (const [path, why] of host.denied) {
      if (!p.message.includes(`(resolved to ${path})`)) continue;
      const subject = p.message.slice(0, p.message.indexOf(' (resolved to ')).replace(/^cannot read /, '');
      return { ...p, code: 'file/not-read', severity: host.isTrusted ? 'error' : 'information', message: `${subject} was not read: ${why}` };
    }
    return p;
  });
}
