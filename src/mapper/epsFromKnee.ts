/**
 * DBSCAN's eps for a whole Mapper run, from the knee of the sorted k-distance curve.
 *
 * One eps serves every cover element (as in KeplerMapper, where one clusterer object clusters
 * every cube). The curve: k = minPoints - 1 (at least 1), the neighbourhood size that makes a
 * point core; for each sampled point, the exact distance to its k-th nearest neighbour INSIDE
 * its cover element (the set DBSCAN will search). Sample: `sampleSize` (default 1000) points
 * in all, spread over the elements in proportion to their sizes (ceil(sampleSize * m_e / sum m)),
 * chosen with a seeded RNG; every point when the elements hold fewer. Points whose element has
 * <= k points are left out. Then eps = knee of the sorted curve (./knee.ts), median if none.
 */
import { createRng, sampleWithoutReplacement } from '../core/rng.js';
import { kneeOfSortedCurve } from './knee.js';
import { kthNeighbourDistance, type NeighbourIndex } from './neighbourIndex.js';
import type { EpsChoice } from './graph.js';

export interface EpsFromKneeOptions {
  k: number;
  /** Points on the curve, default 1000. */
  sampleSize?: number;
  /** Kneedle threshold, default 0.1 (./knee.ts). */
  threshold?: number;
  seed?: number;
}

export function epsFromKnee(
  indexes: NeighbourIndex[],
  options: EpsFromKneeOptions,
): EpsChoice & { curve: Float64Array } {
  const k = options.k;
  const sampleSize = options.sampleSize ?? 1000;
  const rng = createRng(options.seed ?? 0);
  let total = 0;
  for (const ix of indexes) total += ix.m;
  const curve: number[] = [];
  for (const ix of indexes) {
    if (ix.m <= k) continue;
    const want = Math.min(ix.m, Math.ceil((sampleSize * ix.m) / Math.max(1, total)));
    const picks = want >= ix.m ? null : sampleWithoutReplacement(ix.m, want, rng);
    const groupOrder = new Int32Array(ix.groups);
    const best = new Float64Array(k);
    const count = picks ? picks.length : ix.m;
    for (let s = 0; s < count; s++) {
      const local = picks ? picks[s] : s;
      curve.push(kthNeighbourDistance(ix, ix.positionOf[local], k, groupOrder, best));
    }
  }
  const sorted = Float64Array.from(curve).sort();
  const knee = kneeOfSortedCurve(sorted, { threshold: options.threshold });
  return {
    eps: knee.value,
    method: knee.method,
    k,
    sampleSize: sorted.length,
    strength: knee.strength,
    curve: sorted,
  };
}
