/**
 * `topolens run experiment.yaml [--store results.duckdb] [--workers N] [--json]`: validates the
 * experiment file completely (schema, files, layer names) before the store is opened, then runs
 * its jobs on a worker pool, writing each result to the store as it arrives, with a progress
 * line (done / total, the current step, an ETA) and a final summary. A rerun skips what the
 * store lists as done (docs/experiments.md). Exit codes: 0 all done, 1 some jobs failed, 2 a bad
 * experiment file or option, 130 interrupted.
 */
import { resolve } from 'node:path';
import { invalidOption } from '../../core/errors.js';
import {
  createExecutor,
  SplitExecutor,
  WorkerPoolExecutor,
  type Executor,
} from '../../run/executor.js';
import { checkExperimentInputs, readExperimentFile } from '../../run/experimentFile.js';
import type { ResolvedExperiment } from '../../run/experimentSchema.js';
import { planExperiment } from '../../run/plan.js';
import { QueueExecutor } from '../../run/queue/queueExecutor.js';
import { networkUnits } from '../../run/units.js';
import { safeUrl } from '../../run/queue/connection.js';
import { runExperiment, type RunProgress, type RunSummary } from '../../run/runner.js';
import { openStore } from '../../run/store.js';
import { printJSON } from '../output.js';
import { progressBar } from '../progress.js';

/** Parses --workers: a non-negative integer (0: run in this process, no pool). */
export function parseWorkers(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isInteger(v) || v < 0) {
    throw invalidOption(
      `--workers must be a non-negative integer, got '${text}'`,
      'use 0 to run in this process, or the number of worker threads (default: all cores)',
    );
  }
  return v;
}

function seconds(s: number): string {
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s`;
}

/** One progress line: done / total, the step, the ETA. */
export function progressText(p: RunProgress): string {
  const eta =
    p.etaSeconds !== undefined && p.done < p.total ? `, ETA ${seconds(p.etaSeconds)}` : '';
  const failed = p.failed > 0 ? `, ${p.failed} failed` : '';
  return `${p.done}/${p.total} jobs${failed}${eta}: ${p.step}`;
}

/** The text summary printed at the end of a run. */
export function summaryText(s: RunSummary, storePath: string): string {
  const lines = [
    `experiment ${s.experimentId.slice(0, 12)}: ${s.completed} job(s) run, ${s.skipped} already done, ${s.failed.length} failed, in ${seconds(s.seconds)}${s.interrupted ? ' (interrupted: run it again to finish)' : ''}`,
    `results in ${storePath} (topolens query "select * from measures" --store ${storePath})`,
  ];
  for (const f of s.failed) lines.push(`  failed: ${f.label}: ${f.error.split('\n')[0]}`);
  return lines.join('\n');
}

export interface RunCommandOptions {
  store?: string;
  workers?: string;
  json?: boolean;
  /** Coordinator mode: jobs go to queue workers on this Redis (docs/sweeps.md). */
  queue?: string;
  /** Tries per job on the queue (default 3). */
  attempts?: string;
  /** Serve the live report of the run (true: any free port, or a port number as text). */
  serve?: boolean | string;
}

/** A live report served from the running process (`run --serve`), which alone may read the
 * store while the run writes it: DuckDB lets no other process open it meanwhile. */
export interface LiveReport {
  port: number;
  server?: { url: string; close(): Promise<void> };
}

/** Parses --serve: no value (any free port) or a port from 0 to 65535. */
export function parseServe(value: boolean | string | undefined): LiveReport | undefined {
  if (value === undefined || value === false) return undefined;
  const port = value === true ? 0 : Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw invalidOption(
      `--serve takes a port from 0 to 65535, got '${String(value)}'`,
      'give no value to use any free port',
    );
  return { port };
}

/** Runs a resolved, checked experiment against the store at `storePath`. On a terminal the
 * progress is one redrawn line; otherwise (a log) one line per finished or failed job, unless
 * `showProgress` is false. Ctrl-C (or SIGTERM) stops the run cleanly: the jobs finished so far
 * are kept, the run is recorded as interrupted; a second Ctrl-C exits at once. */
export async function runResolved(
  spec: ResolvedExperiment,
  storePath: string,
  executor: Executor,
  showProgress: boolean,
  runOptions: Record<string, unknown>,
  live?: LiveReport,
): Promise<RunSummary> {
  // on a queue, one job per network: workers need only the package and the data (docs/sweeps.md)
  const planned = planExperiment(spec, storePath);
  const plan = executor instanceof SplitExecutor ? networkUnits(planned) : planned;
  const store = await openStore(storePath);
  if (live) {
    const { serveReport } = await import('../../report/serve.js');
    try {
      live.server = await serveReport(storePath, { port: live.port });
    } catch (err) {
      await store.close();
      throw err;
    }
    process.stderr.write(`live report: ${live.server.url}\n`);
  }
  const bar = progressBar({ label: 'run', enabled: showProgress });
  const logLines = showProgress && !process.stderr.isTTY;
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(
      '\ntopolens: interrupting (the jobs finished so far are kept; Ctrl-C again to quit now)\n',
    );
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await runExperiment(plan, {
      store,
      executor,
      runOptions,
      signal: controller.signal,
      onProgress: (p) => {
        bar.update(p.total ? p.done / p.total : 1, progressText(p));
        if (logLines && /^(finished|failed) /.test(p.step))
          process.stderr.write(progressText(p) + '\n');
      },
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    bar.done();
    await executor.close();
    await store.close();
  }
}

export async function runCommand(file: string, o: RunCommandOptions): Promise<RunSummary> {
  const workers = parseWorkers(o.workers);
  const spec = readExperimentFile(file);
  const storePath = o.store ? resolve(o.store) : spec.store.path;
  await checkExperimentInputs(spec, file);
  const resolved = { ...spec, store: { path: storePath } };
  let executor: Executor;
  let queue: QueueExecutor | undefined;
  if (o.queue) {
    if (o.workers !== undefined)
      throw invalidOption(
        '--workers and --queue do not go together',
        'with --queue the jobs run on `topolens worker` processes (their --concurrency)',
      );
    const attempts = o.attempts === undefined ? 3 : Number(o.attempts);
    if (!Number.isInteger(attempts) || attempts < 1)
      throw invalidOption(`--attempts must be a positive integer, got '${o.attempts}'`);
    queue = await QueueExecutor.connect({
      url: o.queue,
      experimentId: planExperiment(resolved, storePath).experimentId,
      attempts,
    });
    // units go to the queue; the studies over several networks run here on one worker thread
    executor = new SplitExecutor(queue, new WorkerPoolExecutor(1), (j) => j.kind === 'network');
  } else executor = createExecutor(workers);
  const live = parseServe(o.serve);
  const summary = await runResolved(
    resolved,
    storePath,
    executor,
    !o.json,
    {
      file: resolve(file),
      store: storePath,
      ...(o.queue ? { queue: safeUrl(o.queue) } : { workers: workers ?? 'all cores' }),
    },
    live,
  );
  if (queue?.lost) {
    await live?.server?.close();
    throw queue.lost;
  }
  if (o.json) printJSON({ store: storePath, ...summary });
  else process.stderr.write(summaryText(summary, storePath) + '\n');
  if (summary.interrupted) process.exitCode = 130;
  else if (summary.failed.length > 0) process.exitCode = 1;
  if (live?.server && !summary.interrupted) {
    const server = live.server;
    process.stderr.write(`still serving the report at ${server.url} (Ctrl-C to stop)\n`);
    await new Promise<void>((done) => {
      const stop = () => void server.close().then(done);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  } else await live?.server?.close();
  return summary;
}
