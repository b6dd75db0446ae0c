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
import { createApparentPairTester } from '../homology/ripsEngine.js';
import {
  PARALLEL_MIN_TESTS,
  setRipsThreadDriver,
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

class Session implements RipsThreadSession {
  private readonly run = nextRun++;
  private opened: Worker[] | null = null;
  private tester: ReturnType<typeof createApparentPairTester> | null = null;

  constructor(
    private readonly data: SharedEngineData,
    readonly threads: number,
    readonly minBatch: number,
  ) {}

  apparentFlags(
    idx: Float64Array,
    diam: Float32Array,
    count: number,
    dim: number,
    flags: Uint8Array,
  ): void {
    if (this.opened === null) {
      this.opened = workers(this.threads - 1);
      for (const w of this.opened) post(w, { kind: 'open', run: this.run, data: this.data });
      this.tester = createApparentPairTester(this.data);
    }
    const ctrl = new Int32Array(new SharedArrayBuffer(4 * JOB_WORDS));
    // small chunks balance the load (tests vary in cost); large enough to amortise Atomics
    const chunk = Math.max(64, Math.min(4096, Math.ceil(count / (this.threads * 32))));
    for (const w of this.opened) {
      post(w, { kind: 'batch', run: this.run, ctrl, chunk, idx, diam, count, dim, flags });
    }
    runChunks(this.tester!.test, ctrl, chunk, idx, diam, count, dim, flags);
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
    this.tester = null;
  }
}

/**
 * A worker_threads driver. minBatch: batches smaller than this run on the calling thread
 * (default PARALLEL_MIN_TESTS; the tests lower it to force the threads on small clouds).
 */
export function createNodeRipsThreadDriver(options: { minBatch?: number } = {}): RipsThreadDriver {
  const minBatch = options.minBatch ?? PARALLEL_MIN_TESTS;
  return {
    defaultThreads: availableParallelism(),
    open: (data, threads) => new Session(data, threads, minBatch),
  };
}

/** The driver registered on import; `threads` defaults to os.availableParallelism(). */
export const nodeRipsThreadDriver = createNodeRipsThreadDriver();

setRipsThreadDriver(nodeRipsThreadDriver);
