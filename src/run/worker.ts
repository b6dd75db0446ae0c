/**
 * A pool worker: receives jobs (plain data) from the coordinator, runs them with `runJob` and
 * sends back their rows and running time, or the error's message. One job at a time. It runs
 * either as a worker thread (messages on `parentPort`) or as a child process started with
 * `child_process.fork` (messages on the IPC channel, `serialization: 'advanced'` so typed arrays
 * cross intact); docs/experiments.md, "The worker pool".
 */
import { parentPort, Worker } from 'node:worker_threads';
import { TopolensError } from '../core/errors.js';
import { ensureBackend } from './runJob.js';
import { executeHere, type WorkerReply } from './executor.js';
import type { Job } from './plan.js';

/** How this worker talks to the coordinator. */
interface Channel {
  send(reply: WorkerReply): void;
  onJob(handle: (job: Job) => void): void;
}

function threadChannel(port: NonNullable<typeof parentPort>): Channel {
  return {
    send: (reply) => port.postMessage(reply),
    onJob: (handle) => port.on('message', handle),
  };
}

/**
 * A child process dies with its coordinator, even in the middle of a synchronous computation
 * (when the IPC channel's 'disconnect' event cannot fire): a watchdog thread kills this process
 * as soon as its parent is gone (it has then been re-parented, so the parent's id changes).
 */
function startOrphanWatchdog(): void {
  const code =
    "const { workerData } = require('node:worker_threads');" +
    'setInterval(() => { if (process.ppid !== workerData) ' +
    "process.kill(process.pid, 'SIGKILL'); }, 200);";
  new Worker(code, { eval: true, workerData: process.ppid }).unref();
}

function processChannel(): Channel {
  const send = process.send?.bind(process);
  if (!send) throw new Error('internal: worker.ts must run as a worker thread or a forked child');
  startOrphanWatchdog();
  // the coordinator closed the channel (close(), or it exited): nothing more will come
  process.on('disconnect', () => process.exit(0));
  return {
    send: (reply) => {
      send(reply);
    },
    onJob: (handle) => process.on('message', (job) => handle(job as Job)),
  };
}

const channel = parentPort ? threadChannel(parentPort) : processChannel();
// start the TensorFlow.js backend while the coordinator is still busy (it is idempotent; a
// failure here is reported by the first job that needs it)
ensureBackend().catch(() => undefined);
channel.onJob((job) => {
  executeHere(job).then(
    (outcome) => channel.send({ ok: true, outcome }),
    (err: unknown) => {
      const e = err as Error;
      const reply: WorkerReply =
        err instanceof TopolensError
          ? { ok: false, message: e.message, code: err.code }
          : { ok: false, message: e?.message ?? String(err), stack: e?.stack };
      channel.send(reply);
    },
  );
});
