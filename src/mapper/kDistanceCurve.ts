/**
 * The sorted k-distance curve of a Mapper run, from which DBSCAN's eps is chosen
 * (docs/mapper.md, "Choosing eps").
 *
 * k = minPoints - 1 (at least 1), the neighbourhood size that makes a point core. For each
 * sampled point, the exact distance to its k-th nearest neighbour INSIDE its cover element (the
 * set DBSCAN will search). Sample: `sampleSize` (default 1000) points in all, spread over the
 * elements in proportion to their sizes (ceil(sampleSize * m_e / sum m)), chosen with a seeded
 * RNG; every point when the elements hold fewer. Points whose element has <= k points are left
 * out. The curve is returned sorted ascending (empty when no element has more than k points).
 */
import { createRng, sampleWithoutReplacement } from '../core/rng.js';
import { kthNeighbourDistance, type NeighbourIndex } from './neighbourIndex.js';

export interface KDistanceCurveOptions {
  k: number;
  /** Points on the curve, default 1000. */
  sampleSize?: number;
  seed?: number;
}

export interface KDistanceCurve {
  /** The k-distances of the sampled points, ascending. */
  sorted: Float64Array;
  /**
   * Levina-Bickel estimate of the local intrinsic dimension from the same neighbours, with
   * MacKay and Ghahramani's aggregation: 1 / mean over the sampled points of
   * (1 / (k - 1)) sum_{j<k} log(T_k / T_j) (T_j: distance to the j-th neighbour). NaN when k < 2
   * or no sampled point has distinct neighbours.
   */
  dimension: number;
}

export function kDistanceCurve(
  indexes: NeighbourIndex[],
  options: KDistanceCurveOptions,
): KDistanceCurve {
  const k = options.k;
  const sampleSize = options.sampleSize ?? 1000;
  const rng = createRng(options.seed ?? 0);
  let total = 0;
  for (const ix of indexes) total += ix.m;
  const curve: number[] = [];
  let inverseSum = 0;
  let inverseCount = 0;
  for (const ix of indexes) {
    if (ix.m <= k) continue;
    const want = Math.min(ix.m, Math.ceil((sampleSize * ix.m) / Math.max(1, total)));
    const picks = want >= ix.m ? null : sampleWithoutReplacement(ix.m, want, rng);
    const groupOrder = new Int32Array(ix.groups);
    const best = new Float64Array(k);
    const count = picks ? picks.length : ix.m;
    for (let s = 0; s < count; s++) {
      const local = picks ? picks[s] : s;
      const kth = kthNeighbourDistance(ix, ix.positionOf[local], k, groupOrder, best);
      curve.push(kth);
      // best holds the k smallest squared distances, ascending
      if (k >= 2 && best[0] > 0) {
        let s = 0;
        for (let j = 0; j < k - 1; j++) s += Math.log(best[k - 1] / best[j]);
        inverseSum += s / (2 * (k - 1)); // halved: squared distances
        inverseCount++;
      }
    }
  }
  return {
    sorted: Float64Array.from(curve).sort(),
    dimension: inverseSum > 0 ? inverseCount / inverseSum : NaN,
  };
}
