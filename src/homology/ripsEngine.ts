/**
 * The Vietoris-Rips persistence engine: a port of Ulrich Bauer's Ripser (v1.2 algorithm) to
 * TypeScript on typed arrays. One file, read top to bottom as ripser.cpp:
 *
 * - simplices are combinatorial-number indices (colex order) computed from a binomial table;
 *   a k-simplex {v_k > ... > v_0} has index sum_i C(v_i, i + 1);
 * - cohomology: the coboundary matrix is reduced column by column in reverse filtration order,
 *   with clearing (simplices that are pivots of dimension d are not columns in dimension d+1);
 * - the coboundary matrix is implicit: cofacets are enumerated on the fly (dense: every vertex;
 *   sparse: intersection of sorted neighbour lists), only the reduction matrix V is stored;
 * - the working column is a binary heap of (diameter, index, coefficient) on typed arrays with
 *   lazy cancellation (equal indices are combined when they reach the top);
 * - apparent pairs (zero persistence, found locally) are never columns; emergent pairs end a
 *   column's reduction before its coboundary is even built; the top dimension's simplices are
 *   never assembled;
 * - H0 by union-find over the edges sorted by length.
 *
 * Filtration order: by diameter ascending, ties by index DESCENDING (as Ripser). Columns are
 * processed by diameter descending, ties by index ascending. The pivot of a coboundary column
 * is its entry that comes first in filtration order (smallest diameter, then largest index).
 *
 * All filtration values are float32 numbers (stored in Float32Array, compared as doubles,
 * which is exact). Indices are plain numbers (exact below 2^53; the caller checks
 * C(n, maxDimension + 2) < 2^53).
 */

import { findRoot, singletonSets } from '../core/disjointSets.js';
import type {
  ColumnArena,
  ReductionJob,
  RipsThreadSession,
  SharedEngineData,
} from './ripsParallel.js';
import {
  REC_ADDITIONS,
  REC_ARENA,
  REC_COB_SIZE,
  REC_MAX_HEAP,
  REC_OFFSET,
  REC_PIVOT_COEF,
  REC_PIVOT_DIAM,
  REC_PIVOT_IDX,
  REC_RED_SIZE,
  REC_STATUS,
  REC_WORDS,
  STATUS_EMERGENT,
  STATUS_ESSENTIAL,
  STATUS_REDO,
  STATUS_STOPPED,
  shared,
  sharedArray,
} from './ripsParallel.js';

/** Neighbour lists of a thresholded (sparse) distance matrix, CSR, neighbours ascending. */
export interface SparseGraph {
  /** length n + 1 */
  offsets: Int32Array;
  /** neighbour vertex of each entry, ascending within a vertex's range */
  neighbors: Int32Array;
  /** edge length of each entry */
  distances: Float32Array;
}

export interface RipsEngineInput {
  n: number;
  maxDimension: number;
  /** float32-representable; simplices with diameter above it are not in the filtration */
  threshold: number;
  /** prime */
  modulus: number;
  cocycles: boolean;
  /**
   * The full symmetric n x n distance matrix, row-major (rows are contiguous, so a vertex's
   * distances to all others are read in order); exactly one of dense/sparse.
   */
  dense: Float32Array | null;
  sparse: SparseGraph | null;
  /**
   * Sparse mode only, optional: the condensed matrix the sparse graph was cut from, for O(1)
   * distance lookups (entries above the threshold are treated as missing).
   */
  denseLookup?: Float32Array | null;
  onProgress?: (fraction: number, stage: string) => void;
  /**
   * Worker threads for the zero-apparent-pair tests (ripsParallel.ts); null or absent: one
   * thread. The diagrams and stats do not depend on it.
   */
  threads?: RipsThreadSession | null;
  /**
   * The lowest dimension whose apparent-pair tests and reduction use `threads` (default 1: all);
   * lower dimensions run on the calling thread. `threads: 'auto'` of ripsPersistence sets 2.
   */
  threadsFromDimension?: number;
  /**
   * Stop when one column of dimension 1 needs more than this many coboundary additions (other
   * columns, their V entries, zero-apparent substitutions): throws ChainGuardTripped. Only the
   * one-thread reduction checks it. Absent: no limit.
   */
  chainGuard?: number;
}

/**
 * Thrown by the engine under `chainGuard`: column `column` of dimension 1 needed more than
 * `limit` coboundary additions, a long chain of zero-apparent substitutions of the kind the edge
 * collapse's shifted filtration removes (docs/edge-collapse.md, "Cost model").
 */
export class ChainGuardTripped extends Error {
  constructor(
    readonly column: number,
    readonly limit: number,
  ) {
    super(`column ${column} of dimension 1 needed over ${limit} coboundary additions`);
    this.name = 'ChainGuardTripped';
  }
}

export interface EngineDiagram {
  births: number[];
  deaths: number[];
  /** per bar, (dimension + 1) vertices per simplex, flattened (descending vertices) */
  cocycleSimplices: Int32Array[];
  cocycleCoefficients: Int32Array[];
}

export interface EngineStats {
  /** edges with length <= threshold */
  edges: number;
  /** columns whose coboundary was reduced (after apparent pairs and clearing) */
  columnsReduced: number;
  /** simplices skipped because they form an apparent pair with a facet or cofacet */
  apparentPairs: number;
  /** columns finished by the emergent-pair shortcut (coboundary never built) */
  emergentPairs: number;
  /** columns skipped by clearing */
  clearedColumns: number;
  /** column additions (other columns added to a working column) */
  columnAdditions: number;
  /** entries stored in the reduction matrices (sum over dimensions) */
  reductionEntries: number;
  /** largest working coboundary heap (entries) */
  maxHeapSize: number;
}

export interface EngineOutput {
  diagrams: EngineDiagram[];
  stats: EngineStats;
}

// ---------------------------------------------------------------------------------------------
// Binomial table: B[k * (n + 1) + i] = C(i, k) for 0 <= i <= n, 0 <= k <= kMax.

function binomialTable(n: number, kMax: number): Float64Array {
  const stride = n + 1;
  const B = new Float64Array(stride * (kMax + 1));
  for (let i = 0; i <= n; i++) {
    B[i] = 1;
    for (let k = 1; k <= Math.min(i, kMax); k++) {
      B[k * stride + i] = B[(k - 1) * stride + i - 1] + (k <= i - 1 ? B[k * stride + i - 1] : 0);
    }
  }
  return B;
}

/** Largest v <= top with C(v, k) <= idx (binary search, as Ripser's get_max_vertex). */
function maxVertex(B: Float64Array, stride: number, idx: number, k: number, top: number): number {
  const base = k * stride;
  if (!(B[base + top] <= idx)) {
    let count = top - (k - 1);
    while (count > 0) {
      const step = count >> 1;
      const mid = top - step;
      if (!(B[base + mid] <= idx)) {
        top = mid - 1;
        count -= step + 1;
      } else {
        count = step;
      }
    }
  }
  return top;
}

/** Vertices of the simplex `idx` of dimension `dim`, written descending into out[0..dim]. */
function simplexVertices(
  B: Float64Array,
  stride: number,
  idx: number,
  dim: number,
  n: number,
  out: Int32Array,
): void {
  let top = n - 1;
  let o = 0;
  for (let k = dim + 1; k > 1; k--) {
    top = maxVertex(B, stride, idx, k, top);
    out[o++] = top;
    idx -= B[k * stride + top];
  }
  out[o] = idx;
}

// ---------------------------------------------------------------------------------------------
// Growable typed storage.

function grow64(a: Float64Array<ArrayBuffer>, need: number): Float64Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Float64Array(Math.max(need, a.length * 2, 16));
  b.set(a);
  return b;
}
function grow32f(a: Float32Array<ArrayBuffer>, need: number): Float32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Float32Array(Math.max(need, a.length * 2, 16));
  b.set(a);
  return b;
}
function grow32i(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2, 16));
  b.set(a);
  return b;
}

// ---------------------------------------------------------------------------------------------
// A binary heap of entries (diameter, index, coefficient), top = smallest diameter, then
// largest index (the pivot of a coboundary column).

class EntryHeap {
  diam = new Float64Array(64);
  idx = new Float64Array(64);
  coef = new Int32Array(64);
  size = 0;

  clear(): void {
    this.size = 0;
  }

  /** Appends without restoring the heap order; call heapify() after a run of appends. */
  append(d: number, i: number, c: number): void {
    const s = this.size;
    if (s === this.diam.length) this.reserve(s + 1);
    this.diam[s] = d;
    this.idx[s] = i;
    this.coef[s] = c;
    this.size = s + 1;
  }

  reserve(need: number): void {
    this.diam = grow64(this.diam, need);
    this.idx = grow64(this.idx, need);
    this.coef = grow32i(this.coef, need);
  }

  push(d: number, i: number, c: number): void {
    let s = this.size;
    if (s === this.diam.length) this.reserve(s + 1);
    const diam = this.diam;
    const idx = this.idx;
    const coef = this.coef;
    this.size = s + 1;
    while (s > 0) {
      const p = (s - 1) >> 1;
      const pd = diam[p];
      if (pd < d || (pd === d && idx[p] > i)) break;
      diam[s] = pd;
      idx[s] = idx[p];
      coef[s] = coef[p];
      s = p;
    }
    diam[s] = d;
    idx[s] = i;
    coef[s] = c;
  }

  /** Removes the top entry. */
  pop(): void {
    const last = --this.size;
    if (last === 0) return;
    this.siftDown(0, this.diam[last], this.idx[last], this.coef[last]);
  }

  private siftDown(s: number, d: number, i: number, c: number): void {
    const diam = this.diam;
    const idx = this.idx;
    const coef = this.coef;
    const size = this.size;
    for (;;) {
      let child = 2 * s + 1;
      if (child >= size) break;
      let cd = diam[child];
      let ci = idx[child];
      const r = child + 1;
      if (r < size) {
        const rd = diam[r];
        const ri = idx[r];
        if (rd < cd || (rd === cd && ri > ci)) {
          child = r;
          cd = rd;
          ci = ri;
        }
      }
      if (d < cd || (d === cd && i > ci)) break;
      diam[s] = cd;
      idx[s] = ci;
      coef[s] = coef[child];
      s = child;
    }
    diam[s] = d;
    idx[s] = i;
    coef[s] = c;
  }

  heapify(): void {
    for (let s = (this.size >> 1) - 1; s >= 0; s--) {
      this.siftDown(s, this.diam[s], this.idx[s], this.coef[s]);
    }
  }

  /** Copies the raw heap (its array layout, uncombined entries) into an arena at `at`. */
  saveTo(a: ColumnArena, at: number): void {
    const s = this.size;
    a.diam.set(this.diam.subarray(0, s), at);
    a.idx.set(this.idx.subarray(0, s), at);
    a.coef.set(this.coef.subarray(0, s), at);
  }

  /** Replaces the heap by `size` raw entries saved by saveTo at `at` (same layout). */
  loadFrom(a: ColumnArena, at: number, size: number): void {
    this.reserve(size);
    this.diam.set(a.diam.subarray(at, at + size));
    this.idx.set(a.idx.subarray(at, at + size));
    this.coef.set(a.coef.subarray(at, at + size));
    this.size = size;
  }
}

// ---------------------------------------------------------------------------------------------
// Pivot map: open addressing (linear probing) from a simplex index to (column, coefficient).

class PivotMap {
  keys: Float64Array;
  cols: Int32Array;
  coefs: Int32Array;
  mask: number;
  count = 0;

  /**
   * shared: the arrays in shared memory, for the parallel reduction (which inserts at most
   * `expected` keys, so the map never rehashes and the threads' views stay valid).
   */
  constructor(expected: number, shared = false) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.keys = (shared ? sharedArray(Float64Array, cap, 8) : new Float64Array(cap)).fill(-1);
    this.cols = shared ? sharedArray(Int32Array, cap, 4) : new Int32Array(cap);
    this.coefs = shared ? sharedArray(Int32Array, cap, 4) : new Int32Array(cap);
    this.mask = cap - 1;
  }

  /** A read-only view of a shared map's arrays (a worker's, for phase 1). */
  static view(keys: Float64Array, cols: Int32Array, coefs: Int32Array): PivotMap {
    const m = new PivotMap(0); // same shape as every map, so calls stay monomorphic
    m.keys = keys;
    m.cols = cols;
    m.coefs = coefs;
    m.mask = keys.length - 1;
    return m;
  }

  private slotOf(key: number): number {
    const lo = key >>> 0;
    const hi = (key / 4294967296) >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1);
    h ^= h >>> 15;
    return h & this.mask;
  }

  /** Slot holding key, or -1. */
  find(key: number): number {
    const keys = this.keys;
    const mask = this.mask;
    let s = this.slotOf(key);
    for (;;) {
      const k = keys[s];
      if (k === key) return s;
      if (k === -1) return -1;
      s = (s + 1) & mask;
    }
  }

  insert(key: number, col: number, coef: number): void {
    if ((this.count + 1) * 2 > this.keys.length) this.rehash();
    const keys = this.keys;
    const mask = this.mask;
    let s = this.slotOf(key);
    while (keys[s] !== -1) s = (s + 1) & mask;
    keys[s] = key;
    this.cols[s] = col;
    this.coefs[s] = coef;
    this.count++;
  }

  private rehash(): void {
    const { keys, cols, coefs } = this;
    const cap = keys.length * 2;
    this.keys = new Float64Array(cap).fill(-1);
    this.cols = new Int32Array(cap);
    this.coefs = new Int32Array(cap);
    this.mask = cap - 1;
    this.count = 0;
    for (let s = 0; s < keys.length; s++)
      if (keys[s] !== -1) this.insert(keys[s], cols[s], coefs[s]);
  }
}

// ---------------------------------------------------------------------------------------------
// Cofacet enumeration (Ripser's simplex_coboundary_enumerator), dense and sparse in one class.
// After hasNext(all) returns true, next() sets outDiam / outIdx / outCoef.
// hasNext(false) only yields cofacets whose new vertex is above every vertex of the simplex,
// so that each (d+1)-simplex is produced exactly once over all d-simplices.

class Coboundary {
  private readonly n: number;
  private readonly B: Float64Array;
  private readonly stride: number;
  private readonly modulus: number;
  private readonly dense: Float32Array | null;
  private readonly offsets: Int32Array | null;
  private readonly nbr: Int32Array | null;
  private readonly nbrDist: Float32Array | null;
  // current simplex
  private idxBelow = 0;
  private idxAbove = 0;
  private v = 0;
  private k = 0;
  private dim = 0;
  private sDiam = 0;
  private sCoef = 1;
  /** dense: descending; sparse: ascending */
  private readonly verts: Int32Array;
  /** dense: row offsets w * n of the simplex's vertices */
  private readonly vertRow: Float64Array;
  // sparse neighbour iterators (reverse: from the end of each list down to its start)
  private readonly it: Int32Array;
  private readonly itEnd: Int32Array;
  private nb = 0;
  private nbDiam = 0;
  // output
  outDiam = 0;
  outIdx = 0;
  outCoef = 0;

  constructor(
    n: number,
    B: Float64Array,
    maxDim: number,
    modulus: number,
    dense: Float32Array | null,
    sparse: SparseGraph | null,
  ) {
    this.n = n;
    this.B = B;
    this.stride = n + 1;
    this.modulus = modulus;
    this.dense = dense;
    this.offsets = sparse ? sparse.offsets : null;
    this.nbr = sparse ? sparse.neighbors : null;
    this.nbrDist = sparse ? sparse.distances : null;
    this.verts = new Int32Array(maxDim + 2);
    this.vertRow = new Float64Array(maxDim + 2);
    this.it = new Int32Array(maxDim + 2);
    this.itEnd = new Int32Array(maxDim + 2);
  }

  set(idx: number, diam: number, coef: number, dim: number): void {
    this.idxBelow = idx;
    this.idxAbove = 0;
    this.k = dim + 1;
    this.dim = dim;
    this.sDiam = diam;
    this.sCoef = coef;
    simplexVertices(this.B, this.stride, idx, dim, this.n, this.verts);
    if (this.dense !== null) {
      this.v = this.n - 1;
      for (let t = 0; t <= dim; t++) this.vertRow[t] = this.verts[t] * this.n;
    } else {
      // ascending vertices for the sparse enumerator
      const verts = this.verts;
      for (let a = 0, b = dim; a < b; a++, b--) {
        const t = verts[a];
        verts[a] = verts[b];
        verts[b] = t;
      }
      const offsets = this.offsets!;
      for (let t = 0; t <= dim; t++) {
        const w = verts[t];
        this.it[t] = offsets[w + 1] - 1;
        this.itEnd[t] = offsets[w];
      }
    }
  }

  hasNext(all: boolean): boolean {
    if (this.dense !== null) {
      return this.v >= this.k && (all || this.B[this.k * this.stride + this.v] > this.idxBelow);
    }
    return this.hasNextSparse(all);
  }

  private hasNextSparse(all: boolean): boolean {
    const nbr = this.nbr!;
    const nbrDist = this.nbrDist!;
    const it = this.it;
    const itEnd = this.itEnd;
    const dim = this.dim;
    const end0 = itEnd[0];
    outer: for (; it[0] >= end0; it[0]--) {
      const nb = nbr[it[0]];
      let nd = nbrDist[it[0]];
      for (let t = 1; t <= dim; t++) {
        let p = it[t];
        const e = itEnd[t];
        while (nbr[p] > nb) {
          p--;
          if (p < e) {
            it[t] = p;
            return false;
          }
        }
        it[t] = p;
        if (nbr[p] !== nb) continue outer;
        const d = nbrDist[p];
        if (d > nd) nd = d;
      }
      const verts = this.verts;
      const B = this.B;
      const stride = this.stride;
      while (this.k > 0 && verts[this.k - 1] > nb) {
        if (!all) return false;
        const w = verts[this.k - 1];
        this.idxBelow -= B[this.k * stride + w];
        this.idxAbove += B[(this.k + 1) * stride + w];
        this.k--;
      }
      this.nb = nb;
      this.nbDiam = nd;
      return true;
    }
    return false;
  }

  next(): void {
    const B = this.B;
    const stride = this.stride;
    const k0 = this.k;
    if (this.dense !== null) {
      let v = this.v;
      let k = k0;
      let idxBelow = this.idxBelow;
      let idxAbove = this.idxAbove;
      while (B[k * stride + v] <= idxBelow) {
        idxBelow -= B[k * stride + v];
        idxAbove += B[(k + 1) * stride + v];
        v--;
        k--;
      }
      this.idxBelow = idxBelow;
      this.idxAbove = idxAbove;
      this.k = k;
      const dist = this.dense;
      const vertRow = this.vertRow;
      let d = this.sDiam;
      for (let t = 0; t <= this.dim; t++) {
        const x = dist[vertRow[t] + v];
        if (x > d) d = x;
      }
      this.outDiam = d;
      this.outIdx = idxAbove + B[(k + 1) * stride + v] + idxBelow;
      this.outCoef = k & 1 ? this.modulus - this.sCoef : this.sCoef;
      this.v = v - 1;
    } else {
      this.it[0]--;
      const nd = this.nbDiam;
      this.outDiam = nd > this.sDiam ? nd : this.sDiam;
      this.outIdx = this.idxAbove + B[(k0 + 1) * stride + this.nb] + this.idxBelow;
      this.outCoef = k0 & 1 ? this.modulus - this.sCoef : this.sCoef;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Sorting columns: diameter descending, ties by index ascending. LSD radix sort on the float32
// bit patterns (monotone for non-negative floats), stable, then equal-diameter runs sorted by
// index.

function sortColumns(diam: Float32Array, idx: Float64Array, count: number): Uint32Array {
  const bits = new Uint32Array(diam.buffer, diam.byteOffset, count);
  let perm = new Uint32Array(count);
  let tmp = new Uint32Array(count);
  for (let i = 0; i < count; i++) perm[i] = i;
  const counts = new Uint32Array(65536);
  for (let pass = 0; pass < 2; pass++) {
    const shift = pass * 16;
    counts.fill(0);
    for (let i = 0; i < count; i++) counts[0xffff - ((bits[i] >>> shift) & 0xffff)]++;
    let sum = 0;
    for (let b = 0; b < 65536; b++) {
      const c = counts[b];
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < count; i++) {
      const p = perm[i];
      tmp[counts[0xffff - ((bits[p] >>> shift) & 0xffff)]++] = p;
    }
    const t = perm;
    perm = tmp;
    tmp = t;
  }
  // ties: index ascending
  let a = 0;
  while (a < count) {
    const d = bits[perm[a]];
    let b = a + 1;
    while (b < count && bits[perm[b]] === d) b++;
    if (b - a > 1) {
      if (b - a <= 16) {
        for (let i = a + 1; i < b; i++) {
          const p = perm[i];
          const key = idx[p];
          let j = i - 1;
          while (j >= a && idx[perm[j]] > key) {
            perm[j + 1] = perm[j];
            j--;
          }
          perm[j + 1] = p;
        }
      } else {
        perm.subarray(a, b).sort((x, y) => idx[x] - idx[y]);
      }
    }
    a = b;
  }
  return perm;
}

/**
 * Threads: the assembly tests its candidates in blocks of this many minimal batches (800,000
 * with the default PARALLEL_MIN_TESTS), bounding the candidates held at once.
 */
const ASSEMBLY_BLOCK_BATCHES = 16;

/** Parallel reduction: first size of each thread's arena (entries) and the most it grows to. */
const ARENA_MAX = 1 << 21;

/** The reduction matrix V of the parallel reduction, in shared memory (grown by the caller). */
interface SharedReduction {
  offsets: Int32Array;
  idx: Float64Array;
  diam: Float32Array;
  coef: Int32Array;
  size: number;
}

function newArenas(count: number, capacity: number): ColumnArena[] {
  const out: ColumnArena[] = [];
  for (let t = 0; t < count; t++) {
    out.push({
      diam: sharedArray(Float64Array, capacity, 8),
      idx: sharedArray(Float64Array, capacity, 8),
      coef: sharedArray(Int32Array, capacity, 4),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The reducer.

class RipsReducer {
  private readonly n: number;
  private readonly maxDim: number;
  private readonly threshold: number;
  private readonly modulus: number;
  private readonly inverse: Int32Array;
  private readonly wantCocycles: boolean;
  private readonly dense: Float32Array | null;
  private readonly sparse: SparseGraph | null;
  private readonly B: Float64Array;
  private readonly stride: number;
  private readonly onProgress?: (fraction: number, stage: string) => void;
  private readonly threads: RipsThreadSession | null;
  private readonly threadsFromDimension: number;
  private batch: { idx: Float64Array; diam: Float32Array; flags: Uint8Array } | null = null;
  /** phase 1 on a thread: the view of the job's shared pivot map (rebuilt when it changes) */
  private jobPivots: PivotMap | null = null;

  private readonly cob: Coboundary;
  private readonly facetVerts: Int32Array;
  private readonly pairDist: Float64Array;
  private readonly rowScratch: Float64Array;
  private readonly itScratch: Int32Array;
  private readonly facetScratch: Int32Array;
  private readonly simplexScratch: Int32Array;
  private readonly edgeVerts = new Int32Array(2);
  /** condensed distances for lookups in sparse mode (entries above the threshold ignored) */
  private readonly lookup: Float32Array | null;
  private readonly workingCob = new EntryHeap();
  private readonly workingRed = new EntryHeap();

  // pivot found by popPivot / getPivot / shortcut searches
  private pDiam = 0;
  private pIdx = -1;
  private pCoef = 0;
  // facet found by zeroApparentFacet
  private fDiam = 0;
  private fIdx = -1;
  private fCoef = 0;

  private readonly chainGuard: number;
  readonly diagrams: EngineDiagram[] = [];
  readonly stats: EngineStats = {
    edges: 0,
    columnsReduced: 0,
    apparentPairs: 0,
    emergentPairs: 0,
    clearedColumns: 0,
    columnAdditions: 0,
    reductionEntries: 0,
    maxHeapSize: 0,
  };

  /** The thread session for the work of dimension dim, or null: the calling thread alone. */
  private threadsAt(dim: number): RipsThreadSession | null {
    return dim >= this.threadsFromDimension ? this.threads : null;
  }

  constructor(input: RipsEngineInput) {
    this.n = input.n;
    this.maxDim = input.maxDimension;
    this.threshold = input.threshold;
    this.modulus = input.modulus;
    this.wantCocycles = input.cocycles;
    this.dense = input.dense;
    this.sparse = input.sparse;
    this.lookup = input.denseLookup ?? null;
    this.onProgress = input.onProgress;
    this.threads = input.threads ?? null;
    this.threadsFromDimension = input.threadsFromDimension ?? 1;
    this.chainGuard = input.chainGuard ?? Infinity;
    this.B = binomialTable(this.n, this.maxDim + 2);
    this.stride = this.n + 1;
    const p = this.modulus;
    const inv = new Int32Array(p);
    inv[1] = 1;
    for (let a = 2; a < p; a++) inv[a] = p - ((Math.floor(p / a) * inv[p % a]) % p);
    this.inverse = inv;
    this.cob = new Coboundary(this.n, this.B, this.maxDim, p, this.dense, this.sparse);
    this.facetVerts = new Int32Array(this.maxDim + 3);
    this.pairDist = new Float64Array((this.maxDim + 3) * (this.maxDim + 3));
    this.rowScratch = new Float64Array(this.maxDim + 3);
    this.itScratch = new Int32Array(this.maxDim + 3);
    this.facetScratch = new Int32Array(this.maxDim + 3);
    this.simplexScratch = new Int32Array(this.maxDim + 3);
    for (let d = 0; d <= this.maxDim; d++) {
      this.diagrams.push({ births: [], deaths: [], cocycleSimplices: [], cocycleCoefficients: [] });
    }
  }

  /**
   * Overall fraction (monotone): dimension 0 takes [0, 0.1]; dimension d >= 1 takes the d-th
   * of maxDim equal slots of [0.1, 1] (assembling its columns the first half for d >= 2,
   * reducing them the rest).
   */
  private stageFraction(dim: number, within: number): number {
    return 0.1 + (0.9 * (dim - 1 + within)) / this.maxDim;
  }

  private progress(fraction: number, stage: string): void {
    if (this.onProgress) this.onProgress(fraction, stage);
  }

  // -- distances ------------------------------------------------------------------------------

  /** d(u, v) for u != v; Infinity for a missing sparse edge. */
  private dist(u: number, v: number): number {
    if (this.dense !== null) return this.dense[u * this.n + v];
    const lookup = this.lookup;
    if (lookup !== null) {
      const x = u > v ? lookup[(u * (u - 1)) / 2 + v] : lookup[(v * (v - 1)) / 2 + u];
      return x <= this.threshold ? x : Infinity;
    }
    const { offsets, neighbors, distances } = this.sparse!;
    let lo = offsets[u];
    let hi = offsets[u + 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (neighbors[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo < offsets[u + 1] && neighbors[lo] === v ? distances[lo] : Infinity;
  }

  // -- apparent pairs -------------------------------------------------------------------------
  //
  // A pair (s, t), t a cofacet of s with diam t = diam s, is a zero apparent pair when t is the
  // zero pivot cofacet of s (the first cofacet of equal diameter in Ripser's enumeration:
  // largest added vertex first) and s is the zero pivot facet of t (the first facet of equal
  // diameter when dropping the largest vertex first). Both tests are done on the vertices:
  // the zero pivot cofacet adds the largest vertex v outside s with d(v, w) <= diam for all w
  // in s; a facet t \ {u} has diameter diam iff a pair of t not containing u has length diam.

  /**
   * The largest vertex v > lo, outside verts[0..m), with d(v, w) <= diam for every w in
   * verts[0..m), or -1. Dense: scans the contiguous rows from n - 1 down; sparse: intersects
   * the neighbour lists from their ends.
   */
  private topCommonNeighbor(verts: Int32Array, m: number, diam: number, lo: number): number {
    if (this.dense !== null) {
      const dist = this.dense;
      const rows = this.rowScratch;
      for (let t = 0; t < m; t++) rows[t] = verts[t] * this.n;
      outer: for (let v = this.n - 1; v > lo; v--) {
        for (let t = 0; t < m; t++) if (dist[rows[t] + v] > diam) continue outer;
        for (let t = 0; t < m; t++) if (verts[t] === v) continue outer;
        return v;
      }
      return -1;
    }
    const { offsets, neighbors, distances } = this.sparse!;
    const it = this.itScratch;
    for (let t = 1; t < m; t++) it[t] = offsets[verts[t] + 1] - 1;
    const w0 = verts[0];
    const end0 = offsets[w0];
    outer: for (let p0 = offsets[w0 + 1] - 1; p0 >= end0; p0--) {
      const nb = neighbors[p0];
      if (nb <= lo) return -1;
      if (distances[p0] > diam) continue;
      for (let t = 1; t < m; t++) {
        let p = it[t];
        const e = offsets[verts[t]];
        while (p >= e && neighbors[p] > nb) p--;
        it[t] = p;
        if (p < e) return -1;
        if (neighbors[p] !== nb || distances[p] > diam) continue outer;
      }
      return nb;
    }
    return -1;
  }

  /** Pair distances of verts[0..m) into pairDist (row-major m x m, upper triangle). */
  private pairDistances(verts: Int32Array, m: number): void {
    const pd = this.pairDist;
    for (let a = 0; a < m; a++) {
      for (let b = a + 1; b < m; b++) pd[a * m + b] = this.dist(verts[a], verts[b]);
    }
  }

  /** Largest pair length of verts[0..m) without vertex r (from pairDist). */
  private diameterWithout(m: number, r: number): number {
    const pd = this.pairDist;
    let fd = -Infinity;
    for (let a = 0; a < m; a++) {
      if (a === r) continue;
      for (let b = a + 1; b < m; b++) {
        if (b === r) continue;
        const x = pd[a * m + b];
        if (x > fd) fd = x;
      }
    }
    return fd;
  }

  /**
   * Whether the dim-simplex (idx, diam) has a zero apparent facet; if so sets fIdx / fDiam /
   * fCoef to that facet with the boundary coefficient times `coef` (as Ripser's boundary
   * enumerator).
   */
  private zeroApparentFacet(idx: number, diam: number, coef: number, dim: number): boolean {
    const B = this.B;
    const stride = this.stride;
    const fv = this.facetVerts;
    const m = dim + 1;
    simplexVertices(B, stride, idx, dim, this.n, fv);
    this.pairDistances(fv, m);
    let idxBelow = idx;
    let idxAbove = 0;
    for (let r = 0; r < m; r++) {
      const k = dim - r;
      const vr = fv[r];
      const drop = B[(k + 1) * stride + vr];
      if (this.diameterWithout(m, r) === diam) {
        // the zero pivot facet is s \ {vr}; its zero pivot cofacet must add vr back, i.e. no
        // vertex above vr is within diam of all of the facet's vertices
        const facet = this.facetScratch;
        for (let t = 0, q = 0; t < m; t++) if (t !== r) facet[q++] = fv[t];
        if (this.topCommonNeighbor(facet, dim, diam, vr) !== -1) return false;
        this.fIdx = idxAbove + idxBelow - drop;
        this.fDiam = diam;
        this.fCoef = k & 1 ? (this.modulus - coef) % this.modulus : coef;
        return true;
      }
      idxBelow -= drop;
      idxAbove += B[k * stride + vr];
    }
    return false;
  }

  /**
   * hasZeroApparentCofacet for an edge {i > j} of length d in dense mode, unrolled: the first
   * vertex v (from n-1 down) with d(v, i), d(v, j) <= d gives the zero pivot cofacet; it is an
   * apparent pair with the edge unless a facet dropped before {i, j} (larger vertices first)
   * has length d too.
   */
  private edgeHasZeroApparentCofacetDense(i: number, j: number, d: number): boolean {
    const dist = this.dense!;
    const ri = i * this.n;
    const rj = j * this.n;
    for (let v = this.n - 1; v > i; v--) {
      if (dist[ri + v] <= d && dist[rj + v] <= d) return true;
    }
    for (let v = i - 1; v > j; v--) {
      const b = dist[rj + v];
      if (dist[ri + v] <= d && b <= d) return b !== d;
    }
    for (let v = j - 1; v >= 0; v--) {
      const a = dist[ri + v];
      const b = dist[rj + v];
      if (a <= d && b <= d) return a !== d && b !== d;
    }
    return false;
  }

  /** Whether the dim-simplex (idx, diam) has a zero apparent cofacet. */
  private hasZeroApparentCofacet(idx: number, diam: number, dim: number): boolean {
    const sv = this.simplexScratch;
    const m = dim + 1;
    simplexVertices(this.B, this.stride, idx, dim, this.n, sv);
    const v = this.topCommonNeighbor(sv, m, diam, -1);
    if (v === -1) return false;
    // the cofacet's facets dropped before s are those without a vertex u > v of s: none may
    // have diameter diam, i.e. for each such u some pair of diameter diam must contain u
    const cv = this.facetVerts; // cofacet vertices: v first, then s
    cv[0] = v;
    for (let t = 0; t < m; t++) cv[t + 1] = sv[t];
    this.pairDistances(cv, m + 1);
    for (let t = 0; t < m && sv[t] > v; t++) {
      if (this.diameterWithout(m + 1, t + 1) === diam) return false;
    }
    return true;
  }

  private isInZeroApparentPair(idx: number, diam: number, dim: number): boolean {
    return this.hasZeroApparentCofacet(idx, diam, dim) || this.zeroApparentFacet(idx, diam, 1, dim);
  }

  /**
   * For the memory estimate: the triangles (diameter <= threshold) that have the edge (i > j)
   * as the facet without their largest vertex (so each triangle is counted from one edge only,
   * as assembleColumns enumerates them), and how many of them are not in a zero apparent pair
   * (the columns of dimension 2 before clearing).
   */
  countTriangleColumns(i: number, j: number, diam: number): [triangles: number, columns: number] {
    const c = this.cob;
    const t = this.threshold;
    let triangles = 0;
    let columns = 0;
    c.set((i * (i - 1)) / 2 + j, diam, 1, 1);
    while (c.hasNext(false)) {
      c.next();
      const d = c.outDiam;
      if (d > t) continue;
      triangles++;
      if (!this.isInZeroApparentPair(c.outIdx, d, 2)) columns++;
    }
    return [triangles, columns];
  }

  // -- heaps ----------------------------------------------------------------------------------

  /** Pops the pivot (combined over equal indices) of a heap into pDiam/pIdx/pCoef. */
  private popPivot(h: EntryHeap): void {
    const p = this.modulus;
    let pd = 0;
    let pi = -1;
    let pc = 0;
    while (h.size > 0) {
      if (pc === 0) {
        pd = h.diam[0];
        pi = h.idx[0];
        pc = h.coef[0];
      } else if (h.idx[0] !== pi) {
        break;
      } else {
        pc = (pc + h.coef[0]) % p;
      }
      h.pop();
    }
    if (pc === 0) pi = -1;
    this.pDiam = pd;
    this.pIdx = pi;
    this.pCoef = pc;
  }

  private getPivot(h: EntryHeap): void {
    this.popPivot(h);
    if (this.pIdx !== -1) h.push(this.pDiam, this.pIdx, this.pCoef);
  }

  // -- dimension 0 ----------------------------------------------------------------------------

  /**
   * Union-find over the edges sorted by length: H0 bars, and the dimension-1 columns (edges
   * that close a cycle and are not in an apparent pair), sorted for reduction. Also returns
   * all edges (the dimension-1 simplices) when dimension 2 columns must be assembled.
   */
  private computeDim0(): {
    colIdx: Float64Array;
    colDiam: Float32Array;
    count: number;
    simplicesIdx: Float64Array | null;
    simplicesDiam: Float32Array | null;
  } {
    const n = this.n;
    const t = this.threshold;
    // collect edges <= threshold
    let count = 0;
    let eDiam: Float32Array;
    let eIdx: Float64Array;
    if (this.dense !== null) {
      const dist = this.dense;
      for (let i = 1; i < n; i++) {
        for (let j = 0, r = i * n; j < i; j++) if (dist[r + j] <= t) count++;
      }
      eDiam = new Float32Array(count);
      eIdx = new Float64Array(count);
      let m = 0;
      for (let i = 1, k = 0; i < n; i++) {
        for (let j = 0, r = i * n; j < i; j++, k++) {
          const d = dist[r + j];
          if (d <= t) {
            eDiam[m] = d;
            eIdx[m++] = k;
          }
        }
      }
    } else {
      const { offsets, neighbors, distances } = this.sparse!;
      for (let i = 0; i < n; i++) {
        for (let p = offsets[i]; p < offsets[i + 1]; p++) {
          if (neighbors[p] < i && distances[p] <= t) count++;
        }
      }
      eDiam = new Float32Array(count);
      eIdx = new Float64Array(count);
      let m = 0;
      for (let i = 0; i < n; i++) {
        const row = (i * (i - 1)) / 2;
        for (let p = offsets[i]; p < offsets[i + 1]; p++) {
          const j = neighbors[p];
          if (j < i && distances[p] <= t) {
            eDiam[m] = distances[p];
            eIdx[m++] = row + j;
          }
        }
      }
    }
    this.stats.edges = count;
    this.progress(0.03, 'sorting edges');
    // perm: diameter descending, index ascending; we walk it backwards (filtration order)
    const perm = sortColumns(eDiam, eIdx, count);

    this.progress(0.05, 'dimension 0');
    const parent = singletonSets(n);
    const rank = new Uint8Array(n);
    const find = (x: number): number => findRoot(parent, x);
    const h0 = this.diagrams[0];
    const cols = new Uint32Array(count);
    let nCols = 0;
    const verts = new Int32Array(2);
    const threads = this.threadsAt(1);
    for (let r = count - 1; r >= 0; r--) {
      const e = perm[r];
      const idx = eIdx[e];
      const d = eDiam[e];
      simplexVertices(this.B, this.stride, idx, 1, n, verts);
      const u = find(verts[0]);
      const v = find(verts[1]);
      if (u !== v) {
        if (d !== 0) {
          h0.births.push(0);
          h0.deaths.push(d);
        }
        if (rank[u] > rank[v]) parent[v] = u;
        else if (rank[u] < rank[v]) parent[u] = v;
        else {
          parent[v] = u;
          rank[u]++;
        }
      } else if (this.maxDim >= 1) {
        if (threads !== null) {
          cols[nCols++] = e; // a candidate: tested below, on the threads
          continue;
        }
        const apparent =
          this.dense !== null
            ? this.edgeHasZeroApparentCofacetDense(verts[0], verts[1], d)
            : this.hasZeroApparentCofacet(idx, d, 1);
        if (apparent) this.stats.apparentPairs++;
        else cols[nCols++] = e;
      }
    }
    if (threads !== null) nCols = this.dropApparentEdges(cols, nCols, eIdx, eDiam, verts);
    for (let i = 0; i < n; i++) {
      if (find(i) === i) {
        h0.births.push(0);
        h0.deaths.push(Infinity);
      }
    }
    // columns in reduction order: reverse of the order found
    const colIdx = new Float64Array(nCols);
    const colDiam = new Float32Array(nCols);
    for (let c = 0; c < nCols; c++) {
      const e = cols[nCols - 1 - c];
      colIdx[c] = eIdx[e];
      colDiam[c] = eDiam[e];
    }
    const keep = this.maxDim >= 2;
    return {
      colIdx,
      colDiam,
      count: nCols,
      simplicesIdx: keep ? eIdx : null,
      simplicesDiam: keep ? eDiam : null,
    };
  }

  /** Whether the edge (idx, d) has a zero apparent cofacet (verts: scratch of length 2). */
  private edgeIsApparent(idx: number, d: number, verts: Int32Array): boolean {
    if (this.dense === null) return this.hasZeroApparentCofacet(idx, d, 1);
    simplexVertices(this.B, this.stride, idx, 1, this.n, verts);
    return this.edgeHasZeroApparentCofacetDense(verts[0], verts[1], d);
  }

  /**
   * Threads: drops the candidate edges cols[0..count) (indices into eIdx/eDiam) that have a
   * zero apparent cofacet, keeping the others in order; returns how many are kept.
   */
  private dropApparentEdges(
    cols: Uint32Array,
    count: number,
    eIdx: Float64Array,
    eDiam: Float32Array,
    verts: Int32Array,
  ): number {
    let kept = 0;
    if (count < this.threads!.minBatch) {
      for (let c = 0; c < count; c++) {
        const e = cols[c];
        if (this.edgeIsApparent(eIdx[e], eDiam[e], verts)) this.stats.apparentPairs++;
        else cols[kept++] = e;
      }
      return kept;
    }
    const { idx, diam, flags } = this.sharedBatch(count);
    for (let c = 0; c < count; c++) {
      idx[c] = eIdx[cols[c]];
      diam[c] = eDiam[cols[c]];
    }
    this.threads!.apparentFlags(idx, diam, count, 1, flags);
    for (let c = 0; c < count; c++) {
      if (flags[c] !== 0) this.stats.apparentPairs++;
      else cols[kept++] = cols[c];
    }
    return kept;
  }

  /**
   * The apparent-pair test of the worker threads (createApparentPairTester): dim 1, a zero
   * apparent cofacet (the only apparent pairs a cycle-closing edge can be in); dim >= 2, a
   * zero apparent cofacet or facet.
   */
  testApparent(idx: number, diam: number, dim: number): boolean {
    if (dim === 1) return this.edgeIsApparent(idx, diam, this.edgeVerts);
    return this.isInZeroApparentPair(idx, diam, dim);
  }

  // -- dimensions >= 1 ------------------------------------------------------------------------

  /** Pushes the coboundary of a simplex (times coef) into the working column; records it in V. */
  private addSimplexCoboundary(idx: number, diam: number, coef: number, dim: number): void {
    this.workingRed.push(diam, idx, coef);
    if (dim === 1) {
      if (this.dense !== null) this.addEdgeCoboundaryDense(idx, diam, coef);
      else this.addEdgeCoboundarySparse(idx, diam, coef);
      return;
    }
    const c = this.cob;
    const h = this.workingCob;
    const t = this.threshold;
    c.set(idx, diam, coef, dim);
    while (c.hasNext(true)) {
      c.next();
      if (c.outDiam <= t) h.push(c.outDiam, c.outIdx, c.outCoef);
    }
  }

  /**
   * The dense coboundary of an edge {i > j}, unrolled (same entries, order and signs as the
   * generic enumerator): the triangles {v, i, j} with index, for v > i: C(v,3) + C(i,2) + j
   * (sign +); for i > v > j: C(i,3) + C(v,2) + j (sign -); for v < j: C(i,3) + C(j,2) + v (+).
   */
  private addEdgeCoboundaryDense(idx: number, diam: number, coef: number): void {
    const verts = this.edgeVerts;
    simplexVertices(this.B, this.stride, idx, 1, this.n, verts);
    const i = verts[0];
    const j = verts[1];
    const n = this.n;
    const B = this.B;
    const b2 = 2 * this.stride;
    const b3 = 3 * this.stride;
    const dist = this.dense!;
    const ri = i * n;
    const rj = j * n;
    const t = this.threshold;
    const h = this.workingCob;
    const neg = coef === 0 ? 0 : this.modulus - coef;
    const tail = (i * (i - 1)) / 2 + j;
    for (let v = n - 1; v > i; v--) {
      const a = dist[ri + v];
      const b = dist[rj + v];
      const d = a > b ? (a > diam ? a : diam) : b > diam ? b : diam;
      if (d <= t) h.push(d, B[b3 + v] + tail, coef);
    }
    const ci = B[b3 + i];
    for (let v = i - 1; v > j; v--) {
      const a = dist[ri + v];
      const b = dist[rj + v];
      const d = a > b ? (a > diam ? a : diam) : b > diam ? b : diam;
      if (d <= t) h.push(d, ci + B[b2 + v] + j, neg);
    }
    const cij = ci + B[b2 + j];
    for (let v = j - 1; v >= 0; v--) {
      const a = dist[ri + v];
      const b = dist[rj + v];
      const d = a > b ? (a > diam ? a : diam) : b > diam ? b : diam;
      if (d <= t) h.push(d, cij + v, coef);
    }
  }

  /**
   * The sparse coboundary of an edge {i > j}: the common neighbours v of i and j, merged from
   * the ends of both sorted lists (descending v, as the generic enumerator), with the indices
   * and signs of addEdgeCoboundaryDense.
   */
  private addEdgeCoboundarySparse(idx: number, diam: number, coef: number): void {
    const verts = this.edgeVerts;
    simplexVertices(this.B, this.stride, idx, 1, this.n, verts);
    const i = verts[0];
    const j = verts[1];
    const B = this.B;
    const b2 = 2 * this.stride;
    const b3 = 3 * this.stride;
    const { offsets, neighbors, distances } = this.sparse!;
    const t = this.threshold;
    const h = this.workingCob;
    const neg = coef === 0 ? 0 : this.modulus - coef;
    const tail = (i * (i - 1)) / 2 + j;
    const ci = B[b3 + i];
    const cij = ci + B[b2 + j];
    let pi = offsets[i + 1] - 1;
    let pj = offsets[j + 1] - 1;
    const ei = offsets[i];
    const ej = offsets[j];
    while (pi >= ei && pj >= ej) {
      const a = neighbors[pi];
      const b = neighbors[pj];
      if (a > b) {
        pi--;
      } else if (b > a) {
        pj--;
      } else {
        const x = distances[pi];
        const y = distances[pj];
        const d = x > y ? (x > diam ? x : diam) : y > diam ? y : diam;
        if (d <= t) {
          if (a > i) h.push(d, B[b3 + a] + tail, coef);
          else if (a > j) h.push(d, ci + B[b2 + a] + j, neg);
          else h.push(d, cij + a, coef);
        }
        pi--;
        pj--;
      }
    }
  }

  /**
   * Builds the coboundary of the column's simplex in the working heap and sets its pivot, or
   * returns early with an emergent pivot (a cofacet of equal diameter that no other column
   * or apparent pair claims): then the heap stays empty and the result is true.
   */
  private initCoboundaryAndGetPivot(
    idx: number,
    diam: number,
    dim: number,
    pivots: PivotMap,
  ): boolean {
    const c = this.cob;
    const h = this.workingCob;
    const t = this.threshold;
    h.clear();
    let checkEmergent = true;
    c.set(idx, diam, 1, dim);
    while (c.hasNext(true)) {
      c.next();
      const cd = c.outDiam;
      if (cd <= t) {
        const ci = c.outIdx;
        const cc = c.outCoef;
        if (checkEmergent && cd === diam) {
          if (pivots.find(ci) === -1 && !this.zeroApparentFacet(ci, cd, cc, dim + 1)) {
            h.clear();
            this.pDiam = cd;
            this.pIdx = ci;
            this.pCoef = cc;
            this.stats.emergentPairs++;
            return true;
          }
          checkEmergent = false;
        }
        h.append(cd, ci, cc);
      }
    }
    if (h.size > this.stats.maxHeapSize) this.stats.maxHeapSize = h.size;
    h.heapify();
    this.getPivot(h);
    return false;
  }

  /** Reduces the columns of dimension dim; pairs go to `pivots` and the diagram. */
  private computePairs(
    colIdx: Float64Array,
    colDiam: Float32Array,
    nCols: number,
    dim: number,
    pivots: PivotMap,
  ): void {
    const p = this.modulus;
    const inverse = this.inverse;
    const diagram = this.diagrams[dim];
    const wantCocycles = this.wantCocycles;
    const workingCob = this.workingCob;
    const workingRed = this.workingRed;
    // reduction matrix V (without its unit diagonal), compressed by column
    const redOffsets = new Int32Array(nCols + 1);
    let redIdx = new Float64Array(Math.max(16, nCols));
    let redDiam = new Float32Array(Math.max(16, nCols));
    let redCoef = new Int32Array(Math.max(16, nCols));
    let redSize = 0;
    const progressEvery = Math.max(1, Math.floor(nCols / 50));
    const cocycleVerts = new Int32Array(dim + 1);
    const workLimit = dim === 1 ? this.chainGuard : Infinity;

    for (let c = 0; c < nCols; c++) {
      if (c % progressEvery === 0) {
        const start = dim === 1 ? 0 : 0.5;
        this.progress(
          this.stageFraction(dim, start + (1 - start) * (c / Math.max(1, nCols))),
          `reducing dimension ${dim}`,
        );
      }
      const sIdx = colIdx[c];
      const sDiam = colDiam[c];
      redOffsets[c] = redSize;
      workingRed.clear();
      this.stats.columnsReduced++;
      this.initCoboundaryAndGetPivot(sIdx, sDiam, dim, pivots);
      // coboundaries added to this column, against the chain guard
      let work = 0;
      for (;;) {
        if (work > workLimit) throw new ChainGuardTripped(c, workLimit);
        if (this.pIdx !== -1) {
          const slot = pivots.find(this.pIdx);
          if (slot !== -1) {
            const j = pivots.cols[slot];
            const otherCoef = pivots.coefs[slot];
            const factor = p - ((this.pCoef * inverse[otherCoef]) % p);
            this.stats.columnAdditions++;
            work += 1 + redOffsets[j + 1] - redOffsets[j];
            this.addSimplexCoboundary(colIdx[j], colDiam[j], factor, dim);
            for (let q = redOffsets[j], end = redOffsets[j + 1]; q < end; q++) {
              this.addSimplexCoboundary(redIdx[q], redDiam[q], (redCoef[q] * factor) % p, dim);
            }
            if (workingCob.size > this.stats.maxHeapSize) this.stats.maxHeapSize = workingCob.size;
            this.getPivot(workingCob);
          } else if (this.zeroApparentFacet(this.pIdx, this.pDiam, this.pCoef, dim + 1)) {
            work++;
            this.addSimplexCoboundary(this.fIdx, this.fDiam, p - this.fCoef, dim);
            this.getPivot(workingCob);
          } else {
            const death = this.pDiam;
            const bar = death > sDiam;
            if (bar) {
              diagram.births.push(sDiam);
              diagram.deaths.push(death);
            }
            pivots.insert(this.pIdx, c, this.pCoef);
            // store the reduction column (and the cocycle: the column's simplex plus it)
            const record = bar && wantCocycles;
            const cocycleIdx: number[] | null = record ? [sIdx] : null;
            const cocycleCoef: number[] | null = record ? [1] : null;
            for (;;) {
              this.popPivot(workingRed);
              if (this.pIdx === -1) break;
              const need = redSize + 1;
              if (need > redIdx.length) {
                redIdx = grow64(redIdx, need);
                redDiam = grow32f(redDiam, need);
                redCoef = grow32i(redCoef, need);
              }
              redIdx[redSize] = this.pIdx;
              redDiam[redSize] = this.pDiam;
              redCoef[redSize] = this.pCoef;
              redSize++;
              if (cocycleIdx !== null && cocycleCoef !== null) {
                cocycleIdx.push(this.pIdx);
                cocycleCoef.push(this.pCoef);
              }
            }
            if (cocycleIdx !== null && cocycleCoef !== null) {
              this.pushCocycle(diagram, cocycleIdx, cocycleCoef, dim, cocycleVerts);
            }
            break;
          }
        } else {
          this.pushEssential(diagram, sIdx, sDiam, dim, cocycleVerts);
          break;
        }
      }
    }
    redOffsets[nCols] = redSize;
    this.stats.reductionEntries += redSize;
  }

  // -- the parallel reduction -----------------------------------------------------------------
  //
  // Columns are taken in batches (REDUCTION_BATCH by default), in the one-thread order. Phase 1, on every
  // thread: each column of the batch is reduced as the one-thread loop does, against the pivots
  // of the EARLIER batches only (the shared pivot map and reduction matrix, read-only while the
  // batch runs), until its pivot has no owner there and no zero apparent facet; its raw working
  // columns and pivot are saved in the thread's arena. Phase 2, on the calling thread, in
  // column order: each column continues from that saved state with every earlier column's
  // pivot (those of its own batch now included) and is paired, inserting its pivot.
  //
  // Why the result is identical to one thread (diagrams, cocycles, stats): the one-thread loop
  // looks up the pivot among all earlier columns, adds the owner if there is one, else the
  // zero apparent facet's coboundary if there is one, else pairs. A pivot found in the map of
  // the earlier batches has the same owner in the full map (keys are unique), and a pivot with
  // a zero apparent facet has no owner at all (it is paired with that facet, and each row is
  // the pivot of one column at most), so every step phase 1 takes is the step the one-thread
  // loop takes in the same state; phase 1 stops exactly where the one-thread loop would need a
  // pivot of the batch, and phase 2 goes on from the same state (the heaps are copied raw, so
  // even their sizes agree). The emergent-pair shortcut is decided in phase 1 only when the
  // cofacet has an owner in the map of the earlier batches; otherwise phase 2 checks the
  // batch's pivots and, if one owns it, reduces that column again from the start.

  /** factor times column j (its simplex's coboundary and its reduction column) into the working column */
  private addColumn(
    j: number,
    factor: number,
    colIdx: Float64Array,
    colDiam: Float32Array,
    red: { offsets: Int32Array; idx: Float64Array; diam: Float32Array; coef: Int32Array },
    dim: number,
  ): void {
    const p = this.modulus;
    this.stats.columnAdditions++;
    this.addSimplexCoboundary(colIdx[j], colDiam[j], factor, dim);
    const { idx, diam, coef } = red;
    for (let q = red.offsets[j], end = red.offsets[j + 1]; q < end; q++) {
      this.addSimplexCoboundary(idx[q], diam[q], (coef[q] * factor) % p, dim);
    }
    if (this.workingCob.size > this.stats.maxHeapSize)
      this.stats.maxHeapSize = this.workingCob.size;
    this.getPivot(this.workingCob);
  }

  /**
   * Phase 1 of column first + k of a job (any thread): reduces it against the job's pivot map,
   * writes its record and saves its working columns in arenas[slot] from `fill`; returns the
   * new fill.
   */
  reduceColumnPhase1(job: ReductionJob, slot: number, k: number, fill: number): number {
    const p = this.modulus;
    const dim = job.dim;
    const c = job.first + k;
    if (this.jobPivots === null || this.jobPivots.keys !== job.pivotKeys) {
      this.jobPivots = PivotMap.view(job.pivotKeys, job.pivotCols, job.pivotCoefs);
    }
    const pivots = this.jobPivots;
    const red = { offsets: job.redOffsets, idx: job.redIdx, diam: job.redDiam, coef: job.redCoef };
    const additions = this.stats.columnAdditions;
    this.workingRed.clear();
    let status = STATUS_EMERGENT;
    if (!this.initCoboundaryAndGetPivot(job.colIdx[c], job.colDiam[c], dim, pivots)) {
      for (;;) {
        if (this.pIdx === -1) {
          status = STATUS_ESSENTIAL;
          break;
        }
        const at = pivots.find(this.pIdx);
        if (at !== -1) {
          const factor = p - ((this.pCoef * this.inverse[pivots.coefs[at]]) % p);
          this.addColumn(pivots.cols[at], factor, job.colIdx, job.colDiam, red, dim);
        } else if (this.zeroApparentFacet(this.pIdx, this.pDiam, this.pCoef, dim + 1)) {
          this.addSimplexCoboundary(this.fIdx, this.fDiam, p - this.fCoef, dim);
          this.getPivot(this.workingCob);
        } else {
          status = STATUS_STOPPED;
          break;
        }
      }
    }
    const rec = job.records;
    const r = k * REC_WORDS;
    let cob = 0;
    let size = 0;
    if (status !== STATUS_EMERGENT) {
      cob = this.workingCob.size;
      size = cob + this.workingRed.size;
      const arena = job.arenas[slot];
      if (fill + size > arena.diam.length) {
        status = STATUS_REDO;
      } else {
        this.workingCob.saveTo(arena, fill);
        this.workingRed.saveTo(arena, fill + cob);
        rec[r + REC_OFFSET] = fill;
        fill += size;
      }
    }
    rec[r + REC_STATUS] = status;
    rec[r + REC_ARENA] = slot;
    rec[r + REC_COB_SIZE] = cob;
    rec[r + REC_RED_SIZE] = size - cob;
    rec[r + REC_PIVOT_DIAM] = this.pDiam;
    rec[r + REC_PIVOT_IDX] = this.pIdx;
    rec[r + REC_PIVOT_COEF] = this.pCoef;
    rec[r + REC_ADDITIONS] = this.stats.columnAdditions - additions;
    rec[r + REC_MAX_HEAP] = this.stats.maxHeapSize;
    return fill;
  }

  /**
   * Reduces the columns of dimension dim on the threads (phase 1) and the calling thread
   * (phase 2), see above; pivots must be a shared PivotMap of capacity >= nCols.
   */
  private computePairsParallel(
    colIdxIn: Float64Array,
    colDiamIn: Float32Array,
    nCols: number,
    dim: number,
    pivots: PivotMap,
  ): void {
    const session = this.threads!;
    const colIdx = shared(colIdxIn);
    const colDiam = shared(colDiamIn);
    const start = Math.max(16, nCols);
    const red: SharedReduction = {
      offsets: sharedArray(Int32Array, nCols + 1, 4),
      idx: sharedArray(Float64Array, start, 8),
      diam: sharedArray(Float32Array, start, 4),
      coef: sharedArray(Int32Array, start, 4),
      size: 0,
    };
    const batch = session.batchColumns;
    const records = sharedArray(Float64Array, batch * REC_WORDS, 8);
    let capacity = session.arenaEntries;
    let arenas = newArenas(session.threads, capacity);
    const stats = this.stats;
    const begin = dim === 1 ? 0 : 0.5;
    for (let first = 0; first < nCols; first += batch) {
      this.progress(
        this.stageFraction(dim, begin + (1 - begin) * (first / nCols)),
        `reducing dimension ${dim}`,
      );
      const count = Math.min(batch, nCols - first);
      session.reduceColumns({
        dim,
        first,
        count,
        colIdx,
        colDiam,
        pivotKeys: pivots.keys,
        pivotCols: pivots.cols,
        pivotCoefs: pivots.coefs,
        redOffsets: red.offsets,
        redIdx: red.idx,
        redDiam: red.diam,
        redCoef: red.coef,
        records,
        arenas,
      });
      let overflow = 0;
      for (let k = 0; k < count; k++) {
        const c = first + k;
        const r = k * REC_WORDS;
        stats.columnsReduced++;
        red.offsets[c] = red.size;
        if (records[r + REC_MAX_HEAP] > stats.maxHeapSize) {
          stats.maxHeapSize = records[r + REC_MAX_HEAP];
        }
        let status = records[r + REC_STATUS];
        if (status === STATUS_EMERGENT) {
          const pivot = records[r + REC_PIVOT_IDX];
          if (pivots.find(pivot) === -1) {
            // the one-thread run's emergent pair: zero persistence, empty reduction column
            stats.emergentPairs++;
            pivots.insert(pivot, c, records[r + REC_PIVOT_COEF]);
            red.offsets[c + 1] = red.size;
            continue;
          }
          status = STATUS_REDO; // a column of this batch owns the cofacet
        }
        let tested = false;
        if (status === STATUS_REDO) {
          overflow = Math.max(overflow, records[r + REC_COB_SIZE] + records[r + REC_RED_SIZE]);
          this.workingRed.clear();
          this.initCoboundaryAndGetPivot(colIdx[c], colDiam[c], dim, pivots);
        } else {
          const arena = arenas[records[r + REC_ARENA]];
          const at = records[r + REC_OFFSET];
          const cob = records[r + REC_COB_SIZE];
          this.pDiam = records[r + REC_PIVOT_DIAM];
          this.pIdx = records[r + REC_PIVOT_IDX];
          this.pCoef = records[r + REC_PIVOT_COEF];
          // the coboundary is needed only to go on reducing: not when the column is paired now
          if (this.pIdx === -1 || pivots.find(this.pIdx) !== -1) {
            this.workingCob.loadFrom(arena, at, cob);
          }
          this.workingRed.loadFrom(arena, at + cob, records[r + REC_RED_SIZE]);
          stats.columnAdditions += records[r + REC_ADDITIONS];
          tested = true; // phase 1 found no zero apparent facet for this pivot
        }
        this.finishColumn(c, colIdx, colDiam, dim, pivots, red, tested);
        // written now: the next batch's phase 1 reads the last column of this one
        red.offsets[c + 1] = red.size;
      }
      if (overflow > 0 && capacity < ARENA_MAX) {
        // working columns did not fit: larger arenas for the next batches
        capacity *= 2;
        while (capacity < ARENA_MAX && capacity < 2 * overflow) capacity *= 2;
        arenas = newArenas(session.threads, capacity);
      }
    }
    red.offsets[nCols] = red.size;
    stats.reductionEntries += red.size;
  }

  /**
   * Phase 2 of one column: the one-thread reduction loop from the current working columns and
   * pivot, over every earlier column; pairs it (or records its essential class) and stores its
   * reduction column. facetTested: the current pivot is known to have no zero apparent facet.
   */
  private finishColumn(
    c: number,
    colIdx: Float64Array,
    colDiam: Float32Array,
    dim: number,
    pivots: PivotMap,
    red: SharedReduction,
    facetTested: boolean,
  ): void {
    const p = this.modulus;
    const diagram = this.diagrams[dim];
    const sIdx = colIdx[c];
    const sDiam = colDiam[c];
    const workingRed = this.workingRed;
    for (;;) {
      if (this.pIdx === -1) {
        this.pushEssential(diagram, sIdx, sDiam, dim, new Int32Array(dim + 1));
        return;
      }
      const at = pivots.find(this.pIdx);
      if (at !== -1) {
        const factor = p - ((this.pCoef * this.inverse[pivots.coefs[at]]) % p);
        this.addColumn(pivots.cols[at], factor, colIdx, colDiam, red, dim);
      } else if (
        !facetTested &&
        this.zeroApparentFacet(this.pIdx, this.pDiam, this.pCoef, dim + 1)
      ) {
        this.addSimplexCoboundary(this.fIdx, this.fDiam, p - this.fCoef, dim);
        this.getPivot(this.workingCob);
      } else {
        break;
      }
      facetTested = false;
    }
    const death = this.pDiam;
    const bar = death > sDiam;
    if (bar) {
      diagram.births.push(sDiam);
      diagram.deaths.push(death);
    }
    pivots.insert(this.pIdx, c, this.pCoef);
    const record = bar && this.wantCocycles;
    const cocycleIdx: number[] | null = record ? [sIdx] : null;
    const cocycleCoef: number[] | null = record ? [1] : null;
    for (;;) {
      this.popPivot(workingRed);
      if (this.pIdx === -1) break;
      const need = red.size + 1;
      if (need > red.idx.length) {
        // the threads are idle in phase 2; the next batch carries the new arrays
        const cap = Math.max(need, red.idx.length * 2);
        const idx = sharedArray(Float64Array, cap, 8);
        const diam = sharedArray(Float32Array, cap, 4);
        const coef = sharedArray(Int32Array, cap, 4);
        idx.set(red.idx);
        diam.set(red.diam);
        coef.set(red.coef);
        red.idx = idx;
        red.diam = diam;
        red.coef = coef;
      }
      red.idx[red.size] = this.pIdx;
      red.diam[red.size] = this.pDiam;
      red.coef[red.size] = this.pCoef;
      red.size++;
      if (cocycleIdx !== null && cocycleCoef !== null) {
        cocycleIdx.push(this.pIdx);
        cocycleCoef.push(this.pCoef);
      }
    }
    if (cocycleIdx !== null && cocycleCoef !== null) {
      this.pushCocycle(diagram, cocycleIdx, cocycleCoef, dim, new Int32Array(dim + 1));
    }
  }

  /**
   * Records an essential class born at (sIdx, sDiam): a bar to Infinity and, with cocycles,
   * the column's remaining working entries (popped from workingRed) as its cocycle.
   */
  private pushEssential(
    diagram: EngineDiagram,
    sIdx: number,
    sDiam: number,
    dim: number,
    verts: Int32Array,
  ): void {
    diagram.births.push(sDiam);
    diagram.deaths.push(Infinity);
    if (!this.wantCocycles) return;
    const cocycleIdx: number[] = [sIdx];
    const cocycleCoef: number[] = [1];
    for (;;) {
      this.popPivot(this.workingRed);
      if (this.pIdx === -1) break;
      cocycleIdx.push(this.pIdx);
      cocycleCoef.push(this.pCoef);
    }
    this.pushCocycle(diagram, cocycleIdx, cocycleCoef, dim, verts);
  }

  private pushCocycle(
    diagram: EngineDiagram,
    idx: number[],
    coef: number[],
    dim: number,
    verts: Int32Array,
  ): void {
    const simplices = new Int32Array(idx.length * (dim + 1));
    for (let s = 0; s < idx.length; s++) {
      simplexVertices(this.B, this.stride, idx[s], dim, this.n, verts);
      simplices.set(verts.subarray(0, dim + 1), s * (dim + 1));
    }
    diagram.cocycleSimplices.push(simplices);
    diagram.cocycleCoefficients.push(Int32Array.from(coef));
  }

  /**
   * The columns of dimension dim: cofacets of the (dim-1)-simplices that are below the
   * threshold, not in an apparent pair and not cleared (not a pivot of dimension dim-1).
   * Also the list of dim-simplices when dimension dim+1 will need it.
   */
  private assembleColumns(
    sIdx: Float64Array,
    sDiam: Float32Array,
    count: number,
    dim: number,
    pivots: PivotMap,
    keepSimplices: boolean,
  ): {
    colIdx: Float64Array;
    colDiam: Float32Array;
    count: number;
    simplicesIdx: Float64Array | null;
    simplicesDiam: Float32Array | null;
    simplicesCount: number;
  } {
    const c = this.cob;
    const t = this.threshold;
    let colIdx = new Float64Array(1024);
    let colDiam = new Float32Array(1024);
    let nCols = 0;
    // threads: candidates before `tested` are final; blocks of ASSEMBLY_BLOCK_BATCHES batches
    let tested = 0;
    const threads = this.threadsAt(dim);
    const block = threads === null ? Infinity : ASSEMBLY_BLOCK_BATCHES * threads.minBatch;
    let nIdx = new Float64Array(keepSimplices ? 1024 : 0);
    let nDiam = new Float32Array(keepSimplices ? 1024 : 0);
    let nCount = 0;
    const progressEvery = Math.max(1, Math.floor(count / 50));
    for (let s = 0; s < count; s++) {
      if (s % progressEvery === 0) {
        this.progress(
          this.stageFraction(dim, 0.5 * (s / Math.max(1, count))),
          `assembling dimension ${dim}`,
        );
      }
      c.set(sIdx[s], sDiam[s], 1, dim - 1);
      while (c.hasNext(false)) {
        c.next();
        const d = c.outDiam;
        if (d > t) continue;
        const idx = c.outIdx;
        if (keepSimplices) {
          if (nCount === nIdx.length) {
            nIdx = grow64(nIdx, nCount + 1);
            nDiam = grow32f(nDiam, nCount + 1);
          }
          nIdx[nCount] = idx;
          nDiam[nCount++] = d;
        }
        if (pivots.find(idx) !== -1) {
          this.stats.clearedColumns++;
        } else if (threads === null && this.isInZeroApparentPair(idx, d, dim)) {
          this.stats.apparentPairs++;
        } else {
          if (nCols === colIdx.length) {
            colIdx = grow64(colIdx, nCols + 1);
            colDiam = grow32f(colDiam, nCols + 1);
          }
          colIdx[nCols] = idx;
          colDiam[nCols++] = d;
          // threads: test the candidates in blocks, so they never all sit in memory at once
          if (nCols - tested >= block) {
            nCols = this.dropApparent(colIdx, colDiam, tested, nCols, dim);
            tested = nCols;
          }
        }
      }
    }
    // threads: colIdx/colDiam hold every candidate so far; drop the apparent ones
    if (threads !== null) nCols = this.dropApparent(colIdx, colDiam, tested, nCols, dim);
    const perm = sortColumns(colDiam, colIdx, nCols);
    const sortedIdx = new Float64Array(nCols);
    const sortedDiam = new Float32Array(nCols);
    for (let i = 0; i < nCols; i++) {
      sortedIdx[i] = colIdx[perm[i]];
      sortedDiam[i] = colDiam[perm[i]];
    }
    return {
      colIdx: sortedIdx,
      colDiam: sortedDiam,
      count: nCols,
      simplicesIdx: keepSimplices ? nIdx : null,
      simplicesDiam: keepSimplices ? nDiam : null,
      simplicesCount: nCount,
    };
  }

  /**
   * Threads: the shared arrays of a batch of `count` tests, reused from batch to batch (new
   * SharedArrayBuffers per block would pile up as garbage the collector does not see as
   * pressure: 100 MB above one thread on digits64_dim2_q10).
   */
  private sharedBatch(count: number): { idx: Float64Array; diam: Float32Array; flags: Uint8Array } {
    if (this.batch === null || this.batch.idx.length < count) {
      this.batch = {
        idx: sharedArray(Float64Array, count, 8),
        diam: sharedArray(Float32Array, count, 4),
        flags: sharedArray(Uint8Array, count, 1),
      };
    }
    return this.batch;
  }

  /**
   * Threads: drops the candidates (idx[k], diam[k]), from <= k < to, that are in a zero
   * apparent pair, keeping the others in order from `from` on; returns the new end.
   */
  private dropApparent(
    idx: Float64Array,
    diam: Float32Array,
    from: number,
    to: number,
    dim: number,
  ): number {
    let kept = from;
    const count = to - from;
    if (count < this.threads!.minBatch) {
      for (let c = from; c < to; c++) {
        if (this.isInZeroApparentPair(idx[c], diam[c], dim)) {
          this.stats.apparentPairs++;
        } else {
          idx[kept] = idx[c];
          diam[kept++] = diam[c];
        }
      }
      return kept;
    }
    const { idx: sIdx, diam: sDiam, flags } = this.sharedBatch(count);
    sIdx.set(idx.subarray(from, to));
    sDiam.set(diam.subarray(from, to));
    this.threads!.apparentFlags(sIdx, sDiam, count, dim, flags);
    for (let c = from; c < to; c++) {
      if (flags[c - from] !== 0) {
        this.stats.apparentPairs++;
      } else {
        idx[kept] = idx[c];
        diam[kept++] = diam[c];
      }
    }
    return kept;
  }

  run(): void {
    this.progress(0, 'edges');
    const d0 = this.computeDim0();
    let colIdx = d0.colIdx;
    let colDiam = d0.colDiam;
    let nCols = d0.count;
    let sIdx = d0.simplicesIdx;
    let sDiam = d0.simplicesDiam;
    let sCount = this.stats.edges;
    for (let dim = 1; dim <= this.maxDim; dim++) {
      const threads = this.threadsAt(dim);
      const parallel = threads !== null && nCols >= threads.minColumns;
      const pivots = new PivotMap(nCols, parallel);
      if (parallel) this.computePairsParallel(colIdx, colDiam, nCols, dim, pivots);
      else this.computePairs(colIdx, colDiam, nCols, dim, pivots);
      if (dim < this.maxDim) {
        const next = this.assembleColumns(
          sIdx!,
          sDiam!,
          sCount,
          dim + 1,
          pivots,
          dim + 1 < this.maxDim,
        );
        colIdx = next.colIdx;
        colDiam = next.colDiam;
        nCols = next.count;
        sIdx = next.simplicesIdx;
        sDiam = next.simplicesDiam;
        sCount = next.simplicesCount;
      }
    }
    this.progress(1, 'done');
  }
}

/**
 * Samples edges of the engine's input uniformly and counts, per sampled edge, the triangles it
 * starts and the columns of dimension 2 among them (see RipsReducer.countTriangleColumns). With
 * `edges` edges in all, edges * columns / sampled estimates the columns dimension 2 will reduce
 * (clearing only lowers it), and likewise for the triangles. `random` returns numbers in [0, 1).
 */
export function sampleTriangleColumns(
  input: RipsEngineInput,
  sampleSize: number,
  random: () => number,
): { sampled: number; triangles: number; columns: number } {
  const n = input.n;
  const reducer = new RipsReducer({ ...input, maxDimension: Math.max(2, input.maxDimension) });
  let sampled = 0;
  let triangles = 0;
  let columns = 0;
  const count = (a: number, b: number, d: number): void => {
    const [t, c] = reducer.countTriangleColumns(Math.max(a, b), Math.min(a, b), d);
    triangles += t;
    columns += c;
    sampled++;
  };
  if (n < 3) return { sampled: 0, triangles: 0, columns: 0 };
  if (input.dense !== null) {
    const sq = input.dense;
    // rejection sampling of pairs; at the enclosing radius (dense mode) a fair share are edges
    for (let tries = 0; sampled < sampleSize && tries < 64 * sampleSize; tries++) {
      const a = Math.floor(random() * n);
      const b = Math.floor(random() * n);
      if (a === b) continue;
      const d = sq[a * n + b];
      if (d <= input.threshold) count(a, b, d);
    }
  } else if (input.sparse !== null) {
    const { offsets, neighbors, distances } = input.sparse;
    const slots = offsets[n];
    if (slots === 0) return { sampled: 0, triangles: 0, columns: 0 };
    for (let s = 0; s < sampleSize; s++) {
      const p = Math.floor(random() * slots);
      // the row holding slot p
      let lo = 0;
      let hi = n;
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (offsets[mid] <= p) lo = mid;
        else hi = mid;
      }
      count(lo, neighbors[p], distances[p]);
    }
  }
  return { sampled, triangles, columns };
}

/**
 * The zero-apparent-pair test of one engine run, for the worker threads (ripsParallel.ts):
 * test(idx, diam, dim) as the engine's own (RipsReducer.testApparent).
 */
export function createApparentPairTester(data: SharedEngineData): {
  test(idx: number, diam: number, dim: number): boolean;
} {
  const reducer = new RipsReducer({ ...data, cocycles: false });
  return { test: (idx, diam, dim) => reducer.testApparent(idx, diam, dim) };
}

/**
 * The work of the worker threads for one engine run (ripsParallel.ts): the zero-apparent-pair
 * test (as RipsReducer.testApparent) and phase 1 of the parallel reduction
 * (RipsReducer.reduceColumnPhase1).
 */
export function createRipsThreadWork(data: SharedEngineData): {
  test(idx: number, diam: number, dim: number): boolean;
  reduce(job: ReductionJob, slot: number, k: number, fill: number): number;
} {
  const reducer = new RipsReducer({ ...data, cocycles: false });
  return {
    test: (idx, diam, dim) => reducer.testApparent(idx, diam, dim),
    reduce: (job, slot, k, fill) => reducer.reduceColumnPhase1(job, slot, k, fill),
  };
}

/** Runs the engine: one diagram per dimension 0..maxDimension, in Ripser's output order. */
export function runRipsEngine(input: RipsEngineInput): EngineOutput {
  const reducer = new RipsReducer(input);
  if (input.n > 0) reducer.run();
  return { diagrams: reducer.diagrams, stats: reducer.stats };
}
