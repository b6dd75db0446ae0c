/**
 * `topolens worker --queue redis://host:port [--concurrency N] [--experiment file|id]
 * [--lock-duration ms]`: takes sweep jobs from the queue until SIGINT/SIGTERM (the first signal
 * finishes the running jobs, a second lets them go back to the queue).
 * `topolens status --queue redis://... [--experiment file|id] [--json]`: waiting, active,
 * completed and failed jobs per sweep, and the workers seen. See docs/sweeps.md.
 */
import { existsSync } from 'node:fs';
import { Queue } from 'bullmq';
import { invalidOption } from '../../core/errors.js';
import { readExperimentFile } from '../../run/experimentFile.js';
import { planExperiment } from '../../run/plan.js';
import { connectRedis, listTopolensQueues, queueName } from '../../run/queue/connection.js';
import { startQueueWorker } from '../../run/queue/queueWorker.js';
import { printJSON } from '../output.js';

function positiveInt(text: string | undefined, flag: string, dflt: number): number {
  if (text === undefined) return dflt;
  const v = Number(text);
  if (!Number.isInteger(v) || v < 1)
    throw invalidOption(`${flag} must be a positive integer, got '${text}'`);
  return v;
}

/** The queue of an experiment named by its file or its id (or id prefix of 16+ digits). */
export function experimentQueue(ref: string): string {
  if (existsSync(ref)) {
    const spec = readExperimentFile(ref);
    return queueName(planExperiment(spec, spec.store.path).experimentId);
  }
  if (/^[0-9a-f]{16,64}$/.test(ref)) return queueName(ref);
  throw invalidOption(
    `--experiment must be an experiment file or an experiment id, got '${ref}'`,
    'give the .yaml file the coordinator runs, or the id `topolens run` prints',
  );
}

/** The `worker` command's options as commander parses them. */
export interface WorkerOpts {
  queue: string;
  concurrency?: string;
  experiment?: string;
  lockDuration?: string;
}

export async function workerCommand(o: WorkerOpts): Promise<void> {
  const handle = await startQueueWorker({
    url: o.queue,
    concurrency: positiveInt(o.concurrency, '--concurrency', 1),
    lockDurationMs: positiveInt(o.lockDuration, '--lock-duration', 30000),
    ...(o.experiment ? { queue: experimentQueue(o.experiment) } : {}),
    onEvent: (line) => process.stderr.write(`worker: ${line}\n`),
  });
  let signals = 0;
  const onSignal = () => {
    signals++;
    process.stderr.write(
      signals === 1
        ? 'worker: stopping after the running jobs (signal again to hand them back now)\n'
        : 'worker: handing the running jobs back to the queue\n',
    );
    handle.close(signals > 1).catch(() => undefined);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await handle.stopped;
}

export interface QueueStatus {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
  workers: string[];
}

export async function queueStatus(url: string, only?: string): Promise<QueueStatus[]> {
  const redis = await connectRedis(url);
  try {
    const names = only ? [only] : await listTopolensQueues(redis);
    const out: QueueStatus[] = [];
    for (const name of names.sort()) {
      const q = new Queue(name, { connection: redis });
      const c = await q.getJobCounts(
        'waiting',
        'prioritized',
        'active',
        'delayed',
        'completed',
        'failed',
      );
      const workers = await q.getWorkers();
      out.push({
        queue: name,
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        completed: c.completed ?? 0,
        failed: c.failed ?? 0,
        workers: workers
          .map((w) => {
            const raw = String(w.rawname ?? '');
            const at = raw.indexOf(':w:');
            return at >= 0 ? raw.slice(at + 3) : String(w.addr);
          })
          .sort(),
      });
      await q.close().catch(() => undefined);
    }
    return out;
  } finally {
    redis.disconnect();
  }
}

/** The `status` command's action; its options: ../specs/queue.ts. */
export async function statusCommand(opts: {
  queue: string;
  experiment?: string;
  json?: boolean;
}): Promise<void> {
  const rows = await queueStatus(
    opts.queue,
    opts.experiment ? experimentQueue(opts.experiment) : undefined,
  );
  if (opts.json) return printJSON(rows);
  if (rows.length === 0) process.stdout.write('no topolens sweeps on this Redis\n');
  for (const r of rows)
    process.stdout.write(
      `${r.queue}: ${r.waiting} waiting, ${r.active} active, ${r.delayed} to retry, ` +
        `${r.completed} done, ${r.failed} failed; workers: ${r.workers.join(', ') || 'none'}\n`,
    );
}
