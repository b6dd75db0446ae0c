/**
 * Data-parallel fused CNN training on several cores (docs/networks.md, "Fused CNN step",
 * threads): each batch is split into `threads` contiguous shards of sizes differing by at most
 * one (the first shards the larger); the calling thread computes the first shard's gradients
 * and each worker_thread (./fusedCnnWorker.ts, with a fused CNN trainer of its own) one other
 * shard's. The shard gradients are scaled as means over the whole batch and summed on the
 * calling thread in shard order, then the optimiser updates the weights once: the numbers
 * depend on the thread count (float sums in another order) but not on timing, so every run
 * with the same thread count gives the same weights.
 *
 * Everything a step needs crosses in shared memory: the weights (rewritten after each
 * update), the workers' part of the batch, their gradients, losses and counts; a step is one
 * Atomics.notify to the workers and one Atomics.wait for them, no message. The workers start
 * when the trainer is created and are waited for (up to `startTimeoutMs`) on the first step;
 * `close()` ends them (they are unref'd, so a trainer never holds the process open, and one
 * dropped without `close()` stops its workers when it is garbage-collected).
 *
 * `threads: 1` is `createFusedCnnTrainer` itself (no worker, bit-identical).
 */
import { Worker } from 'node:worker_threads';
import { invalidOption } from '../core/errors.js';
import { workerScript } from '../run/workerScript.js';
import type { CnnPlan } from './fusedCnn.js';
import {
  createFusedCnnCore,
  createFusedCnnTrainer,
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
/** worker k (1-based) reads its shard's first image and count at CTRL_SHARDS + 2 (k - 1) */
export const CTRL_SHARDS = 8;

/** What a worker gets once, at start (./fusedCnnWorker.ts). */
export interface CnnWorkerInit {
  /** 1 .. threads - 1 */
  index: number;
  plan: CnnPlan;
  options: FusedTrainerOptions;
  ctrl: Int32Array;
  /** every parameter tensor, concatenated in the trainer's `params` order */
  weights: Float32Array;
  /** the worker's gradients, same layout */
  grads: Float32Array;
  /** the whole batch's images and labels (the worker reads its own shard) */
  x: Float32Array;
  labels: Int32Array;
  /** [loss, correct] of the worker's shard */
  result: Float64Array;
}

export interface ThreadedCnnOptions extends FusedTrainerOptions {
  /** Threads computing a step (default 1: `createFusedCnnTrainer`, no worker). An integer >= 1. */
  threads?: number;
  /** How long the first step waits for the workers to start (default 120,000 ms). */
  startTimeoutMs?: number;
}

export interface ThreadedCnnTrainer extends FusedCnnTrainer {
  readonly threads: number;
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

/** Shard sizes of a batch of `B` over `T` threads: contiguous, the first `B % T` one larger. */
export function shardSizes(B: number, T: number): number[] {
  return Array.from({ length: T }, (_, k) => Math.floor(B / T) + (k < B % T ? 1 : 0));
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
  if (T === 1) {
    const one = createFusedCnnTrainer(plan, o);
    return {
      step: one.step,
      evaluate: one.evaluate,
      get plan() {
        return one.plan;
      },
      engine: one.engine,
      threads: 1,
      close: () => {},
    };
  }
  const core = createFusedCnnCore(plan, o);
  const maxB = o.maxBatch;
  const [H0, W0, C0] = plan.inputShape;
  const inSize = H0 * W0 * C0;
  const params = core.params;
  const offsets: number[] = [];
  let total = 0;
  for (const p of params) {
    offsets.push(total);
    total += p.w.length;
  }
  const shared = <A extends Float32Array | Int32Array | Float64Array>(
    Kind: { new (b: SharedArrayBuffer): A; BYTES_PER_ELEMENT: number },
    n: number,
  ): A => new Kind(new SharedArrayBuffer(Math.max(1, n) * Kind.BYTES_PER_ELEMENT));
  const ctrl = shared(Int32Array, CTRL_SHARDS + 2 * T);
  const weights = shared(Float32Array, total);
  const x = shared(Float32Array, maxB * inSize);
  const labels = shared(Int32Array, maxB);
  const grads: Float32Array[] = [];
  const results: Float64Array[] = [];
  const publishWeights = (): void => params.forEach((p, i) => weights.set(p.w, offsets[i]));
  publishWeights();

  const workers: Worker[] = [];
  const shardMax = Math.ceil(maxB / T);
  // the workers compute with the calling thread's engine, so all shards run the same kernels
  const options: FusedTrainerOptions = {
    optimizer: o.optimizer,
    learningRate: o.learningRate,
    maxBatch: shardMax,
    engine: core.engine,
  };
  for (let k = 1; k < T; k++) {
    const init: CnnWorkerInit = {
      index: k,
      plan,
      options,
      ctrl,
      weights,
      grads: shared(Float32Array, total),
      x,
      labels,
      result: shared(Float64Array, 2),
    };
    grads.push(init.grads);
    results.push(init.result);
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
    workers.push(w);
  }
  let ready = false;
  let closed = false;
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
      Atomics.wait(ctrl, word, v, Math.min(left, 1000));
    }
  }

  function step(xb: Float32Array, yb: Int32Array, B: number) {
    if (closed) throw new Error('fused CNN training: step after close()');
    if (B > maxB) throw new RangeError(`batch of ${B} images exceeds maxBatch ${maxB}`);
    if (!ready) {
      waitFor(CTRL_READY, T - 1, startTimeout, 'start');
      ready = true;
    }
    const sizes = shardSizes(B, T);
    const first = sizes[0];
    // the workers' shards, into shared memory
    x.set(xb.subarray(first * inSize, B * inSize), first * inSize);
    labels.set(yb.subarray(first, B), first);
    let start = first;
    for (let k = 1; k < T; k++) {
      ctrl[CTRL_SHARDS + 2 * (k - 1)] = start;
      ctrl[CTRL_SHARDS + 2 * (k - 1) + 1] = sizes[k];
      start += sizes[k];
    }
    ctrl[CTRL_BATCH] = B;
    Atomics.store(ctrl, CTRL_DONE, 0);
    // publishes everything written above (the atomic write orders the plain ones before it)
    Atomics.add(ctrl, CTRL_SEQ, 1);
    Atomics.notify(ctrl, CTRL_SEQ);
    const mine = core.gradients(xb.subarray(0, first * inSize), yb.subarray(0, first), first, B);
    waitFor(CTRL_DONE, T - 1, Math.max(startTimeout, 600_000), 'finish a step');
    // the batch gradient: the shards' sums in shard order
    let lossSum = mine.loss * first;
    let correct = mine.correct;
    for (let k = 1; k < T; k++) {
      if (sizes[k] === 0) continue;
      const gk = grads[k - 1];
      params.forEach((p, i) => {
        const g = p.g;
        const off = offsets[i];
        for (let j = 0; j < g.length; j++) g[j] += gk[off + j];
      });
      lossSum += results[k - 1][0] * sizes[k];
      correct += results[k - 1][1];
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
