/**
 * Vietoris-Rips persistent homology (docs/persistent-homology.md): public API, input checks, the
 * index bound and the memory estimate. The algorithm lives in ./ripsEngine.ts.
 *
 * Conventions (as Ripser):
 * - a simplex enters at the largest pairwise distance among its vertices (no halving);
 * - filtration values are float32: a point cloud's distances are computed in float32 arithmetic
 *   (`pairwiseDistances(cloud, {precision: 'float32'})`), distance input is rounded to float32,
 *   and so is the threshold; every birth and death is a float32 value (returned as a double);
 * - H0 keeps its infinite bar(s) unless `reducedHomology` is set (then one is dropped);
 * - zero-length intervals are not reported; essential classes have death = Infinity.
 */
import type { Cocycle, PersistenceDiagram } from '../core/diagram.js';
import type { CondensedDistances, SparseDistances } from '../core/distances.js';
import { TopolensError, invalidInput, invalidOption } from '../core/errors.js';
import type { Matrix, PointCloud } from '../core/matrix.js';
import { isPrime } from '../core/validate.js';
import { pairwiseDistances } from '../linalg/distances.js';
import {
  ChainGuardTripped,
  runRipsEngine,
  sampleTriangleColumns,
  type EngineOutput,
  type SparseGraph,
} from './ripsEngine.js';
import {
  getRipsThreadDriver,
  shared,
  sharedArray,
  type RipsThreadSession,
} from './ripsParallel.js';
import { denseKernelBytes } from './collapseDense.js';
import { createRng } from '../core/rng.js';
import { collapseEdges, shouldCollapse } from './edgeCollapse.js';
import { collapseSplits } from './collapseSplit.js';

export interface RipsOptions {
  /** Largest homology dimension computed. Default 1 (H0 and H1, Ripser's `--dim 1`). */
  maxDimension?: number;
  /**
   * Only simplices with diameter <= threshold enter the filtration (Ripser's `--threshold`).
   * Rounded to float32. Default: the enclosing radius min_i max_j d(i, j) for a point cloud or
   * a condensed matrix (it changes no finite bar), Infinity for sparse input. A threshold at or
   * above the enclosing radius is replaced by the enclosing radius (same diagrams, less work);
   * below it the computation runs on sparse neighbour lists.
   */
  threshold?: number;
  /** Prime p: homology with coefficients in Z/p (Ripser's `--modulus`). Default 2. At most 65521. */
  coefficient?: number;
  /**
   * Representative cocycles for every bar of dimension >= 1 (as Ripser's representative-cocycles
   * branch / ripser.py: the reduction column of the birth simplex). Default false.
   */
  cocycles?: boolean;
  /** Drop one infinite H0 bar (reduced homology). Default false: H0 keeps it, as Ripser prints. */
  reducedHomology?: boolean;
  /**
   * Refuse with a clear error when the estimated peak memory (`estimateRipsMemory`) exceeds this
   * many bytes. Default 8 GiB.
   */
  maxMemoryBytes?: number;
  /**
   * Edge collapse (Glisse-Pritam) before the reduction: it replaces the filtered edges by far
   * fewer with the same diagrams in every dimension (docs/edge-collapse.md). 'auto' (default):
   * collapse when the cost model `shouldCollapse` expects it to pay off (dense low-dimensional
   * clouds at large thresholds); true: always; false: never. Never applied with `cocycles`
   * (representatives must live on the original complex) nor for maxDimension 0.
   */
  collapse?: 'auto' | boolean;
  /**
   * With `collapse: 'auto'` declining the collapse: the number of coboundary additions one
   * column of dimension 1 may need before the computation starts again with collapse (a long
   * chain of zero-apparent substitutions, which the collapse's shifted filtration removes; the
   * diagrams are the same either way). Default CHAIN_GUARD (4000); Infinity: never switch.
   * docs/edge-collapse.md, "Cost model".
   */
  collapseSwitch?: number;
  /** Called with a fraction in [0, 1] and a stage name while the computation runs. */
  onProgress?: (fraction: number, stage: string) => void;
  /**
   * Threads for the zero-apparent-pair tests and the reduction (docs/persistent-homology.md,
   * "Threads"), and for the edge collapse (docs/edge-collapse.md, "Two threads": from 2
   * threads and COLLAPSE_SPLIT_MIN_EDGES edges, in every dimension); the diagrams and stats
   * are the same for every value, bar `estimatedMemoryBytes`, which counts the collapse's
   * worker when there is one. Default 'auto': every core
   * (the registered driver's `defaultThreads`, os.availableParallelism() for Node's), used for
   * dimensions 2 and up (AUTO_THREADS_FROM_DIMENSION), where bench:ph measured them paying
   * (1.3-1.55x on two cores); dimensions 0 and 1 gained nothing on threads (0.84-1.13x), so they
   * run on the calling thread. A number k uses k threads in every dimension. More than 1 needs
   * a registered thread driver (Node's entry point registers one; without one, and in the
   * browser entry, one thread runs). Batches smaller than PARALLEL_MIN_TESTS run on the calling
   * thread, and workers start only when a batch needs them.
   */
  threads?: number | 'auto';
}

/**
 * With `threads: 'auto'`, the lowest dimension whose parallel parts use the threads. In bench:ph
 * (docs/bench-ph.md) two threads over one, by the computation's wall time, were 0.84-1.13x on
 * the dimension-1 cases and 1.12-1.17x (reduction 1.38-1.55x) on the large dimension-2 cases.
 */
export const AUTO_THREADS_FROM_DIMENSION = 2;

/** What edge collapse did in a run. */
export interface RipsCollapseStats {
  applied: boolean;
  /** why it was or was not applied */
  reason: string;
  /**
   * true when `collapse: 'auto'` first declined it, and then switched to it because the
   * reduction of dimension 1 showed long chains (CHAIN_GUARD; docs/edge-collapse.md)
   */
  switched?: boolean;
  /** edges (<= threshold) before and after; equal when not applied */
  inputEdges?: number;
  keptEdges?: number;
}

export interface RipsStats {
  /** edges with length <= threshold */
  edges: number;
  /** columns actually reduced, all dimensions (after apparent pairs and clearing) */
  columnsReduced: number;
  /** simplices skipped because they are in an apparent (zero-persistence, local) pair */
  apparentPairs: number;
  /** columns closed by the emergent-pair shortcut */
  emergentPairs: number;
  /** columns skipped by clearing */
  clearedColumns: number;
  /** column additions during the reduction */
  columnAdditions: number;
  /** entries stored in the reduction matrices */
  reductionEntries: number;
  /** largest working coboundary (heap entries) */
  maxHeapSize: number;
  /** 'dense' (condensed matrix) or 'sparse' (neighbour lists) */
  mode: 'dense' | 'sparse';
  /** the estimate checked against maxMemoryBytes, bytes */
  estimatedMemoryBytes: number;
  /** edge collapse: applied or not, and why */
  collapse: RipsCollapseStats;
}

export interface RipsResult {
  /** index = dimension 0..maxDimension */
  diagrams: PersistenceDiagram[];
  n: number;
  /** the threshold the filtration was truncated at (float32; the enclosing radius by default) */
  threshold: number;
  /** the enclosing radius of a dense input (NaN for sparse input) */
  enclosingRadius: number;
  coefficient: number;
  maxDimension: number;
  /**
   * The threads the run could use: `count` (the caller's included; 1 when no driver is
   * registered or no dimension of the run uses them) from dimension `fromDimension` up. Workers
   * start only for batches large enough (PARALLEL_MIN_TESTS, PARALLEL_MIN_COLUMNS). `collapse`:
   * the threads the edge collapse used, 2 when it was split with a worker (from 2 threads and
   * COLLAPSE_SPLIT_MIN_EDGES edges, in any dimension; docs/edge-collapse.md, "Two threads").
   */
  threads: { count: number; fromDimension: number; collapse: number };
  stats: RipsStats;
}

export type RipsInput = PointCloud | CondensedDistances | SparseDistances;

const GiB = 1024 * 1024 * 1024;
const MAX_COEFFICIENT = 65521;

// ---------------------------------------------------------------------------------------------
// Options and input checks

interface Resolved {
  maxDimension: number;
  threshold: number | undefined;
  coefficient: number;
  cocycles: boolean;
  reducedHomology: boolean;
  maxMemoryBytes: number;
  /** threads taking part (the caller's included), 'auto' resolved */
  threads: number;
  /** the lowest dimension whose parallel parts use the threads */
  threadsFromDimension: number;
}

function resolveOptions(options: RipsOptions): Resolved {
  const maxDimension = options.maxDimension ?? 1;
  if (!Number.isInteger(maxDimension) || maxDimension < 0) {
    throw invalidOption(
      `maxDimension must be a non-negative integer, got ${maxDimension}.`,
      'Use 1 for H0 and H1 (the default), 2 to add H2.',
    );
  }
  const coefficient = options.coefficient ?? 2;
  if (!isPrime(coefficient) || coefficient > MAX_COEFFICIENT) {
    throw invalidOption(
      `coefficient must be a prime (homology over the field Z/p), got ${coefficient}.`,
      `Use 2 (the default), 3, 5, ... up to ${MAX_COEFFICIENT}.`,
    );
  }
  const threshold = options.threshold;
  if (threshold !== undefined && (Number.isNaN(threshold) || threshold < 0)) {
    throw invalidOption(
      `threshold must be a non-negative number or Infinity, got ${threshold}.`,
      'Leave it out to use the enclosing radius.',
    );
  }
  const maxMemoryBytes = options.maxMemoryBytes ?? 8 * GiB;
  if (!(maxMemoryBytes > 0)) {
    throw invalidOption(`maxMemoryBytes must be positive, got ${maxMemoryBytes}.`);
  }
  const threadsOption = options.threads ?? 'auto';
  const auto = threadsOption === 'auto';
  if (!auto && (!Number.isInteger(threadsOption) || threadsOption < 1)) {
    throw invalidOption(
      `threads must be 'auto' or a positive integer, got ${String(threadsOption)}.`,
      "Leave it out (or give 'auto') for every core where threads pay, or give the number of threads.",
    );
  }
  return {
    threads: auto ? (getRipsThreadDriver()?.defaultThreads ?? 1) : threadsOption,
    threadsFromDimension: auto ? AUTO_THREADS_FROM_DIMENSION : 1,
    maxDimension,
    threshold,
    coefficient,
    cocycles: options.cocycles ?? false,
    reducedHomology: options.reducedHomology ?? false,
    maxMemoryBytes,
  };
}

function isMatrix(x: unknown): x is Matrix {
  return typeof x === 'object' && x !== null && 'rows' in x && 'cols' in x && 'data' in x;
}

function isSparse(x: unknown): x is SparseDistances {
  return typeof x === 'object' && x !== null && 'values' in x && 'i' in x && 'j' in x;
}

function describePair(i: number, j: number): string {
  return `(${i}, ${j})`;
}

/** Row i > column j of condensed index k. */
function condensedPair(k: number): [number, number] {
  let i = Math.floor((1 + Math.sqrt(1 + 8 * k)) / 2);
  while ((i * (i - 1)) / 2 > k) i--;
  while (((i + 1) * i) / 2 <= k) i++;
  return [i, k - (i * (i - 1)) / 2];
}

function checkDistanceValue(v: number, i: number, j: number, sparse: boolean): void {
  if (Number.isNaN(v)) {
    throw invalidInput(
      `NaN distance at ${describePair(i, j)} (rows and columns count from 0).`,
      'Fix or remove that point before the analysis.',
    );
  }
  if (v === Infinity && !sparse) {
    throw invalidInput(
      `Infinite distance at ${describePair(i, j)} in a dense distance matrix.`,
      'Pass the finite pairs as SparseDistances (unlisted pairs are at infinity) instead.',
    );
  }
  if (v < 0) {
    throw invalidInput(
      `Negative distance ${v} at ${describePair(i, j)}: distances must be >= 0.`,
      'Check how the distance matrix was computed.',
    );
  }
}

/** Condensed input -> float32 condensed copy (or the same array if already float32 and clean). */
function toFloat32Condensed(m: CondensedDistances): Float32Array {
  const { n, data } = m;
  if (!Number.isInteger(n) || n < 0) {
    throw invalidInput(`a condensed distance matrix needs an integer n >= 0, got ${n}.`);
  }
  const len = (n * (n - 1)) / 2;
  if (data.length !== len) {
    throw invalidInput(
      `a condensed distance matrix for n = ${n} points has ${len} entries (the strict lower triangle), got ${data.length}.`,
      'Lay the entries out row by row: d(1,0), d(2,0), d(2,1), d(3,0), ...',
    );
  }
  for (let k = 0; k < len; k++) {
    const v = data[k];
    if (!(v >= 0 && v < Infinity)) {
      const [i, j] = condensedPair(k);
      checkDistanceValue(v, i, j, false);
    }
  }
  if (data instanceof Float32Array) {
    // -0 compares equal to 0 everywhere it matters; the radix sort needs +0
    let clean = true;
    for (let k = 0; k < len; k++) {
      if (data[k] === 0 && 1 / data[k] < 0) {
        clean = false;
        break;
      }
    }
    if (clean) return data;
  }
  const out = new Float32Array(len);
  for (let k = 0; k < len; k++) out[k] = data[k] + 0;
  return out;
}

/**
 * Turns a full square distance matrix (e.g. read from a file) into the condensed layout,
 * checking that it is symmetric with a zero diagonal and non-negative finite entries.
 */
export function squareToCondensed(m: Matrix, name = 'the distance matrix'): CondensedDistances {
  const { rows: n, cols, data } = m;
  if (n !== cols) {
    throw invalidInput(
      `${name} is ${n} x ${cols}; a distance matrix must be square.`,
      'Pass a point cloud instead if the rows are points.',
    );
  }
  const out = new Float64Array((n * (n - 1)) / 2);
  for (let i = 0; i < n; i++) {
    const dii = data[i * n + i];
    if (dii !== 0) {
      throw invalidInput(
        `${name} has ${dii} on the diagonal at (${i}, ${i}); a distance matrix has zeros there.`,
      );
    }
    for (let j = 0; j < i; j++) {
      const a = data[i * n + j];
      const b = data[j * n + i];
      checkDistanceValue(a, i, j, false);
      checkDistanceValue(b, j, i, false);
      if (a !== b) {
        throw invalidInput(
          `${name} is not symmetric: d(${i}, ${j}) = ${a} but d(${j}, ${i}) = ${b}.`,
          'Symmetrise it (e.g. take the max or the mean of both entries) before the analysis.',
        );
      }
      out[(i * (i - 1)) / 2 + j] = a;
    }
  }
  return { n, data: out };
}

/**
 * Sparse input -> neighbour lists (both directions, ascending), edges above `threshold`
 * dropped. Validates endpoints, values, self-loops and asymmetric duplicates.
 */
function sparseGraph(s: SparseDistances, threshold: number): SparseGraph {
  const { n, i: is, j: js, values } = s;
  if (!Number.isInteger(n) || n < 0) {
    throw invalidInput(`sparse distances need an integer n >= 0, got ${n}.`);
  }
  const m = values.length;
  if (is.length !== m || js.length !== m) {
    throw invalidInput(
      `sparse distances have ${is.length} row indices, ${js.length} column indices and ${m} values; they must be equal.`,
    );
  }
  // kept edges (not self-loops, length <= threshold), sorted by combinatorial index
  const keyOf = new Float64Array(m);
  const all = new Uint32Array(m);
  let kept = 0;
  for (let e = 0; e < m; e++) {
    let a = is[e];
    let b = js[e];
    const v = values[e];
    if (!(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b >= 0 && a < n && b < n)) {
      throw invalidInput(
        `sparse edge ${e} joins (${a}, ${b}), outside 0..${n - 1}.`,
        'Edge endpoints are point indices counted from 0.',
      );
    }
    checkDistanceValue(v, a, b, true);
    if (a === b) {
      if (v !== 0) {
        throw invalidInput(
          `sparse edge ${e} is a self-loop at ${a} with length ${v}; the diagonal must be 0.`,
        );
      }
      continue;
    }
    if (a < b) {
      const t = a;
      a = b;
      b = t;
    }
    if (Math.fround(v) <= threshold) {
      keyOf[e] = (a * (a - 1)) / 2 + b;
      all[kept++] = e;
    }
  }
  const perm = all.subarray(0, kept);
  perm.sort((x, y) => keyOf[x] - keyOf[y]);
  const degree = new Int32Array(n + 1);
  const edgeA = new Int32Array(kept);
  const edgeB = new Int32Array(kept);
  const edgeV = new Float32Array(kept);
  let unique = 0;
  for (let q = 0; q < kept; q++) {
    const e = perm[q];
    let a = is[e];
    let b = js[e];
    if (a < b) {
      const t = a;
      a = b;
      b = t;
    }
    const v = Math.fround(values[e]) + 0;
    if (unique > 0 && edgeA[unique - 1] === a && edgeB[unique - 1] === b) {
      if (edgeV[unique - 1] !== v) {
        throw invalidInput(
          `sparse distances list the pair (${a}, ${b}) twice with different lengths (${edgeV[unique - 1]} and ${v}): the matrix is not symmetric.`,
          'List each pair once (i > j), or symmetrise the values first.',
        );
      }
      continue;
    }
    edgeA[unique] = a;
    edgeB[unique] = b;
    edgeV[unique] = v;
    unique++;
    degree[a]++;
    degree[b]++;
  }
  // CSR in edge-index order: row r receives its smaller neighbours when a = r (ascending b)
  // and its larger neighbours later (ascending a), so every row is sorted.
  const offsets = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) offsets[v + 1] = offsets[v] + degree[v];
  const fill = offsets.slice(0, n);
  const neighbors = new Int32Array(2 * unique);
  const distances = new Float32Array(2 * unique);
  for (let e = 0; e < unique; e++) {
    const a = edgeA[e];
    const b = edgeB[e];
    neighbors[fill[a]] = b;
    distances[fill[a]++] = edgeV[e];
    neighbors[fill[b]] = a;
    distances[fill[b]++] = edgeV[e];
  }
  return { offsets, neighbors, distances };
}

/** Condensed -> full symmetric n x n row-major matrix (the dense engine's layout). */
function squareFromCondensed(n: number, dist: Float32Array, share: boolean): Float32Array {
  const sq = share ? sharedArray(Float32Array, n * n, 4) : new Float32Array(n * n);
  for (let i = 1, k = 0; i < n; i++) {
    for (let j = 0; j < i; j++, k++) {
      const d = dist[k];
      sq[i * n + j] = d;
      sq[j * n + i] = d;
    }
  }
  return sq;
}

/** Dense condensed float32 -> neighbour lists of the edges <= threshold. */
function denseToSparseGraph(n: number, dist: Float32Array, threshold: number): SparseGraph {
  const degree = new Int32Array(n);
  let k = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++, k++) {
      if (dist[k] <= threshold) {
        degree[i]++;
        degree[j]++;
      }
    }
  }
  const offsets = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) offsets[v + 1] = offsets[v] + degree[v];
  const fill = offsets.slice(0, n);
  const neighbors = new Int32Array(offsets[n]);
  const distances = new Float32Array(offsets[n]);
  k = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++, k++) {
      const d = dist[k];
      if (d <= threshold) {
        neighbors[fill[i]] = j;
        distances[fill[i]++] = d;
        neighbors[fill[j]] = i;
        distances[fill[j]++] = d;
      }
    }
  }
  return { offsets, neighbors, distances };
}

function enclosingRadiusF32(n: number, dist: Float32Array): number {
  if (n <= 1) return 0;
  const rowMax = new Float32Array(n);
  let k = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++, k++) {
      const v = dist[k];
      if (v > rowMax[i]) rowMax[i] = v;
      if (v > rowMax[j]) rowMax[j] = v;
    }
  }
  let best = Infinity;
  for (let i = 0; i < n; i++) if (rowMax[i] < best) best = rowMax[i];
  return best;
}

// ---------------------------------------------------------------------------------------------
// Index bound and memory estimate

/** C(n, k) as a double (exact while below 2^53). */
function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  k = Math.min(k, n - k);
  let r = 1;
  for (let t = 1; t <= k; t++) r = (r * (n - k + t)) / t;
  return Math.round(r);
}

function checkIndexBound(n: number, maxDimension: number): void {
  const top = binomial(n, maxDimension + 2);
  if (!(top < 2 ** 53)) {
    throw new TopolensError(
      'too-large',
      `${n} points with maxDimension ${maxDimension} need simplex indices up to C(${n}, ${maxDimension + 2}) = ${top.toExponential(3)}, beyond 2^53 (exact integers in JavaScript).`,
      'Lower maxDimension, or subsample the points (e.g. farthest-point sampling).',
    );
  }
}

/**
 * Upper bound of the number of k-simplices of a graph with these vertex degrees:
 * sum_v C(deg v, k) / (k + 1) (exact for complete graphs).
 */
function simplexBound(degrees: Int32Array | number[], k: number): number {
  let s = 0;
  for (let v = 0; v < degrees.length; v++) s += binomial(degrees[v], k);
  return s / (k + 1);
}

/**
 * The memory model behind the guard (docs/persistent-homology.md, "Memory guard", has the
 * measured ratios). A fixed BASE_BYTES, then bytes per item of the structures alive at the peak:
 * - distances: 4 per condensed entry; dense mode adds the full n x n float32 matrix the engine
 *   reads, sparse mode 16 per edge (neighbour lists, both directions);
 * - dimensions 0 and 1 together: BYTES_PER_EDGE per edge below the threshold (the sorted edges,
 *   the dimension-1 columns, their pivot map and reduction entries, the working coboundary);
 * - dimension 2: BYTES_PER_COLUMN per column actually reduced (the columns, their sort, pivot
 *   map, reduction entries and working coboundary), counted on a sample of edges
 *   (`sampleTriangleColumns`: most triangles are in zero apparent pairs and never stored) and
 *   scaled by COLUMN_SAMPLE_MARGIN, plus
 *   12 bytes per triangle, doubled for growth, when dimension 3 needs the triangles;
 * - dimensions 3 and up: the bound sum_v C(deg v, d) / (d + 1) on the d-simplices, at
 *   BYTES_PER_SIMPLEX_BOUND each (an upper bound: runs that high are rare and small);
 * - edge collapse, when applied, runs before the engine on the uncollapsed edges: the condensed
 *   distances, COLLAPSE_BYTES_PER_EDGE per edge and its dense lookup (on two threads, a second
 *   lookup and COLLAPSE_WORKER_BYTES_PER_EDGE per edge for the worker); the peak is the larger
 *   of the two phases.
 */
/** the engine's fixed working set (heap growth, typed-array slack), measured on small runs */
const BASE_BYTES = 12 * 2 ** 20;
const BYTES_PER_EDGE = 72;
const BYTES_PER_COLUMN = 160;
/** the sampled column count is scaled by this: sampling error, on the conservative side */
const COLUMN_SAMPLE_MARGIN = 1.25;
const BYTES_PER_SIMPLEX_BOUND = 32;
const COLLAPSE_BYTES_PER_EDGE = 64;
/** the two-thread collapse's worker: its copies of the lists, the early values and hints */
const COLLAPSE_WORKER_BYTES_PER_EDGE = 24;
/** edges sampled for the dimension-2 column count */
const COLUMN_SAMPLE = 512;

/** Dimension-2 counts from a sample: columns reduced and triangles, both for all edges. */
interface Dim2Counts {
  columns: number;
  triangles: number;
}

function estimateFromDegrees(
  n: number,
  distanceBytes: number,
  edges: number,
  degrees: Int32Array,
  maxDimension: number,
  dim2: Dim2Counts | null,
): number {
  let bytes = BASE_BYTES + distanceBytes + 64 * n;
  if (maxDimension >= 1) bytes += BYTES_PER_EDGE * edges;
  for (let d = 2; d <= maxDimension; d++) {
    if (d === 2 && dim2 !== null) {
      bytes += BYTES_PER_COLUMN * dim2.columns;
      if (maxDimension >= 3) bytes += 24 * dim2.triangles;
    } else {
      bytes += BYTES_PER_SIMPLEX_BOUND * simplexBound(degrees, d);
    }
  }
  return bytes;
}

/** Distances held during the engine's run (see estimateFromDegrees). */
function engineDistanceBytes(n: number, dense: boolean, lookup: boolean, edges: number): number {
  if (dense) return 2 * n * (n - 1) + 4 * n * n;
  return 16 * edges + (lookup ? 2 * n * (n - 1) : 0);
}

/** Peak of the collapse phase on `edges` uncollapsed edges of n points. */
function collapseBytes(n: number, edges: number, condensed: boolean, threads: number): number {
  const lookup = denseKernelBytes(n, 4);
  const dense = lookup <= 128 * 2 ** 20;
  // on two threads (collapseSplit.ts) the worker has its own lookup and copies of the lists
  const worker = dense && collapseSplits(edges, threads);
  return (
    BASE_BYTES +
    (condensed ? 2 * n * (n - 1) : 0) +
    COLLAPSE_BYTES_PER_EDGE * edges +
    (dense ? lookup : 0) +
    (worker ? lookup + COLLAPSE_WORKER_BYTES_PER_EDGE * edges : 0)
  );
}

interface Prepared {
  n: number;
  /** edges below the threshold and the vertex degrees, for the estimate */
  edges: number;
  degrees: Int32Array;
  dense: Float32Array | null;
  sparse: SparseGraph | null;
  /** sparse mode cut from a dense matrix: that matrix, for O(1) distance lookups */
  denseLookup: Float32Array | null;
  threshold: number;
  enclosingRadius: number;
  /** the estimate up to dimension 1 (checked before the engine's input is built) */
  estimate: number;
}

function degreesDense(n: number, dist: Float32Array, threshold: number): [Int32Array, number] {
  const degree = new Int32Array(n);
  let edges = 0;
  let k = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++, k++) {
      if (dist[k] <= threshold) {
        degree[i]++;
        degree[j]++;
        edges++;
      }
    }
  }
  return [degree, edges];
}

/**
 * The switch of `collapse: 'auto'` from no collapse to collapse (docs/edge-collapse.md, "Cost
 * model"): when one column of dimension 1 needs more than this many coboundary additions, the
 * reduction is following a long chain of zero-apparent substitutions, which the collapse's
 * shifted filtration removes. Counts in docs/bench-ph.md ("A switch on the reduction's chains"):
 * at most 717 on every fast fixture case where `auto` declines collapse; 21,141 and 33,735 on
 * two where it collapses; 156,845 on torus4 at its median distance, which crosses 2,000 at its
 * 387th column, half a second into the reduction.
 */
export const CHAIN_GUARD = 4000;

interface CollapseOutcome {
  stats: RipsCollapseStats;
  /** 'auto' declined collapse where it could apply: the reduction runs under CHAIN_GUARD */
  switchable?: boolean;
  /** the threshold and enclosing radius of the original input, when it was collapsed */
  threshold?: number;
  enclosingRadius?: number;
  /** estimated peak bytes of the collapse phase, when it ran */
  peakBytes?: number;
  /** 2 when the collapse was split with a worker (collapseSplit.ts), else 1 */
  threads?: number;
}

/**
 * Decides on edge collapse (options.collapse), applies it when chosen, and prepares the engine's
 * input: the collapsed edges as sparse input, or the original input.
 */
function prepareWithCollapse(
  input: RipsInput,
  opts: Resolved,
  options: RipsOptions,
): { prep: Prepared; collapse: CollapseOutcome } {
  const mode = options.collapse ?? 'auto';
  if (mode !== 'auto' && mode !== true && mode !== false) {
    throw invalidOption(`collapse must be 'auto', true or false, got ${String(mode)}.`);
  }
  const skip = (reason: string): { prep: Prepared; collapse: CollapseOutcome } => ({
    prep: prepare(input, opts),
    collapse: { stats: { applied: false, reason } },
  });
  if (mode === false) return skip('collapse off');
  if (opts.maxDimension === 0) return skip('H0 only: nothing to gain');
  if (opts.cocycles) {
    if (mode === true) {
      throw invalidOption(
        'representative cocycles need the full complex, so they cannot be combined with edge collapse.',
        'Turn collapse off (--collapse off) or drop --cocycles.',
      );
    }
    return skip('cocycles asked for: they must live on the full complex');
  }
  // the filtered edges, as the engine would see them (float32 values, as Ripser)
  let base: CondensedDistances | SparseDistances;
  let threshold: number;
  let enc = NaN;
  if (isSparse(input)) {
    base = input;
    threshold = opts.threshold === undefined ? Infinity : Math.fround(opts.threshold);
  } else {
    const { n, dist } = float32Distances(input, opts);
    base = { n, data: dist };
    enc = enclosingRadiusF32(n, dist);
    threshold = opts.threshold === undefined ? enc : Math.min(Math.fround(opts.threshold), enc);
  }
  const decision =
    mode === true
      ? { collapse: true, reason: 'collapse on' }
      : shouldCollapse(base, { threshold, maxDimension: opts.maxDimension });
  if (!decision.collapse) {
    return {
      prep: prepare(base, opts),
      collapse: { stats: { applied: false, reason: decision.reason }, switchable: mode === 'auto' },
    };
  }
  // the collapse phase's memory, checked before it runs
  const uncollapsed = countEdgesBelow(base, threshold);
  const peakBytes = collapseBytes(base.n, uncollapsed, !isSparse(base), opts.threads);
  if (peakBytes > opts.maxMemoryBytes)
    refuse(peakBytes, opts.maxMemoryBytes, base.n, opts.maxDimension, 'the edge collapse alone');
  options.onProgress?.(0, 'edge collapse');
  const collapsed = collapseEdges(base, { threshold, threads: opts.threads });
  const prep = prepare(collapsed.edges, { ...opts, threshold: undefined });
  return {
    prep,
    collapse: {
      stats: {
        applied: true,
        reason: decision.reason,
        inputEdges: collapsed.inputEdges,
        keptEdges: collapsed.keptEdges,
      },
      threshold,
      enclosingRadius: enc,
      peakBytes,
      threads: collapsed.split === undefined ? 1 : 2,
    },
  };
}

/** Edges of length <= threshold (float32 values, as the engine sees them). */
function countEdgesBelow(base: CondensedDistances | SparseDistances, threshold: number): number {
  let m = 0;
  if (isSparse(base)) {
    for (let e = 0; e < base.values.length; e++)
      if (base.i[e] !== base.j[e] && Math.fround(base.values[e]) <= threshold) m++;
    return m;
  }
  for (let k = 0; k < base.data.length; k++) if (base.data[k] <= threshold) m++;
  return m;
}

/**
 * The float32 condensed distances of a dense input (a point cloud, computed with Ripser's
 * arithmetic, or a condensed matrix, validated), after the index-bound and memory checks.
 */
function float32Distances(input: RipsInput, opts: Resolved): { n: number; dist: Float32Array } {
  if (isMatrix(input)) {
    const n = input.rows;
    checkIndexBound(n, opts.maxDimension);
    const distanceBytes = 2 * n * (n - 1);
    if (distanceBytes > opts.maxMemoryBytes)
      refuse(distanceBytes, opts.maxMemoryBytes, n, opts.maxDimension, 'the distances alone');
    const d = pairwiseDistances(input, { precision: 'float32', name: 'the point cloud' });
    return { n, dist: d.data as Float32Array };
  }
  if (typeof input === 'object' && input !== null && 'n' in input && 'data' in input) {
    checkIndexBound(input.n, opts.maxDimension);
    return { n: input.n, dist: toFloat32Condensed(input) };
  }
  throw invalidInput(
    'ripsPersistence needs a point cloud (Matrix), CondensedDistances or SparseDistances.',
  );
}

/** The estimate up to dimension 1 (a lower bound of the whole when maxDimension >= 2). */
function baseEstimate(
  n: number,
  dense: boolean,
  lookup: boolean,
  edges: number,
  degrees: Int32Array,
  opts: Resolved,
): number {
  const distances = engineDistanceBytes(n, dense, lookup, edges);
  return estimateFromDegrees(n, distances, edges, degrees, Math.min(1, opts.maxDimension), null);
}

/**
 * The whole estimate: the engine's phase with the dimension-2 columns counted on a sample of
 * edges (see estimateFromDegrees), and the collapse phase when collapse ran.
 */
function fullEstimate(prep: Prepared, opts: Resolved, collapse: CollapseOutcome): number {
  let dim2: Dim2Counts | null = null;
  if (opts.maxDimension >= 2 && prep.edges > 0) {
    const rng = createRng(0x6d656d);
    const s = sampleTriangleColumns(engineInput(prep, opts, {}), COLUMN_SAMPLE, () => rng.next());
    if (s.sampled > 0) {
      dim2 = {
        columns: (COLUMN_SAMPLE_MARGIN * prep.edges * s.columns) / s.sampled,
        triangles: (prep.edges * s.triangles) / s.sampled,
      };
    }
  }
  const distances = engineDistanceBytes(
    prep.n,
    prep.dense !== null,
    prep.denseLookup !== null,
    prep.edges,
  );
  const engine = estimateFromDegrees(
    prep.n,
    distances,
    prep.edges,
    prep.degrees,
    opts.maxDimension,
    dim2,
  );
  return Math.ceil(Math.max(engine, collapse.peakBytes ?? 0));
}

/** Whether a run would use worker threads (a driver registered, and a dimension that uses them). */
function usesThreads(opts: Resolved): boolean {
  return (
    opts.threads > 1 &&
    opts.maxDimension >= opts.threadsFromDimension &&
    getRipsThreadDriver() !== null
  );
}

/**
 * The thread session of a run (null: one thread), with the engine's distances in shared memory
 * (the dense matrix is allocated there by prepare when threads > 1).
 */
function openThreads(prep: Prepared, opts: Resolved): RipsThreadSession | null {
  const driver = getRipsThreadDriver();
  if (!usesThreads(opts) || driver === null || prep.n === 0) return null;
  const sparse = prep.sparse;
  return driver.open(
    {
      n: prep.n,
      maxDimension: opts.maxDimension,
      threshold: prep.threshold,
      modulus: opts.coefficient,
      dense: prep.dense === null ? null : shared(prep.dense),
      sparse:
        sparse === null
          ? null
          : {
              offsets: shared(sparse.offsets),
              neighbors: shared(sparse.neighbors),
              distances: shared(sparse.distances),
            },
    },
    opts.threads,
  );
}

function engineInput(prep: Prepared, opts: Resolved, options: RipsOptions) {
  return {
    n: prep.n,
    maxDimension: opts.maxDimension,
    threshold: prep.threshold,
    modulus: opts.coefficient,
    cocycles: opts.cocycles,
    dense: prep.dense,
    sparse: prep.sparse,
    denseLookup: prep.denseLookup,
    onProgress: options.onProgress,
  };
}

function prepare(input: RipsInput, opts: Resolved): Prepared {
  if (isSparse(input)) {
    const threshold = opts.threshold === undefined ? Infinity : Math.fround(opts.threshold);
    checkIndexBound(input.n, opts.maxDimension);
    const graph = sparseGraph(input, threshold);
    const n = input.n;
    const degrees = new Int32Array(n);
    for (let v = 0; v < n; v++) degrees[v] = graph.offsets[v + 1] - graph.offsets[v];
    const edges = graph.offsets[n] / 2;
    const estimate = baseEstimate(n, false, false, edges, degrees, opts);
    return {
      n,
      edges,
      degrees,
      dense: null,
      sparse: graph,
      denseLookup: null,
      threshold,
      enclosingRadius: NaN,
      estimate,
    };
  }
  const { n, dist } = float32Distances(input, opts);
  const enc = enclosingRadiusF32(n, dist);
  let threshold = opts.threshold === undefined ? enc : Math.fround(opts.threshold);
  const useDense = threshold >= enc;
  if (useDense) threshold = enc;
  const [degrees, edges] = degreesDense(n, dist, threshold);
  // dimensions 0 and 1 only: checked before the engine's input is built
  const estimate = baseEstimate(n, useDense, !useDense, edges, degrees, opts);
  if (estimate > opts.maxMemoryBytes) {
    const part = opts.maxDimension >= 2 ? 'dimensions 0 and 1 alone' : undefined;
    refuse(estimate, opts.maxMemoryBytes, n, opts.maxDimension, part);
  }
  if (useDense) {
    return {
      n,
      edges,
      degrees,
      dense: squareFromCondensed(n, dist, usesThreads(opts)),
      sparse: null,
      denseLookup: null,
      threshold,
      enclosingRadius: enc,
      estimate,
    };
  }
  return {
    n,
    edges,
    degrees,
    dense: null,
    sparse: denseToSparseGraph(n, dist, threshold),
    denseLookup: dist,
    threshold,
    enclosingRadius: enc,
    estimate,
  };
}

/** The memory guard's refusal, with the numbers a caller needs to reword its way out. */
export class RipsMemoryError extends TopolensError {
  readonly estimateBytes: number;
  readonly limitBytes: number;
  readonly points: number;
  readonly maxDimension: number;
  /**
   * Set when the refusal came from an early check on one part of the run (the distances, the
   * edge collapse, dimensions 0 and 1): then estimateBytes is a lower bound of the whole.
   */
  readonly part?: string;

  constructor(
    estimate: number,
    limit: number,
    n: number,
    maxDimension: number,
    part?: string,
    hint?: string,
  ) {
    const need = part
      ? `at least ${formatGiB(estimate)} of memory (${part})`
      : `${formatGiB(estimate)} of memory`;
    super(
      'too-large',
      `the Rips computation on ${n} points up to dimension ${maxDimension} is estimated to need ${need}, above the limit of ${formatGiB(limit)}.`,
      hint ??
        `Ways out: maxMemoryBytes ${part ? 'well above' : 'of at least'} ${formatGiB(estimate)} if the machine has that much memory, a lower threshold, a lower maxDimension, or fewer points (subsample, e.g. farthest-point sampling).`,
    );
    this.estimateBytes = estimate;
    this.limitBytes = limit;
    this.points = n;
    this.maxDimension = maxDimension;
    this.part = part;
  }
}

function formatGiB(bytes: number): string {
  return bytes >= GiB ? `${(bytes / GiB).toFixed(2)} GiB` : `${Math.ceil(bytes / 2 ** 20)} MiB`;
}

function refuse(
  estimate: number,
  limit: number,
  n: number,
  maxDimension: number,
  part?: string,
): never {
  throw new RipsMemoryError(estimate, limit, n, maxDimension, part);
}

/**
 * Estimated peak memory (bytes) of `ripsPersistence(input, options)`: what it checks against
 * `maxMemoryBytes`. For a point cloud it computes the distances (O(n^2 d) time, 2 n^2 bytes).
 */
export function estimateRipsMemory(input: RipsInput, options: RipsOptions = {}): number {
  const opts = resolveOptions({ ...options, maxMemoryBytes: Infinity });
  const { prep, collapse } = prepareWithCollapse(input, opts, options);
  return fullEstimate(prep, opts, collapse);
}

// ---------------------------------------------------------------------------------------------
// The computation

/**
 * The engine on prepared input, after the memory check: its output and the estimate checked.
 * `chainGuard`: the engine's limit on one dimension-1 column's additions (ChainGuardTripped).
 */
function runPrepared(
  prep: Prepared,
  collapse: CollapseOutcome,
  opts: Resolved,
  options: RipsOptions,
  chainGuard: number | undefined,
): { out: EngineOutput; estimate: number } {
  const estimate = fullEstimate(prep, opts, collapse);
  if (estimate > opts.maxMemoryBytes)
    refuse(estimate, opts.maxMemoryBytes, prep.n, opts.maxDimension);
  const threads = openThreads(prep, opts);
  try {
    const out = runRipsEngine({
      ...engineInput(prep, opts, options),
      threads,
      threadsFromDimension: opts.threadsFromDimension,
      chainGuard,
    });
    return { out, estimate };
  } finally {
    threads?.close();
  }
}

/**
 * Vietoris-Rips persistence diagrams of a point cloud (Euclidean, float32 distances), a
 * condensed distance matrix, or sparse distances; dimensions 0..maxDimension over Z/p.
 * Matches Ripser bar for bar.
 */
export function ripsPersistence(input: RipsInput, options: RipsOptions = {}): RipsResult {
  const opts = resolveOptions(options);
  const switchAt = options.collapseSwitch ?? CHAIN_GUARD;
  if (!(switchAt >= 0))
    throw invalidOption(
      `collapseSwitch must be a number >= 0 (coboundary additions), got ${String(options.collapseSwitch)}.`,
      `Leave it out for the default (${CHAIN_GUARD}), or Infinity to never switch to collapse.`,
    );
  let { prep, collapse } = prepareWithCollapse(input, opts, options);
  let run: { out: EngineOutput; estimate: number };
  try {
    const guard = collapse.switchable === true && switchAt < Infinity ? switchAt : undefined;
    run = runPrepared(prep, collapse, opts, options, guard);
  } catch (e) {
    if (!(e instanceof ChainGuardTripped)) throw e;
    // long reduction chains: start again on the collapsed edges (the diagrams are the same
    // either way); where the collapse cannot run (its memory), finish without it
    const declined = collapse.stats.reason;
    try {
      ({ prep, collapse } = prepareWithCollapse(input, opts, { ...options, collapse: true }));
      collapse.stats.reason = `switched on: ${e.message} (a long reduction chain, which the collapse removes); first declined: ${declined}`;
      collapse.stats.switched = true;
    } catch (refused) {
      if (!(refused instanceof TopolensError)) throw refused;
    }
    run = runPrepared(prep, collapse, opts, options, undefined);
  }
  const { out, estimate } = run;
  const diagrams: PersistenceDiagram[] = out.diagrams.map((d, dim) => {
    let births = d.births;
    let deaths = d.deaths;
    if (dim === 0 && opts.reducedHomology) {
      const k = deaths.indexOf(Infinity);
      if (k >= 0) {
        births = births.filter((_, i) => i !== k);
        deaths = deaths.filter((_, i) => i !== k);
      }
    }
    const diagram: PersistenceDiagram = {
      dimension: dim,
      births: Float64Array.from(births),
      deaths: Float64Array.from(deaths),
    };
    if (opts.cocycles && dim >= 1) {
      const cocycles: Cocycle[] = d.cocycleSimplices.map((simplices, b) => ({
        simplices,
        coefficients: d.cocycleCoefficients[b],
      }));
      diagram.cocycles = cocycles;
    }
    return diagram;
  });
  return {
    diagrams,
    n: prep.n,
    threshold: collapse.threshold ?? prep.threshold,
    enclosingRadius: collapse.enclosingRadius ?? prep.enclosingRadius,
    coefficient: opts.coefficient,
    maxDimension: opts.maxDimension,
    threads: {
      count: usesThreads(opts) ? opts.threads : 1,
      fromDimension: opts.threadsFromDimension,
      collapse: collapse.threads ?? 1,
    },
    stats: {
      ...out.stats,
      mode: prep.dense !== null ? 'dense' : 'sparse',
      estimatedMemoryBytes: estimate,
      collapse: collapse.stats,
    },
  };
}
