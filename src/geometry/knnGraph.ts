/**
 * k-nearest-neighbour graphs of a point cloud (Euclidean), METHODS.md section 8.
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
import { knn } from '../linalg/knn.js';
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

/** Exact squared Euclidean distance between rows i and j (the arithmetic used for tie tests). */
function squaredDistance(data: ArrayLike<number>, d: number, i: number, j: number): number {
  let s = 0;
  const oi = i * d;
  const oj = j * d;
  for (let t = 0; t < d; t++) {
    const diff = data[oi + t] - data[oj + t];
    s += diff * diff;
  }
  return s;
}

/**
 * Out-neighbour rows of the kNN relation: CSR arrays (offsets, targets). With ties, every point
 * within the k-th distance is listed.
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
  if (!ties) {
    const r = knn(cloud, k, { name });
    const offsets = new Int32Array(n + 1);
    for (let i = 0; i <= n; i++) offsets[i] = i * k;
    return { offsets, targets: r.indices };
  }
  // Ties: candidates from knn with a margin, then exact recomputation; a row whose margin is
  // exhausted by ties gets a full scan.
  const kk = Math.min(n - 1, k + 16);
  const r = knn(cloud, kk, { name });
  const { data, cols: d } = cloud;
  const rows: Int32Array[] = new Array(n);
  const cand = new Float64Array(kk);
  const sorted = new Float64Array(kk);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < kk; t++) cand[t] = squaredDistance(data, d, i, r.indices[i * kk + t]);
    sorted.set(cand);
    sorted.sort();
    const kth = sorted[k - 1];
    let row: Int32Array;
    if (sorted[kk - 1] <= kth && kk < n - 1) {
      const list: number[] = [];
      for (let j = 0; j < n; j++) {
        if (j !== i && squaredDistance(data, d, i, j) <= kth) list.push(j);
      }
      row = Int32Array.from(list);
    } else {
      let c = 0;
      for (let t = 0; t < kk; t++) if (cand[t] <= kth) c++;
      row = new Int32Array(c);
      c = 0;
      for (let t = 0; t < kk; t++) if (cand[t] <= kth) row[c++] = r.indices[i * kk + t];
    }
    rows[i] = row;
    total += row.length;
  }
  const offsets = new Int32Array(n + 1);
  const targets = new Int32Array(total);
  for (let i = 0; i < n; i++) {
    targets.set(rows[i], offsets[i]);
    offsets[i + 1] = offsets[i] + rows[i].length;
  }
  return { offsets, targets };
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
