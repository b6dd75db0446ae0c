/**
 * Runs jobs on queue workers on any number of machines, through BullMQ on Redis: each job is
 * enqueued with its content hash as BullMQ job id (an id is stored once, so a restarted
 * coordinator never enqueues the same work twice and picks up results that arrived while it was
 * down), tried `attempts` times with exponential backoff, and its rows come back as the job's
 * return value. The coordinator polls the jobs it waits for; when Redis stops answering for
 * `lostAfterMs`, every waiting job fails with a message that names the URL, and so does every
 * later one. See docs/sweeps.md.
 */
import { Job as BullJob, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { TopolensError } from '../../core/errors.js';
import type { Executor, JobOutcome } from '../executor.js';
import type { Job } from '../plan.js';
import { decodeResult } from './codec.js';
import { connectRedis, queueName, safeUrl } from './connection.js';

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
  /** How often the coordinator asks for finished jobs (default 100 ms). */
  pollMs?: number;
  /** Redis silent this long fails the waiting jobs (default 5000 ms). */
  lostAfterMs?: number;
  /** Finished jobs and their results are kept this long in Redis (default 7 days), so a
   * coordinator restarted within that time collects them without redoing them. */
  keepSeconds?: number;
}

/** What a queue worker returns for a job (the outcome, encoded by codec.ts). */
export interface QueueReply {
  outcome: string;
  worker: string;
}

interface Waiting {
  job: Job;
  resolve: (o: JobOutcome) => void;
  reject: (e: Error) => void;
}

export class QueueExecutor implements Executor {
  readonly concurrency: number;
  readonly queueName: string;
  /** Set when Redis went away; every later job fails with it. */
  lost?: TopolensError;
  /** Which worker computed each job (hostname:pid), for the run's record. */
  readonly computedBy = new Map<string, string>();
  private readonly waiting = new Map<string, Waiting>();
  private timer?: NodeJS.Timeout;
  private silentSince = 0;
  private closed = false;

  private constructor(
    private readonly redis: Redis,
    private readonly queue: Queue,
    private readonly o: Required<Omit<QueueExecutorOptions, 'experimentId'>>,
  ) {
    this.concurrency = o.concurrency;
    this.queueName = queue.name;
    redis.on('end', () => this.fail(`the connection ended`));
  }

  /** Connects (a clear error within seconds when Redis is unreachable) and opens the queue. */
  static async connect(options: QueueExecutorOptions): Promise<QueueExecutor> {
    const o = {
      url: options.url,
      attempts: options.attempts ?? 3,
      backoffMs: options.backoffMs ?? 1000,
      concurrency: options.concurrency ?? 256,
      pollMs: options.pollMs ?? 100,
      lostAfterMs: options.lostAfterMs ?? 5000,
      keepSeconds: options.keepSeconds ?? 7 * 24 * 3600,
    };
    const redis = await connectRedis(o.url, { reconnectForMs: o.lostAfterMs });
    const queue = new Queue(queueName(options.experimentId), { connection: redis });
    queue.on('error', () => undefined); // reported through the connection's watchdog
    return new QueueExecutor(redis, queue, o);
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
    return new Promise<JobOutcome>((resolve, reject) => {
      this.waiting.set(job.id, { job, resolve, reject });
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
    if (!bj) {
      // removed by hand (e.g. `obliterate`): enqueue again
      this.waiting.delete(id);
      this.execute(w.job).then(w.resolve, w.reject);
      return;
    }
    if (state === 'completed') {
      this.waiting.delete(id);
      try {
        const reply = bj.returnvalue as QueueReply;
        this.computedBy.set(id, reply.worker);
        w.resolve(decodeResult<JobOutcome>(reply.outcome));
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

  /** Stops polling and disconnects; jobs still on the queue stay there for a rerun. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const closing = this.queue.close().catch(() => undefined);
    await Promise.race([closing, new Promise((r) => setTimeout(r, 1000).unref())]);
    this.redis.disconnect();
  }
}
