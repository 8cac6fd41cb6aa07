/**
 * Data-driven range tests write the expected place of a problem into the case itself: ⟦ ⟧ marks the
 * exact text the problem must cover (the validator's and the language server's tests share this).
 */
import { LineIndex, type Range } from '../../server/src/core';

/** The text without the markers, and the range they enclosed. */
export function unmark(marked: string): { text: string; range: Range } {
  const start = marked.indexOf('⟦');
  const end = marked.indexOf('⟧') - 1;
  if (start < 0 || end < start) throw new Error('a case needs a ⟦marked⟧ range');
  const text = marked.replace('⟦', '').replace('⟧', '');
  return { text, range: new LineIndex(text).range(start, end - start) };
}
