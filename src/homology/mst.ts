/**
 * Euclidean minimum spanning trees and degree-0 persistent homology.
 *
 * The finite bars of the H0 diagram of a Vietoris-Rips filtration are born at 0 and die at the
 * lengths of the n - 1 edges of a minimum spanning tree (Kruskal's algorithm is the H0
 * persistence algorithm); one bar [0, Infinity) remains. PH-dim (docs/intrinsic-dimension.md)
 * needs only the sum of these lengths, so it never builds a Rips complex.
 *
 * `minimumSpanningTreeLengths` runs Prim's algorithm in O(n^2) time and O(n) memory: on a point
 * cloud it computes each distance when needed (from coordinate differences, double precision)
 * and never stores the n^2 matrix; on CondensedDistances it reads the stored entries.
 */
import type { Matrix } from '../core/matrix.js';
import type { CondensedDistances } from '../core/distances.js';
import type { PersistenceDiagram } from '../core/diagram.js';
import { assertFiniteMatrix } from '../core/validate.js';
import { invalidInput } from '../core/errors.js';

export type MstInput = Matrix | CondensedDistances;

function isCondensed(input: MstInput): input is CondensedDistances {
  return (input as CondensedDistances).n !== undefined && (input as Matrix).rows === undefined;
}

export interface MstEdges {
  /** Edge lengths in the order Prim's algorithm adds them (not sorted). */
  lengths: Float64Array;
  /** Endpoints of each edge: the vertex added and its parent in the tree. */
  from: Int32Array;
  to: Int32Array;
}

/** Edges of a Euclidean minimum spanning tree (Prim, O(n^2)), n - 1 of them. */
export function minimumSpanningTree(input: MstInput): MstEdges {
  const condensed = isCondensed(input);
  const n = condensed ? input.n : input.rows;
  if (!condensed) assertFiniteMatrix(input, 'the point cloud');
  const lengths = new Float64Array(Math.max(0, n - 1));
  const from = new Int32Array(Math.max(0, n - 1));
  const to = new Int32Array(Math.max(0, n - 1));
  if (n <= 1) return { lengths, from, to };
  const best = new Float64Array(n).fill(Infinity); // squared for clouds
  const parent = new Int32Array(n);
  const inTree = new Uint8Array(n);
  let current = 0;
  inTree[0] = 1;
  const cd = condensed ? (input as CondensedDistances).data : null;
  const cloud = condensed ? null : (input as Matrix);
  for (let step = 0; step < n - 1; step++) {
    let next = -1;
    let nextD = Infinity;
    if (cloud) {
      const { data, cols: d } = cloud;
      const oc = current * d;
      for (let j = 0; j < n; j++) {
        if (inTree[j]) continue;
        const oj = j * d;
        let s = 0;
        for (let t = 0; t < d; t++) {
          const diff = data[oc + t] - data[oj + t];
          s += diff * diff;
        }
        if (s < best[j]) {
          best[j] = s;
          parent[j] = current;
        }
        if (best[j] < nextD) {
          nextD = best[j];
          next = j;
        }
      }
    } else {
      const data = cd!;
      const rowBase = (current * (current - 1)) / 2;
      for (let j = 0; j < n; j++) {
        if (inTree[j]) continue;
        const s = j < current ? data[rowBase + j] : data[(j * (j - 1)) / 2 + current];
        if (s !== s) {
          throw invalidInput(
            `distance (${current}, ${j}) is NaN.`,
            'Distances must be numbers; remove the rows that produced NaN.',
          );
        }
        if (s < best[j]) {
          best[j] = s;
          parent[j] = current;
        }
        if (best[j] < nextD) {
          nextD = best[j];
          next = j;
        }
      }
    }
    inTree[next] = 1;
    lengths[step] = cloud ? Math.sqrt(best[next]) : best[next];
    from[step] = next;
    to[step] = parent[next];
    current = next;
  }
  return { lengths, from, to };
}

/** The n - 1 MST edge lengths sorted ascending = the finite H0 death times. */
export function minimumSpanningTreeLengths(input: MstInput): Float64Array {
  return minimumSpanningTree(input).lengths.sort();
}

/**
 * The degree-0 persistence diagram of the Vietoris-Rips filtration: n - 1 finite bars [0, l)
 * for the MST edge lengths l (ascending), then the essential bar [0, Infinity). A bar of length
 * 0 (duplicate points) is kept, as Ripser drops it: filter `deaths > 0` to match Ripser's
 * output.
 */
export function h0Diagram(input: MstInput): PersistenceDiagram {
  const points = isCondensed(input) ? input.n : input.rows;
  if (points === 0)
    return { dimension: 0, births: new Float64Array(0), deaths: new Float64Array(0) };
  const lengths = minimumSpanningTreeLengths(input);
  const n = lengths.length + 1;
  const births = new Float64Array(n);
  const deaths = new Float64Array(n);
  deaths.set(lengths);
  deaths[n - 1] = Infinity;
  return { dimension: 0, births, deaths };
}

/** sum over MST edges of length^alpha: E_alpha^0 of the PH-dim estimators. */
export function mstWeight(input: MstInput, alpha = 1): number {
  const lengths = minimumSpanningTree(input).lengths;
  let s = 0;
  for (let i = 0; i < lengths.length; i++) s += alpha === 1 ? lengths[i] : lengths[i] ** alpha;
  return s;
}
