/**
 * A queue worker: takes jobs from the sweeps' queues on Redis (every `topolens-*` queue, found
 * again every few seconds, or one experiment's), validates each payload as a topolens job
 * (jobSchema.ts: data, never code; a payload that is not a job fails at once, without retries),
 * runs it on a worker pool (child processes; this thread keeps renewing the jobs' locks) and returns
 * its rows, encoded so typed arrays and non-finite numbers come back exactly. The encoded result
 * (rows and shipped files, megabytes for a unit) is deflated and stored under a key of its own
 * (`resultKey`); the job's BullMQ return value only names it, so the result is not copied into
 * the job's hash and BullMQ's event stream as well, nor escaped as JSON a second time. The input
 * layer's cloud, the same for every unit of a sweep, goes by content hash, stored once per sweep
 * (sharedFiles.ts). A worker killed
 * mid-job (even SIGKILL) stops renewing its lock; after `lockDurationMs` another worker's
 * stalled-job check puts the job back on the queue. See docs/sweeps.md.
 */
import { hostname } from 'node:os';
import { deflateRawSync } from 'node:zlib';
import { UnrecoverableError, Worker, type Job as BullJob } from 'bullmq';
import type { Redis } from 'ioredis';
import { TopolensError } from '../../core/errors.js';
import { WorkerPoolExecutor, type Executor } from '../executor.js';
import { encodeResult } from './codec.js';
import { connectRedis, listTopolensQueues, resultKey, safeUrl } from './connection.js';
import { parseQueuedJob } from './jobSchema.js';
import type { QueueReply } from './queueExecutor.js';
import { SHARE_FILES_FROM_BYTES, shareFiles } from './sharedFiles.js';

export interface QueueWorkerOptions {
  url: string;
  /** Jobs run at once on this machine (default 1; one pool worker each). */
  concurrency?: number;
  /** Only this queue (an experiment's); default: every topolens queue on the Redis. */
  queue?: string;
  /** A job's lock; a worker that stops renewing it (killed) loses the job after this long
   * (default 30000 ms). Also the interval of the stalled-job check. */
  lockDurationMs?: number;
  /** How often new queues are looked for (default 2000 ms). */
  discoverMs?: number;
  /** Called with one line per event (taken, done, failed, refused, queue found, lost Redis). */
  onEvent?: (line: string) => void;
  /** Runs jobs; default a pool of `concurrency` workers (child processes). */
  executor?: Executor;
  /** The input layer's cloud goes by content hash from this size (default 64 KiB). */
  shareFilesFromBytes?: number;
}

export interface QueueWorkerHandle {
  /** Finishes the jobs being run (or, with `force`, lets them go back to the queue), then stops. */
  close(force?: boolean): Promise<void>;
  /** Resolves when the worker stops: closed, or Redis lost (rejects with the reason). */
  readonly stopped: Promise<void>;
}

const workerName = () => `${hostname()}:${process.pid}`;

/** Results are kept this long when the job does not say (the coordinator's default). */
const KEEP_SECONDS = 7 * 24 * 3600;

/** Processes one BullMQ job: validate, run, encode; with `redis`, the input layer's cloud goes by
 * content hash from `shareFilesFromBytes` (sharedFiles.ts), the encoded result is stored deflated
 * under `resultKey`, and the reply names it. */
export async function processQueuedJob(
  bullJob: Pick<BullJob, 'id' | 'data' | 'queueName' | 'opts'>,
  executor: Executor,
  redis?: Redis,
  shareFilesFromBytes = SHARE_FILES_FROM_BYTES,
): Promise<QueueReply> {
  let job;
  try {
    job = parseQueuedJob(bullJob.data);
  } catch (e) {
    throw new UnrecoverableError((e as Error).message);
  }
  if (job.id !== bullJob.id)
    throw new UnrecoverableError(
      `refused a queued job whose id '${bullJob.id}' is not its content hash ${job.id}`,
    );
  try {
    const outcome = await executor.execute(job);
    if (!redis) return { outcome: encodeResult(outcome), worker: workerName() };
    const key = resultKey(bullJob.queueName, job.id);
    const keep = bullJob.opts?.removeOnComplete;
    const age = typeof keep === 'object' && 'age' in keep && keep.age ? keep.age : KEEP_SECONDS;
    const sent = await shareFiles(outcome, redis, bullJob.queueName, age, shareFilesFromBytes);
    const text = encodeResult(sent.outcome);
    await redis.set(key, deflateRawSync(Buffer.from(text), { level: 1 }), 'EX', age);
    return {
      resultKey: key,
      chars: text.length,
      ...(sent.shared > 0 ? { sharedFiles: sent.shared } : {}),
      worker: workerName(),
    };
  } catch (e) {
    // retried (up to the job's attempts): a file missing here may be found on another machine
    throw new Error(`${(e as Error)?.message ?? String(e)} (worker ${workerName()})`);
  }
}

export async function startQueueWorker(o: QueueWorkerOptions): Promise<QueueWorkerHandle> {
  const concurrency = o.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new TopolensError(
      'invalid-option',
      `--concurrency must be a positive integer, got ${concurrency}`,
    );
  const lockDuration = o.lockDurationMs ?? 30000;
  const say = o.onEvent ?? (() => undefined);
  const redis: Redis = await connectRedis(o.url, { forWorker: true, reconnectForMs: 10000 });
  const executor = o.executor ?? new WorkerPoolExecutor(concurrency);
  const workers = new Map<string, Worker>();
  let closing = false;
  let stop!: () => void;
  let lose!: (e: Error) => void;
  const stopped = new Promise<void>((res, rej) => {
    stop = res;
    lose = rej;
  });
  stopped.catch(() => undefined);

  const attach = (name: string) => {
    if (workers.has(name) || closing) return;
    const w = new Worker(
      name,
      (job) => processQueuedJob(job, executor, redis, o.shareFilesFromBytes),
      {
        connection: redis,
        concurrency,
        lockDuration,
        stalledInterval: lockDuration,
        maxStalledCount: 3,
        name: workerName(),
      },
    );
    w.on('active', (j) => say(`took ${j.data?.label ?? j.id}`));
    w.on('completed', (j) => say(`done ${j.data?.label ?? j.id}`));
    w.on('failed', (j, err) =>
      say(`failed ${j?.data?.label ?? j?.id}: ${err.message.split('\n')[0]}`),
    );
    w.on('error', () => undefined); // a lost connection is reported by the watchdog below
    workers.set(name, w);
    say(`serving queue ${name}`);
  };

  const discover = async () => {
    if (o.queue) return attach(o.queue);
    for (const name of await listTopolensQueues(redis)) attach(name);
  };
  await discover();
  const timer = setInterval(() => discover().catch(() => undefined), o.discoverMs ?? 2000);

  const close = async (force = false) => {
    if (closing && !force) return stopped;
    closing = true;
    clearInterval(timer);
    await Promise.all([...workers.values()].map((w) => w.close(force).catch(() => undefined)));
    await executor.close();
    redis.disconnect();
    stop();
  };
  redis.on('end', () => {
    // Redis went away while closing: BullMQ cannot finish closing without it, and there is
    // nothing left to hand back, so stop here (bounded by the reconnect time, not a hang)
    if (closing) return void executor.close().finally(stop);
    const err = new TopolensError(
      'missing-tool',
      `lost Redis at ${safeUrl(o.url)}; the jobs this worker was running go back to the queue once Redis is back`,
      'start Redis again and restart the worker (docs/sweeps.md, "Failures")',
    );
    say(err.message);
    closing = true;
    clearInterval(timer);
    for (const w of workers.values()) w.close(true).catch(() => undefined);
    executor.close().finally(() => lose(err));
  });
  return { close, stopped };
}
