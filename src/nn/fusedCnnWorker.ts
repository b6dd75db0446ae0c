/**
 * A worker thread of the data-parallel fused CNN trainer (./fusedCnnThreads.ts): builds a fused
 * CNN trainer of its own from the one message it gets, then, for every step the calling thread
 * announces (a new step number in the control words), reads the current weights and its shard
 * of the batch from shared memory, computes the shard's gradients (scaled as a mean over the
 * whole batch) and writes them, its loss and its count of correct predictions back. It blocks
 * in Atomics.wait between steps and leaves when told to stop.
 */
import { parentPort } from 'node:worker_threads';
import { createFusedCnnCore } from './fusedCnnTrainer.js';
import {
  CTRL_BATCH,
  CTRL_DONE,
  CTRL_FAILED,
  CTRL_READY,
  CTRL_SEQ,
  CTRL_SHARDS,
  CTRL_STOP,
  type CnnWorkerInit,
} from './fusedCnnThreads.js';

function run(m: CnnWorkerInit): void {
  const { ctrl, weights, grads, x, labels, result } = m;
  const core = createFusedCnnCore(m.plan, m.options);
  const [H, W, C] = m.plan.inputShape;
  const inSize = H * W * C;
  const params = core.params;
  const offsets: number[] = [];
  let total = 0;
  for (const p of params) {
    offsets.push(total);
    total += p.w.length;
  }
  Atomics.add(ctrl, CTRL_READY, 1);
  Atomics.notify(ctrl, CTRL_READY);
  let seen = 0;
  for (;;) {
    // the step number starts at 0 and only grows
    let seq = Atomics.load(ctrl, CTRL_SEQ);
    while (seq === seen) {
      Atomics.wait(ctrl, CTRL_SEQ, seen);
      seq = Atomics.load(ctrl, CTRL_SEQ);
    }
    seen = seq;
    if (Atomics.load(ctrl, CTRL_STOP) !== 0) return;
    try {
      const start = ctrl[CTRL_SHARDS + 2 * (m.index - 1)];
      const count = ctrl[CTRL_SHARDS + 2 * (m.index - 1) + 1];
      if (count > 0) {
        params.forEach((p, i) => p.w.set(weights.subarray(offsets[i], offsets[i] + p.w.length)));
        const r = core.gradients(
          x.subarray(start * inSize, (start + count) * inSize),
          labels.subarray(start, start + count),
          count,
          ctrl[CTRL_BATCH],
        );
        params.forEach((p, i) => grads.set(p.g, offsets[i]));
        result[0] = r.loss;
        result[1] = r.correct;
      }
    } catch (e) {
      console.error(e);
      Atomics.store(ctrl, CTRL_FAILED, 1);
    }
    Atomics.add(ctrl, CTRL_DONE, 1);
    Atomics.notify(ctrl, CTRL_DONE);
  }
}

parentPort!.once('message', (m: CnnWorkerInit) => {
  try {
    run(m);
  } catch (e) {
    console.error(e);
    Atomics.store(m.ctrl, CTRL_FAILED, 1);
    Atomics.notify(m.ctrl, CTRL_READY);
    Atomics.notify(m.ctrl, CTRL_DONE);
  }
  parentPort!.close();
});
