/**
 * The matching that realises a bottleneck or Wasserstein distance, and the treatment of
 * essential (infinite) bars shared by both.
 */
import type { DiagramParts, InfiniteBars } from './diagramParts.js';

/**
 * Which bar went where. `matchA[i]` is the index (in the second diagram) of the bar matched to
 * bar i of the first diagram, or -1 when bar i goes to the diagonal (or, for an essential bar,
 * stays unmatched because the counts of essential bars differ or `infinite: 'ignore'`).
 * `matchB` is the same from the second diagram's side.
 */
export interface DiagramMatching {
  distance: number;
  matchA: Int32Array;
  matchB: Int32Array;
}

/**
 * Essential bars under `'match'`: the k-th smallest essential birth of one diagram is paired
 * with the k-th smallest of the other, at cost |b1 - b2| (the optimal pairing of points on a
 * line, for every p). Returns the pair costs, or null when the counts differ (distance
 * Infinity). Under `'ignore'` returns an empty list and leaves essential bars unmatched.
 */
export function matchEssential(
  a: DiagramParts,
  b: DiagramParts,
  mode: InfiniteBars,
  matchA: Int32Array,
  matchB: Int32Array,
): Float64Array | null {
  if (mode === 'ignore') return new Float64Array(0);
  const k = a.infiniteBirths.length;
  if (k !== b.infiniteBirths.length) return null;
  const costs = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    costs[i] = Math.abs(a.infiniteBirths[i] - b.infiniteBirths[i]);
    matchA[a.infiniteIndex[i]] = b.infiniteIndex[i];
    matchB[b.infiniteIndex[i]] = a.infiniteIndex[i];
  }
  return costs;
}

export function newMatchArrays(na: number, nb: number): { matchA: Int32Array; matchB: Int32Array } {
  return { matchA: new Int32Array(na).fill(-1), matchB: new Int32Array(nb).fill(-1) };
}
