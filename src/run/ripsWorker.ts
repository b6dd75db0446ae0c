/**
 * A worker thread of the Rips thread driver (./ripsThreads.ts): keeps the engine's thread work
 * (apparent-pair tests, phase 1 of the parallel reduction) per open engine run and works on the
 * batches it joins (protocol in ./ripsThreadProtocol.ts); runs the early part of a two-thread
 * edge collapse it is handed (src/homology/collapseSplit.ts).
 */
import { parentPort } from 'node:worker_threads';
import { runCollapseEarly, type CollapseEarlyJob } from '../homology/collapseSplit.js';
import { createRipsThreadWork } from '../homology/ripsEngine.js';
import type { ReductionJob, SharedEngineData } from '../homology/ripsParallel.js';
import {
  JOB_CLOSED,
  JOB_DONE,
  JOB_FAILED,
  JOB_JOINED,
  runChunks,
  runColumnChunks,
} from './ripsThreadProtocol.js';

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
    }
  | { kind: 'reduce'; run: number; ctrl: Int32Array; chunk: number; job: ReductionJob }
  | { kind: 'collapse'; job: CollapseEarlyJob };

const works = new Map<number, ReturnType<typeof createRipsThreadWork>>();

parentPort!.on('message', (m: RipsWorkerMessage) => {
  if (m.kind === 'open') {
    works.set(m.run, createRipsThreadWork(m.data));
  } else if (m.kind === 'close') {
    works.delete(m.run);
  } else if (m.kind === 'collapse') {
    // the caller never waits for this run: a failure only means it visits the edges itself
    try {
      runCollapseEarly(m.job);
    } catch (e) {
      console.error(e);
    }
  } else {
    const { ctrl } = m;
    // a batch the caller already closed is left alone; else the join number is the arena slot
    const joined = Atomics.add(ctrl, JOB_JOINED, 1);
    if ((joined & JOB_CLOSED) !== 0) return;
    const work = works.get(m.run);
    try {
      if (work === undefined) throw new Error(`no open run ${m.run}`);
      if (m.kind === 'reduce') runColumnChunks(work.reduce, ctrl, m.chunk, m.job, joined + 1);
      else runChunks(work.test, ctrl, m.chunk, m.idx, m.diam, m.count, m.dim, m.flags);
    } catch (e) {
      Atomics.store(ctrl, JOB_FAILED, 1);
      console.error(e);
    }
    Atomics.add(ctrl, JOB_DONE, 1);
    Atomics.notify(ctrl, JOB_DONE);
  }
});
