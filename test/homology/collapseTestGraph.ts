/** The filtered graph of condensed distances up to a threshold, for the collapse kernels' tests. */
import type { CondensedDistances } from '../../src/core/distances.js';
import { buildAdjacency, type FilteredAdjacency } from '../../src/homology/collapseGraph.js';

/** The adjacency of the edges of d with value <= threshold, in d's float type. */
export function graphOf(d: CondensedDistances, threshold: number): FilteredAdjacency {
  const eu: number[] = [];
  const ev: number[] = [];
  const vals: number[] = [];
  let k = 0;
  for (let i = 1; i < d.n; i++) {
    for (let j = 0; j < i; j++, k++) {
      if (d.data[k] <= threshold) {
        eu.push(i);
        ev.push(j);
        vals.push(d.data[k]);
      }
    }
  }
  const Float = d.data instanceof Float32Array ? Float32Array : Float64Array;
  return buildAdjacency(d.n, Int32Array.from(eu), Int32Array.from(ev), Float.from(vals));
}
