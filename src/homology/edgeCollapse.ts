/**
 * Edge collapse of a Vietoris-Rips (flag) filtration: replaces the filtered edge set by a much
 * smaller one whose flag filtration has the same persistence diagrams in every dimension.
 *
 * Algorithm: the backward "shift" pass of Glisse & Pritam (2022, "Swap, shift and trim to edge
 * collapse a filtration"), built on the edge domination of Boissonnat & Pritam (2020, "Edge
 * collapse and persistence of flag complexes"). Edges are visited from the last to the first in
 * filtration order. An edge uv is dominated at time s by a vertex w when w is adjacent to u, v
 * and to every common neighbour of u and v in the graph at time s. A visited edge is moved to the
 * first time at which it is no longer dominated (taking the already-visited later edges at their
 * new times), or removed if it stays dominated for ever. Removing a dominated edge from a flag
 * complex is a strong collapse (a homotopy equivalence), so at every time the new complex is
 * included in the old one by a homotopy equivalence; the persistence modules are then isomorphic
 * and the diagrams identical (see docs/edge-collapse.md).
 *
 * Every output value is bit-identical to an input value (a moved edge takes the value of another
 * edge); values are compared as numbers, so ties are exploited.
 */
import type { CondensedDistances, SparseDistances } from '../core/distances.js';
import { enclosingRadius, isSparseDistances } from '../core/distances.js';
import type { FloatArray } from '../core/matrix.js';
import { invalidInput, invalidOption } from '../core/errors.js';
import { ascendingOrder } from './collapseSort.js';
import { buildAdjacency } from './collapseGraph.js';
import { collapseDenseKernel, denseKernelBytes } from './collapseDense.js';
import { collapseSparseKernel } from './collapseSparse.js';
import {
  collapseEarlyJob,
  collapseSplitPoint,
  collapseSplits,
  earlyRunOf,
} from './collapseSplit.js';
import { getRipsThreadDriver } from './ripsParallel.js';

export interface EdgeCollapseOptions {
  /**
   * Largest edge length kept (edges with value <= threshold enter the filtration). Default: the
   * enclosing radius min_i max_j d(i, j) for condensed (dense) input, as Ripser does, above which
   * the Rips complex is a cone; +Infinity for sparse input.
   */
  threshold?: number;
  /**
   * true (default): Glisse-Pritam shift, an edge dominated when it appears is delayed to the
   * first time it is no longer dominated. false: Boissonnat-Pritam style removal only, an edge is
   * either removed (dominated at every later time) or kept at its own value, so the kept edges are
   * a subset of the input with identical values (fewer edges are removed).
   */
  shift?: boolean;
  /**
   * How adjacency times are looked up in the domination test. 'dense': an n x n matrix of current
   * edge values (n^2 values of the input's float type; fastest on dense graphs); 'sparse': rows
   * scattered from adjacency lists on demand (memory O(edges)). Default 'auto': dense when the
   * matrix takes at most 128 MiB and the graph is not very sparse.
   */
  lookup?: 'auto' | 'dense' | 'sparse';
  /** Called with the fraction of edges processed (0..1), about every 1% of the work. */
  onProgress?: (fraction: number) => void;
  /**
   * Threads, the caller's included (default 1). With 2 or more, a registered thread driver
   * (src/run/ripsThreads.ts, registered by the Node entry), the dense lookup, the shift and at
   * least the driver's `collapseMinEdges` edges (COLLAPSE_SPLIT_MIN_EDGES, 500,000), a worker
   * visits the first 40% of the edges while the caller visits the rest (docs/edge-collapse.md,
   * "Two threads"); the result is the same.
   */
  threads?: number;
}

export interface EdgeCollapseResult {
  /** The kept edges (i > j), sorted by ascending value, values bit-identical to input values. */
  edges: SparseDistances;
  /** Number of input edges with value <= threshold. */
  inputEdges: number;
  /** Number of edges in `edges`. */
  keptEdges: number;
  /**
   * On two threads (`threads`): the edges of the worker's part, and how many of them the
   * caller took from the worker (the rest it visited itself: the worker started late, or was
   * slower). Varies from run to run; the edges do not.
   */
  split?: { earlyEdges: number; fromWorker: number };
}

const DENSE_BYTES = 128 * 1024 * 1024;

export function collapseEdges(
  input: CondensedDistances | SparseDistances,
  options: EdgeCollapseOptions = {},
): EdgeCollapseResult {
  const shift = options.shift ?? true;
  const lookup = options.lookup ?? 'auto';
  if (lookup !== 'auto' && lookup !== 'dense' && lookup !== 'sparse') {
    throw invalidOption(`unknown lookup '${String(lookup)}'`, "Use 'auto', 'dense' or 'sparse'.");
  }
  const edges = thresholdedEdges(input, options.threshold);
  const { n, eu, ev, val } = edges;
  const m = val.length;
  const bpe = val.BYTES_PER_ELEMENT;
  const denseBytes = denseKernelBytes(n, bpe);
  const dense =
    lookup === 'dense' ||
    (lookup === 'auto' && denseBytes <= DENSE_BYTES && (n <= 2048 || 2 * m >= 64 * n));
  if (lookup === 'dense' && denseBytes > 4 * DENSE_BYTES) {
    throw invalidOption(
      `the dense lookup for ${n} vertices needs ${Math.round(denseBytes / 2 ** 20)} MiB`,
      "Use lookup: 'sparse' or 'auto'.",
    );
  }
  const threads = options.threads ?? 1;
  if (!Number.isInteger(threads) || threads < 1) {
    throw invalidOption(
      `threads must be a positive integer, got ${String(threads)}`,
      'Give the number of threads, or leave it out for one.',
    );
  }
  const canSplit = dense && shift && collapseSplits(m, threads);
  const graph = buildAdjacency(n, eu, ev, val, canSplit);
  // same float type as the input: exact, and half the memory for float32
  const newTime = new (val.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(m);
  const mid = canSplit ? collapseSplitPoint(graph) : 0;
  let fromWorker = 0;
  if (mid > 0) {
    const job = collapseEarlyJob(graph, mid);
    getRipsThreadDriver()!.startCollapseEarly!(job);
    const early = earlyRunOf(job);
    try {
      fromWorker = collapseDenseKernel(graph, shift, newTime, options.onProgress, true, {
        part: 'late',
        mid,
        early,
      });
    } finally {
      early.stop();
    }
  } else if (dense) collapseDenseKernel(graph, shift, newTime, options.onProgress);
  else collapseSparseKernel(graph, shift, newTime, options.onProgress);
  const kept = keptEdges(n, eu, ev, val, newTime);
  const result: EdgeCollapseResult = { edges: kept, inputEdges: m, keptEdges: kept.i.length };
  if (mid > 0) result.split = { earlyEdges: mid, fromWorker };
  return result;
}

interface EdgeList {
  n: number;
  /** larger endpoint */
  eu: Int32Array;
  /** smaller endpoint */
  ev: Int32Array;
  /** values, same float type as the input, -0 normalised to +0 */
  val: FloatArray;
}

/** The edges with value <= threshold (and finite), validated. */
function thresholdedEdges(
  input: CondensedDistances | SparseDistances,
  thresholdOption: number | undefined,
): EdgeList {
  if (
    thresholdOption !== undefined &&
    (typeof thresholdOption !== 'number' || isNaN(thresholdOption))
  ) {
    throw invalidOption(
      `threshold must be a number, got ${String(thresholdOption)}`,
      'Pass a distance, or leave it out for the default.',
    );
  }
  const n = input.n;
  if (!Number.isInteger(n) || n < 0) {
    throw invalidInput(`the number of points must be a non-negative integer, got ${n}`);
  }
  if (isSparseDistances(input)) {
    const { i, j, values } = input;
    const m0 = values.length;
    if (i.length !== m0 || j.length !== m0) {
      throw invalidInput(
        `sparse distances have ${i.length} row indices, ${j.length} column indices and ${m0} values`,
        'Give one i, one j and one value per edge.',
      );
    }
    const t = thresholdOption ?? Infinity;
    let m = 0;
    for (let k = 0; k < m0; k++) {
      const a = i[k];
      const b = j[k];
      const d = values[k];
      if (!(a >= 0 && a < n && b >= 0 && b < n) || a === b) {
        throw invalidInput(
          `edge ${k} joins ${a} and ${b}, not two different points among 0..${n - 1}`,
          'Sparse distances list each edge once between two distinct points (i > j).',
        );
      }
      checkValue(d, `edge ${k} (${a}, ${b})`);
      if (d <= t && d !== Infinity) m++;
    }
    const eu = new Int32Array(m);
    const ev = new Int32Array(m);
    const val = new (values.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(m);
    m = 0;
    for (let k = 0; k < m0; k++) {
      const d = values[k];
      if (d <= t && d !== Infinity) {
        const a = i[k];
        const b = j[k];
        eu[m] = a > b ? a : b;
        ev[m] = a > b ? b : a;
        val[m++] = d === 0 ? 0 : d;
      }
    }
    return { n, eu, ev, val };
  }
  const data = input.data;
  if (data.length !== (n * (n - 1)) / 2) {
    throw invalidInput(
      `condensed distances for ${n} points need ${(n * (n - 1)) / 2} values, got ${data.length}`,
      'Pass the strict lower triangle in row order (Ripser lower-distance layout).',
    );
  }
  for (let k = 0; k < data.length; k++) {
    const d = data[k];
    if (!(d >= 0)) {
      const row = Math.floor((1 + Math.sqrt(1 + 8 * k)) / 2);
      checkValue(d, `the distance (${row}, ${k - (row * (row - 1)) / 2})`);
    }
  }
  const t = thresholdOption ?? enclosingRadius(input);
  let m = 0;
  for (let k = 0; k < data.length; k++) if (data[k] <= t && data[k] !== Infinity) m++;
  const eu = new Int32Array(m);
  const ev = new Int32Array(m);
  const val = new (data.constructor as Float32ArrayConstructor | Float64ArrayConstructor)(m);
  m = 0;
  let k = 0;
  for (let a = 1; a < n; a++) {
    for (let b = 0; b < a; b++, k++) {
      const d = data[k];
      if (d <= t && d !== Infinity) {
        eu[m] = a;
        ev[m] = b;
        val[m++] = d === 0 ? 0 : d;
      }
    }
  }
  return { n, eu, ev, val };
}

function checkValue(d: number, what: string): void {
  if (Number.isNaN(d)) {
    throw invalidInput(`${what} is NaN`, 'Remove or repair the points that produce NaN distances.');
  }
  if (d < 0) {
    throw invalidInput(`${what} is negative (${d})`, 'Distances must be >= 0.');
  }
}

/** The kept edges (new value < Infinity) sorted by new value, stable in input order. */
function keptEdges(
  n: number,
  eu: Int32Array,
  ev: Int32Array,
  val: FloatArray,
  newTime: FloatArray,
): SparseDistances {
  const ArrayType = val.constructor as Float32ArrayConstructor | Float64ArrayConstructor;
  let kept = 0;
  for (let e = 0; e < newTime.length; e++) if (newTime[e] !== Infinity) kept++;
  const ids = new Int32Array(kept);
  const times = new ArrayType(kept);
  kept = 0;
  for (let e = 0; e < newTime.length; e++) {
    if (newTime[e] !== Infinity) {
      ids[kept] = e;
      times[kept++] = newTime[e];
    }
  }
  const byTime = ascendingOrder(times);
  const oi = new Int32Array(kept);
  const oj = new Int32Array(kept);
  const ov = new ArrayType(kept);
  for (let k = 0; k < kept; k++) {
    const e = ids[byTime[k]];
    oi[k] = eu[e];
    oj[k] = ev[e];
    ov[k] = times[byTime[k]];
  }
  return { n, i: oi, j: oj, values: ov };
}

export { shouldCollapse } from './collapseCost.js';
export type { CollapseDecision, ShouldCollapseOptions } from './collapseCost.js';
