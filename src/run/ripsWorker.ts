/**
 * A worker thread of the Rips thread driver (./ripsThreads.ts): keeps one apparent-pair tester
 * per open engine run and works on the batches it joins (protocol in ./ripsThreadProtocol.ts).
 */
import { parentPort } from 'node:worker_threads';
import { createApparentPairTester } from '../homology/ripsEngine.js';
import type { SharedEngineData } from '../homology/ripsParallel.js';
import { JOB_CLOSED, JOB_DONE, JOB_FAILED, JOB_JOINED, runChunks } from './ripsThreadProtocol.js';

export type RipsWorkerMessage =
  | { kind: 'open'; run: number; data: SharedEngineData }
  | { kind: 'close'; run: number }
  | {
      kind: 'batch';
      run: number;
      ctrl: Int32Array;
      chunk: number;
      idx: Float64Array;
      diam: Float32Array;
      count: number;
      dim: number;
      flags: Uint8Array;
    };

const testers = new Map<number, ReturnType<typeof createApparentPairTester>>();

parentPort!.on('message', (m: RipsWorkerMessage) => {
  if (m.kind === 'open') {
    testers.set(m.run, createApparentPairTester(m.data));
  } else if (m.kind === 'close') {
    testers.delete(m.run);
  } else {
    const { ctrl } = m;
    // a batch the caller already closed is left alone
    if ((Atomics.add(ctrl, JOB_JOINED, 1) & JOB_CLOSED) !== 0) return;
    const tester = testers.get(m.run);
    try {
      if (tester === undefined) throw new Error(`no open run ${m.run}`);
      runChunks(tester.test, ctrl, m.chunk, m.idx, m.diam, m.count, m.dim, m.flags);
    } catch (e) {
      Atomics.store(ctrl, JOB_FAILED, 1);
      console.error(e);
    }
    Atomics.add(ctrl, JOB_DONE, 1);
    Atomics.notify(ctrl, JOB_DONE);
  }
});
