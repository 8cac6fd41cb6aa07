/**
 * The language server's SpecHost: the unsaved text of open documents over the disk (the core's
 * `overlayHost`), read with the Node host's bounds, within the workspace folders unless the
 * settings allow more, and nothing at all in an untrusted workspace. Parsed .npy files are cached
 * between validations by the file's stamp.
 *
 * It records every path the engine asks about, so that an edit or a change on disk of one of them
 * re-validates the spec. Plain data in (`FileAccess`), so that the compute worker builds the same
 * host from a message.
 */
import { isAbsolute } from 'node:path';
import { overlayHost, type OverlayDocument, type Problem, type SpecHost } from '../core';
import { createNodeHost } from '../nodeHost';

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

/** Parsed .npy files kept between validations (an editor validates on every pause in typing). */
const ARRAY_CACHE_BYTES = 256 * 2 ** 20;

/** The disk side of the host for one access policy (keeps its .npy cache while the policy holds). */
export function diskHost(access: FileAccess): SpecHost {
  const base = createNodeHost({
    ...(access.allowOutside ? {} : { allowedFolders: access.roots }),
    maxFileBytes: access.maxBytes,
    arrayCacheBytes: ARRAY_CACHE_BYTES,
  });
  // Untrusted: the engine asks, and is refused for every file (the refusal is reworded below).
  return access.trusted ? base : { ...base, mayRead: () => false };
}

/** A host over `disk` with the open documents on top, recording the paths the engine asks about. */
export function editorHost(disk: SpecHost, documents: ReadonlyMap<string, OverlayDocument>): { host: SpecHost; requested: Set<string> } {
  const requested = new Set<string>();
  const layered = overlayHost(disk, documents);
  const host: SpecHost = {
    ...layered,
    // A document that is not a file (an untitled editor) has no folder: its paths name nothing
    // rather than files relative to the server's working directory.
    resolve: (fromFile, relative) => (isAbsolute(fromFile) ? layered.resolve(fromFile, relative) : `${fromFile}/../${relative}`),
    stat: (path) => {
      requested.add(path);
      return layered.stat(path);
    },
    mayRead: (path) => {
      requested.add(path);
      return isAbsolute(path) && (layered.mayRead?.(path) ?? true);
    },
  };
  return { host, requested };
}

/**
 * In an untrusted workspace every file a spec names is refused by the host, and a document not yet
 * saved has no folder for its relative paths: say so as information (the text itself was checked),
 * not as an error about the workspace folders.
 */
export function explainRefusals(problems: readonly Problem[], access: FileAccess, specPath: string): Problem[] {
  const why = !access.trusted
    ? 'files are not read in an untrusted workspace (trust the workspace to check referenced files)'
    : !isAbsolute(specPath)
      ? 'this document is not saved yet, and paths are relative to the spec\'s folder (save it to check referenced files)'
      : undefined;
  if (!why) return [...problems];
  return problems.map((p) => {
    if (p.code !== 'file/outside-workspace') return p;
    const subject = p.message.slice(0, p.message.indexOf(': it is outside')).replace(/^cannot (read|use) /, '');
    return { ...p, code: 'file/not-read', severity: 'information', message: `${subject} was not read: ${why}` };
  });
}
