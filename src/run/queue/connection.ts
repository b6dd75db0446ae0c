/**
 * Connections to the Redis that carries a sweep's queue: the URL checked, a connection that
 * fails within seconds (not a hang) when Redis is unreachable or goes away, and the queue name
 * of an experiment. See docs/sweeps.md.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { TopolensError, invalidOption } from '../../core/errors.js';

/** Queues of topolens sweeps are named `topolens-<first 16 digits of the experiment id>`. */
export const QUEUE_PREFIX = 'topolens-';

export function queueName(experimentId: string): string {
  return `${QUEUE_PREFIX}${experimentId.slice(0, 16)}`;
}

/** The Redis key of a job's result (its encoded outcome, deflated; written by the worker that
 * computed it, kept as long as the job): under the queue's own `bull:<queue>:` keys, so deleting
 * a sweep's keys deletes its results too. */
export function resultKey(queue: string, jobId: string): string {
  return `bull:${queue}:result:${jobId}`;
}

/** The Redis key of a file that units ship alike (the input layer's cloud), by the SHA-256 of its
 * bytes, deflated; written by the first worker that ships it, its expiry renewed by each later
 * one (sharedFiles.ts). */
export function fileKey(queue: string, sha256: string): string {
  return `bull:${queue}:file:${sha256}`;
}

/** Defaults: 3 s to connect; after a lost connection, about 5 s of reconnecting before giving up. */
export interface RedisConnectOptions {
  connectTimeoutMs?: number;
  /** How long to keep reconnecting after Redis went away before failing. */
  reconnectForMs?: number;
  /** BullMQ workers need this (blocking commands wait for jobs). */
  forWorker?: boolean;
}

export function checkQueueUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw invalidOption(
      `--queue must be a Redis URL, got '${url}'`,
      'give redis://host:port (or rediss:// for TLS), e.g. redis://10.0.0.5:6379',
    );
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    throw invalidOption(
      `--queue must be a redis:// or rediss:// URL, got '${url}'`,
      'give redis://host:port, e.g. redis://10.0.0.5:6379',
    );
  return u;
}

/** The URL without its password, for messages. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

export function unreachable(url: string, why: string): TopolensError {
  return new TopolensError(
    'missing-tool',
    `cannot reach Redis at ${safeUrl(url)}: ${why}`,
    'start redis-server on that machine (docs/sweeps.md, "Redis"), check the host, port and ' +
      'firewall, or run without --queue to use this machine only',
  );
}

/** A connected ioredis client, or a clear error within `connectTimeoutMs`. */
export async function connectRedis(url: string, o: RedisConnectOptions = {}): Promise<Redis> {
  checkQueueUrl(url);
  const connectTimeout = o.connectTimeoutMs ?? 3000;
  const reconnectFor = o.reconnectForMs ?? 5000;
  const started = { lost: 0 };
  const options: RedisOptions = {
    lazyConnect: true,
    connectTimeout,
    maxRetriesPerRequest: o.forWorker ? null : 1,
    enableOfflineQueue: !!o.forWorker,
    retryStrategy: () => {
      if (started.lost === 0) started.lost = Date.now();
      return Date.now() - started.lost > reconnectFor ? null : 500;
    },
  };
  const redis = new Redis(url, options);
  redis.on('ready', () => {
    started.lost = 0;
  });
  let lastError = '';
  redis.on('error', (e: Error) => {
    lastError = e.message;
  });
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) =>
        setTimeout(
          () => reject(new Error(`no answer within ${connectTimeout} ms`)),
          connectTimeout + 500,
        ).unref(),
      ),
    ]);
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    throw unreachable(url, lastError || (e as Error).message);
  }
  return redis;
}

/** The names of the topolens queues that exist on a Redis server (one per experiment). */
export async function listTopolensQueues(redis: Redis): Promise<string[]> {
  const names: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(
      cursor,
      'MATCH',
      `bull:${QUEUE_PREFIX}*:meta`,
      'COUNT',
      1000,
    );
    cursor = next;
    for (const k of keys) names.push(k.slice('bull:'.length, -':meta'.length));
  } while (cursor !== '0');
  return names;
}
