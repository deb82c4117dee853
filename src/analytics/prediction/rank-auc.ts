/**
 * Area under the ROC curve by the Mann–Whitney rank statistic: the share of (positive, negative)
 * pairs in which the positive scores higher, ties counted half. Sorting once makes it
 * O(n log n), so a held-out set of a hundred thousand snapshots costs nothing.
 * @returns undefined when there is no positive or no negative, since no pair exists.
 */
export function computeAuc(scores: readonly number[], labels: readonly number[]): number | undefined {
  const counts = countAucPairs(scores, labels);
  return counts.pairs === 0 ? undefined : counts.wins / counts.pairs;
}

/** Pairs won (ties half) and pairs compared, so AUCs of several groups can be pooled by pairs. */
export interface AucPairs {
  readonly wins: number;
  readonly pairs: number;
}

export function countAucPairs(scores: readonly number[], labels: readonly number[]): AucPairs {
  if (scores.length !== labels.length) throw new Error(`${scores.length} scores but ${labels.length} labels`);
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  // Ranks are 1-based; a run of equal scores shares the mean of its ranks.
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1]!] === scores[order[start]!]) end += 1;
    const meanRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k += 1) {
      if (labels[order[k]!] === 1) {
        positives += 1;
        rankSum += meanRank;
      }
    }
    start = end + 1;
  }
  const negatives = scores.length - positives;
  return { wins: rankSum - (positives * (positives + 1)) / 2, pairs: positives * negatives };
}
