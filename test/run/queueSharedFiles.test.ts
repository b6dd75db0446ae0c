/**
 * What a queued network unit sends back (docs/sweeps.md, "What a unit sends back"): the input
 * layer's cloud, the same bytes for every network of a sweep, travels once per sweep under a
 * content-addressed key, and each unit's result names it by its SHA-256 instead of carrying it;
 * the store and the files beside it are still those of an in-process run. A shared file deleted
 * from Redis makes the unit run again; one whose bytes do not match its hash is refused. Against a
 * real redis-server (Debian's package) on a free loopback port, stopped by its PID.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import { resolveExperiment } from '../../src/run/experimentSchema.js';
import { planExperiment, type NetworkUnitJob, type Plan } from '../../src/run/plan.js';
import { networkUnits } from '../../src/run/units.js';
import { runExperiment } from '../../src/run/runner.js';
import { InProcessExecutor } from '../../src/run/executor.js';
import { openStore } from '../../src/run/store.js';
import { encodeNpyFloat32 } from '../../src/nn/npyWrite.js';
import { contentHash } from '../../src/run/hash.js';
import { decodeResult } from '../../src/run/queue/codec.js';
import { connectRedis, fileKey, queueName, resultKey } from '../../src/run/queue/connection.js';
import { QueueExecutor } from '../../src/run/queue/queueExecutor.js';
import { startQueueWorker, type QueueWorkerHandle } from '../../src/run/queue/queueWorker.js';
import { SHARE_FILES_FROM_BYTES, type WireFolder } from '../../src/run/queue/sharedFiles.js';
import { dumpStore } from './storeDump.js';
import { haveRedis, startRedis, type RedisServer } from './redisServer.js';

const dir = mkdtempSync(join(tmpdir(), 'topolens-shared-'));
const ROWS = 300;
const COLS = 256;
/** the input cloud as the capture writes it: float32 .npy, 128-byte header */
const INPUT_CLOUD_BYTES = ROWS * COLS * 4 + 128;

let redis: RedisServer | undefined;
let client: Redis | undefined;
let worker: QueueWorkerHandle | undefined;
const workerLines: string[] = [];
const sweep = () => ({
  name: 'shared input cloud',
  data: { dataset: 'arrays', inputs: join(dir, 'x.npy'), labels: join(dir, 'y.npy') },
  networks: [{ train: { width: 64, depth: 1, seed: [0, 1, 2], training: { epochs: 1 } } }],
  layers: { includeInput: true },
  sampling: { split: 'all' },
  studies: [
    {
      study: 'ricci-flow',
      options: { ks: [5], accuracyThreshold: 0, bootstrap: { resamples: 0 } },
    },
  ],
});
const planFor = (storePath: string): Plan =>
  planExperiment(resolveExperiment(sweep(), 'shared.yaml'), storePath);

beforeAll(async () => {
  // 300 inputs of 256 dimensions: the input cloud (307 KB) is above the sharing size, and so
  // are the hidden layer's cloud (300 x 64: 77 KB) and the weights (67 KB), which differ
  // between networks and so stay inline
  const x = new Float32Array(ROWS * COLS).map((_, i) => Math.sin(i * 0.37) + (i % COLS) / COLS);
  writeFileSync(join(dir, 'x.npy'), encodeNpyFloat32(x, [ROWS, COLS]));
  const y = new Float32Array(ROWS).map((_, i) => i % 2);
  writeFileSync(join(dir, 'y.npy'), encodeNpyFloat32(y, [ROWS]));
  if (!haveRedis && !process.env.CI) return;
  redis = await startRedis(dir);
  client = await connectRedis(redis.url);
  worker = await startQueueWorker({
    url: redis.url,
    executor: new InProcessExecutor(),
    onEvent: (l) => workerLines.push(l),
  });
});
afterAll(async () => {
  await worker?.close(true);
  client?.disconnect();
  redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Every file beside a store (relative path -> content hash), the model's TF.js name and the
 * training seconds (which differ between two trainings) left out. */
function artifactFiles(storePath: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kind of ['models', 'clouds', 'studies'])
    for (const hash of readdirSync(`${storePath}.${kind}`))
      for (const f of readdirSync(join(`${storePath}.${kind}`, hash))) {
        let text = readFileSync(join(`${storePath}.${kind}`, hash, f)).toString('base64');
        if (f === 'model.json' || f === 'train.json') {
          const o = JSON.parse(Buffer.from(text, 'base64').toString('utf8'));
          if (o.modelTopology) delete o.modelTopology.config.name;
          delete o.trainSeconds;
          text = JSON.stringify(o);
        }
        out[`${kind}/${hash}/${f}`] = contentHash(text);
      }
  return out;
}

describe.skipIf(!haveRedis && !process.env.CI)('files every unit ships alike', () => {
  it('the input cloud travels once per sweep, by hash; the store equals an in-process run', async () => {
    expect(INPUT_CLOUD_BYTES).toBeGreaterThanOrEqual(SHARE_FILES_FROM_BYTES);
    const refPath = join(dir, 'ref.duckdb');
    const ref = await openStore(refPath);
    await runExperiment(planFor(refPath), { store: ref, executor: new InProcessExecutor() });
    const expected = await dumpStore(ref);
    await ref.close();

    const storePath = join(dir, 'queued.duckdb');
    const plan = networkUnits(planFor(storePath), { ship: true });
    const executor = await QueueExecutor.connect({
      url: redis!.url,
      experimentId: plan.experimentId,
      pollMs: 50,
    });
    const store = await openStore(storePath);
    try {
      const summary = await runExperiment(plan, { store, executor });
      expect(summary.failed).toEqual([]);
      const got = await dumpStore(store);
      expect({
        ...got,
        doneJobs: (got.doneJobs as string[]).filter((j) => !j.startsWith('network ')),
      }).toEqual(expected);
      expect(artifactFiles(storePath)).toEqual(artifactFiles(refPath));

      // one key holds the input cloud: the SHA-256 of the file beside the store
      const units = plan.jobs.filter((j): j is NetworkUnitJob => j.kind === 'network');
      expect(units).toHaveLength(3);
      const cloudDirs = units.map((u) => {
        const c = u.parts.find((p) => p.kind === 'capture');
        return c?.kind === 'capture' ? c.cloudDir : '';
      });
      const input = readFileSync(join(cloudDirs[0], 'layer-0.npy'));
      expect(input.length).toBe(INPUT_CLOUD_BYTES);
      const hash = sha256(input);
      for (const d of cloudDirs) expect(sha256(readFileSync(join(d, 'layer-0.npy')))).toBe(hash);
      const fileKeys = await client!.keys(`bull:${executor.queueName}:file:*`);
      expect(fileKeys).toEqual([fileKey(executor.queueName, hash)]);
      expect(sha256(inflateRawSync((await client!.getBuffer(fileKeys[0]))!))).toBe(hash);

      // no unit's result carries it: each names it by hash, and is smaller than the cloud alone
      for (const [u, cloudDir] of units.map((u, i) => [u, cloudDirs[i]] as const)) {
        const stored = await client!.getBuffer(resultKey(executor.queueName, u.id));
        const text = inflateRawSync(stored!).toString('utf8');
        expect(text.length).toBeLessThan(INPUT_CLOUD_BYTES);
        const files = decodeResult<{ files: WireFolder[] }>(text).files;
        const clouds = files.find((f) => f.dir === cloudDir)!;
        expect(Object.keys(clouds.files)).not.toContain('layer-0.npy');
        expect(clouds.shared).toEqual({ 'layer-0.npy': hash });
        // the network's own files inline, however large: each is sent once anyway
        expect(files.filter((f) => f.shared).map((f) => f.dir)).toEqual([cloudDir]);
        expect(Buffer.from(clouds.files['layer-1.npy'], 'base64').length).toBeGreaterThanOrEqual(
          SHARE_FILES_FROM_BYTES,
        );
        const weights = files.find((f) => 'weights.bin' in f.files)!;
        expect(Buffer.from(weights.files['weights.bin'], 'base64').length).toBeGreaterThanOrEqual(
          SHARE_FILES_FROM_BYTES,
        );
      }
      // the coordinator fetched it once and named it in each unit's trace
      const unitTraces = executor.traces.filter((t) => units.some((u) => u.id === t.id));
      expect(unitTraces.map((t) => t.sharedFiles)).toEqual([1, 1, 1]);
      expect(unitTraces.filter((t) => t.sharedFetchedBytes > 0)).toHaveLength(1);
      expect(executor.sharedFiles.resolved).toBe(3);
    } finally {
      await executor.close();
      await store.close();
    }
  }, 90_000);

  it('a shared file gone from Redis runs the unit again; one that does not match its hash is refused', async () => {
    const storePath = join(dir, 'queued.duckdb'); // the first test's sweep, collected again
    const unit = networkUnits(planFor(storePath), { ship: true }).jobs.find(
      (j): j is NetworkUnitJob => j.kind === 'network',
    )!;
    const [key] = await client!.keys(`bull:${queueName(unit.experimentId)}:file:*`);
    expect(key).toBeDefined();
    const done = () => workerLines.filter((l) => l === `done ${unit.label}`).length;
    const before = done();

    // a fresh coordinator (nothing kept) finds the file gone: the unit runs again and stores it
    await client!.del(key);
    let executor = await QueueExecutor.connect({
      url: redis!.url,
      experimentId: unit.experimentId,
      pollMs: 50,
    });
    try {
      const again = await executor.execute(unit);
      expect(done()).toBe(before + 1);
      expect(await client!.exists(key)).toBe(1);
      const clouds = again.files!.find((f) => f.dir.includes('.clouds/'))!;
      expect(sha256(Buffer.from(clouds.files['layer-0.npy'], 'base64'))).toBe(
        key.slice(key.lastIndexOf(':') + 1),
      );
    } finally {
      await executor.close();
    }

    // bytes that are not the file its hash names
    await client!.set(key, deflateRawSync(Buffer.from('not the input cloud')));
    executor = await QueueExecutor.connect({
      url: redis!.url,
      experimentId: unit.experimentId,
      pollMs: 50,
    });
    try {
      await expect(executor.execute(unit)).rejects.toThrow(/does not match its hash/);
      expect(done()).toBe(before + 1);
    } finally {
      await executor.close();
    }
  }, 60_000);
});
