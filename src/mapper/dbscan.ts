/**
 * DBSCAN (Ester et al. 1996) on a subset of a cloud, Euclidean, exact.
 *
 * Definitions (those of scikit-learn's DBSCAN): the eps-neighbourhood of x is every point at
 * distance <= eps, x itself included; x is a CORE point when its neighbourhood holds at least
 * `minPoints` points. Core points within eps of each other are in the same cluster (transitive
 * closure). A non-core point within eps of some core point is a BORDER point; it joins the
 * cluster of its NEAREST core point (ties: the core point that comes first in `indices`), a
 * rule that does not depend on the visiting order (scikit-learn instead gives it to whichever
 * cluster's expansion reaches it first). Every other point is NOISE (label -1).
 * Clusters are numbered 0, 1, ... in the order of their first core point in `indices`.
 *
 * The search (see ./neighbourIndex.ts) does much less than the n^2 distance evaluations of a
 * brute-force search:
 *  1. core test: each point scans its candidates nearest group first and stops as soon as it
 *     has found minPoints - 1 neighbours; it keeps those (for a non-core point: all of them);
 *  2. clusters: core points are joined with a union-find, first through the neighbours kept in
 *     step 1, then by a scan of candidate pairs p < q that skips every pair already in the same
 *     cluster (no distance needed);
 *  3. border points pick the nearest core point among the neighbours kept in step 1.
 */
import { findRoot, singletonSets } from '../core/disjointSets.js';
import { invalidOption } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import {
  buildNeighbourIndex,
  dotRows,
  radiusScan,
  type NeighbourIndex,
  type NeighbourIndexOptions,
} from './neighbourIndex.js';

export interface DbscanOptions extends NeighbourIndexOptions {
  /** Neighbourhood radius (Euclidean). Required here; mapper() can choose it from the knee. */
  eps: number;
  /** Minimum neighbourhood size for a core point, self included; default 5 ([P23]). */
  minPoints?: number;
}

export interface DbscanResult {
  /** Cluster of each point of `indices` (same order), -1 for noise. */
  labels: Int32Array;
  /** 1 for core points, in `indices` order. */
  core: Uint8Array;
  clusters: number;
  noise: number;
  /** Pair distances evaluated (the brute-force search would do m(m-1)/2). */
  distanceEvaluations: number;
}

export function dbscan(
  cloud: Matrix,
  indices: ArrayLike<number>,
  options: DbscanOptions,
): DbscanResult {
  const index = buildNeighbourIndex(cloud, indices, options);
  return dbscanOnIndex(index, options);
}

export function dbscanOnIndex(
  index: NeighbourIndex,
  options: { eps: number; minPoints?: number },
): DbscanResult {
  const eps = options.eps;
  const minPoints = options.minPoints ?? 5;
  if (!(eps >= 0) || !Number.isFinite(eps)) {
    throw invalidOption(`DBSCAN: eps must be a finite number >= 0, got ${eps}.`);
  }
  if (!Number.isInteger(minPoints) || minPoints < 1) {
    throw invalidOption(`DBSCAN: minPoints must be an integer >= 1, got ${minPoints}.`);
  }
  const m = index.m;
  const before = index.work.pairs;
  const keep = Math.max(0, minPoints - 1);
  const nbIdx = new Int32Array(m * keep);
  const nbD2 = new Float64Array(m * keep);
  const nbCount = new Int32Array(m);
  const isCore = new Uint8Array(m);
  const groupOrder = new Int32Array(index.groups);
  // 1. core test with early exit
  for (let p = 0; p < m; p++) {
    if (keep === 0) {
      isCore[p] = 1;
      continue;
    }
    let count = 0;
    const base = p * keep;
    radiusScan(index, p, eps, groupOrder, (q, d2) => {
      nbIdx[base + count] = q;
      nbD2[base + count] = d2;
      count++;
      return count >= keep;
    });
    nbCount[p] = count;
    if (count >= keep) isCore[p] = 1;
  }
  // 2. union-find over core points
  const parent = singletonSets(m);
  for (let p = 0; p < m; p++) {
    if (!isCore[p]) continue;
    for (let t = 0; t < nbCount[p]; t++) {
      const q = nbIdx[p * keep + t];
      if (!isCore[q]) continue;
      const a = findRoot(parent, p);
      const b = findRoot(parent, q);
      if (a !== b) parent[a] = b;
    }
  }
  const { rows, norms2, d, keys, groupStart, groups: g, toCentre, radius, slack } = index;
  const eps2 = eps * eps;
  for (let p = 0; p < m; p++) {
    if (!isCore[p]) continue;
    const base = p * g;
    for (let c = 0; c < g; c++) {
      const end = groupStart[c + 1];
      if (end <= p + 1) continue;
      const dxc = toCentre[base + c];
      if (dxc - radius[c] > eps + slack) continue;
      let q = Math.max(groupStart[c], p + 1);
      const loKey = dxc - eps - slack;
      // binary search for the first key >= loKey
      let lo = q;
      let hi = end;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (keys[mid] < loKey) lo = mid + 1;
        else hi = mid;
      }
      q = lo;
      const hiKey = dxc + eps + slack;
      let rp = findRoot(parent, p);
      for (; q < end && keys[q] <= hiKey; q++) {
        if (!isCore[q]) continue;
        const rq = findRoot(parent, q);
        if (rq === rp) continue;
        index.work.pairs++;
        let s = norms2[p] + norms2[q];
        const op = p * d;
        const oq = q * d;
        s -= 2 * dotRows(rows, op, oq, d);
        if (Math.abs(s - eps2) <= 1e-9 * (norms2[p] + norms2[q]) + 1e-300) {
          s = 0;
          for (let t = 0; t < d; t++) {
            const diff = rows[op + t] - rows[oq + t];
            s += diff * diff;
          }
        }
        if (s <= eps2) {
          parent[rq] = rp;
          rp = findRoot(parent, p);
        }
      }
    }
  }
  // 3. labels: clusters numbered by their first core point in the caller's order
  const labelsByPos = new Int32Array(m).fill(-1);
  const rootLabel = new Int32Array(m).fill(-1);
  let clusters = 0;
  const core = new Uint8Array(m);
  for (let i = 0; i < m; i++) {
    const p = index.positionOf[i];
    if (!isCore[p]) continue;
    core[i] = 1;
    const r = findRoot(parent, p);
    if (rootLabel[r] < 0) rootLabel[r] = clusters++;
    labelsByPos[p] = rootLabel[r];
  }
  let noise = 0;
  const labels = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const p = index.positionOf[i];
    if (isCore[p]) {
      labels[i] = labelsByPos[p];
      continue;
    }
    let best = -1;
    let bestD2 = Infinity;
    let bestOrder = Infinity;
    for (let t = 0; t < nbCount[p]; t++) {
      const q = nbIdx[p * keep + t];
      if (!isCore[q]) continue;
      const d2 = nbD2[p * keep + t];
      const ord = index.order[q];
      if (d2 < bestD2 || (d2 === bestD2 && ord < bestOrder)) {
        best = q;
        bestD2 = d2;
        bestOrder = ord;
      }
    }
    labels[i] = best < 0 ? -1 : labelsByPos[best];
    if (best < 0) noise++;
  }
  return { labels, core, clusters, noise, distanceEvaluations: index.work.pairs - before };
}
