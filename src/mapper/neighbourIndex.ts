/**
 * Exact Euclidean neighbour search inside one subset of a cloud (one cover element), the bound
 * of DBSCAN in R^512.
 *
 * The subset is copied once into a contiguous Float64 buffer, reordered by group: g centres are
 * chosen by seeded k-means++ (D^2 sampling) among the points, every point joins its nearest
 * centre, and inside a group points are sorted by their distance to the centre. A radius or
 * kNN query for point x then uses two exact triangle-inequality bounds:
 *  - a whole group c is skipped when d(x, c) - R_c > eps (R_c: the group's radius);
 *  - inside a group only the contiguous run of points y with |d(y, c) - d(x, c)| <= eps can
 *    be within eps (binary search on the sorted keys).
 * Surviving pairs are evaluated as ||x||^2 + ||y||^2 - 2 <x, y> from precomputed squared norms and
 * a 4-way unrolled dot product over contiguous rows (no allocation per pair); a result within
 * a relative 1e-9 of eps^2 is re-checked exactly as sum (x_k - y_k)^2.
 *
 * Positions: everything here works on positions 0..m-1 of the reordered buffer; `order[p]` is
 * the caller's local index (0..m-1 in the caller's `indices` order) of position p.
 */
import { lowerBound } from '../core/sortedSearch.js';
import { squaredDistanceRows } from '../linalg/knnNaive.js';
import type { Matrix } from '../core/matrix.js';
import { createRng } from '../core/rng.js';

export interface NeighbourIndex {
  m: number;
  d: number;
  /** Reordered rows, m x d. */
  rows: Float64Array;
  /** Squared norms by position. */
  norms2: Float64Array;
  /** Caller's local index of each position. */
  order: Int32Array;
  /** Position of each caller local index. */
  positionOf: Int32Array;
  groups: number;
  /** Positions groupStart[c] .. groupStart[c+1]-1 belong to group c. */
  groupStart: Int32Array;
  /** Distance of each position to its own group's centre (ascending within a group). */
  keys: Float64Array;
  /** Radius of each group. */
  radius: Float64Array;
  /** Distance of each position to every centre, m x groups. */
  toCentre: Float64Array;
  /** Absolute slack added to every bound (covers rounding of the norm-based distances). */
  slack: number;
  /** Counter of pair distances evaluated (work done), updated by the queries. */
  work: { pairs: number };
}

export interface NeighbourIndexOptions {
  /** Number of groups; default clamp(round(sqrt(m) / 2), 1, 64). */
  groups?: number;
  /** Seed of the k-means++ centre choice, default 0. */
  seed?: number;
}

export function dotRows(X: Float64Array, a: number, b: number, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t = 0;
  for (; t + 3 < d; t += 4) {
    s0 += X[a + t] * X[b + t];
    s1 += X[a + t + 1] * X[b + t + 1];
    s2 += X[a + t + 2] * X[b + t + 2];
    s3 += X[a + t + 3] * X[b + t + 3];
  }
  for (; t < d; t++) s0 += X[a + t] * X[b + t];
  return s0 + s1 + s2 + s3;
}

/**
 * Squared distance between positions p and q, exact near `threshold2` (an eps^2): returns the
 * norm-based value unless it lies within 1e-9 (relative to the norms) of the threshold.
 */
export function squaredDistance(
  index: NeighbourIndex,
  p: number,
  q: number,
  threshold2: number,
): number {
  const { rows, norms2, d } = index;
  index.work.pairs++;
  const np = norms2[p];
  const nq = norms2[q];
  let s = np + nq - 2 * dotRows(rows, p * d, q * d, d);
  if (Math.abs(s - threshold2) <= 1e-9 * (np + nq) + 1e-300) s = squaredDistanceRows(rows, d, p, q);
  return s < 0 ? 0 : s;
}

export function buildNeighbourIndex(
  cloud: Matrix,
  indices: ArrayLike<number>,
  options: NeighbourIndexOptions = {},
): NeighbourIndex {
  const m = indices.length;
  const d = cloud.cols;
  const src = cloud.data;
  const g = Math.max(
    1,
    Math.min(m, options.groups ?? Math.min(64, Math.max(1, Math.round(Math.sqrt(m) / 2)))),
  );
  // local copy in caller order first
  const local = new Float64Array(m * d);
  const localNorms = new Float64Array(m);
  let maxNorm2 = 0;
  for (let i = 0; i < m; i++) {
    const o = indices[i] * d;
    let s = 0;
    for (let t = 0; t < d; t++) {
      const v = src[o + t];
      local[i * d + t] = v;
      s += v * v;
    }
    localNorms[i] = s;
    if (s > maxNorm2) maxNorm2 = s;
  }
  // k-means++ centres (local indices); dist to every centre as we go
  const rng = createRng(options.seed ?? 0);
  const centres = new Int32Array(g);
  const toCentreLocal = new Float64Array(m * g);
  const nearest2 = new Float64Array(m).fill(Infinity);
  const assign = new Int32Array(m);
  for (let c = 0; c < g; c++) {
    let pick: number;
    if (c === 0) pick = m > 0 ? rng.int(m) : 0;
    else {
      let total = 0;
      for (let i = 0; i < m; i++) total += nearest2[i];
      if (!(total > 0)) pick = rng.int(m);
      else {
        let target = rng.next() * total;
        pick = m - 1;
        for (let i = 0; i < m; i++) {
          target -= nearest2[i];
          if (target < 0) {
            pick = i;
            break;
          }
        }
      }
    }
    centres[c] = pick;
    const oc = pick * d;
    const nc = localNorms[pick];
    for (let i = 0; i < m; i++) {
      let s = localNorms[i] + nc - 2 * dotRows(local, i * d, oc, d);
      if (s < 0) s = 0;
      toCentreLocal[i * g + c] = Math.sqrt(s);
      if (s < nearest2[i]) {
        nearest2[i] = s;
        assign[i] = c;
      }
    }
  }
  // order: by group, then by distance to the group's centre, then by local index
  const orderArr = Array.from({ length: m }, (_, i) => i);
  orderArr.sort((a, b) => {
    const ga = assign[a];
    const gb = assign[b];
    if (ga !== gb) return ga - gb;
    const ka = toCentreLocal[a * g + ga];
    const kb = toCentreLocal[b * g + gb];
    return ka - kb || a - b;
  });
  const order = Int32Array.from(orderArr);
  const positionOf = new Int32Array(m);
  const rows = new Float64Array(m * d);
  const norms2 = new Float64Array(m);
  const keys = new Float64Array(m);
  const toCentre = new Float64Array(m * g);
  const groupStart = new Int32Array(g + 1);
  const radius = new Float64Array(g);
  for (let p = 0; p < m; p++) {
    const i = order[p];
    positionOf[i] = p;
    rows.set(local.subarray(i * d, (i + 1) * d), p * d);
    norms2[p] = localNorms[i];
    const gi = assign[i];
    keys[p] = toCentreLocal[i * g + gi];
    toCentre.set(toCentreLocal.subarray(i * g, (i + 1) * g), p * g);
    groupStart[gi + 1]++;
    if (keys[p] > radius[gi]) radius[gi] = keys[p];
  }
  for (let c = 0; c < g; c++) groupStart[c + 1] += groupStart[c];
  // distances to centres come from norms: allow for their rounding in every bound
  const slack = 1e-6 * Math.sqrt(maxNorm2) + 1e-12;
  return {
    m,
    d,
    rows,
    norms2,
    order,
    positionOf,
    groups: g,
    groupStart,
    keys,
    radius,
    toCentre,
    slack,
    work: { pairs: 0 },
  };
}

/** The groups in order of their centre's distance to position p (nearest first). */
export function groupsByDistance(index: NeighbourIndex, p: number, out: Int32Array): Int32Array {
  const g = index.groups;
  const base = p * g;
  for (let c = 0; c < g; c++) out[c] = c;
  const tc = index.toCentre;
  // insertion sort: g is small
  for (let a = 1; a < g; a++) {
    const v = out[a];
    const key = tc[base + v];
    let b = a - 1;
    while (b >= 0 && tc[base + out[b]] > key) {
      out[b + 1] = out[b];
      b--;
    }
    out[b + 1] = v;
  }
  return out;
}

/**
 * Calls `visit(q, d2)` for every position q != p with ||x_p - x_q|| <= eps, in order of groups
 * by centre distance; stops early when `visit` returns true. `minPosition`: only q >= it.
 */
export function radiusScan(
  index: NeighbourIndex,
  p: number,
  eps: number,
  groupOrder: Int32Array,
  visit: (q: number, d2: number) => boolean,
  minPosition = 0,
): void {
  const { groups: g, toCentre, radius, groupStart, keys, slack } = index;
  const eps2 = eps * eps;
  const base = p * g;
  groupsByDistance(index, p, groupOrder);
  for (let k = 0; k < g; k++) {
    const c = groupOrder[k];
    const dxc = toCentre[base + c];
    if (dxc - radius[c] > eps + slack) continue;
    const end = groupStart[c + 1];
    if (end <= minPosition) continue;
    let q = lowerBound(keys, dxc - eps - slack, Math.max(groupStart[c], minPosition), end);
    const hiKey = dxc + eps + slack;
    for (; q < end && keys[q] <= hiKey; q++) {
      if (q === p) continue;
      const d2 = squaredDistance(index, p, q, eps2);
      if (d2 <= eps2 && visit(q, d2)) return;
    }
  }
}

/**
 * Distance from position p to its k-th nearest other position (exact), via the same bounds
 * with a shrinking radius. Returns Infinity when the subset has <= k points.
 */
export function kthNeighbourDistance(
  index: NeighbourIndex,
  p: number,
  k: number,
  groupOrder: Int32Array,
  best: Float64Array,
): number {
  const { groups: g, toCentre, radius, groupStart, keys, slack } = index;
  if (index.m - 1 < k) return Infinity;
  best.fill(Infinity, 0, k);
  let kth = Infinity; // squared
  let kthDist = Infinity;
  const base = p * g;
  groupsByDistance(index, p, groupOrder);
  const insert = (d2: number): void => {
    if (d2 >= best[k - 1]) return;
    let j = k - 1;
    while (j > 0 && best[j - 1] > d2) {
      best[j] = best[j - 1];
      j--;
    }
    best[j] = d2;
    kth = best[k - 1];
    kthDist = Math.sqrt(kth);
  };
  for (let t = 0; t < g; t++) {
    const c = groupOrder[t];
    const dxc = toCentre[base + c];
    if (dxc - radius[c] > kthDist + slack) continue;
    const start = groupStart[c];
    const end = groupStart[c + 1];
    const mid = lowerBound(keys, dxc, start, end);
    let up = mid;
    let down = mid - 1;
    while (up < end || down >= start) {
      let moved = false;
      if (up < end) {
        if (keys[up] - dxc <= kthDist + slack) {
          if (up !== p) insert(squaredDistance(index, p, up, kth));
          up++;
          moved = true;
        } else up = end;
      }
      if (down >= start) {
        if (dxc - keys[down] <= kthDist + slack) {
          if (down !== p) insert(squaredDistance(index, p, down, kth));
          down--;
          moved = true;
        } else down = start - 1;
      }
      if (!moved) break;
    }
  }
  return kthDist;
}
