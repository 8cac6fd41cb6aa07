/**
 * The server's settings (section `rainbow`, `RainbowSettings` in protocol.ts), read through
 * workspace/configuration. A client may send anything: every key is checked and clamped here, and
 * a wrong value falls back to the default instead of reaching the engine.
 */
import { DEFAULT_SETTINGS, type RainbowSettings } from '../protocol';

const PREDICT_MODES: readonly RainbowSettings['predict'][] = ['onSave', 'onChange', 'off'];

function numberIn(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}

function booleanOr(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

/** Settings from whatever the client answered (undefined, null or a partial object). */
export function readSettings(raw: unknown): RainbowSettings {
  const s = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const d = DEFAULT_SETTINGS;
  return {
    predict: PREDICT_MODES.includes(s.predict as RainbowSettings['predict']) ? (s.predict as RainbowSettings['predict']) : d.predict,
    // 0 validates at once; more than 10 s would feel broken.
    debounceMs: numberIn(s.debounceMs, 0, 10_000, d.debounceMs),
    timeLimitSeconds: numberIn(s.timeLimitSeconds, 1, 24 * 3600, d.timeLimitSeconds),
    maxFileSizeMiB: numberIn(s.maxFileSizeMiB, 1, 4096, d.maxFileSizeMiB),
    allowFilesOutsideWorkspace: booleanOr(s.allowFilesOutsideWorkspace, d.allowFilesOutsideWorkspace),
    codeLens: booleanOr(s.codeLens, d.codeLens),
    inlayHints: booleanOr(s.inlayHints, d.inlayHints),
  };
}
