/**
 * A pool worker: receives jobs (plain data) from the coordinator, runs them with `runJob` and
 * posts back their rows and running time, or the error's message. One job at a time.
 */
import { parentPort } from 'node:worker_threads';
import { TopolensError } from '../core/errors.js';
import { ensureBackend } from './runJob.js';
import { executeHere, type WorkerReply } from './executor.js';
import type { Job } from './plan.js';

if (!parentPort) throw new Error('internal: worker.ts must run as a worker thread');
const port = parentPort;
// start the TensorFlow.js backend while the coordinator is still busy (it is idempotent; a
// failure here is reported by the first job that needs it)
ensureBackend().catch(() => undefined);
port.on('message', (job: Job) => {
  executeHere(job).then(
    (outcome) => port.postMessage({ ok: true, outcome } satisfies WorkerReply),
    (err: unknown) => {
      const e = err as Error;
      const reply: WorkerReply =
        err instanceof TopolensError
          ? { ok: false, message: e.message, code: err.code }
          : { ok: false, message: e?.message ?? String(err), stack: e?.stack };
      port.postMessage(reply);
    },
  );
});
