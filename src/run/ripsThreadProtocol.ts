/**
 * The batch protocol shared by the Rips thread driver (./ripsThreads.ts) and its workers
 * (./ripsWorker.ts). A batch has a small shared control array:
 *
 * - JOB_NEXT: the next unclaimed item; every thread (the caller's too) claims `chunk` items at
 *   a time with Atomics.add until it passes the count, and writes one flag per claimed item;
 * - JOB_JOINED: workers that joined the batch; when the caller runs out of chunks it closes
 *   the batch (sets JOB_CLOSED in this word) and reads how many joined: a worker that arrives
 *   later (still starting, or busy) sees the bit and leaves without touching anything;
 * - JOB_DONE: joined workers that finished; the caller waits (Atomics.wait) until it equals
 *   the number that joined, so every claimed chunk's flags are written when it returns;
 * - JOB_FAILED: set by a worker whose tests threw (the caller then throws).
 *
 * A reduction batch (phase 1 of the parallel reduction) uses the same words; a thread's join
 * number (0 for the caller, 1, 2, ... for the workers in the order they join) is its arena slot.
 */
import type { ReductionJob } from '../homology/ripsParallel.js';

export const JOB_NEXT = 0;
export const JOB_JOINED = 1;
export const JOB_DONE = 2;
/** set by a worker whose tests threw: its flags are not to be trusted */
export const JOB_FAILED = 3;
export const JOB_WORDS = 4;
export const JOB_CLOSED = 1 << 30;

/** Claims chunks of the batch until none is left; one flag per claimed item. */
export function runChunks(
  test: (idx: number, diam: number, dim: number) => boolean,
  ctrl: Int32Array,
  chunk: number,
  idx: Float64Array,
  diam: Float32Array,
  count: number,
  dim: number,
  flags: Uint8Array,
): void {
  for (;;) {
    const start = Atomics.add(ctrl, JOB_NEXT, chunk);
    if (start >= count) return;
    const end = Math.min(count, start + chunk);
    for (let k = start; k < end; k++) flags[k] = test(idx[k], diam[k], dim) ? 1 : 0;
  }
}

/** Claims chunks of a reduction batch's columns until none is left (phase 1, one thread). */
export function runColumnChunks(
  reduce: (job: ReductionJob, slot: number, k: number, fill: number) => number,
  ctrl: Int32Array,
  chunk: number,
  job: ReductionJob,
  slot: number,
): void {
  let fill = 0;
  for (;;) {
    const start = Atomics.add(ctrl, JOB_NEXT, chunk);
    if (start >= job.count) return;
    const end = Math.min(job.count, start + chunk);
    for (let k = start; k < end; k++) fill = reduce(job, slot, k, fill);
  }
}
