/**
 * Data-parallel fused CNN training on several cores (docs/networks.md, "Fused CNN step",
 * threads): each batch is cut into chunks of `chunk` consecutive images (default 8; the last
 * may be smaller), and the calling thread and `threads - 1` worker_threads
 * (./fusedCnnWorker.ts, each with fused CNN kernels of its own) claim chunks one at a time
 * (Atomics.add on a shared counter) until none is left, each chunk's gradients (scaled as a
 * mean over the whole batch) going to a slot of its own. The calling thread then sums the slots
 * in chunk order and runs the optimiser once. Which thread computed a chunk does not matter (the
 * kernels are deterministic), so the numbers depend on the batch and chunk sizes alone: every
 * run gives the same weights, whatever the timing and for any `threads` >= 2; against one
 * thread they differ by float rounding (the gradient sums run in another order).
 *
 * Claiming chunks instead of fixed shards keeps a step going when a worker is slow to wake or
 * descheduled on a loaded machine: the others take its chunks. Everything a step needs crosses
 * in shared memory (weights rewritten after each update, the batch, the chunk gradients,
 * losses and counts); a step is one Atomics.notify to the workers and one Atomics.wait for the
 * workers that joined it, no message. A worker that wakes after the caller has closed the step
 * (no chunk left) stays out of it (the protocol of ../run/ripsThreads.ts). The workers start
 * when the trainer is created and are waited for (up to `startTimeoutMs`) on the first step;
 * `close()` ends them (they are unref'd, so a trainer never holds the process open, and one
 * dropped without `close()` stops its workers when it is garbage-collected).
 *
 * `threads: 1` is `createFusedCnnTrainer` itself (no worker, no chunks, bit-identical).
 */
import { Worker } from 'node:worker_threads';
import { invalidOption } from '../core/errors.js';
import { workerScript } from '../run/workerScript.js';
import type { CnnPlan } from './fusedCnn.js';
import {
  createFusedCnnCore,
  createFusedCnnTrainer,
  type FusedCnnCore,
  type FusedCnnTrainer,
} from './fusedCnnTrainer.js';
import type { FusedTrainerOptions } from './fusedDense.js';

/** Control words (an Int32Array over a SharedArrayBuffer). */
export const CTRL_SEQ = 0; // step number: a worker wakes when it changes
export const CTRL_STOP = 1; // 1: leave the loop
export const CTRL_DONE = 2; // workers done with the current step
export const CTRL_READY = 3; // workers that have built their trainer
export const CTRL_FAILED = 4; // a worker failed (it printed why)
export const CTRL_BATCH = 5; // the whole batch's size (the gradients' divisor)
export const CTRL_NEXT = 6; // the next chunk to claim
export const CTRL_JOINED = 7; // workers that joined the step, | CLOSED once the caller closed it
export const CTRL_WORDS = 8;
/** set in CTRL_JOINED when the caller has run out of chunks: later workers stay out */
export const CLOSED = 1 << 30;

/**
 * Polls ctrl[word] while it equals `v`, for at most `ms` milliseconds: true when it changed.
 * Between two steps (the caller's update, the next batch) or while a worker finishes its last
 * chunk the wait is short, and sleeping in Atomics.wait there costs a wake-up, which on a busy
 * machine means queueing for a core again.
 */
export function spinFor(ctrl: Int32Array, word: number, v: number, ms: number): boolean {
  if (!(ms > 0)) return false;
  const until = performance.now() + ms;
  for (;;) {
    for (let i = 0; i < 256; i++) if (Atomics.load(ctrl, word) !== v) return true;
    if (performance.now() > until) return false;
  }
}

/** What a worker gets once, at start (./fusedCnnWorker.ts). */
/**
 * Where each parameter tensor sits in the flat shared weight (and per-chunk gradient) vector:
 * the tensors one after another in the core's order; `total` floats in all.
 */
export function paramLayout(params: readonly { w: Float32Array }[]): {
  offsets: number[];
  total: number;
} {
  const offsets: number[] = [];
  let total = 0;
  for (const p of params) {
    offsets.push(total);
    total += p.w.length;
  }
  return { offsets, total };
}

export interface CnnWorkerInit {
  plan: CnnPlan;
  /** maxBatch is the chunk size */
  options: FusedTrainerOptions;
  chunk: number;
  /** how long to poll before sleeping (`ThreadedCnnOptions.spinMs`) */
  spinMs: number;
  ctrl: Int32Array;
  /** every parameter tensor, concatenated in the trainer's `params` order */
  weights: Float32Array;
  /** one slot of that layout per chunk: the chunk's gradients */
  grads: Float32Array;
  /** the whole batch's images and labels */
  x: Float32Array;
  labels: Int32Array;
  /** [loss, correct] per chunk */
  results: Float64Array;
}

/**
 * Claims chunks of the current step until none is left: computes each one's gradients with
 * `core` (scaled by the batch size in ctrl[CTRL_BATCH]) into its slot of `grads` (`slot` floats
 * each, laid out by `offsets`), its mean loss
 * and correct count into `results`; returns how many chunks it computed. `load` runs once, before the first chunk this call claims
 * (a worker copies the weights then). The calling thread and the workers run the same loop.
 */
export function runChunks(
  core: FusedCnnCore,
  m: Pick<CnnWorkerInit, 'ctrl' | 'grads' | 'x' | 'labels' | 'results' | 'chunk'>,
  inSize: number,
  offsets: readonly number[],
  slot: number,
  load: () => void,
): number {
  const { ctrl, grads, x, labels, results, chunk } = m;
  const B = ctrl[CTRL_BATCH];
  const chunks = Math.ceil(B / chunk);
  let loaded = false;
  for (let done = 0; ; done++) {
    const c = Atomics.add(ctrl, CTRL_NEXT, 1);
    if (c >= chunks) return done;
    if (!loaded) {
      load();
      loaded = true;
    }
    const start = c * chunk;
    const n = Math.min(chunk, B - start);
    const r = core.gradients(
      x.subarray(start * inSize, (start + n) * inSize),
      labels.subarray(start, start + n),
      n,
      B,
    );
    core.params.forEach((p, i) => grads.set(p.g, c * slot + offsets[i]));
    results[2 * c] = r.loss;
    results[2 * c + 1] = r.correct;
  }
}

export interface ThreadedCnnOptions extends FusedTrainerOptions {
  /** Threads computing a step (default 1: `createFusedCnnTrainer`, no worker). An integer >= 1. */
  threads?: number;
  /** Images per chunk of a batch (default 8; an integer >= 1). The numbers depend on it. */
  chunk?: number;
  /** How long a thread polls the shared control words before it sleeps in Atomics.wait, in
   * milliseconds (default 0.3; 0: sleep at once). */
  spinMs?: number;
  /** How long the first step waits for the workers to start (default 120,000 ms). */
  startTimeoutMs?: number;
}

export interface ThreadedCnnTrainer extends FusedCnnTrainer {
  readonly threads: number;
  /** Chunks computed so far, and how many of them the calling thread computed (the workers
   * the rest; both 0 with one thread). */
  readonly stats: { chunks: number; callerChunks: number };
  /** Ends the workers (nothing to do with one thread); the trainer cannot step afterwards. */
  close(): void;
}

/** Checks a `threads` option: an integer >= 1. */
export function checkThreads(threads: unknown, where: string): number {
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1)
    throw invalidOption(
      `${where}: threads must be an integer >= 1, got ${String(threads)}`,
      'use 1 (one thread, the default) or the number of cores to use, e.g. 2',
    );
  return threads;
}

const stopOnCollect = new FinalizationRegistry<Int32Array>((ctrl) => stopWorkers(ctrl));

function stopWorkers(ctrl: Int32Array): void {
  Atomics.store(ctrl, CTRL_STOP, 1);
  Atomics.add(ctrl, CTRL_SEQ, 1);
  Atomics.notify(ctrl, CTRL_SEQ);
}

/**
 * A fused CNN trainer on `o.threads` threads (see the module comment); the options otherwise
 * as `createFusedCnnTrainer`'s. `evaluate` runs on the calling thread.
 */
export function createThreadedCnnTrainer(plan: CnnPlan, o: ThreadedCnnOptions): ThreadedCnnTrainer {
  const T = checkThreads(o.threads ?? 1, 'fused CNN training');
  if (T === 1)
    return Object.assign(createFusedCnnTrainer(plan, o), {
      threads: 1,
      stats: { chunks: 0, callerChunks: 0 },
      close: () => {},
    });
  const chunk = o.chunk ?? 8;
  if (!Number.isInteger(chunk) || chunk < 1)
    throw invalidOption(`fused CNN training: chunk must be an integer >= 1, got ${chunk}`);
  // the caller's trainer keeps maxBatch: it also evaluates, in the one-thread trainer's batches
  const core = createFusedCnnCore(plan, o);
  const maxB = o.maxBatch;
  const [H0, W0, C0] = plan.inputShape;
  const inSize = H0 * W0 * C0;
  const params = core.params;
  const { offsets, total } = paramLayout(params);
  const maxChunks = Math.ceil(maxB / chunk);
  const shared = <A extends Float32Array | Int32Array | Float64Array>(
    Kind: { new (b: SharedArrayBuffer): A; BYTES_PER_ELEMENT: number },
    n: number,
  ): A => new Kind(new SharedArrayBuffer(Math.max(1, n) * Kind.BYTES_PER_ELEMENT));
  const init: CnnWorkerInit = {
    plan,
    // the workers compute with the calling thread's engine, so every chunk runs the same kernels
    options: {
      optimizer: o.optimizer,
      learningRate: o.learningRate,
      maxBatch: chunk,
      engine: core.engine,
    },
    chunk,
    spinMs: o.spinMs ?? 0.3,
    ctrl: shared(Int32Array, CTRL_WORDS),
    weights: shared(Float32Array, total),
    grads: shared(Float32Array, maxChunks * total),
    x: shared(Float32Array, maxChunks * chunk * inSize),
    labels: shared(Int32Array, maxChunks * chunk),
    results: shared(Float64Array, 2 * maxChunks),
  };
  const { ctrl, weights, grads, x, labels, results } = init;
  const publishWeights = (): void => params.forEach((p, i) => weights.set(p.w, offsets[i]));
  publishWeights();

  for (let k = 1; k < T; k++) {
    const { file, eval: isEval } = workerScript(import.meta.url, 'fusedCnnWorker');
    const w = new Worker(file, { eval: isEval });
    w.unref();
    // an error outside a step (the worker failed to load): fail the next wait
    w.on('error', (e) => {
      console.error(e);
      Atomics.store(ctrl, CTRL_FAILED, 1);
      Atomics.notify(ctrl, CTRL_READY);
      Atomics.notify(ctrl, CTRL_DONE);
    });
    w.postMessage(init);
  }
  let ready = false;
  let closed = false;
  const stats = { chunks: 0, callerChunks: 0 };
  const startTimeout = o.startTimeoutMs ?? 120_000;

  /** Waits until ctrl[word] reaches `want` (or a worker fails, or `timeoutMs` passes). */
  function waitFor(word: number, want: number, timeoutMs: number, what: string): void {
    const until = performance.now() + timeoutMs;
    for (;;) {
      if (Atomics.load(ctrl, CTRL_FAILED) !== 0)
        throw new Error(
          'a fused CNN worker thread failed (its error is printed above); rerun with threads 1',
        );
      const v = Atomics.load(ctrl, word);
      if (v >= want) return;
      const left = until - performance.now();
      if (left <= 0)
        throw new Error(
          `fused CNN training: the worker threads did not ${what} within ${timeoutMs} ms; ` +
            'rerun with threads 1',
        );
      if (!spinFor(ctrl, word, v, init.spinMs)) Atomics.wait(ctrl, word, v, Math.min(left, 1000));
    }
  }

  function step(xb: Float32Array, yb: Int32Array, B: number) {
    if (closed) throw new Error('fused CNN training: step after close()');
    if (B > maxB) throw new RangeError(`batch of ${B} images exceeds maxBatch ${maxB}`);
    if (!ready) {
      waitFor(CTRL_READY, T - 1, startTimeout, 'start');
      ready = true;
    }
    x.set(xb.subarray(0, B * inSize));
    labels.set(yb.subarray(0, B));
    ctrl[CTRL_BATCH] = B;
    Atomics.store(ctrl, CTRL_NEXT, 0);
    Atomics.store(ctrl, CTRL_DONE, 0);
    Atomics.store(ctrl, CTRL_JOINED, 0);
    // publishes everything written above (the atomic writes order the plain ones before them)
    Atomics.add(ctrl, CTRL_SEQ, 1);
    Atomics.notify(ctrl, CTRL_SEQ);
    let mine = 0;
    try {
      mine = runChunks(core, init, inSize, offsets, total, () => {});
    } finally {
      // no chunk is left (or the caller's own failed): close the step and wait for the
      // workers that joined it, so that none is still working when the next step starts
      const joined = Atomics.or(ctrl, CTRL_JOINED, CLOSED);
      waitFor(CTRL_DONE, joined, Math.max(startTimeout, 600_000), 'finish a step');
    }
    // the batch gradient: the chunks' in chunk order
    const chunks = Math.ceil(B / chunk);
    stats.chunks += chunks;
    stats.callerChunks += mine;
    let lossSum = 0;
    let correct = 0;
    params.forEach((p, i) => {
      const g = p.g;
      const off = offsets[i];
      g.set(grads.subarray(off, off + g.length));
      for (let c = 1; c < chunks; c++) {
        const at = c * total + off;
        for (let j = 0; j < g.length; j++) g[j] += grads[at + j];
      }
    });
    for (let c = 0; c < chunks; c++) {
      lossSum += results[2 * c] * Math.min(chunk, B - c * chunk);
      correct += results[2 * c + 1];
    }
    core.update();
    publishWeights();
    return { loss: lossSum / B, correct };
  }

  const trainer: ThreadedCnnTrainer = {
    step,
    evaluate: core.evaluate,
    get plan() {
      return core.plan;
    },
    engine: core.engine,
    threads: T,
    stats,
    close(): void {
      if (closed) return;
      closed = true;
      stopOnCollect.unregister(trainer);
      stopWorkers(ctrl);
    },
  };
  stopOnCollect.register(trainer, ctrl, trainer);
  return trainer;
}
