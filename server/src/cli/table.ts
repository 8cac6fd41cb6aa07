/** Plain-text tables for the terminal: right-aligned numbers, a rule under the header. */

export function formatNumber(v: number | null | undefined, digits = 6): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e9) return String(v);
  return a >= 1e-3 && a < 1e6 ? Number(v.toPrecision(digits)).toString() : v.toExponential(digits - 1);
}

/**
 * Text from the spec made safe for a terminal: control characters (C0, DEL, C1, which include the
 * escape that starts colour and cursor sequences) written as \u escapes, as the problems print them.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function table(header: string[], cellRows: string[][]): string {
  const rows = cellRows.map((r) => r.map(printable));
  header = header.map(printable);
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, j) => (j === 0 ? c.padEnd(widths[j] as number) : c.padStart(widths[j] as number)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
