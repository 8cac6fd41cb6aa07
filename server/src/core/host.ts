/**
 * What the engine needs from its environment, injected by the adapter (CLI, language server,
 * tests). The core never touches the file system itself.
 */
export interface SpecHost {
  /** Text of a spec or network file, or undefined when it cannot be read. */
  readText(path: string): string | undefined;
  /** Bytes of a data file (.npy), or undefined when it cannot be read. */
  readBytes(path: string): Uint8Array | undefined;
  /** Path of `relative` resolved against the folder of `fromFile`. */
  resolve(fromFile: string, relative: string): string;
}
