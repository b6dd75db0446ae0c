/**
 * Threads for the Rips engine, platform-neutral: the interface a thread driver implements and a
 * registry for it. The engine runs the independent per-simplex work (the zero-apparent-pair
 * tests of the column candidates) and phase 1 of the batched parallel reduction (see
 * docs/persistent-homology.md, "Threads") on a driver's
 * threads over shared memory; the driver itself (worker_threads) lives in the Node-only module
 * ./node/ripsThreads.ts, which registers itself when imported (src/index.ts does), so that this
 * module and the engine import no Node built-in and the browser entry keeps working (one
 * thread).
 *
 * Results do not depend on the number of threads: every test writes its own flag, and the
 * engine reads the flags in the order of the one-thread run; the parallel reduction performs
 * exactly the column additions of the one-thread run (the engine's comment on
 * computePairsParallel says why).
 */
import type { CollapseEarlyJob } from './collapseSplit.js';
import type { SparseGraph } from './ripsEngine.js';

/** What the workers need to rebuild the engine's distance oracle (all in shared memory). */
export interface SharedEngineData {
  n: number;
  maxDimension: number;
  threshold: number;
  modulus: number;
  /** full n x n matrix (SharedArrayBuffer-backed) or null */
  dense: Float32Array | null;
  /** neighbour lists (SharedArrayBuffer-backed) or null */
  sparse: SparseGraph | null;
}

/** One engine run's view of the worker threads. */
export interface RipsThreadSession {
  /** threads taking part, the calling one included */
  readonly threads: number;
  /** batches smaller than this run on the calling thread (default PARALLEL_MIN_TESTS) */
  readonly minBatch: number;
  /**
   * flags[k] = 1 when the dim-simplex (idx[k], diam[k]) is in a zero apparent pair (dim 1:
   * has a zero apparent cofacet; dim >= 2: a zero apparent cofacet or facet), else 0, for
   * 0 <= k < count. idx, diam and flags must be SharedArrayBuffer-backed. The caller's thread
   * takes part, and threads still starting are not waited for.
   */
  apparentFlags(
    idx: Float64Array,
    diam: Float32Array,
    count: number,
    dim: number,
    flags: Uint8Array,
  ): void;
  /**
   * Columns below this many in one dimension are reduced on the calling thread (default
   * PARALLEL_MIN_COLUMNS).
   */
  readonly minColumns: number;
  /** columns per batch of the parallel reduction (default REDUCTION_BATCH) */
  readonly batchColumns: number;
  /**
   * first size (entries) of each thread's arena of working columns (default REDUCTION_ARENA);
   * a column that does not fit is reduced again by phase 2 and the arenas grow for the next
   * batches (up to 2^21 entries, 40 MB per thread)
   */
  readonly arenaEntries: number;
  /**
   * Phase 1 of a batch of the parallel reduction (docs/persistent-homology.md, "Threads"):
   * every thread, the caller's included, claims columns of the batch and runs
   * `reduceColumnPhase1` of the engine on them (createRipsThreadWork), each writing its
   * column's record and working columns into the job's shared arrays (the arena of its own
   * slot: the caller 0, the workers 1, 2, ... in the order they join). Returns when every
   * claimed column is written.
   */
  reduceColumns(job: ReductionJob): void;
  /** Releases the run's state in the workers (the workers stay for the next run). */
  close(): void;
}

export interface RipsThreadDriver {
  /** the machine's available parallelism: what `threads: 'auto'` (the default) uses */
  readonly defaultThreads: number;
  /** A session over `threads` threads (the caller's included) for one engine run. */
  open(data: SharedEngineData, threads: number): RipsThreadSession;
  /**
   * Hands the early part of a two-thread dense edge collapse to a worker, which runs
   * `runCollapseEarly(job)` (collapseSplit.ts) when it gets to it; returns at once. The caller
   * never waits for it (a worker that comes too late finds the job stopped).
   */
  startCollapseEarly?(job: CollapseEarlyJob): void;
  /** collapses of fewer edges stay on one thread (default COLLAPSE_SPLIT_MIN_EDGES) */
  readonly collapseMinEdges?: number;
}

/** Working columns of one thread (entries of the raw heaps, SharedArrayBuffer-backed). */
export interface ColumnArena {
  diam: Float64Array;
  idx: Float64Array;
  coef: Int32Array;
}

/**
 * A batch of the parallel reduction: columns first .. first + count - 1 of dimension dim, to be
 * reduced against the pivots already in the shared pivot map (those of earlier batches) and
 * the reduction matrix of the earlier columns. All arrays SharedArrayBuffer-backed; read-only
 * to the threads except `records` (REC_WORDS per column of the batch) and the arenas (one per
 * thread slot, `arenas.length` >= the session's threads).
 */
export interface ReductionJob {
  dim: number;
  first: number;
  count: number;
  colIdx: Float64Array;
  colDiam: Float32Array;
  pivotKeys: Float64Array;
  pivotCols: Int32Array;
  pivotCoefs: Int32Array;
  redOffsets: Int32Array;
  redIdx: Float64Array;
  redDiam: Float32Array;
  redCoef: Int32Array;
  records: Float64Array;
  arenas: ColumnArena[];
}

/** Record of a column after phase 1 (words of ReductionJob.records, REC_WORDS per column). */
export const REC_STATUS = 0;
export const REC_ARENA = 1;
export const REC_OFFSET = 2;
export const REC_COB_SIZE = 3;
export const REC_RED_SIZE = 4;
export const REC_PIVOT_DIAM = 5;
export const REC_PIVOT_IDX = 6;
export const REC_PIVOT_COEF = 7;
export const REC_ADDITIONS = 8;
export const REC_MAX_HEAP = 9;
export const REC_WORDS = 10;

/** A column's pivot has no owner among earlier batches: its working columns are in the arena. */
export const STATUS_STOPPED = 1;
/** The column was reduced to zero (an essential class); working columns in the arena. */
export const STATUS_ESSENTIAL = 2;
/** An emergent pair unless a column of the same batch owns the pivot. */
export const STATUS_EMERGENT = 3;
/** The working columns did not fit the arena: the column is reduced again by phase 2. */
export const STATUS_REDO = 4;

let driver: RipsThreadDriver | null = null;

/** Registers the platform's thread driver (Node: ./node/ripsThreads.ts does it on import). */
export function setRipsThreadDriver(d: RipsThreadDriver | null): void {
  driver = d;
}

export function getRipsThreadDriver(): RipsThreadDriver | null {
  return driver;
}

/**
 * Below this many apparent-pair tests in one batch the engine runs them on the calling thread:
 * handing a batch to the workers costs a message round trip and, on the first batch of a
 * process, the workers' start-up (measured in docs/bench-ph.md, "Threads").
 */
export const PARALLEL_MIN_TESTS = 50_000;

/**
 * Below this many columns in one dimension the reduction runs on the calling thread, and the
 * batch size of the parallel reduction (docs/bench-ph.md, "Threads").
 */
export const PARALLEL_MIN_COLUMNS = 4096;
export const REDUCTION_BATCH = 256;
/** First size of a thread's arena of working columns (entries of 20 bytes: 1.3 MB). */
export const REDUCTION_ARENA = 1 << 16;

type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** A SharedArrayBuffer-backed copy of a typed array (the array itself when it already is). */
export function shared<T extends TypedArray>(a: T): T {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const ctor = a.constructor as new (b: SharedArrayBuffer) => T;
  const out = new ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

/** A zeroed SharedArrayBuffer-backed typed array of `length` elements. */
export function sharedArray<T extends TypedArray>(
  ctor: new (b: SharedArrayBuffer) => T,
  length: number,
  bytesPerElement: number,
): T {
  return new ctor(new SharedArrayBuffer(Math.max(1, length) * bytesPerElement));
}
