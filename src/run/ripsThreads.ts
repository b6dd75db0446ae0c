/**
 * The Node thread driver of the Rips engine (src/homology/ripsParallel.ts): a pool of
 * worker_threads, started on the first batch that needs them and kept (unref'd, so they never
 * hold the process open) for the next runs. Batches are lock-free over SharedArrayBuffer:
 * every thread, the caller's included, claims chunks with Atomics.add and writes its own
 * flags; the caller blocks in Atomics.wait only for the workers that joined (protocol in
 * ./ripsThreadProtocol.ts), so a computation never waits for a worker that is still starting.
 *
 * Importing this module registers the driver (src/index.ts does); `threads` then defaults to
 * os.availableParallelism().
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { COLLAPSE_SPLIT_MIN_EDGES } from '../homology/collapseSplit.js';
import { createRipsThreadWork } from '../homology/ripsEngine.js';
import {
  PARALLEL_MIN_COLUMNS,
  PARALLEL_MIN_TESTS,
  REDUCTION_ARENA,
  REDUCTION_BATCH,
  setRipsThreadDriver,
  type ReductionJob,
  type RipsThreadDriver,
  type RipsThreadSession,
  type SharedEngineData,
} from '../homology/ripsParallel.js';
import {
  JOB_CLOSED,
  JOB_DONE,
  JOB_FAILED,
  JOB_JOINED,
  JOB_WORDS,
  runChunks,
  runColumnChunks,
} from './ripsThreadProtocol.js';
import type { RipsWorkerMessage } from './ripsWorker.js';
import { workerScript } from './workerScript.js';

const pool: Worker[] = [];
let nextRun = 1;

function workers(count: number): Worker[] {
  while (pool.length < count) {
    const { file, eval: isEval } = workerScript(import.meta.url, 'ripsWorker');
    const w = new Worker(file, { eval: isEval });
    w.unref();
    // a dead worker is replaced on the next batch (batches never wait for one that did not join)
    w.on('error', () => {
      const i = pool.indexOf(w);
      if (i >= 0) pool.splice(i, 1);
    });
    pool.push(w);
  }
  return pool.slice(0, count);
}

function post(w: Worker, m: RipsWorkerMessage): void {
  w.postMessage(m);
}

/**
 * A batch's control words. The atomic store publishes everything the caller wrote before it
 * (the batch's input, the pivots and reduction columns of earlier batches) to the workers,
 * whose first access is an atomic add on the same word.
 */
function newControl(): Int32Array {
  const ctrl = new Int32Array(new SharedArrayBuffer(4 * JOB_WORDS));
  Atomics.store(ctrl, JOB_JOINED, 0);
  return ctrl;
}

class Session implements RipsThreadSession {
  private readonly run = nextRun++;
  private opened: Worker[] | null = null;
  private work: ReturnType<typeof createRipsThreadWork> | null = null;

  constructor(
    private readonly data: SharedEngineData,
    readonly threads: number,
    readonly minBatch: number,
    readonly minColumns: number,
    readonly batchColumns: number,
    readonly arenaEntries: number,
  ) {}

  /** The workers of this run, opened on first use; the caller's own share of the work. */
  private begin(): ReturnType<typeof createRipsThreadWork> {
    if (this.opened === null || this.work === null) {
      this.opened = workers(this.threads - 1);
      for (const w of this.opened) post(w, { kind: 'open', run: this.run, data: this.data });
      this.work = createRipsThreadWork(this.data);
    }
    return this.work;
  }

  apparentFlags(
    idx: Float64Array,
    diam: Float32Array,
    count: number,
    dim: number,
    flags: Uint8Array,
  ): void {
    const work = this.begin();
    const ctrl = newControl();
    // small chunks balance the load (tests vary in cost); large enough to amortise Atomics
    const chunk = Math.max(64, Math.min(4096, Math.ceil(count / (this.threads * 32))));
    for (const w of this.opened!) {
      post(w, { kind: 'batch', run: this.run, ctrl, chunk, idx, diam, count, dim, flags });
    }
    try {
      runChunks(work.test, ctrl, chunk, idx, diam, count, dim, flags);
    } finally {
      this.finish(ctrl); // even when the caller's share threw: no worker is left in the batch
    }
  }

  reduceColumns(job: ReductionJob): void {
    const work = this.begin();
    const ctrl = newControl();
    // one column at a time: columns vary much more in cost than tests (a few microseconds to
    // milliseconds), and a batch ends when its last column does (an Atomics.add per column is
    // negligible beside a column's work)
    const chunk = 1;
    for (const w of this.opened!) post(w, { kind: 'reduce', run: this.run, ctrl, chunk, job });
    try {
      runColumnChunks(work.reduce, ctrl, chunk, job, 0);
    } finally {
      this.finish(ctrl); // even when the caller's share threw: no worker is left in the batch
    }
  }

  /** Closes a batch the caller ran out of, and waits for the workers that joined it. */
  private finish(ctrl: Int32Array): void {
    const joined = Atomics.or(ctrl, JOB_JOINED, JOB_CLOSED);
    for (;;) {
      const done = Atomics.load(ctrl, JOB_DONE);
      if (done >= joined) break;
      Atomics.wait(ctrl, JOB_DONE, done);
    }
    if (Atomics.load(ctrl, JOB_FAILED) !== 0) {
      throw new Error('a Rips worker thread failed (see its message above); rerun with threads 1');
    }
  }

  close(): void {
    if (this.opened !== null)
      for (const w of this.opened) post(w, { kind: 'close', run: this.run });
    this.opened = null;
    this.work = null;
  }
}

/**
 * A worker_threads driver. minBatch: apparent-pair batches smaller than this run on the calling
 * thread (default PARALLEL_MIN_TESTS); minColumns: dimensions with fewer columns are reduced on
 * the calling thread (default PARALLEL_MIN_COLUMNS); batchColumns: columns per reduction batch
 * (default REDUCTION_BATCH); arenaEntries: first size of each thread's arena of working columns
 * (default REDUCTION_ARENA); collapseMinEdges: edge collapses of fewer edges stay on the calling
 * thread (default COLLAPSE_SPLIT_MIN_EDGES); the tests lower them to force the threads, many
 * batches and overflowing arenas on small clouds.
 */
export function createNodeRipsThreadDriver(
  options: {
    minBatch?: number;
    minColumns?: number;
    batchColumns?: number;
    arenaEntries?: number;
    collapseMinEdges?: number;
  } = {},
): RipsThreadDriver {
  const minBatch = options.minBatch ?? PARALLEL_MIN_TESTS;
  const minColumns = options.minColumns ?? PARALLEL_MIN_COLUMNS;
  const batchColumns = options.batchColumns ?? REDUCTION_BATCH;
  const arenaEntries = options.arenaEntries ?? REDUCTION_ARENA;
  return {
    defaultThreads: availableParallelism(),
    open: (data, threads) =>
      new Session(data, threads, minBatch, minColumns, batchColumns, arenaEntries),
    startCollapseEarly: (job) => post(workers(1)[0], { kind: 'collapse', job }),
    collapseMinEdges: options.collapseMinEdges ?? COLLAPSE_SPLIT_MIN_EDGES,
  };
}

/** The driver registered on import (used when `threads` > 1; its defaultThreads, the machine's
 * cores, is what a caller may pass to use them all). */
export const nodeRipsThreadDriver = createNodeRipsThreadDriver();

setRipsThreadDriver(nodeRipsThreadDriver);
