/**
 * Executors run jobs (plain JSON data) and hand back their rows; the coordinator writes the rows
 * to the store. `InProcessExecutor` runs jobs one at a time in this thread;
 * `WorkerPoolExecutor` runs them on a pool of workers (child processes by default, or worker
 * threads; all cores by default), one job per worker at a time. A distributed executor (a queue of workers on other machines) fits the
 * same interface.
 */
import { availableParallelism } from 'node:os';
import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { TopolensError } from '../core/errors.js';
import type { Job } from './plan.js';
import type { JobRows } from './store.js';
import { runJob, runNetworkUnit, type PartOutcome, type ShippedFolder } from './runJob.js';
import { workerProcess, workerScript } from './workerScript.js';

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

/** What a pool's workers are: child processes (the default) or worker threads of this process. */
export type WorkerKind = 'process' | 'thread';

export interface WorkerPoolOptions {
  /** How many workers (default: all cores, `os.availableParallelism()`). */
  size?: number;
  /**
   * `'process'` (default): each worker is a child process (`child_process.fork`), with its own
   * heap, garbage collector and WebAssembly memory; two of them slowed each other down far less
   * than two threads did. `'thread'`: worker threads in this process (two of them ran each job
   * 44% slower than one on the quiet 2-core machine; docs/benchmarks.md, "Process workers").
   */
  kind?: WorkerKind;
  /**
   * Extra Node flags for process workers (default none), for example
   * `['--max-semi-space-size=32']`.
   */
  execArgv?: string[];
}

type Pending = { job: Job; resolve: (o: JobOutcome) => void; reject: (e: Error) => void };

/** One worker of either kind, as the pool drives it. */
interface PoolWorker {
  send(job: Job): void;
  /** Whether the worker keeps this process alive (only while it runs a job). */
  hold(busy: boolean): void;
  /** Stops the worker; resolves once it is gone. */
  stop(): Promise<void>;
  current?: Pending;
  /** Set once the worker died or was stopped; it takes no more jobs. */
  gone: boolean;
  /** The child's process id (process workers). */
  pid?: number;
}

interface WorkerEvents {
  reply(reply: WorkerReply): void;
  /** The worker died; `why` says how (exit code, signal or error). */
  died(why: string): void;
}

function threadWorker(events: WorkerEvents): PoolWorker {
  const { file, eval: isEval } = workerScript(import.meta.url, 'worker');
  const worker = new Worker(file, { eval: isEval });
  worker.on('message', events.reply);
  worker.on('error', (err) => events.died(err.message));
  worker.on('exit', (code) => events.died(`exit code ${code}`));
  worker.unref();
  return {
    gone: false,
    send: (job) => worker.postMessage(job),
    hold: (busy) => (busy ? worker.ref() : worker.unref()),
    stop: async () => {
      await worker.terminate();
    },
  };
}

/** Milliseconds a stopped child process gets to exit on SIGTERM before it is killed. */
const STOP_GRACE_MS = 2000;
/** Milliseconds a failed send waits for the child's exit, which says more than the pipe error. */
const SEND_FAILURE_GRACE_MS = 1000;

function processWorker(events: WorkerEvents, execArgv: string[]): PoolWorker {
  const { modulePath, execArgv: loader } = workerProcess(import.meta.url, 'processWorker');
  const child = fork(modulePath, [], {
    execArgv: [...loader, ...execArgv],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    // its own process group: Ctrl-C reaches only the coordinator, which stops the run cleanly
    // and then closes the pool (a child dies with its coordinator all the same, see processWorker.ts)
    detached: true,
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.on('message', (m) => events.reply(m as WorkerReply));
  child.on('error', (err) => events.died(err.message));
  child.on('exit', (code, signal) =>
    events.died(signal ? `killed by ${signal}` : `exit code ${code}`),
  );
  const hold = (busy: boolean) => {
    if (busy) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  };
  hold(false);
  return {
    gone: false,
    pid: child.pid,
    send: (job) => {
      child.send(job, (err) => {
        if (!err) return;
        // A child that cannot start (a bad Node flag) closes its channel before its exit is
        // seen, so the send may fail with EPIPE first: report how the child ended (its exit
        // event, which marks the worker gone) unless no exit comes within the grace period.
        const timer = setTimeout(
          () => events.died(`the job could not be sent: ${err.message}`),
          SEND_FAILURE_GRACE_MS,
        );
        void exited.then(() => clearTimeout(timer));
      });
    },
    hold,
    stop: async () => {
      // never started (fork failed), or already gone
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timers: NodeJS.Timeout[] = [];
      await Promise.race([
        exited,
        new Promise<void>((done) => {
          timers.push(setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS));
          // bounded even if no exit event came (it always does after SIGKILL on Linux)
          timers.push(setTimeout(done, 2 * STOP_GRACE_MS));
        }),
      ]);
      for (const t of timers) clearTimeout(t);
    },
  };
}

function replyError(reply: Extract<WorkerReply, { ok: false }>): Error {
  return reply.code !== undefined
    ? new TopolensError(reply.code as TopolensError['code'], reply.message)
    : Object.assign(new Error(reply.message), { stack: reply.stack });
}

/**
 * Runs jobs on a pool of workers, one job per worker at a time: child processes by default, or
 * worker threads (`WorkerPoolOptions`). Workers start on the first job. A worker that dies fails
 * the job it was running with a message naming the job and how it died, and is replaced when
 * there is more to run. `close()` stops every worker (child processes are killed, never left
 * behind; a child also kills itself if this process dies, see processWorker.ts).
 */
export class WorkerPoolExecutor implements Executor {
  readonly concurrency: number;
  readonly kind: WorkerKind;
  private readonly execArgv: string[];
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Pending[] = [];
  private closed = false;

  /** `options` may be the pool's size alone (the older form). */
  constructor(options: number | WorkerPoolOptions = {}) {
    const o = typeof options === 'number' ? { size: options } : options;
    const size = o.size ?? availableParallelism();
    if (!Number.isInteger(size) || size < 1) {
      throw new TopolensError(
        'invalid-option',
        `the worker pool needs at least 1 worker, got ${size}`,
      );
    }
    const kind = o.kind ?? 'process';
    if (kind !== 'process' && kind !== 'thread') {
      throw new TopolensError(
        'invalid-option',
        `unknown worker kind '${String(kind)}'`,
        "use 'process' (the default) or 'thread'",
      );
    }
    this.concurrency = size;
    this.kind = kind;
    this.execArgv = o.execArgv ?? [];
  }

  private spawn(): PoolWorker {
    // the events only come after spawn() returned (worker and child events are asynchronous)
    const events: WorkerEvents = {
      reply: (reply) => {
        const cur = pw.current;
        pw.current = undefined;
        if (cur) {
          if (reply.ok) cur.resolve(reply.outcome);
          else cur.reject(replyError(reply));
        }
        this.pump();
      },
      died: (why) => {
        if (pw.gone) return;
        pw.gone = true;
        const i = this.workers.indexOf(pw);
        if (i >= 0) this.workers.splice(i, 1);
        const cur = pw.current;
        pw.current = undefined;
        if (cur && !this.closed) {
          const what = this.kind === 'process' ? 'worker process' : 'worker thread';
          cur.reject(new Error(`the ${what} running '${cur.job.label}' died (${why})`));
        }
        // a thread that failed may still be running; stopping it again is harmless
        void pw.stop().catch(() => undefined);
        this.pump();
      },
    };
    const pw: PoolWorker =
      this.kind === 'process' ? processWorker(events, this.execArgv) : threadWorker(events);
    return pw;
  }

  private pump(): void {
    if (this.closed) return;
    // a dead worker is replaced only when there is work for it (a worker that cannot start
    // fails the jobs it is given, one by one, instead of being restarted forever)
    while (this.queue.length > 0 && this.workers.length < this.concurrency)
      this.workers.push(this.spawn());
    for (const pw of this.workers) {
      if (pw.current || this.queue.length === 0) continue;
      const next = this.queue.shift()!;
      pw.current = next;
      pw.hold(true);
      pw.send(next.job);
    }
    for (const pw of this.workers) if (!pw.current) pw.hold(false);
  }

  /** The process ids of the live process workers (none for threads): for monitoring and tests. */
  workerPids(): number[] {
    return this.workers.flatMap((pw) => (pw.pid === undefined ? [] : [pw.pid]));
  }

  execute(job: Job): Promise<JobOutcome> {
    if (this.closed) return Promise.reject(new Error('internal: the worker pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = this.workers.splice(0);
    for (const pw of workers) pw.gone = true;
    // jobs still running are abandoned unsettled, as the runner expects after an interruption
    // (it redoes them next time)
    await Promise.all(workers.map((pw) => pw.stop()));
  }
}

/** The pool (child processes unless `kind` says 'thread'), or in-process execution when
 * `workers` is 0. */
export function createExecutor(workers?: number, kind?: WorkerKind): Executor {
  if (workers === 0) return new InProcessExecutor();
  return new WorkerPoolExecutor({ size: workers ?? availableParallelism(), kind });
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
