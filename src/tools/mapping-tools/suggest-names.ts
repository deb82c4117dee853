/**
 * "Did you mean …?" for mapping authors: the names closest to a misspelt element or attribute.
 * Distances are edit distances on lower-cased names, so a wrong case (`paxid`) ranks first and
 * a dropped or swapped letter (`CabinTypCode`) next; names too far away are not proposed.
 */
export function suggestNames(wrong: string, candidates: readonly string[], limit = 3): string[] {
  const target = wrong.toLowerCase();
  const scored: { name: string; distance: number }[] = [];
  for (const name of new Set(candidates)) {
    const distance = measureEditDistance(target, name.toLowerCase());
    if (distance <= Math.max(1, Math.floor(Math.max(target.length, name.length) / 4))) scored.push({ name, distance });
  }
  return scored
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, limit)
    .map((entry) => entry.name);
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
export function measureEditDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const above = d[i - 1] as number[];
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = best;
    }
  }
  return (d[rows - 1] as number[])[cols - 1] as number;
}

/** ` (did you mean A or B?)`, or nothing when no name is close. */
export function formatSuggestion(names: readonly string[]): string {
  if (names.length === 0) return '';
  const rest = [...names];
  const last = rest.pop() as string;
  return ` (did you mean ${rest.length > 0 ? `${rest.join(', ')} or ${last}` : last}?)`;
}
