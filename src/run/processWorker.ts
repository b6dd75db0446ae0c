/**
 * The entry of a pool worker that runs as a child process (`WorkerPoolExecutor`, kind
 * 'process'): starts the orphan watchdog first, then loads the worker itself (`./worker.ts`,
 * whose module graph, TensorFlow.js included, takes seconds to load on a busy machine).
 *
 * The watchdog makes a child die with its coordinator, even in the middle of a synchronous
 * computation or of loading modules (when the IPC channel's 'disconnect' event cannot fire): a
 * thread that kills this process as soon as its parent is gone (it has then been re-parented, so
 * the parent's id changes). docs/experiments.md, "The worker pool".
 */
import { Worker } from 'node:worker_threads';

const watchdog =
  "const { workerData } = require('node:worker_threads');" +
  'setInterval(() => { if (process.ppid !== workerData) ' +
  "process.kill(process.pid, 'SIGKILL'); }, 200);";
new Worker(watchdog, { eval: true, workerData: process.ppid }).unref();

// jobs the coordinator sent while the worker was loading are kept and handed to it once its own
// listener is there (it registers it as the module runs, before this import resolves, and no
// message can be delivered in between: messages are events, the resolution a microtask)
const early: unknown[] = [];
const keep = (m: unknown) => early.push(m);
process.on('message', keep);
await import('./worker.js');
process.off('message', keep);
for (const m of early) process.emit('message', m, undefined);
