/**
 * The dense edge collapse on two threads (docs/edge-collapse.md, "Two threads"): the caller
 * runs the late part of the pass and a worker the early part at the same time
 * (collapseDense.ts, DenseCollapseSplit, says why the result is the one-thread result bit for
 * bit). This module is platform-neutral: it builds the job the worker gets (every array in
 * shared memory), runs the worker's side, and gives the caller its view of the worker's
 * progress; the thread driver (src/run/ripsThreads.ts) only carries the job to a worker.
 *
 * The two sides share one small control array: the number of early edges the worker has
 * written (it publishes it every 32 edges) and a stop word the caller sets when it goes on
 * without the worker, or is done. The caller never waits: where the worker has not got to, the
 * caller visits the edges itself.
 */
import type { FloatArray } from '../core/matrix.js';
import { collapseDenseKernel, type DenseKernelGraph, type EarlyRun } from './collapseDense.js';
import type { FilteredAdjacency } from './collapseGraph.js';
import { getRipsThreadDriver, sharedArray } from './ripsParallel.js';

/**
 * Fewer edges than this collapse on one thread: a worker's start costs tens of ms and the
 * shared-memory set-up some more, which a collapse of under a second does not win back (on
 * sphere3 at 1.416, 249,779 edges, two threads took 268-311 ms against one thread's 246-291).
 */
export const COLLAPSE_SPLIT_MIN_EDGES = 500_000;

/**
 * Where the early part ends, as a fraction of the edges: on digits64 at its enclosing radius
 * the two-thread collapse was fastest at 0.4 of the edges (1.5x; 1.27x at 0.3), and the
 * torus4 cases, where the worker's work is mostly redone, lost least there (docs/benchmarks.md).
 */
export const COLLAPSE_SPLIT_FRACTION = 0.4;

const FINISHED = 0;
const STOP = 1;

/** What a worker needs for the early part of a split (every array SharedArrayBuffer-backed). */
export interface CollapseEarlyJob {
  /** the graph as built (the worker rewrites a copy of its lists) */
  graph: DenseKernelGraph;
  /** the early part: order[0 .. mid) */
  mid: number;
  /** written by the worker: the early edges' values and capped edges' last dominators */
  times: FloatArray;
  dominators: Int32Array;
  /** [early edges written, stop] */
  ctrl: Int32Array;
}

/**
 * Where a split of the pass over `g` would put the early part's end: about
 * COLLAPSE_SPLIT_FRACTION of the edges, moved up to a change of value (every early value must
 * be below the late part's first); 0 when there is none.
 */
export function collapseSplitPoint(g: FilteredAdjacency): number {
  const { m, val, order } = g;
  let mid = Math.floor(COLLAPSE_SPLIT_FRACTION * m);
  while (mid > 0 && mid < m && val[order[mid - 1]] === val[order[mid]]) mid++;
  return mid > 0 && mid < m ? mid : 0;
}

/**
 * Whether a dense collapse of `edges` edges with the shift would be split on `threads` threads:
 * at least two, a registered driver that can run the early part, and at least its
 * `collapseMinEdges` (COLLAPSE_SPLIT_MIN_EDGES) edges. (The caller checks the dense lookup and
 * the shift; rips.ts's memory estimate asks the same question.)
 */
export function collapseSplits(edges: number, threads: number): boolean {
  const driver = getRipsThreadDriver();
  return (
    threads > 1 &&
    driver?.startCollapseEarly !== undefined &&
    edges >= (driver.collapseMinEdges ?? COLLAPSE_SPLIT_MIN_EDGES)
  );
}

/** The worker's job for a split of `g` (built with shared memory) at `mid`. */
export function collapseEarlyJob(g: FilteredAdjacency, mid: number): CollapseEarlyJob {
  const { n, m, eu, ev, val, order, start, nbr, et } = g;
  const Float = val.constructor as Float32ArrayConstructor | Float64ArrayConstructor;
  return {
    graph: { n, m, eu, ev, val, order, start, nbr, et },
    mid,
    times: sharedArray(
      Float as unknown as new (b: SharedArrayBuffer) => FloatArray,
      m,
      Float.BYTES_PER_ELEMENT,
    ),
    dominators: sharedArray(Int32Array, m, 4),
    ctrl: sharedArray(Int32Array, 2, 4),
  };
}

/**
 * The worker's side: the early part of the pass, publishing its progress, on copies of the
 * adjacency lists (the caller's pass rewrites its own). Returns at once when the caller has
 * already stopped the job (the worker came too late).
 */
export function runCollapseEarly(job: CollapseEarlyJob): void {
  const { ctrl } = job;
  if (Atomics.load(ctrl, STOP) !== 0) return;
  const g: DenseKernelGraph = {
    ...job.graph,
    nbr: job.graph.nbr.slice(),
    et: job.graph.et.slice() as FloatArray,
  };
  collapseDenseKernel(g, true, job.times, undefined, true, {
    part: 'early',
    mid: job.mid,
    dominators: job.dominators,
    publish: (finished) => {
      // the atomic store publishes the times and dominators written before it
      Atomics.store(ctrl, FINISHED, finished);
      return Atomics.load(ctrl, STOP) === 0;
    },
  });
}

/** The caller's view of the worker's early run. */
export function earlyRunOf(job: CollapseEarlyJob): EarlyRun {
  const { ctrl } = job;
  return {
    times: job.times,
    dominators: job.dominators,
    finished: () => Atomics.load(ctrl, FINISHED),
    stop: () => {
      Atomics.store(ctrl, STOP, 1);
    },
  };
}
