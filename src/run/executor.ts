/**
 * Executors run jobs (plain JSON data) and hand back their rows; the coordinator writes the rows
 * to the store. `InProcessExecutor` runs jobs one at a time in this thread;
 * `WorkerPoolExecutor` runs them on a pool of worker threads (all cores by default), one job
 * per worker at a time. A distributed executor (a queue of workers on other machines) fits the
 * same interface.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { TopolensError } from '../core/errors.js';
import type { Job } from './plan.js';
import type { JobRows } from './store.js';
import { runJob, runNetworkUnit, type PartOutcome, type ShippedFolder } from './runJob.js';
import { workerScript } from './workerScript.js';

/** What an executor returns for a job: its rows and its own running time. */
export interface JobOutcome {
  rows: JobRows;
  /** Seconds the job itself ran where it was executed (without queueing or transfer). */
  seconds: number;
  /** A network unit's parts, each committed as its own job together with the unit. */
  parts?: PartOutcome[];
  /** Folders a unit run on another machine sends back, written beside the store. */
  files?: ShippedFolder[];
}

export interface Executor {
  /** How many jobs it runs at once. */
  readonly concurrency: number;
  execute(job: Job): Promise<JobOutcome>;
  close(): Promise<void>;
}

/** Runs `job` here and times it. */
export async function executeHere(job: Job): Promise<JobOutcome> {
  const t0 = performance.now();
  if (job.kind === 'network') {
    const unit = await runNetworkUnit(job);
    return { rows: {}, seconds: (performance.now() - t0) / 1000, ...unit };
  }
  const rows = await runJob(job);
  return { rows, seconds: (performance.now() - t0) / 1000 };
}

/** Runs jobs in the calling thread, one at a time. */
export class InProcessExecutor implements Executor {
  readonly concurrency = 1;
  private chain: Promise<unknown> = Promise.resolve();

  execute(job: Job): Promise<JobOutcome> {
    const next = this.chain.then(() => executeHere(job));
    this.chain = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.chain;
  }
}

/** Message from a worker: the outcome, or the error's message and code. */
export type WorkerReply =
  { ok: true; outcome: JobOutcome } | { ok: false; message: string; code?: string; stack?: string };

interface PoolWorker {
  worker: Worker;
  busy: boolean;
  current?: { job: Job; resolve: (o: JobOutcome) => void; reject: (e: Error) => void };
}

/** Runs jobs on `size` worker threads (default: all cores, `os.availableParallelism()`). */
export class WorkerPoolExecutor implements Executor {
  readonly concurrency: number;
  private readonly workers: PoolWorker[] = [];
  private readonly queue: {
    job: Job;
    resolve: (o: JobOutcome) => void;
    reject: (e: Error) => void;
  }[] = [];
  private closed = false;

  constructor(size: number = availableParallelism()) {
    if (!Number.isInteger(size) || size < 1) {
      throw new TopolensError(
        'invalid-option',
        `the worker pool needs at least 1 worker, got ${size}`,
      );
    }
    this.concurrency = size;
  }

  private spawn(): PoolWorker {
    const { file, eval: isEval } = workerScript(import.meta.url, 'worker');
    const worker = new Worker(file, { eval: isEval });
    const pw: PoolWorker = { worker, busy: false };
    worker.on('message', (reply: WorkerReply) => {
      const cur = pw.current;
      pw.current = undefined;
      pw.busy = false;
      if (cur) {
        if (reply.ok) cur.resolve(reply.outcome);
        else {
          const err =
            reply.code !== undefined
              ? new TopolensError(reply.code as TopolensError['code'], reply.message)
              : Object.assign(new Error(reply.message), { stack: reply.stack });
          cur.reject(err);
        }
      }
      this.pump();
    });
    const fail = (err: Error) => {
      const cur = pw.current;
      pw.current = undefined;
      const i = this.workers.indexOf(pw);
      if (i >= 0 && !this.closed) this.workers[i] = this.spawn();
      if (cur) cur.reject(new Error(`the worker running '${cur.job.label}' died: ${err.message}`));
      this.pump();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!this.closed) fail(new Error(`exit code ${code}`));
    });
    worker.unref();
    return pw;
  }

  private pump(): void {
    for (const pw of this.workers) {
      if (pw.busy || this.queue.length === 0) continue;
      const next = this.queue.shift()!;
      pw.busy = true;
      pw.current = next;
      pw.worker.ref();
      pw.worker.postMessage(next.job);
    }
    for (const pw of this.workers) if (!pw.busy) pw.worker.unref();
  }

  execute(job: Job): Promise<JobOutcome> {
    if (this.closed) return Promise.reject(new Error('internal: the worker pool is closed'));
    // workers start on the first job, so a rerun with nothing left to do starts none
    while (this.workers.length < this.concurrency) this.workers.push(this.spawn());
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}

/** The pool, or in-process execution when `workers` is 0. */
export function createExecutor(workers?: number): Executor {
  if (workers === 0) return new InProcessExecutor();
  return new WorkerPoolExecutor(workers ?? availableParallelism());
}

/**
 * Sends each job to one of two executors by `where(job)`: on a queue sweep, the network units go
 * to the queue's workers and the studies over several networks run here, on the coordinator,
 * from the files the units sent back (docs/sweeps.md, "One job per network").
 */
export class SplitExecutor implements Executor {
  readonly concurrency: number;
  constructor(
    private readonly remote: Executor,
    private readonly local: Executor,
    private readonly isRemote: (job: Job) => boolean,
  ) {
    this.concurrency = remote.concurrency;
  }

  execute(job: Job): Promise<JobOutcome> {
    return this.isRemote(job) ? this.remote.execute(job) : this.local.execute(job);
  }

  async close(): Promise<void> {
    await Promise.all([this.remote.close(), this.local.close()]);
  }
}
