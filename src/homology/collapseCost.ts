/**
 * Cost model deciding whether edge collapse pays off before a Vietoris-Rips persistence
 * computation (private helper of edgeCollapse, exported through it as `shouldCollapse`).
 *
 * Two sampled quantities, computed on `SAMPLES` edges drawn with a fixed seed:
 * - the domination rate p: the fraction of sampled edges uv dominated (some common neighbour w
 *   adjacent to all others) in the input graph G_s at their own value s = t and at `CHECKS` more
 *   times evenly spaced up to the threshold (a proxy of "dominated for ever", i.e. removed). The backward pass sees exactly G_t when it visits uv (up to ties), so an edge
 *   not dominated there is always kept; an edge dominated at t but not at the end is usually only
 *   shifted. 1 - p estimates the kept fraction;
 * - the mean number c of common neighbours at the edge's own value: m * c estimates the number of
 *   triangles (each counted once, by its longest edge), the size of the coboundary work of a
 *   Ripser-like engine in dimension 1.
 * Collapse is chosen when at most `MAX_KEPT_FRACTION` of the edges are expected to stay and the
 * engine has enough work (`MIN_TRIANGLES` triangles, or dimension >= 2) for the collapse's cost,
 * about m n / 32 word operations, to be repaid.
 */
import type { CondensedDistances, SparseDistances } from '../core/distances.js';
import { isSparseDistances } from '../core/distances.js';
import { createRng } from '../core/rng.js';
import { invalidOption } from '../core/errors.js';

export interface CollapseDecision {
  /** true when collapsing before the persistence computation is expected to be faster */
  collapse: boolean;
  /** why, with the measured quantities */
  reason: string;
  /** estimated fraction of the edges that collapse keeps (1 - sampled domination rate) */
  estimatedKeptFraction?: number;
}

export interface ShouldCollapseOptions {
  /** the filtration threshold the persistence computation will use (edges <= threshold) */
  threshold: number;
  /** the highest homology dimension that will be computed */
  maxDimension: number;
}

/** Edges sampled to estimate the domination rate and the triangle count. */
const SAMPLES = 200;
/** Times (evenly spaced from the edge's value to the threshold) at which domination is tested. */
const CHECKS = 4;
/** Collapse only when at most this fraction of the edges is expected to stay. */
const MAX_KEPT_FRACTION = 0.3;
/** Below this many edges Ripser-like engines finish in milliseconds: never worth it. */
const MIN_EDGES = 20_000;
/** Below this many triangles (estimated) dimension-1 persistence is cheap. */
const MIN_TRIANGLES = 5e6;

export function shouldCollapse(
  input: CondensedDistances | SparseDistances,
  options: ShouldCollapseOptions,
): CollapseDecision {
  const { threshold, maxDimension } = options;
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
    throw invalidOption(
      `threshold must be a number, got ${String(threshold)}`,
      'Pass the filtration threshold.',
    );
  }
  if (!Number.isInteger(maxDimension) || maxDimension < 0) {
    throw invalidOption(
      `maxDimension must be a non-negative integer, got ${String(maxDimension)}`,
      'Pass the highest homology dimension to compute.',
    );
  }
  const graph = thresholdGraph(input, threshold);
  const m = graph.m;
  if (maxDimension === 0) {
    return {
      collapse: false,
      reason: 'dimension 0 only needs a spanning forest: collapse cannot pay off',
    };
  }
  if (m < MIN_EDGES) {
    return {
      collapse: false,
      reason: `${m} edges (< ${MIN_EDGES}): persistence is cheap, collapse would only add work`,
    };
  }
  const { dominated, meanCommon } = sampleDomination(graph, SAMPLES);
  const kept = 1 - dominated;
  const triangles = m * meanCommon;
  const stats = `${m} edges, ${(100 * dominated).toFixed(0)}% of ${SAMPLES} sampled edges dominated from their own value to the threshold, ~${triangles.toExponential(1)} triangles`;
  if (kept > MAX_KEPT_FRACTION) {
    return {
      collapse: false,
      reason: `${stats}: at least ${(100 * kept).toFixed(0)}% of the edges would stay`,
      estimatedKeptFraction: kept,
    };
  }
  if (maxDimension < 2 && triangles < MIN_TRIANGLES) {
    return {
      collapse: false,
      reason: `${stats}: too few triangles for collapse to repay its cost`,
      estimatedKeptFraction: kept,
    };
  }
  return {
    collapse: true,
    reason: `${stats}: at most ${(100 * kept).toFixed(0)}% of the edges expected to stay`,
    estimatedKeptFraction: kept,
  };
}

interface ThresholdGraph {
  n: number;
  m: number;
  /** value of the edge (a, b) or +Infinity, for a != b */
  dist: (a: number, b: number) => number;
  /** the k-th edge (0 <= k < m): [a, b, value] */
  edge: (k: number) => [number, number, number];
  threshold: number;
}

function thresholdGraph(
  input: CondensedDistances | SparseDistances,
  threshold: number,
): ThresholdGraph {
  const n = input.n;
  if (!isSparseDistances(input)) {
    const data = input.data;
    let m = 0;
    for (let k = 0; k < data.length; k++) if (data[k] <= threshold) m++;
    const positions = new Int32Array(m);
    m = 0;
    for (let k = 0; k < data.length; k++) if (data[k] <= threshold) positions[m++] = k;
    const dist = (a: number, b: number): number => {
      const v = a > b ? data[(a * (a - 1)) / 2 + b] : data[(b * (b - 1)) / 2 + a];
      return v <= threshold ? v : Infinity;
    };
    const edge = (k: number): [number, number, number] => {
      const p = positions[k];
      let a = Math.floor((1 + Math.sqrt(1 + 8 * p)) / 2);
      if ((a * (a - 1)) / 2 > p) a--;
      if ((a * (a + 1)) / 2 <= p) a++;
      return [a, p - (a * (a - 1)) / 2, data[p]];
    };
    return { n, m: positions.length, dist, edge, threshold };
  }
  // Sparse: adjacency sorted by neighbour for binary-search lookups.
  const { i, j, values } = input;
  const keep: number[] = [];
  for (let k = 0; k < values.length; k++) if (values[k] <= threshold) keep.push(k);
  const start = new Int32Array(n + 1);
  for (const k of keep) {
    start[i[k] + 1]++;
    start[j[k] + 1]++;
  }
  for (let x = 0; x < n; x++) start[x + 1] += start[x];
  const fill = start.slice(0, n);
  const nb = new Int32Array(2 * keep.length);
  const nv = new Float64Array(2 * keep.length);
  for (const k of keep) {
    nb[fill[i[k]]] = j[k];
    nv[fill[i[k]]++] = values[k];
    nb[fill[j[k]]] = i[k];
    nv[fill[j[k]]++] = values[k];
  }
  for (let x = 0; x < n; x++) {
    const idx = Array.from({ length: start[x + 1] - start[x] }, (_, t) => start[x] + t).sort(
      (p, q) => nb[p] - nb[q],
    );
    const b = idx.map((p) => nb[p]);
    const v = idx.map((p) => nv[p]);
    nb.set(b, start[x]);
    nv.set(v, start[x]);
  }
  const dist = (a: number, b: number): number => {
    let lo = start[a];
    let hi = start[a + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (nb[mid] === b) return nv[mid];
      if (nb[mid] < b) lo = mid + 1;
      else hi = mid - 1;
    }
    return Infinity;
  };
  const edge = (k: number): [number, number, number] => [i[keep[k]], j[keep[k]], values[keep[k]]];
  return { n, m: keep.length, dist, edge, threshold };
}

/** Whether uv is dominated in the graph of the edges <= t; also returns the common count. */
function dominatedAt(g: ThresholdGraph, u: number, v: number, t: number): [boolean, number] {
  const C: number[] = [];
  for (let x = 0; x < g.n; x++) {
    if (x !== u && x !== v && g.dist(u, x) <= t && g.dist(v, x) <= t) C.push(x);
  }
  let cand = C;
  while (cand.length > 0) {
    const w = cand[0];
    let y = -1;
    for (const x of C) {
      if (x !== w && !(g.dist(w, x) <= t)) {
        y = x;
        break;
      }
    }
    if (y < 0) return [true, C.length];
    // every dominator is adjacent to y: keep y's neighbours (this drops w)
    cand = cand.filter((z) => z === y || g.dist(y, z) <= t);
  }
  return [false, C.length];
}

/**
 * Fraction of sampled edges dominated at their own value and at CHECKS later times up to the
 * threshold (a proxy of "dominated for ever", i.e. removed), and mean common-neighbourhood size at the own value.
 */
function sampleDomination(
  g: ThresholdGraph,
  samples: number,
): { dominated: number; meanCommon: number } {
  const rng = createRng(0x5eed);
  const s = Math.min(samples, g.m);
  let dominated = 0;
  let common = 0;
  for (let q = 0; q < s; q++) {
    const [u, v, t] = g.edge(g.m === s ? q : rng.int(g.m));
    const [own, size] = dominatedAt(g, u, v, t);
    common += size;
    let always = own;
    for (let q = 1; q <= CHECKS && always; q++) {
      always = dominatedAt(g, u, v, t + ((g.threshold - t) * q) / CHECKS)[0];
    }
    if (always) dominated++;
  }
  return { dominated: s > 0 ? dominated / s : 0, meanCommon: s > 0 ? common / s : 0 };
}
