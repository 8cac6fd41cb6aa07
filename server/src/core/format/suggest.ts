/**
 * "Did you mean" suggestions for misspelt names (activations, property names, kinds).
 */

/** Optimal-string-alignment distance: edits, including swapping two neighbours ("tahn" -> "tanh" is 1). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  // Three rolling rows: i-2, i-1, i.
  let before = new Array<number>(n + 1).fill(0);
  let previous = Array.from({ length: n + 1 }, (_, j) => j);
  let current = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    current[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) {
        d = Math.min(d, (before[j - 2] as number) + 1);
      }
      current[j] = d;
    }
    [before, previous, current] = [previous, current, before];
  }
  return previous[n] as number;
}

/**
 * The candidate closest to `word` (ignoring case), if it is close enough to be a plausible typo:
 * at most one edit for short names, about one edit per three characters for longer ones.
 */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const allowed = Math.max(1, Math.floor(candidate.length / 3));
    // The distance is at least the difference in length: a huge word costs nothing to rule out.
    if (Math.abs(w.length - candidate.length) > allowed) continue;
    const d = editDistance(w, candidate.toLowerCase());
    if (d <= allowed && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
