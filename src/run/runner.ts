/**
 * Runs a planned experiment: records the experiment and the run, skips every job whose hash the
 * store already lists as done, runs the rest on an executor as their dependencies finish, and
 * commits each job's rows together with its mark the moment it arrives (one transaction per
 * job; the jobs that finish while a commit runs are committed together in the next one). A
 * network unit (units.ts) is committed with each of its parts as its own job, in one
 * transaction, after the files it shipped are written beside the store. A job that fails is
 * recorded as failed with its message, the jobs that need it are recorded as failed too, and the
 * run goes on. Progress goes to a callback (done / total, the current step, an ETA). See
 * docs/experiments.md and docs/sweeps.md.
 */
import { randomUUID } from 'node:crypto';
import type { Executor } from './executor.js';
import { existsSync } from 'node:fs';
import { writeFolderAtomic } from './artifacts.js';
import { jobOutputFolders, type Job, type Plan } from './plan.js';
import type { ShippedFolder } from './runJob.js';
import type { JobRow, ResultStore } from './store.js';
import { TOPOLENS_VERSION } from './version.js';

export interface RunProgress {
  /** Jobs finished (done, failed or found already done) of `total`. */
  done: number;
  total: number;
  /** Jobs found done in the store before this run started. */
  skipped: number;
  failed: number;
  /** What just happened: 'started <label>' or 'finished <label>' or 'failed <label>'. */
  step: string;
  /** Labels of the jobs running now. */
  running: string[];
  /** Seconds left, estimated from the jobs finished in this run (undefined before the first). */
  etaSeconds?: number;
  elapsedSeconds: number;
}

export interface RunOptions {
  store: ResultStore;
  executor: Executor;
  onProgress?: (p: RunProgress) => void;
  /** Options recorded in the runs table (e.g. the command line's). */
  runOptions?: Record<string, unknown>;
  /**
   * Stops the run when aborted (Ctrl-C): no job is started after it, the jobs finished so far
   * are committed, the run is recorded as 'interrupted', and the results of jobs still running
   * are dropped (they are redone next time).
   */
  signal?: AbortSignal;
}

export interface FailedJob {
  label: string;
  kind: string;
  error: string;
}

export interface RunSummary {
  experimentId: string;
  runId: string;
  total: number;
  /** Found done in the store and not redone. */
  skipped: number;
  /** Run and committed in this run. */
  completed: number;
  failed: FailedJob[];
  seconds: number;
  /** True when the run was stopped through `signal` before every job ran. */
  interrupted: boolean;
  /** Summed running time of the jobs themselves (where they ran). */
  jobSeconds: number;
  /** Time spent writing to the store (the experiment, the run, each job's commit). */
  storeSeconds: number;
  /** Per job kind: how many ran and their own seconds. */
  timings: Record<string, { jobs: number; seconds: number }>;
}

const nowIso = () => new Date().toISOString();

/** Runs `plan`, writing to `options.store`; resolves when every job is done or failed. */
export async function runExperiment(plan: Plan, options: RunOptions): Promise<RunSummary> {
  const { store, executor } = options;
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const runId = randomUUID();
  const startedAt = nowIso();
  await store.putExperiment({
    id: plan.experimentId,
    name: plan.spec.name,
    spec: plan.spec,
    createdAt: startedAt,
  });
  const runRow = {
    id: runId,
    experimentId: plan.experimentId,
    options: options.runOptions ?? {},
    topolensVersion: TOPOLENS_VERSION,
    startedAt,
    workers: executor.concurrency,
  };
  await store.putRun({ ...runRow, status: 'running' });

  const already = await store.doneJobs(plan.experimentId);
  const jobs = new Map<string, Job>();
  for (const j of plan.jobs) if (!jobs.has(j.id)) jobs.set(j.id, j);
  const total = jobs.size;
  // a job the store lists as done counts as done only while the folder it left for the jobs
  // after it is there (models and clouds may be deleted to free space; they are then remade)
  const stillThere = (job: Job) => jobOutputFolders(job).every((f) => existsSync(f));
  // a unit whose parts were all committed as separate jobs (a run without units) is done too
  const isDone = (j: Job) =>
    already.has(j.id) || (j.kind === 'network' && j.parts.every((p) => already.has(p.id)));
  const finished = new Set<string>(
    [...jobs.values()].filter((j) => isDone(j) && stillThere(j)).map((j) => j.id),
  );
  const skipped = finished.size;
  const failedIds = new Set<string>();
  const failed: FailedJob[] = [];
  const running = new Map<string, string>();
  const timings: RunSummary['timings'] = {};
  let completed = 0;
  let jobSeconds = 0;
  let storeSeconds = 0;

  const progress = (step: string) => {
    if (!options.onProgress) return;
    const doneNow = finished.size + failedIds.size;
    const ranHere = completed + failed.length;
    const left = total - doneNow;
    const eta = ranHere > 0 ? (elapsed() / ranHere) * left : undefined;
    options.onProgress({
      done: doneNow,
      total,
      skipped,
      failed: failedIds.size,
      step,
      running: [...running.values()],
      ...(eta !== undefined ? { etaSeconds: eta } : {}),
      elapsedSeconds: elapsed(),
    });
  };

  // One writer: rows reach the store in the order jobs finished (a job always after the jobs it
  // needs). A job's slot is freed as soon as it returns, so the store writes overlap the next
  // jobs; the jobs that finish while a commit runs wait for it and then go in one transaction
  // (each is done only once that transaction is committed). A failed write fails the run when
  // the writer is awaited at the end.
  type Entry = { job: JobRow; rows: Parameters<ResultStore['commitJob']>[1] };
  let batch: Entry[] = [];
  let writer: Promise<void> | undefined;
  let writeError: unknown;
  let stopped = false;
  const write = async () => {
    while (batch.length > 0 && writeError === undefined) {
      const entries = batch;
      batch = [];
      const t = performance.now();
      try {
        await store.commitJobs(entries);
      } catch (e) {
        writeError = e;
      }
      storeSeconds += (performance.now() - t) / 1000;
    }
    writer = undefined;
  };
  const commitAll = (entries: Entry[]): void => {
    if (stopped) return; // a job that returns after an interruption is redone next time
    batch.push(...entries);
    writer ??= write();
  };
  const commit = (row: JobRow, rows: Entry['rows']): void => commitAll([{ job: row, rows }]);
  // a unit run on another machine sends its model and clouds back: they are beside the store
  // before the unit counts as finished (the studies over all networks read them)
  const writeShipped = (folders: ShippedFolder[] | undefined) => {
    for (const f of folders ?? [])
      writeFolderAtomic(
        f.dir,
        Object.fromEntries(
          Object.entries(f.files).map(([name, b64]) => [
            name,
            new Uint8Array(Buffer.from(b64, 'base64')),
          ]),
        ),
      );
  };

  const markFailed = (job: Job, message: string, seconds: number): void => {
    failedIds.add(job.id);
    failed.push({ label: job.label, kind: job.kind, error: message });
    commit(
      {
        id: job.id,
        experimentId: job.experimentId,
        kind: job.kind,
        label: job.label,
        seconds,
        finishedAt: nowIso(),
        status: 'failed',
        error: message,
      },
      {},
    );
  };

  progress(skipped > 0 ? `${skipped} of ${total} jobs already done` : 'starting');
  const pending = new Set([...jobs.keys()].filter((id) => !finished.has(id)));
  const inFlight = new Set<Promise<void>>();

  const launch = (job: Job) => {
    running.set(job.id, job.label);
    progress(`started ${job.label}`);
    const p = executor
      .execute(job)
      .then(
        (outcome) => {
          if (stopped) return;
          try {
            writeShipped(outcome.files);
          } catch (e) {
            running.delete(job.id);
            markFailed(job, `its files could not be written: ${(e as Error).message}`, 0);
            progress(`failed ${job.label}`);
            return;
          }
          const finishedAt = nowIso();
          const done = (id: string, kind: string, label: string, seconds: number) =>
            ({
              id,
              experimentId: job.experimentId,
              kind,
              label,
              seconds,
              finishedAt,
              status: 'done',
            }) satisfies JobRow;
          const parts = outcome.parts ?? [];
          commitAll([
            ...parts.map((p) => ({ job: done(p.id, p.kind, p.label, p.seconds), rows: p.rows })),
            { job: done(job.id, job.kind, job.label, outcome.seconds), rows: outcome.rows },
          ]);
          finished.add(job.id);
          completed++;
          jobSeconds += outcome.seconds;
          for (const p of parts.length > 0 ? parts : [{ kind: job.kind, ...outcome }]) {
            const t = (timings[p.kind] ??= { jobs: 0, seconds: 0 });
            t.jobs++;
            t.seconds += p.seconds;
          }
          running.delete(job.id);
          progress(`finished ${job.label}`);
        },
        (err: unknown) => {
          running.delete(job.id);
          markFailed(job, (err as Error)?.message ?? String(err), 0);
          progress(`failed ${job.label}`);
        },
      )
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const aborted = new Promise<void>((resolve) => {
    if (options.signal?.aborted) resolve();
    options.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  for (;;) {
    if (options.signal?.aborted) break;
    let progressed = false;
    for (const id of [...pending]) {
      const job = jobs.get(id)!;
      const bad = job.deps.find((d) => failedIds.has(d));
      if (bad) {
        pending.delete(id);
        markFailed(job, `not run: it needs '${jobs.get(bad)?.label ?? bad}', which failed`, 0);
        progress(`failed ${job.label}`);
        progressed = true;
        continue;
      }
      if (job.deps.every((d) => finished.has(d) || !jobs.has(d))) {
        if (inFlight.size >= executor.concurrency) break;
        pending.delete(id);
        launch(job);
        progressed = true;
      }
    }
    if (pending.size === 0 && inFlight.size === 0) break;
    if (!progressed || inFlight.size >= executor.concurrency) {
      if (inFlight.size === 0) break; // nothing can run: dependencies outside the plan
      await Promise.race([...inFlight, aborted]);
    }
  }
  const interrupted = options.signal?.aborted === true && (pending.size > 0 || inFlight.size > 0);
  stopped = interrupted;
  while (writer) await writer;
  if (writeError !== undefined) throw writeError;
  const summary: RunSummary = {
    experimentId: plan.experimentId,
    runId,
    total,
    skipped,
    completed,
    failed,
    seconds: elapsed(),
    interrupted,
    jobSeconds,
    storeSeconds,
    timings,
  };
  await store.putRun({
    ...runRow,
    status: interrupted ? 'interrupted' : failed.length > 0 ? 'failed' : 'done',
    finishedAt: nowIso(),
    timings: { seconds: summary.seconds, jobSeconds, byKind: timings },
    ...(failed.length > 0 ? { error: `${failed.length} job(s) failed` } : {}),
  });
  return summary;
}
