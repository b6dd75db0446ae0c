/**
 * bench:sweep -- a Ricci-flow sweep of [B24]'s dense networks (trained and analysed at the
 * paper's per-network settings: 50 epochs of RMSprop, batch 32, 20% validation; k in
 * {30, 120, 300}; 2,000 test points for the synthetic set, the 1,000 a Fashion-MNIST pair has
 * in its test file) on blobs-in-shell and on sandal vs ankle boot, run three ways: a pool of 1
 * worker thread, a pool of 2 running one unit per network (units.ts; each unit includes the
 * network's part of the Ricci-flow study, the pooled step runs after the units), and the queue
 * (docs/sweeps.md; one unit per network, files shipped back, as `topolens run --queue` does) with
 * 2 `topolens worker` processes on a redis-server started here on a free loopback port (stopped
 * by its PID at the end). Printed per sweep: each network's training, capture and analysis (its
 * Ricci-flow part) time and the pooled step; the wall time and throughput of each way; the
 * coordinator's overhead per unit on the queue (from handing it to the queue to having its rows,
 * less the unit's own time where it ran; the queue's in-flight units limited to the worker count)
 * and where it goes (QueueTrace). Fewer networks than [B24]'s grid: 3 variants x depth 5 x 2
 * seeds (`--deep` adds depth 11); `--quick`: the earlier cut-down sizes; `--all-ways`: also a
 * pool of 2 on separate jobs; `--queue-only`: only the queue's run; `--ab-share`: the queue's run
 * again with workers that send every file inline (the overhead before files every unit ships
 * alike went by hash, in the same run); `synthetic` / `fashion`: one sweep; `pooled`: the pooled
 * step at 1,500 networks. The load average is printed.
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
import { QueueExecutor, type QueueTrace } from '../src/run/queue/queueExecutor.js';
import { ricciFlowPool, type RicciNetworkPart } from '../src/study/ricciFlowStudy.js';

const dir = mkdtempSync(join(tmpdir(), 'topolens-bench-sweep-'));
const load = () => loadavg()[0].toFixed(1);
const args = process.argv.slice(2);
/** `--quick`: the cut-down sizes of the earlier runs (jobs of 0.2-1.6 s), for a fast look. */
const QUICK = args.includes('--quick');
/** `--deep`: [B24]'s depth 11 as well as 5 (12 networks per sweep; a depth-11 network's
 * Ricci-flow part takes about five times a depth-5 one's). */
const DEEP = args.includes('--deep');
/** `--all-ways`: also a pool of 2 running the train, capture and study jobs separately. */
const ALL_WAYS = args.includes('--all-ways');
/** `--queue-only`: only the queue's run (its overhead and where it goes; no throughput ratios). */
const QUEUE_ONLY = args.includes('--queue-only');
/** `--ab-share`: the queue's run a second time, on a Redis of its own with 2 workers that send
 * every shipped file inline in the result (as before files went by content hash), for the
 * overhead per unit before and after in the same run. */
const AB_SHARE = args.includes('--ab-share');
const only = args.find((a) => !a.startsWith('--'));

/** [B24]'s training settings (METHODS.md section 8; docs/reproductions.md). */
const PAPER_TRAINING = {
  epochs: 50,
  batchSize: 32,
  learningRate: 0.001,
  optimizer: 'rmsprop',
  validationSplit: 0.2,
};
/** [B24]'s study settings: k in {30, 120, 300}, the 0.98 accuracy filter, the paper's
 * undirected graph and Forman curvature (999 resamples: the pooled bootstrap's time is
 * measured at the paper's 9,999 by `-- pooled`). */
const PAPER_STUDY = {
  study: 'ricci-flow',
  options: {
    ks: [30, 120, 300],
    accuracyThreshold: 0.98,
    graph: 'undirected',
    curvature: 'forman',
    bootstrap: { resamples: 999 },
  },
};
const PAPER_NETWORKS = {
  architecture: 'ricci',
  variant: ['wide', 'narrow', 'bottleneck'],
  depth: DEEP ? [5, 11] : 5,
  seed: [0, 1],
  training: PAPER_TRAINING,
};
const layers = { select: 'blocks', includeInput: true };
const sampling = { split: 'test' };
const QUICK_NETWORKS = {
  architecture: 'ricci',
  variant: ['wide', 'narrow'],
  depth: 5,
  seed: [0, 1, 2],
};
const QUICK_STUDY = {
  study: 'ricci-flow',
  options: { ks: [30, 120], accuracyThreshold: 0, bootstrap: { resamples: 199 } },
};
const SWEEPS = QUICK
  ? {
      synthetic: {
        name: 'bench sweep synthetic',
        data: { dataset: 'blobs-in-shell', size: 1000, testFraction: 0.5 },
        networks: [{ train: { ...QUICK_NETWORKS, training: { epochs: 20 } } }],
        layers: { includeInput: true },
        studies: [QUICK_STUDY],
      },
      fashion: {
        name: 'bench sweep fashion pair',
        data: { dataset: 'fashion-mnist', classes: [5, 9], size: 1000, testFraction: 0.5 },
        networks: [{ train: { ...QUICK_NETWORKS, training: { epochs: 5 } } }],
        layers: { includeInput: true },
        studies: [QUICK_STUDY],
      },
    }
  : {
      // [B24]: 2,000 test points, the kNN graphs' points
      synthetic: {
        name: 'bench sweep synthetic (paper settings)',
        data: { dataset: 'blobs-in-shell', size: 4000, noise: 0.05, testFraction: 0.5 },
        networks: [{ train: PAPER_NETWORKS }],
        layers,
        sampling,
        studies: [PAPER_STUDY],
      },
      // sandal vs ankle boot: all 2,000 images of the pair that experiments read (Fashion-MNIST's
      // test file), half of them the test set ([B24] trains on the 12,000 of the training file
      // and builds its graphs on these 2,000)
      fashion: {
        name: 'bench sweep fashion pair (paper settings)',
        data: { dataset: 'fashion-mnist', classes: [5, 9], size: 2000, testFraction: 0.5 },
        networks: [{ train: PAPER_NETWORKS }],
        layers,
        sampling,
        studies: [PAPER_STUDY],
      },
    };

/** Records, per job, the time from execute() to its rows less the job's own time, each
 * network's training, capture and Ricci-flow part, and the own time of the pooled study jobs
 * (the part of a sweep that runs once, on the coordinator). */
class Timed implements Executor {
  readonly overheads: number[] = [];
  readonly seconds: number[] = [];
  /** network name -> seconds of its train, capture and Ricci-flow part */
  readonly perNetwork = new Map<string, { train: number; capture: number; analysis: number }>();
  /** own seconds of the jobs that are neither a unit nor a per-network part */
  pooled = 0;
  /** own seconds of the per-network parts of split studies */
  parts = 0;
  constructor(private readonly inner: Executor) {}
  get concurrency() {
    return this.inner.concurrency;
  }
  private note(job: Job, seconds: number): void {
    const net = (name: string) => {
      let r = this.perNetwork.get(name);
      if (!r) this.perNetwork.set(name, (r = { train: 0, capture: 0, analysis: 0 }));
      return r;
    };
    if (job.kind === 'train') net(job.network.name).train += seconds;
    else if (job.kind === 'capture') net(job.network.name).capture += seconds;
    else if (job.kind.startsWith('study:') && 'split' in job) {
      if (job.split === 'network') {
        this.parts += seconds;
        net(job.inputs[0].network).analysis += seconds;
      } else this.pooled += seconds;
    }
  }
  async execute(job: Job): Promise<JobOutcome> {
    const t0 = performance.now();
    const o = await this.inner.execute(job);
    this.overheads.push((performance.now() - t0) / 1000 - o.seconds);
    this.seconds.push(o.seconds);
    if (job.kind === 'network')
      job.parts.forEach((p, i) => this.note(p, o.parts?.[i]?.seconds ?? 0));
    else this.note(job, o.seconds);
    return o;
  }
  close() {
    return this.inner.close();
  }
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? NaN
    : s.length % 2
      ? s[s.length >> 1]
      : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

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
  console.log(
    `bench:sweep${args.length ? ' ' + args.join(' ') : ''}, ${new Date().toISOString()}, ` +
      `load average ${load()}; ${QUICK ? 'cut-down sizes (--quick)' : "[B24]'s per-network settings"}`,
  );
  if (only === 'pooled') return pooledAtPaperSize();
  const started: { redis: ChildProcess; workers: ChildProcess[] }[] = [];
  /** A redis-server on a free loopback port and 2 queue workers on it: `topolens worker`, or
   * (`inlineFrom`) bench/sweepWorker.ts sending files inline below that many bytes. */
  const startQueue = async (inlineFrom?: string): Promise<string> => {
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const redis = spawn(
      '/usr/bin/redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore', cwd: dir },
    );
    const workers: ChildProcess[] = [];
    started.push({ redis, workers });
    await new Promise((w) => setTimeout(w, 500));
    const worker = inlineFrom
      ? [resolve('bench/sweepWorker.ts'), url, inlineFrom]
      : [resolve('src/cli/main.ts'), 'worker', '--queue', url];
    for (let i = 0; i < 2; i++)
      workers.push(spawn(process.execPath, ['--import', 'tsx', ...worker], { stdio: 'ignore' }));
    return url;
  };
  try {
    const url = await startQueue();
    const inlineUrl = AB_SHARE ? await startQueue('Infinity') : undefined;
    // `npm run bench:sweep -- synthetic` (or fashion) runs one sweep only (`-- pooled`: above)
    for (const [key, sweep] of Object.entries(SWEEPS)) {
      if (only && key !== only) continue;
      if (key === 'fashion' && !existsSync('/usr/share/datasets/fashion-mnist')) {
        console.log('fashion: skipped (install dataset-fashion-mnist)');
        continue;
      }
      const pool1 = new Timed(new WorkerPoolExecutor(1));
      const one = QUEUE_ONLY ? undefined : await run(`${key}-pool1`, sweep, pool1);
      let nets = 0;
      let others: [string, RunSummary][] = [];
      if (one) {
        nets = one.timings.train?.jobs ?? 0;
        console.log(
          `${key}: ${nets} networks, one pool worker (load ${load()}); per network, seconds:`,
        );
        console.log('  network                     training  capture  analysis (Ricci-flow part)');
        for (const [name, t] of pool1.perNetwork)
          console.log(
            `  ${name.padEnd(28)}${t.train.toFixed(2).padStart(8)}${t.capture.toFixed(2).padStart(9)}${t.analysis.toFixed(2).padStart(10)}`,
          );
        const per = (k: string) => ((one.timings[k]?.seconds ?? 0) / nets).toFixed(2);
        console.log(
          `${key}: mean per network: training ${per('train')} s, capture ${per('capture')} s, ` +
            `analysis (Ricci flow, the network's part) ${(pool1.parts / nets).toFixed(2)} s; ` +
            `the pooled step over all networks ${pool1.pooled.toFixed(2)} s`,
        );
        const two = ALL_WAYS
          ? await run(`${key}-pool2`, sweep, new WorkerPoolExecutor(2))
          : undefined;
        const twoUnits = await run(`${key}-pool2-units`, sweep, new WorkerPoolExecutor(2), {
          ship: false,
        });
        others = [
          ['1 pool worker', one],
          ...(two ? [['2 pool workers', two] as [string, RunSummary]] : []),
          ['2 pool workers in units', twoUnits],
        ];
      }
      const queuePass = async (queueUrl: string, tag: string) => {
        const plan = planExperiment(
          resolveExperiment(sweep, 'bench.yaml'),
          join(dir, `${key}-queue${tag}.duckdb`),
        );
        const queueExecutor = await QueueExecutor.connect({
          url: queueUrl,
          experimentId: plan.experimentId,
          concurrency: 2,
        });
        const queue = new Timed(queueExecutor);
        // as `topolens run --queue`: units on the queue, the pooled studies here
        const local = new Timed(new WorkerPoolExecutor(1));
        const split = new SplitExecutor(queue, local, (j) => j.kind === 'network');
        const q = await run(`${key}-queue${tag}`, sweep, split, { ship: true });
        return { q, queue, queueExecutor, local };
      };
      const { q, queue, queueExecutor, local } = await queuePass(url, '');
      const inline = inlineUrl ? await queuePass(inlineUrl, '-inline') : undefined;
      if (!one) nets = q.timings.train?.jobs ?? 0;
      const ways: [string, RunSummary][] = [
        ...others,
        ['2 queue workers in units', q],
        ...(inline ? [['2 queue workers, files inline', inline.q] as [string, RunSummary]] : []),
      ];
      const base = one ?? q;
      console.log(
        `${key}: wall ` +
          ways
            .map(
              ([w, s]) =>
                `${w} ${s.seconds.toFixed(1)} s (${(base.seconds / s.seconds).toFixed(2)}x)`,
            )
            .join(', ') +
          `; networks/hour ${ways.map(([, s]) => ((3600 * nets) / s.seconds).toFixed(0)).join(', ')}; ` +
          `store writes on the coordinator ${ways.map(([, s]) => s.storeSeconds.toFixed(1)).join(', ')} s (load ${load()})`,
      );
      const ms = (x: number) => `${(1000 * x).toFixed(0)} ms`;
      const overhead = (
        label: string,
        p: { q: RunSummary; queue: Timed; queueExecutor: QueueExecutor },
      ) => {
        const meanJob = mean(p.queue.seconds);
        console.log(
          `${label}: queue overhead per unit (one per network): mean ${ms(mean(p.queue.overheads))}, median ${ms(median(p.queue.overheads))} ` +
            `(the first unit on each worker process includes starting its pool worker) against a mean unit of ${ms(meanJob)} = ` +
            `${((100 * mean(p.queue.overheads)) / meanJob).toFixed(1)}% (median ${((100 * median(p.queue.overheads)) / meanJob).toFixed(1)}%); ` +
            `failed ${p.q.failed.length}`,
        );
        const tr = p.queueExecutor.traces.filter((t) => t.label.startsWith('network '));
        const part = (f: (t: QueueTrace) => number) => median(tr.map(f)).toFixed(0);
        const shared = tr.reduce((a, t) => a + t.sharedFiles, 0);
        const fetched = tr.reduce((a, t) => a + t.sharedFetchedBytes, 0);
        console.log(
          `${label}: where it goes, median ms per unit: enqueue ${part((t) => t.enqueueMs)}, waiting for a worker ` +
            `${part((t) => t.pickupMs)} (includes waiting behind the other unit when both workers are busy), ` +
            `on the worker besides the job ${part((t) => t.workerMs)}, back to the coordinator ${part((t) => t.returnMs)}, ` +
            `decoding ${part((t) => t.decodeMs)}; result ${(median(tr.map((t) => t.resultChars)) / 1e6).toFixed(2)} MB of text, ` +
            `${(median(tr.map((t) => t.resultBytes)) / 1e6).toFixed(2)} MB in Redis; ` +
            `${shared} files by hash in ${tr.length} units, fetched ${(fetched / 1e6).toFixed(2)} MB in all`,
        );
      };
      overhead(key, { q, queue, queueExecutor });
      if (inline) overhead(`${key} (files inline, as before)`, inline);
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
    // the workers first, while Redis is there for them to close against (bounded: SIGKILL after
    // 10 s), then Redis
    await Promise.all(
      started.flatMap(({ workers }) =>
        workers.map(
          (w) =>
            new Promise<void>((res) => {
              if (w.exitCode !== null || w.signalCode !== null) return res();
              const t = setTimeout(() => w.kill('SIGKILL'), 10_000);
              w.once('exit', () => {
                clearTimeout(t);
                res();
              });
              w.kill('SIGTERM');
            }),
        ),
      ),
    );
    for (const { redis } of started) if (redis.pid) process.kill(redis.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
