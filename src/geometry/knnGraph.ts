/**
 * k-nearest-neighbour graphs of a point cloud (Euclidean), docs/curvature-and-ricci-flow.md.
 *
 * - `undirected` (the paper's graph, [B24] text): an edge {i, j} when either point is among the
 *   other's k nearest.
 * - `mutual`: an edge when each point is among the other's k nearest.
 * - `directed` ([B24]'s published R code, `cccd::nng`): an arc i -> j for every j whose
 *   distance to i is at most the k-th smallest distance from i (ties included, so a row can
 *   have more than k arcs), self excluded. Degree = in + out (igraph `degree()`).
 *
 * `ties` (default: true for `directed`, false otherwise) includes every point at distance <= the
 * k-th distance; without it each point has exactly k neighbours, ties broken by smaller index.
 */
import type { Matrix } from '../core/matrix.js';
import { invalidInput, invalidOption } from '../core/errors.js';
import { assertFiniteMatrix } from '../core/validate.js';
import { graphFromArcs, type Graph } from './graph.js';

export type KnnGraphKind = 'undirected' | 'mutual' | 'directed';

export interface KnnGraphOptions {
  /** number of neighbours; [B24] tries 30, 120 and 300 for 2,000 points */
  k: number;
  /** graph convention, default 'undirected' (the paper's) */
  kind?: KnnGraphKind;
  /** include all points tied with the k-th distance; default true for 'directed', else false */
  ties?: boolean;
  /** name used in error messages, default 'the point cloud' */
  name?: string;
}

/**
 * The k-th smallest value of a[0..m) (1-based k), by quickselect on a scratch copy.
 */
function kthSmallest(a: Float64Array, m: number, k: number, scratch: Float64Array): number {
  scratch.set(a.subarray(0, m));
  let lo = 0;
  let hi = m - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = scratch[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (scratch[i] < pivot) i++;
      while (scratch[j] > pivot) j--;
      if (i <= j) {
        const t = scratch[i];
        scratch[i] = scratch[j];
        scratch[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return scratch[target];
}

/** Full symmetric n x n Euclidean distances, each pair computed once (R's `dist()` order). */
function fullDistances(data: ArrayLike<number>, n: number, d: number): Float64Array {
  const D = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    for (let j = i + 1; j < n; j++) {
      const oj = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = data[oi + t] - data[oj + t];
        s += diff * diff;
      }
      D[i * n + j] = Math.sqrt(s);
    }
  }
  // mirror the upper triangle in 64 x 64 tiles (cache-friendly transpose)
  const T = 64;
  for (let bi = 0; bi < n; bi += T) {
    for (let bj = bi; bj < n; bj += T) {
      const ie = Math.min(n, bi + T);
      const je = Math.min(n, bj + T);
      for (let i = bi; i < ie; i++) {
        for (let j = Math.max(bj, i + 1); j < je; j++) D[j * n + i] = D[i * n + j];
      }
    }
  }
  return D;
}

/**
 * Out-neighbour rows of the kNN relation: CSR arrays (offsets, targets), each row ascending.
 *
 * Distances are computed exactly as R's `dist()` does (square root of the sum of squared
 * coordinate differences, in coordinate order), so that ties, and therefore the graphs, agree
 * bit for bit with the published R reference. Each row is scanned once (n d multiply-adds) and
 * the k-th distance found by quickselect (O(n)). With `ties`, every point at distance <= the
 * k-th is kept; without, exactly k points, ties at the k-th distance broken by smaller index
 * (as `knn()` and R's `order()` do).
 */
export function knnRows(
  cloud: Matrix,
  k: number,
  ties: boolean,
  name = 'the point cloud',
): { offsets: Int32Array; targets: Int32Array } {
  const n = cloud.rows;
  if (n < 3) {
    throw invalidInput(
      `${name} has ${n} points; a kNN graph needs at least 3.`,
      'Give more points.',
    );
  }
  if (!Number.isInteger(k) || k < 1) throw invalidOption(`k must be a positive integer, got ${k}.`);
  if (k >= n) {
    throw invalidOption(
      `k = ${k} needs more than ${k} points, but ${name} has ${n}.`,
      `Use k <= ${n - 1}.`,
    );
  }
  assertFiniteMatrix(cloud, name);
  const { data, cols: d } = cloud;
  const dist = new Float64Array(n);
  const scratch = new Float64Array(n);
  let targets = new Int32Array(ties ? n * k + 64 : n * k);
  const offsets = new Int32Array(n + 1);
  let w = 0;
  // Up to 4,096 points the full distance matrix (<= 128 MiB) is computed once, each pair
  // once; above, each row is recomputed (twice the arithmetic, O(n) memory).
  const full = n <= 4096 ? fullDistances(data, n, d) : null;
  for (let i = 0; i < n; i++) {
    if (full) dist.set(full.subarray(i * n, (i + 1) * n));
    else {
      const oi = i * d;
      for (let j = 0; j < n; j++) {
        const oj = j * d;
        let s = 0;
        for (let t = 0; t < d; t++) {
          const diff = data[oi + t] - data[oj + t];
          s += diff * diff;
        }
        dist[j] = Math.sqrt(s);
      }
    }
    dist[i] = Infinity;
    const kth = kthSmallest(dist, n, k, scratch);
    if (ties) {
      let c = 0;
      for (let j = 0; j < n; j++) if (dist[j] <= kth) c++;
      if (w + c > targets.length) {
        const bigger = new Int32Array(Math.max(2 * targets.length, w + c));
        bigger.set(targets);
        targets = bigger;
      }
      for (let j = 0; j < n; j++) if (dist[j] <= kth) targets[w++] = j;
    } else {
      let below = 0;
      for (let j = 0; j < n; j++) if (dist[j] < kth) below++;
      let equalLeft = k - below;
      for (let j = 0; j < n; j++) {
        const v = dist[j];
        if (v < kth) targets[w++] = j;
        else if (v === kth && equalLeft > 0) {
          targets[w++] = j;
          equalLeft--;
        }
      }
    }
    offsets[i + 1] = w;
  }
  return { offsets, targets: targets.slice(0, w) };
}

/** The kNN graph of a point cloud in the chosen convention. */
export function knnGraph(cloud: Matrix, options: KnnGraphOptions): Graph {
  const kind = options.kind ?? 'undirected';
  if (kind !== 'undirected' && kind !== 'mutual' && kind !== 'directed') {
    throw invalidOption(
      `unknown kNN graph kind '${String(kind)}'.`,
      'Use undirected, mutual or directed.',
    );
  }
  const ties = options.ties ?? kind === 'directed';
  const { offsets, targets } = knnRows(cloud, options.k, ties, options.name);
  const n = cloud.rows;
  const from = new Int32Array(targets.length);
  for (let i = 0; i < n; i++) from.fill(i, offsets[i], offsets[i + 1]);
  if (kind === 'directed') return graphFromArcs(n, from, targets, true);
  if (kind === 'undirected') return graphFromArcs(n, from, targets, false);
  // mutual: keep i -> j when j -> i exists too (rows are short; use a stamp array).
  const stamp = new Int32Array(n).fill(-1);
  const keepFrom: number[] = [];
  const keepTo: number[] = [];
  const outOf = (i: number) => targets.subarray(offsets[i], offsets[i + 1]);
  for (let i = 0; i < n; i++) {
    for (const j of outOf(i)) {
      if (j <= i) continue;
      // is i among j's neighbours?
      for (const q of outOf(j)) stamp[q] = j;
      if (stamp[i] === j) {
        keepFrom.push(i);
        keepTo.push(j);
      }
    }
  }
  return graphFromArcs(n, Int32Array.from(keepFrom), Int32Array.from(keepTo), false);
}
