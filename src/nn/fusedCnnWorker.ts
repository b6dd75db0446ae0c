/**
 * A worker thread of the data-parallel fused CNN trainer (./fusedCnnThreads.ts): builds fused
 * CNN kernels of its own from the one message it gets, then, for every step the calling thread
 * announces (a new step number in the control words), joins the step unless the caller has
 * already closed it, and claims and computes chunks of the batch (`runChunks`: the current
 * weights are read from shared memory before the first one) until none is left. It blocks in
 * Atomics.wait between steps and leaves when told to stop.
 */
import { parentPort } from 'node:worker_threads';
import { createFusedCnnCore } from './fusedCnnTrainer.js';
import {
  CLOSED,
  CTRL_DONE,
  CTRL_FAILED,
  CTRL_JOINED,
  CTRL_READY,
  CTRL_SEQ,
  CTRL_STOP,
  paramLayout,
  runChunks,
  spinFor,
  type CnnWorkerInit,
} from './fusedCnnThreads.js';

function run(m: CnnWorkerInit): void {
  const { ctrl, weights } = m;
  const core = createFusedCnnCore(m.plan, m.options);
  const [H, W, C] = m.plan.inputShape;
  const inSize = H * W * C;
  const params = core.params;
  const { offsets, total } = paramLayout(params);
  const load = () =>
    params.forEach((p, i) => p.w.set(weights.subarray(offsets[i], offsets[i] + p.w.length)));
  Atomics.add(ctrl, CTRL_READY, 1);
  Atomics.notify(ctrl, CTRL_READY);
  let seen = 0;
  for (;;) {
    // the step number starts at 0 and only grows
    let seq = Atomics.load(ctrl, CTRL_SEQ);
    while (seq === seen) {
      if (!spinFor(ctrl, CTRL_SEQ, seen, m.spinMs)) Atomics.wait(ctrl, CTRL_SEQ, seen);
      seq = Atomics.load(ctrl, CTRL_SEQ);
    }
    seen = seq;
    if (Atomics.load(ctrl, CTRL_STOP) !== 0) return;
    // a step the caller already closed is left alone (its chunks are all taken); a worker that
    // joins a later step than the one that woke it works on that step, which is as good
    if ((Atomics.add(ctrl, CTRL_JOINED, 1) & CLOSED) !== 0) continue;
    try {
      runChunks(core, m, inSize, offsets, total, load);
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
