/**
 * Single-linkage clustering with a gap rule, on a subset of a cloud (Euclidean).
 *
 * The single-linkage merge heights are the edge lengths of a minimum spanning tree (Prim,
 * O(m^2 d), no m x m matrix). Sorted ascending h_1 <= ... <= h_{m-1}, the tree is cut at the
 * LARGEST GAP between consecutive heights: with g = argmax_i (h_{i+1} - h_i), every edge
 * longer than h_g is removed (the "first big jump in merge heights" rule that Mapper
 * implementations use instead of a fixed threshold). When there are fewer than 2 heights, or
 * the largest gap is not larger than `minGapRatio` (default 0) times h_{m-1}, nothing is cut
 * (one cluster). Clusters with fewer than `minClusterSize` points (default 1) are noise (-1).
 * Clusters are numbered in the order of their first point in `indices`.
 */
import { findRoot, singletonSets } from '../core/disjointSets.js';
import { invalidOption } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';

export interface SingleLinkageOptions {
  /** Smallest cluster kept, default 1 (no noise). */
  minClusterSize?: number;
  /** Minimum largest gap as a fraction of the largest height, default 0. */
  minGapRatio?: number;
}

export interface SingleLinkageResult {
  labels: Int32Array;
  clusters: number;
  noise: number;
  /** The cut height (Infinity when nothing was cut). */
  threshold: number;
}

export function singleLinkage(
  cloud: Matrix,
  indices: ArrayLike<number>,
  options: SingleLinkageOptions = {},
): SingleLinkageResult {
  const minSize = options.minClusterSize ?? 1;
  if (!Number.isInteger(minSize) || minSize < 1) {
    throw invalidOption(`single linkage: minClusterSize must be an integer >= 1, got ${minSize}.`);
  }
  const m = indices.length;
  const d = cloud.cols;
  const X = new Float64Array(m * d);
  const norms = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const o = indices[i] * d;
    let s = 0;
    for (let t = 0; t < d; t++) {
      const v = cloud.data[o + t];
      X[i * d + t] = v;
      s += v * v;
    }
    norms[i] = s;
  }
  // Prim
  const inTree = new Uint8Array(m);
  const best = new Float64Array(m).fill(Infinity);
  const from = new Int32Array(m).fill(-1);
  const edgeA: number[] = [];
  const edgeB: number[] = [];
  const edgeW: number[] = [];
  if (m > 0) {
    let cur = 0;
    inTree[0] = 1;
    for (let added = 1; added < m; added++) {
      const oc = cur * d;
      let next = -1;
      for (let j = 0; j < m; j++) {
        if (inTree[j]) continue;
        let dot = 0;
        const oj = j * d;
        for (let t = 0; t < d; t++) dot += X[oc + t] * X[oj + t];
        let s = norms[cur] + norms[j] - 2 * dot;
        if (s < 1e-9 * (norms[cur] + norms[j])) {
          s = 0;
          for (let t = 0; t < d; t++) s += (X[oc + t] - X[oj + t]) ** 2;
        }
        if (s < best[j]) {
          best[j] = s;
          from[j] = cur;
        }
        if (next < 0 || best[j] < best[next]) next = j;
      }
      inTree[next] = 1;
      edgeA.push(from[next]);
      edgeB.push(next);
      edgeW.push(Math.sqrt(Math.max(0, best[next])));
      cur = next;
    }
  }
  const sorted = edgeW.slice().sort((a, b) => a - b);
  let threshold = Infinity;
  if (sorted.length >= 2) {
    let gi = -1;
    let gap = 0;
    for (let i = 0; i + 1 < sorted.length; i++) {
      const g = sorted[i + 1] - sorted[i];
      if (g > gap) {
        gap = g;
        gi = i;
      }
    }
    if (gi >= 0 && gap > (options.minGapRatio ?? 0) * sorted[sorted.length - 1]) {
      threshold = sorted[gi];
    }
  }
  const parent = singletonSets(m);
  const find = (x: number): number => findRoot(parent, x);
  for (let e = 0; e < edgeW.length; e++) {
    if (edgeW[e] <= threshold) parent[find(edgeA[e])] = find(edgeB[e]);
  }
  const size = new Int32Array(m);
  for (let i = 0; i < m; i++) size[find(i)]++;
  const label = new Int32Array(m).fill(-1);
  const labels = new Int32Array(m);
  let clusters = 0;
  let noise = 0;
  for (let i = 0; i < m; i++) {
    const r = find(i);
    if (size[r] < minSize) {
      labels[i] = -1;
      noise++;
      continue;
    }
    if (label[r] < 0) label[r] = clusters++;
    labels[i] = label[r];
  }
  return { labels, clusters, noise, threshold };
}
