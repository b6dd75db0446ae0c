/**
 * Runs jobs on queue workers on any number of machines, through BullMQ on Redis: each job is
 * enqueued with its content hash as BullMQ job id (an id is stored once, so a restarted
 * coordinator never enqueues the same work twice and picks up results that arrived while it was
 * down), tried `attempts` times with exponential backoff, and its rows come back as the job's
 * return value. The coordinator hears of finished jobs at once from the queue's event stream
 * (BullMQ's QueueEvents) and also polls the jobs it waits for, every `pollMs`, in case an event
 * is missed; when Redis stops answering for `lostAfterMs`, every waiting job fails with a
 * message that names the URL, and so does every later one. Each collected job leaves a
 * `QueueTrace` (where its time went) for `bench:sweep`. See docs/sweeps.md.
 */
import { inflateRawSync } from 'node:zlib';
import { Job as BullJob, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { TopolensError } from '../../core/errors.js';
import type { Executor, JobOutcome } from '../executor.js';
import type { Job } from '../plan.js';
import { decodeResult } from './codec.js';
import { connectRedis, queueName, resultKey, safeUrl } from './connection.js';
import { SharedFileCache } from './sharedFiles.js';

export interface QueueExecutorOptions {
  /** redis://host:port */
  url: string;
  experimentId: string;
  /** Tries per job before it is recorded as failed (default 3). */
  attempts?: number;
  /** First retry delay in ms, doubled each try (default 1000). */
  backoffMs?: number;
  /** Jobs enqueued at once (default 256: every job whose inputs are ready). */
  concurrency?: number;
  /** How often the coordinator asks for finished jobs besides hearing of them from the queue's
   * events (default 1000 ms). */
  pollMs?: number;
  /** Hear of finished jobs from the queue's event stream (default true; false: polling only). */
  events?: boolean;
  /** Redis silent this long fails the waiting jobs (default 5000 ms). */
  lostAfterMs?: number;
  /** Finished jobs and their results are kept this long in Redis (default 7 days), so a
   * coordinator restarted within that time collects them without redoing them. */
  keepSeconds?: number;
}

/** What a queue worker returns for a job: the outcome encoded by codec.ts, or (workers since
 * the results moved out of the job) the key under which it is stored, deflated. */
export interface QueueReply {
  outcome?: string;
  resultKey?: string;
  /** length of the encoded outcome */
  chars?: number;
  /** shipped files sent by content hash (sharedFiles.ts) */
  sharedFiles?: number;
  worker: string;
}

/**
 * Where a queued job's time went, in ms (from the coordinator's clock and BullMQ's timestamps,
 * which are the workers' clocks: across machines the split between pickup, worker and return
 * is off by their clock difference, their sum is not).
 */
export interface QueueTrace {
  id: string;
  label: string;
  /** execute() called to the job on the queue (Redis round trips) */
  enqueueMs: number;
  /** on the queue to taken by a worker (BullMQ's processedOn) */
  pickupMs: number;
  /** taken to finished on the worker (BullMQ's finishedOn), less the job's own time */
  workerMs: number;
  /** the job's own time where it ran */
  jobMs: number;
  /** finished on the worker to the coordinator having read the result, before decoding */
  returnMs: number;
  /** decoding the result on the coordinator */
  decodeMs: number;
  /** length of the encoded result */
  resultChars: number;
  /** bytes it took in Redis (deflated), with the shared files fetched for it */
  resultBytes: number;
  /** shipped files it named by content hash (sharedFiles.ts) */
  sharedFiles: number;
  /** of those, bytes fetched from Redis (deflated; 0 when every one was fetched before) */
  sharedFetchedBytes: number;
}

interface Waiting {
  job: Job;
  resolve: (o: JobOutcome) => void;
  reject: (e: Error) => void;
  /** performance.now() when execute() was called and when the job was on the queue */
  calledAt: number;
  queuedAt: number;
}

export class QueueExecutor implements Executor {
  readonly concurrency: number;
  readonly queueName: string;
  /** Set when Redis went away; every later job fails with it. */
  lost?: TopolensError;
  /** Which worker computed each job (hostname:pid), for the run's record. */
  readonly computedBy = new Map<string, string>();
  /** One per job collected, in the order they were collected. */
  readonly traces: QueueTrace[] = [];
  /** Files the units ship alike (the input layer's cloud), fetched once (sharedFiles.ts). */
  readonly sharedFiles = new SharedFileCache();
  private readonly waiting = new Map<string, Waiting>();
  private timer?: NodeJS.Timeout;
  private silentSince = 0;
  private closed = false;

  private constructor(
    private readonly redis: Redis,
    private readonly queue: Queue,
    private readonly o: Required<Omit<QueueExecutorOptions, 'experimentId'>>,
    private readonly events?: { redis: Redis; queueEvents: QueueEvents },
  ) {
    this.concurrency = o.concurrency;
    this.queueName = queue.name;
    redis.on('end', () => this.fail(`the connection ended`));
    const heard = ({ jobId }: { jobId: string }) => {
      if (this.waiting.has(jobId)) this.check(jobId).catch(() => undefined); // the poll retries
    };
    events?.queueEvents.on('completed', heard);
    events?.queueEvents.on('failed', heard);
  }

  /** Connects (a clear error within seconds when Redis is unreachable) and opens the queue. */
  static async connect(options: QueueExecutorOptions): Promise<QueueExecutor> {
    const o = {
      url: options.url,
      attempts: options.attempts ?? 3,
      backoffMs: options.backoffMs ?? 1000,
      concurrency: options.concurrency ?? 256,
      pollMs: options.pollMs ?? 1000,
      events: options.events ?? true,
      lostAfterMs: options.lostAfterMs ?? 5000,
      keepSeconds: options.keepSeconds ?? 7 * 24 * 3600,
    };
    const redis = await connectRedis(o.url, { reconnectForMs: o.lostAfterMs });
    const queue = new Queue(queueName(options.experimentId), { connection: redis });
    queue.on('error', () => undefined); // reported through the connection's watchdog
    if (!o.events) return new QueueExecutor(redis, queue, o);
    // the event stream is read with a blocking command: a connection of its own
    let events: { redis: Redis; queueEvents: QueueEvents } | undefined;
    try {
      const eventsRedis = await connectRedis(o.url, {
        forWorker: true,
        reconnectForMs: o.lostAfterMs,
      });
      const queueEvents = new QueueEvents(queue.name, {
        connection: eventsRedis,
        autorun: false,
      });
      queueEvents.on('error', () => undefined); // the poll's watchdog reports a lost Redis
      events = { redis: eventsRedis, queueEvents };
      await queueEvents.waitUntilReady();
      void queueEvents.run().catch(() => undefined);
    } catch (e) {
      events?.redis.disconnect();
      redis.disconnect();
      throw e;
    }
    return new QueueExecutor(redis, queue, o, events);
  }

  private fail(why: string): void {
    if (this.closed) return;
    this.lost ??= new TopolensError(
      'missing-tool',
      `lost Redis at ${safeUrl(this.o.url)} (${why}); every job committed so far is in the store`,
      'start Redis again and rerun the same command: it skips what the store lists as done and ' +
        'collects results the workers finished meanwhile (docs/sweeps.md, "Failures")',
    );
    for (const w of this.waiting.values()) w.reject(this.lost);
    this.waiting.clear();
  }

  async execute(job: Job): Promise<JobOutcome> {
    if (this.lost) throw this.lost;
    if (this.closed) throw new Error('internal: the queue executor is closed');
    const calledAt = performance.now();
    try {
      const existing = await BullJob.fromId(this.queue, job.id);
      if (existing && (await existing.isFailed())) {
        // an earlier run gave up on it: this run tries again
        await existing.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      } else if (!existing) {
        await this.queue.add(job.kind, job, {
          jobId: job.id,
          attempts: this.o.attempts,
          backoff: { type: 'exponential', delay: this.o.backoffMs },
          removeOnComplete: { age: this.o.keepSeconds },
          removeOnFail: { age: this.o.keepSeconds },
        });
      }
    } catch (e) {
      this.fail((e as Error).message);
      throw this.lost!;
    }
    const queuedAt = performance.now();
    return new Promise<JobOutcome>((resolve, reject) => {
      this.waiting.set(job.id, { job, resolve, reject, calledAt, queuedAt });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer || this.closed || this.waiting.size === 0) return;
    this.timer = setTimeout(() => {
      this.poll().finally(() => {
        this.timer = undefined;
        this.schedule();
      });
    }, this.o.pollMs);
  }

  private async poll(): Promise<void> {
    const ids = [...this.waiting.keys()];
    try {
      await Promise.all(ids.map((id) => this.check(id)));
      this.silentSince = 0;
    } catch (e) {
      if (this.silentSince === 0) this.silentSince = Date.now();
      if (Date.now() - this.silentSince > this.o.lostAfterMs) this.fail((e as Error).message);
    }
  }

  private async check(id: string): Promise<void> {
    const w = this.waiting.get(id);
    if (!w) return;
    // the state first: a job read before its state says finished may lack its return value
    const state = await this.queue.getJobState(id);
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return;
    const bj = state === 'unknown' ? undefined : await BullJob.fromId(this.queue, id);
    if (this.waiting.get(id) !== w) return; // an event and the poll both found it
    if (!bj) {
      // removed by hand (e.g. `obliterate`): enqueue again
      this.waiting.delete(id);
      this.execute(w.job).then(w.resolve, w.reject);
      return;
    }
    if (state === 'completed') {
      const read = performance.now();
      const reply = bj.returnvalue as QueueReply;
      let stored: Buffer | null | undefined;
      if (reply?.outcome === undefined && reply?.resultKey === resultKey(this.queue.name, id)) {
        stored = await this.redis.getBuffer(reply.resultKey);
        if (this.waiting.get(id) !== w) return;
        if (!stored) {
          // its result is gone (deleted by hand): run it again
          this.waiting.delete(id);
          await bj.remove();
          this.execute(w.job).then(w.resolve, w.reject);
          return;
        }
      }
      this.waiting.delete(id);
      let text: string | undefined;
      let shared: Awaited<ReturnType<SharedFileCache['resolve']>>;
      try {
        text = stored ? inflateRawSync(stored).toString('utf8') : reply.outcome;
        if (typeof text !== 'string') throw new Error('the worker sent no result');
        shared = await this.sharedFiles.resolve(
          decodeResult<JobOutcome>(text),
          this.redis,
          this.queue.name,
        );
      } catch (e) {
        w.reject(
          new Error(`the result of '${w.job.label}' could not be read: ${(e as Error).message}`),
        );
        return;
      }
      if (!shared) {
        // a file it names by hash is gone from Redis (expired or deleted): run it again
        bj.remove()
          .then(() => this.execute(w.job))
          .then(w.resolve, w.reject);
        return;
      }
      try {
        this.computedBy.set(id, reply.worker);
        const bytes = (stored?.length ?? text.length) + shared.fetchedBytes;
        this.trace(w, bj, shared.outcome, text.length, bytes, read, shared);
        w.resolve(shared.outcome);
      } catch (e) {
        w.reject(
          new Error(`the result of '${w.job.label}' could not be read: ${(e as Error).message}`),
        );
      }
    } else if (state === 'failed') {
      this.waiting.delete(id);
      const tries = bj.attemptsMade;
      w.reject(
        new Error(
          `${bj.failedReason || 'failed'} (on the queue, after ${tries} tr${tries === 1 ? 'y' : 'ies'})`,
        ),
      );
    }
  }

  private trace(
    w: Waiting,
    bj: BullJob,
    outcome: JobOutcome,
    chars: number,
    bytes: number,
    read: number,
    shared: { shared: number; fetchedBytes: number },
  ) {
    const now = performance.now();
    // BullMQ's timestamps are Date.now() epoch ms. performance.timeOrigin + t drifts from the wall
    // clock in a long-lived process (150 ms was seen in a test), so the offset is taken now
    const offset = Date.now() - now;
    const epoch = (t: number) => t + offset;
    const jobMs = 1000 * outcome.seconds;
    const processedOn = bj.processedOn ?? bj.timestamp;
    const finishedOn = bj.finishedOn ?? processedOn;
    this.traces.push({
      id: w.job.id,
      label: w.job.label,
      enqueueMs: w.queuedAt - w.calledAt,
      pickupMs: processedOn - Math.max(bj.timestamp, epoch(w.calledAt)),
      workerMs: finishedOn - processedOn - jobMs,
      jobMs,
      returnMs: epoch(read) - finishedOn,
      decodeMs: now - read,
      resultChars: chars,
      resultBytes: bytes,
      sharedFiles: shared.shared,
      sharedFetchedBytes: shared.fetchedBytes,
    });
  }

  /** Stops polling and disconnects; jobs still on the queue stay there for a rerun. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const closing = Promise.all([
      this.queue.close().catch(() => undefined),
      this.events?.queueEvents.close().catch(() => undefined),
    ]);
    await Promise.race([closing, new Promise((r) => setTimeout(r, 1000).unref())]);
    this.events?.redis.disconnect();
    this.redis.disconnect();
  }
}
