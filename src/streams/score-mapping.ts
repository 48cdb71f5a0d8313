/**
 * Maps a non-negative detector statistic `s` to a score in [0, 1] relative to its threshold `t > 0`:
 *
 *   score(s) = s² / (s² + t²) = 1 / (1 + (t / s)²)
 *
 * so score(0) = 0, score(t) = 0.5 exactly, score(2t) = 0.8, score(3t) = 0.9, score(∞) = 1, and the score is
 * strictly increasing in s. Written in the second form it stays finite for huge or infinite statistics.
 * A non-positive threshold degenerates to a step: 0.5 at s = 0, 1 above. NaN maps to 0.
 */
export function scoreFromStatistic(statistic: number, threshold: number): number {
  if (!(statistic > 0)) return threshold > 0 ? 0 : statistic === 0 ? 0.5 : 0;
  if (!(threshold > 0)) return 1;
  const r = threshold / statistic;
  return 1 / (1 + r * r);
}

/**
 * The `quorum`-th largest of `scores[0 … n)` (1 = the maximum), with `quorum` clamped to [1, n]; 0 when
 * n = 0. With quorum 2 a single detector at score 1 is not enough: the combined score reaches a detector's
 * 0.5 only when a second detector is at or above its own threshold. O(n·quorum), n ≤ 4 here; reorders
 * `scores` in place.
 */
export function kthLargest(scores: Float64Array, n: number, quorum: number): number {
  if (n === 0) return 0;
  const q = quorum < 1 ? 1 : quorum > n ? n : Math.floor(quorum);
  for (let i = 0; i < q; i++) {
    let best = i;
    for (let j = i + 1; j < n; j++) if ((scores[j] as number) > (scores[best] as number)) best = j;
    const tmp = scores[i] as number;
    scores[i] = scores[best] as number;
    scores[best] = tmp;
  }
  return scores[q - 1] as number;
}
