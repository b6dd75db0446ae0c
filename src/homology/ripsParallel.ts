/**
 * Threads for the Rips engine, platform-neutral: the interface a thread driver implements and a
 * registry for it. The engine runs the independent per-simplex work (the zero-apparent-pair
 * tests of the column candidates, see docs/persistent-homology.md, "Threads") on a driver's
 * threads over shared memory; the driver itself (worker_threads) lives in the Node-only module
 * ./node/ripsThreads.ts, which registers itself when imported (src/index.ts does), so that this
 * module and the engine import no Node built-in and the browser entry keeps working (one
 * thread).
 *
 * Results do not depend on the number of threads: every test writes its own flag, and the
 * engine reads the flags in the order of the one-thread run.
 */
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
  /** Releases the run's state in the workers (the workers stay for the next run). */
  close(): void;
}

export interface RipsThreadDriver {
  /** the default for `threads`: the machine's available parallelism */
  readonly defaultThreads: number;
  /** A session over `threads` threads (the caller's included) for one engine run. */
  open(data: SharedEngineData, threads: number): RipsThreadSession;
}

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
