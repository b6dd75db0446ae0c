/**
 * Sweeps on BullMQ + Redis (docs/sweeps.md), against a real redis-server started on a free
 * loopback port and stopped by its PID: a sweep run by two worker processes, one SIGKILLed mid-job
 * and the coordinator SIGKILLed once and rerun, ends with every result in the store exactly once
 * and equal to an in-process run; a job that fails inside is recorded as failed after its tries
 * while the sweep completes; hostile payloads are refused; Redis stopped mid-sweep gives a clear
 * error within seconds and a consistent store; results come back bit for bit (codec).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { inflateRawSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { Job as BullJob, Queue } from 'bullmq';
import { readExperimentFile } from '../../src/run/experimentFile.js';
import { resolveExperiment } from '../../src/run/experimentSchema.js';
import { planExperiment } from '../../src/run/plan.js';
import { runExperiment } from '../../src/run/runner.js';
import { InProcessExecutor } from '../../src/run/executor.js';
import { openStore } from '../../src/run/store.js';
import { decodeResult, encodeResult } from '../../src/run/queue/codec.js';
import { connectRedis, resultKey } from '../../src/run/queue/connection.js';
import { parseQueuedJob } from '../../src/run/queue/jobSchema.js';
import { QueueExecutor } from '../../src/run/queue/queueExecutor.js';
import { startQueueWorker } from '../../src/run/queue/queueWorker.js';
import { dumpStore } from './storeDump.js';
import { freePort, haveRedis, startRedis, type RedisServer } from './redisServer.js';

const CLI = resolve('src/cli/main.ts');
const EXPERIMENT = `
name: queue sweep
data: {dataset: spirals, size: 160, noise: 0.05}
networks:
  - train: {width: 6, depth: 2, seed: [0, 1, 2, 3], training: {epochs: 3}}
layers: {includeInput: true}
studies:
  - study: layer-profile
    options: {perClass: 20, descriptors: [h0, twoNN]}
  - study: ricci-flow
    options: {ks: [6], accuracyThreshold: 0, bootstrap: {resamples: 0}}
`;

let dir = '';
const servers: RedisServer[] = [];
const children: ChildProcess[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'topolens-queue-'));
  writeFileSync(join(dir, 'sweep.yaml'), EXPERIMENT);
});
afterAll(() => {
  for (const c of children)
    if (c.pid && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const s of servers) s.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Proc {
  child: ChildProcess;
  out: string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

function cli(args: string[], onLine?: (line: string, p: Proc) => void): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const p: Proc = {
    child,
    out: '',
    exited: new Promise((res) => child.on('exit', (code, signal) => res({ code, signal }))),
  };
  let partial = '';
  const feed = (d: Buffer) => {
    p.out += d.toString();
    partial += d.toString();
    const lines = partial.split('\n');
    partial = lines.pop()!;
    for (const l of lines) onLine?.(l, p);
  };
  child.stdout!.on('data', feed);
  child.stderr!.on('data', feed);
  return p;
}

describe('codec', () => {
  it('gives back typed arrays, non-finite numbers, -0 and bigints exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.double()), fc.array(fc.float()), fc.bigInt(), (xs, fs, b) => {
        const v = {
          a: Float64Array.from(xs),
          f: Float32Array.from(fs),
          xs,
          b,
          n: { i: Int32Array.of(-1, 7) },
        };
        const back = decodeResult<typeof v>(encodeResult(v));
        expect(back.a).toBeInstanceOf(Float64Array);
        expect(back.f).toBeInstanceOf(Float32Array);
        expect(back.n.i).toBeInstanceOf(Int32Array);
        expect(Buffer.from(back.a.buffer).equals(Buffer.from(v.a.buffer))).toBe(true);
        expect(Buffer.from(back.f.buffer).equals(Buffer.from(v.f.buffer))).toBe(true);
        expect(back.xs.every((x, i) => Object.is(x, xs[i]))).toBe(true);
        expect(back.b).toBe(b);
        expect([...back.n.i]).toEqual([-1, 7]);
      }),
    );
  });
});

describe('queued job validation', () => {
  it('accepts every job of a real plan and refuses code, strange keys and foreign folders', () => {
    const spec = readExperimentFile(join(dir, 'sweep.yaml'));
    const plan = planExperiment(spec, join(dir, 'x.duckdb'));
    for (const j of plan.jobs) expect(parseQueuedJob(JSON.parse(JSON.stringify(j)))).toEqual(j);
    const train = JSON.parse(JSON.stringify(plan.jobs.find((j) => j.kind === 'train')));
    expect(() => parseQueuedJob({ ...train, code: 'process.exit(1)' })).toThrow(
      /refused.*unknown key 'code'/s,
    );
    expect(() => parseQueuedJob({ ...train, modelDir: '/etc' })).toThrow(/refused.*modelDir/s);
    expect(() => parseQueuedJob({ ...train, modelDir: `/tmp/x.models/${'0'.repeat(64)}` })).toThrow(
      /not named by its artifact hash/,
    );
    expect(() => parseQueuedJob('rm -rf /')).toThrow(/refused/);
    expect(() => parseQueuedJob({ ...train, kind: 'study:eval' })).toThrow(/refused/);
  });
});

describe.skipIf(!haveRedis && !process.env.CI)('sweeps on a real Redis', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis(dir);
    servers.push(redis);
  });

  it('two worker processes, one SIGKILLed mid-unit, the coordinator SIGKILLed once: the store equals an in-process run', async () => {
    const file = join(dir, 'sweep.yaml');
    const spec = readExperimentFile(file);
    const refPath = join(dir, 'ref.duckdb');
    const ref = await openStore(refPath);
    const refPlan = planExperiment(spec, refPath);
    await runExperiment(refPlan, { store: ref, executor: new InProcessExecutor() });
    const expected = await dumpStore(ref);
    await ref.close();

    const storePath = join(dir, 'queued.duckdb');
    const worker = ['worker', '--queue', redis.url, '--lock-duration', '1500'];
    let doneLines = 0;
    const took = new Map<Proc, number>();
    let killed: { proc: Proc; label: string } | undefined;
    // `run --queue` enqueues one unit per network (4 here): whichever worker first takes its
    // second unit is SIGKILLed while it runs it
    const watch = (l: string, p: Proc) => {
      if (/^worker: done /.test(l)) doneLines++;
      const m = /^worker: took (.*)$/.exec(l);
      if (!m || killed) return;
      took.set(p, (took.get(p) ?? 0) + 1);
      if (took.get(p) === 2) {
        killed = { proc: p, label: m[1] };
        p.child.kill('SIGKILL');
      }
    };
    const workers = [cli(worker, watch), cli(worker, watch)];
    const run = ['run', file, '--store', storePath, '--queue', redis.url, '--json'];
    const first = cli(run);
    const killer = setInterval(() => {
      if (doneLines >= 2) {
        clearInterval(killer);
        first.child.kill('SIGKILL');
      }
    }, 20);
    const r1 = await first.exited;
    clearInterval(killer);
    expect(r1.signal).toBe('SIGKILL');
    const r2 = await cli(run).exited;
    expect(r2.code).toBe(0);
    // the job the killed worker held was done by the other one
    expect(killed).toBeDefined();
    const survivor = workers.find((w) => w !== killed!.proc)!;
    expect((await killed!.proc.exited).signal).toBe('SIGKILL');
    expect(survivor.out).toContain(`worker: done ${killed!.label}`);
    survivor.child.kill('SIGTERM');
    expect((await survivor.exited).code).toBe(0);

    const store = await openStore(storePath);
    try {
      const got = await dumpStore(store);
      const units = (got.doneJobs as string[]).filter((j) => j.startsWith('network '));
      expect(units).toHaveLength(4);
      expect({
        ...got,
        doneJobs: (got.doneJobs as string[]).filter((j) => !units.includes(j)),
      }).toEqual(expected);
      const jobs = await store.query(
        `select id, count(*)::int as n, min(status) as s from jobs group by id`,
      );
      // every job of the plan, each committed once as a part of its network's unit, and the units
      expect(jobs).toHaveLength(refPlan.jobs.length + 4);
      expect(jobs.every((j) => j.n === 1 && j.s === 'done')).toBe(true);
    } finally {
      await store.close();
    }
  }, 150_000);

  it('a job failing inside is recorded as failed after its tries and the sweep goes on', async () => {
    const spec = resolveExperiment({
      name: 'failing sweep',
      data: { dataset: 'spirals', size: 120 },
      networks: [
        { train: { width: 4, depth: 1, training: { epochs: 1 } } },
        { train: { architecture: 'vgg', width: 4, depth: 1 } },
      ],
      studies: [{ study: 'layer-profile', options: { perClass: 10, descriptors: ['h0'] } }],
    });
    const storePath = join(dir, 'failing.duckdb');
    const plan = planExperiment(spec, storePath);
    const store = await openStore(storePath);
    const executor = await QueueExecutor.connect({
      url: redis.url,
      experimentId: plan.experimentId,
      attempts: 2,
      backoffMs: 50,
      pollMs: 50,
    });
    const worker = await startQueueWorker({ url: redis.url, executor: new InProcessExecutor() });
    try {
      const summary = await runExperiment(plan, { store, executor });
      const vgg = plan.jobs.find((j) => j.kind === 'train' && j.label.includes('vgg'))!;
      const bad = summary.failed.find((f) => f.label === vgg.label);
      expect(bad?.error).toMatch(/after 2 tries/);
      expect(summary.completed).toBe(plan.jobs.filter((j) => !j.label.includes('vgg')).length);
      const bull = await BullJob.fromId(
        new Queue(executor.queueName, {
          connection: { host: '127.0.0.1', port: Number(new URL(redis.url).port) },
        }),
        vgg.id,
      );
      expect(bull?.attemptsMade).toBe(2);
    } finally {
      await worker.close();
      await executor.close();
      await store.close();
    }
  }, 60_000);

  it('a result travels deflated under its own key; one deleted by hand is computed again', async () => {
    const spec = resolveExperiment({
      name: 'result keys',
      data: { dataset: 'spirals', size: 80 },
      networks: [{ train: { width: 4, depth: 1, training: { epochs: 1 } } }],
      studies: [{ study: 'layer-profile', options: { perClass: 10, descriptors: ['h0'] } }],
    });
    const storePath = join(dir, 'keys.duckdb');
    const plan = planExperiment(spec, storePath);
    const train = plan.jobs.find((j) => j.kind === 'train')!;
    const ran: string[] = [];
    const worker = await startQueueWorker({
      url: redis.url,
      executor: new InProcessExecutor(),
      onEvent: (l) => ran.push(l),
    });
    const client = await connectRedis(redis.url);
    let executor = await QueueExecutor.connect({ url: redis.url, experimentId: plan.experimentId });
    try {
      const first = await executor.execute(train);
      expect(first.rows.networks).toHaveLength(1);
      // the job's return value names the key; the key holds the deflated encoded outcome
      const bj = await BullJob.fromId(
        new Queue(executor.queueName, { connection: client }),
        train.id,
      );
      const reply = bj!.returnvalue as { outcome?: string; resultKey?: string; chars?: number };
      expect(reply.outcome).toBeUndefined();
      expect(reply.resultKey).toBe(resultKey(executor.queueName, train.id));
      const stored = await client.getBuffer(reply.resultKey!);
      const text = inflateRawSync(stored!).toString('utf8');
      expect(text.length).toBe(reply.chars);
      expect(decodeResult(text)).toEqual(first);
      expect(await client.ttl(reply.resultKey!)).toBeGreaterThan(6 * 24 * 3600);
      // where the time went, for bench:sweep
      expect(executor.traces).toHaveLength(1);
      const t = executor.traces[0];
      expect(t.id).toBe(train.id);
      expect(t.resultBytes).toBe(stored!.length);
      for (const ms of [t.enqueueMs, t.pickupMs, t.returnMs, t.decodeMs]) {
        expect(Number.isFinite(ms)).toBe(true);
        expect(ms).toBeGreaterThan(-50); // BullMQ's timestamps are whole ms
      }
      // a coordinator started again finds the finished job and its result: no second run
      await executor.close();
      executor = await QueueExecutor.connect({ url: redis.url, experimentId: plan.experimentId });
      expect((await executor.execute(train)).rows).toEqual(first.rows);
      expect(ran.filter((l) => l.startsWith('done ')).length).toBe(1);
      // the result deleted by hand: the job is run again, with the same rows
      await client.del(reply.resultKey!);
      expect((await executor.execute(train)).rows).toEqual(first.rows);
      expect(ran.filter((l) => l.startsWith('done ')).length).toBe(2);
    } finally {
      await worker.close();
      await executor.close();
      client.disconnect();
    }
  }, 60_000);

  it('refuses hostile payloads without running them or retrying', async () => {
    const name = 'topolens-hostile';
    const queue = new Queue(name, { connection: await connectRedis(redis.url) });
    const worker = await startQueueWorker({
      url: redis.url,
      queue: name,
      executor: new InProcessExecutor(),
    });
    const marker = join(dir, 'pwned');
    try {
      // a real job of a plan, altered: it names its own id, so only the validation stops it
      const spec = readExperimentFile(join(dir, 'sweep.yaml'));
      const train = JSON.parse(
        JSON.stringify(
          planExperiment(spec, join(dir, 'h.duckdb')).jobs.find((j) => j.kind === 'train'),
        ),
      );
      const payloads: [string, unknown][] = [
        [train.id, { ...train, modelDir: join(dir, 'pwned') }],
        [
          'h1',
          {
            ...train,
            id: 'h1',
            code: `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`,
          },
        ],
        ['h2', 'process.exit(1)'],
        ['h3', { kind: 'study:layer-profile', __proto__: { polluted: true } }],
      ];
      const ids: string[] = [];
      for (const [id, p] of payloads) {
        const j = await queue.add('train', p, { jobId: id, attempts: 3 });
        ids.push(j.id!);
      }
      for (const id of ids) {
        for (let t = 0; t < 200 && (await queue.getJobState(id)) !== 'failed'; t++)
          await new Promise((w) => setTimeout(w, 25));
        const j = (await BullJob.fromId(queue, id))!;
        expect(await j.getState()).toBe('failed');
        expect(j.failedReason).toMatch(/refused/);
        expect(j.attemptsMade).toBe(1);
      }
      expect(existsSync(marker)).toBe(false);
      expect(existsSync(join(dir, 'pwned'))).toBe(false);
    } finally {
      await worker.close();
      await queue.close();
    }
  }, 30_000);

  it('Redis unreachable or stopped mid-sweep: a clear error within seconds, the store consistent', async () => {
    const dead = `redis://127.0.0.1:${await freePort()}`;
    let t0 = Date.now();
    await expect(
      QueueExecutor.connect({ url: dead, experimentId: 'f'.repeat(64) }),
    ).rejects.toThrow(`cannot reach Redis at ${dead}`);
    expect(Date.now() - t0).toBeLessThan(5000);

    const own = await startRedis(dir);
    servers.push(own);
    const spec = readExperimentFile(join(dir, 'sweep.yaml'));
    const storePath = join(dir, 'lost.duckdb');
    const plan = planExperiment(spec, storePath);
    const store = await openStore(storePath);
    const executor = await QueueExecutor.connect({
      url: own.url,
      experimentId: plan.experimentId,
      lostAfterMs: 1500,
    });
    try {
      // no worker: the jobs wait on the queue until Redis goes
      const running = runExperiment(plan, { store, executor });
      await new Promise((w) => setTimeout(w, 500));
      t0 = Date.now();
      own.stop();
      const summary = await running;
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(executor.lost?.message).toContain(`lost Redis at ${own.url}`);
      expect(summary.completed).toBe(0);
      expect(summary.failed).toHaveLength(plan.jobs.length);
      expect((await store.doneJobs(plan.experimentId)).size).toBe(0);
      const rows = await store.query(`select status, count(*)::int as n from jobs group by status`);
      expect(rows).toEqual([{ status: 'failed', n: plan.jobs.length }]);
    } finally {
      await executor.close();
      await store.close();
    }
  }, 30_000);
});
