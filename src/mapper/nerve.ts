/**
 * The nerve of a cover by clusters: one vertex per cluster (node), an edge between two nodes
 * that share at least `minIntersection` points (default 1), and, up to
 * `maxSimplexDimension` (default 1: edges only), a k-simplex for every k + 1 nodes whose
 * common intersection has at least `minIntersection` points.
 * Cost: sum over points of C(nodes containing the point, k + 1).
 */
import { invalidOption } from '../core/errors.js';

export interface NerveOptions {
  /** Minimum shared points for an edge (or simplex), default 1 (KeplerMapper's min_intersection). */
  minIntersection?: number;
  /** Highest simplex dimension, default 1 (graph only). */
  maxSimplexDimension?: number;
}

export interface Nerve {
  /** Edges [a, b, shared] with a < b, sorted. */
  edges: [number, number, number][];
  /** Simplices of dimension 2..maxSimplexDimension as ascending node lists, sorted. */
  simplices: number[][];
}

export function buildNerve(
  nodeMembers: ArrayLike<number>[],
  pointCount: number,
  options: NerveOptions = {},
): Nerve {
  const minI = options.minIntersection ?? 1;
  const maxDim = options.maxSimplexDimension ?? 1;
  if (!Number.isInteger(minI) || minI < 1) {
    throw invalidOption(`nerve: minIntersection must be an integer >= 1, got ${minI}.`);
  }
  if (!Number.isInteger(maxDim) || maxDim < 1) {
    throw invalidOption(`nerve: maxSimplexDimension must be an integer >= 1, got ${maxDim}.`);
  }
  // nodes of each point (CSR), node ids ascending because nodes are visited in order
  const count = new Int32Array(pointCount + 1);
  for (const members of nodeMembers)
    for (let t = 0; t < members.length; t++) count[members[t] + 1]++;
  for (let i = 0; i < pointCount; i++) count[i + 1] += count[i];
  const fill = count.slice(0, pointCount);
  const nodesOf = new Int32Array(count[pointCount]);
  nodeMembers.forEach((members, node) => {
    for (let t = 0; t < members.length; t++) nodesOf[fill[members[t]]++] = node;
  });
  const V = nodeMembers.length;
  const pairCount = new Map<number, number>();
  const higher = new Map<string, number>();
  for (let i = 0; i < pointCount; i++) {
    const s = count[i];
    const e = count[i + 1];
    for (let a = s; a < e; a++) {
      for (let b = a + 1; b < e; b++) {
        const key = nodesOf[a] * V + nodesOf[b];
        pairCount.set(key, (pairCount.get(key) ?? 0) + 1);
      }
    }
    if (maxDim >= 2 && e - s >= 3) {
      const list = Array.from(nodesOf.subarray(s, e));
      for (let k = 3; k <= Math.min(maxDim + 1, list.length); k++) {
        forEachSubset(list, k, (subset) => {
          const key = subset.join(',');
          higher.set(key, (higher.get(key) ?? 0) + 1);
        });
      }
    }
  }
  const edges: [number, number, number][] = [];
  for (const [key, c] of pairCount) {
    if (c >= minI) edges.push([Math.floor(key / V), key % V, c]);
  }
  edges.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const simplices: number[][] = [];
  for (const [key, c] of higher) if (c >= minI) simplices.push(key.split(',').map(Number));
  simplices.sort((x, y) => {
    if (x.length !== y.length) return x.length - y.length;
    for (let t = 0; t < x.length; t++) if (x[t] !== y[t]) return x[t] - y[t];
    return 0;
  });
  return { edges, simplices };
}

function forEachSubset(list: number[], k: number, visit: (subset: number[]) => void): void {
  const pick: number[] = [];
  const rec = (start: number): void => {
    if (pick.length === k) {
      visit(pick.slice());
      return;
    }
    for (let i = start; i <= list.length - (k - pick.length); i++) {
      pick.push(list[i]);
      rec(i + 1);
      pick.pop();
    }
  };
  rec(0);
}
