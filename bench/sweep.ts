/**
 * bench:sweep -- a Ricci-flow sweep ([B24]'s dense networks, trained and analysed) on a
 * synthetic set and on a Fashion-MNIST pair, run four ways: a pool of 1 worker thread, a pool
 * of 2 (separate train, capture and study jobs), a pool of 2 running one unit per network
 * (units.ts; each unit includes the network's part of the Ricci-flow study, the pooled step
 * runs after the units), and the queue (docs/sweeps.md; one unit per network, files shipped
 * back, as `topolens run --queue` does) with 2 `topolens worker` processes on a redis-server
 * started here on a free loopback port (stopped by its PID at the end). Printed per sweep: the
 * time per network split into training, capture and analysis (the network's Ricci-flow part),
 * and the pooled step; the wall time and throughput of
 * each way; and the coordinator's overhead per job on the queue: for each job, the time from
 * handing it to the queue to having its rows, less the job's own time where it ran (measured
 * with the queue's in-flight jobs limited to the worker count, so no job waits for a worker).
 * Sizes are cut down from [B24]'s (see docs/benchmarks.md); the load average is printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveExperiment } from '../src/run/experimentSchema.js';
import { planExperiment, type Job } from '../src/run/plan.js';
import { networkUnits } from '../src/run/units.js';
import { runExperiment, type RunSummary } from '../src/run/runner.js';
import {
  SplitExecutor,
  WorkerPoolExecutor,
  type Executor,
  type JobOutcome,
} from '../src/run/executor.js';
import { openStore } from '../src/run/store.js';
import { QueueExecutor } from '../src/run/queue/queueExecutor.js';
import { ricciFlowPool, type RicciNetworkPart } from '../src/study/ricciFlowStudy.js';

const dir = mkdtempSync(join(tmpdir(), 'topolens-bench-sweep-'));
const load = () => loadavg()[0].toFixed(1);
const NETWORKS = { architecture: 'ricci', variant: ['wide', 'narrow'], depth: 5, seed: [0, 1, 2] };
const SWEEPS = {
  synthetic: {
    name: 'bench sweep synthetic',
    data: { dataset: 'blobs-in-shell', size: 1000, testFraction: 0.5 },
    networks: [{ train: { ...NETWORKS, training: { epochs: 20 } } }],
    layers: { includeInput: true },
    studies: [
      {
        study: 'ricci-flow',
        options: { ks: [30, 120], accuracyThreshold: 0, bootstrap: { resamples: 199 } },
      },
    ],
  },
  fashion: {
    name: 'bench sweep fashion pair',
    data: { dataset: 'fashion-mnist', classes: [5, 9], size: 1000, testFraction: 0.5 },
    networks: [{ train: { ...NETWORKS, training: { epochs: 5 } } }],
    layers: { includeInput: true },
    studies: [
      {
        study: 'ricci-flow',
        options: { ks: [30, 120], accuracyThreshold: 0, bootstrap: { resamples: 199 } },
      },
    ],
  },
};

/** Records, per job, the time from execute() to its rows less the job's own time, and the own
 * time of the pooled study jobs (the part of a sweep that runs once, on the coordinator). */
class Timed implements Executor {
  readonly overheads: number[] = [];
  readonly seconds: number[] = [];
  /** own seconds of the jobs that are neither a unit nor a per-network part */
  pooled = 0;
  /** own seconds of the per-network parts of split studies run as jobs of their own */
  parts = 0;
  constructor(private readonly inner: Executor) {}
  get concurrency() {
    return this.inner.concurrency;
  }
  async execute(job: Job): Promise<JobOutcome> {
    const t0 = performance.now();
    const o = await this.inner.execute(job);
    this.overheads.push((performance.now() - t0) / 1000 - o.seconds);
    this.seconds.push(o.seconds);
    if (job.kind.startsWith('study:') && 'split' in job) {
      if (job.split === 'network') this.parts += o.seconds;
      else this.pooled += o.seconds;
    }
    return o;
  }
  close() {
    return this.inner.close();
  }
}

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

async function run(
  name: string,
  sweep: unknown,
  executor: Executor,
  units?: { ship: boolean },
): Promise<RunSummary> {
  const storePath = join(dir, `${name}.duckdb`);
  const planned = planExperiment(resolveExperiment(sweep, 'bench.yaml'), storePath);
  const plan = units ? networkUnits(planned, units) : planned;
  const store = await openStore(storePath);
  try {
    return await runExperiment(plan, { store, executor });
  } finally {
    await executor.close();
    await store.close();
  }
}

/**
 * `npm run bench:sweep -- pooled`: the pooled step of the Ricci-flow study at [B24]'s size, on
 * made-up parts (timing only; their values are random): 1,500 networks of 6 layers in 6
 * architectures, k in {30, 120, 300}, the default 9999 BCa resamples. About 3 minutes on one
 * thread of this machine; not part of the default run.
 */
function pooledAtPaperSize(): void {
  let state = 1;
  const rnd = () => (state = (state * 16807) % 2147483647) / 2147483647;
  const ks = [30, 120, 300];
  const parts: RicciNetworkPart[] = Array.from({ length: 1500 }, (_, i) => ({
    network: `n${i}`,
    accuracy: 0.97 + 0.03 * rnd(),
    architecture: `a${i % 6}`,
    points: 2000,
    results: ks.map((k) => ({
      k,
      network: {
        network: `n${i}`,
        accuracy: 0.99,
        rho: rnd() - 0.7,
        fisherZ: rnd() - 0.7,
        layers: Array.from({ length: 6 }, () => ({
          curvature: -rnd() * k,
          geodesicMass: 1 + rnd(),
          components: 1,
        })),
        eta: Array.from({ length: 5 }, () => rnd()),
        connected: true,
        included: rnd() > 0.3,
      },
    })),
  }));
  const t0 = performance.now();
  const r = ricciFlowPool(parts, { ks, accuracyThreshold: 0.98 });
  console.log(
    `pooled step at [B24]'s size (1,500 networks, 6 layers, 3 k, ${r.results[0].pooled.n} pooled pairs ` +
      `at k=30, 6 architectures, 9999 BCa resamples): ${((performance.now() - t0) / 1000).toFixed(1)} s ` +
      `on one thread (load ${load()})`,
  );
}

async function main(): Promise<void> {
  console.log(`bench:sweep, ${new Date().toISOString()}, load average ${load()}`);
  if (process.argv[2] === 'pooled') return pooledAtPaperSize();
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const redis = spawn(
    '/usr/bin/redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ],
    { stdio: 'ignore' },
  );
  const workers: ChildProcess[] = [];
  try {
    await new Promise((w) => setTimeout(w, 500));
    for (let i = 0; i < 2; i++)
      workers.push(
        spawn(
          process.execPath,
          ['--import', 'tsx', resolve('src/cli/main.ts'), 'worker', '--queue', url],
          {
            stdio: 'ignore',
          },
        ),
      );
    // `npm run bench:sweep -- synthetic` (or fashion) runs one sweep only (`-- pooled`: above)
    const only = process.argv[2];
    for (const [key, sweep] of Object.entries(SWEEPS)) {
      if (only && key !== only) continue;
      if (key === 'fashion' && !existsSync('/usr/share/datasets/fashion-mnist')) {
        console.log('fashion: skipped (install dataset-fashion-mnist)');
        continue;
      }
      const pool1 = new Timed(new WorkerPoolExecutor(1));
      const one = await run(`${key}-pool1`, sweep, pool1);
      const nets = one.timings.train?.jobs ?? 0;
      const per = (k: string) => ((one.timings[k]?.seconds ?? 0) / nets).toFixed(2);
      console.log(
        `${key}: ${nets} networks; per network: training ${per('train')} s, capture ${per('capture')} s, ` +
          `analysis (Ricci flow, the network's part) ${(pool1.parts / nets).toFixed(2)} s; ` +
          `the pooled step over all networks ${pool1.pooled.toFixed(2)} s`,
      );
      const two = await run(`${key}-pool2`, sweep, new WorkerPoolExecutor(2));
      const twoUnits = await run(`${key}-pool2-units`, sweep, new WorkerPoolExecutor(2), {
        ship: false,
      });
      const plan = planExperiment(
        resolveExperiment(sweep, 'bench.yaml'),
        join(dir, `${key}-queue.duckdb`),
      );
      const queue = new Timed(
        await QueueExecutor.connect({ url, experimentId: plan.experimentId, concurrency: 2 }),
      );
      // as `topolens run --queue`: units on the queue, the pooled studies here
      const local = new Timed(new WorkerPoolExecutor(1));
      const split = new SplitExecutor(queue, local, (j) => j.kind === 'network');
      const q = await run(`${key}-queue`, sweep, split, { ship: true });
      const rate = (s: RunSummary) => ((3600 * s.completed) / s.seconds).toFixed(0);
      console.log(
        `${key}: wall 1 pool worker ${one.seconds.toFixed(1)} s, 2 pool workers ${two.seconds.toFixed(1)} s ` +
          `(${(one.seconds / two.seconds).toFixed(2)}x), 2 pool workers in units ${twoUnits.seconds.toFixed(1)} s ` +
          `(${(one.seconds / twoUnits.seconds).toFixed(2)}x), 2 queue workers in units ${q.seconds.toFixed(1)} s ` +
          `(${(one.seconds / q.seconds).toFixed(2)}x); networks/hour ${[one, two, twoUnits, q].map((s) => ((3600 * nets) / s.seconds).toFixed(0)).join(', ')}; ` +
          `jobs/hour ${rate(one)}, ${rate(two)}, ${rate(twoUnits)}, ${rate(q)} (load ${load()})`,
      );
      const mean = queue.overheads.reduce((a, b) => a + b, 0) / queue.overheads.length;
      const sorted = [...queue.overheads].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      const meanJob = queue.seconds.reduce((a, b) => a + b, 0) / queue.seconds.length;
      console.log(
        `${key}: queue overhead per unit (one per network): mean ${(1000 * mean).toFixed(0)} ms, median ${(1000 * median).toFixed(0)} ms ` +
          `(the first jobs include a worker finding the queue and starting its thread) against a mean job of ` +
          `${(1000 * meanJob).toFixed(0)} ms (a unit) = ${((100 * mean) / meanJob).toFixed(1)}% (median ` +
          `${((100 * median) / meanJob).toFixed(1)}%); failed ${q.failed.length}`,
      );
      // the units (train, capture, the network's Ricci-flow part) spread over the machines; the
      // pooled step runs once, on one thread of the coordinator, after the last unit; it is
      // scaled linearly with the number of networks (its correlations and bootstrap are over
      // all the networks' layers)
      const pooledQ = local.pooled;
      const unitsWall = Math.max(q.seconds - pooledQ, 0);
      const hours = (machines: number) => ((1500 / nets) * (unitsWall / machines + pooledQ)) / 3600;
      console.log(
        `${key}: pooled step on the coordinator ${pooledQ.toFixed(2)} s; projection for 1,500 networks ` +
          `at this size: ${hours(1).toFixed(1)} h on one such machine (2 queue workers), ` +
          `${hours(10).toFixed(2)} h on ten, of which the pooled step, on one thread, ` +
          `${(((1500 / nets) * pooledQ) / 3600).toFixed(3)} h`,
      );
    }
  } finally {
    for (const w of workers) if (w.pid) process.kill(w.pid, 'SIGTERM');
    if (redis.pid) process.kill(redis.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
