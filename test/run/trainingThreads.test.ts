/**
 * `training.threads` of an experiment file (docs/experiments.md) end to end: the runner trains a
 * VGG-like CNN with the fused step on two threads, in its own process and inside a worker of the
 * thread pool (worker threads of a worker), and the network is its own artifact: the same file
 * without `threads` trains another network (the chunked sums round differently).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveExperiment } from '../../src/run/experimentSchema.js';
import { planExperiment } from '../../src/run/plan.js';
import { runExperiment } from '../../src/run/runner.js';
import { InProcessExecutor, WorkerPoolExecutor, type Executor } from '../../src/run/executor.js';
import { openStore } from '../../src/run/store.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'topolens-training-threads-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function experiment(threads: number | undefined) {
  const training = { epochs: 3, batchSize: 32, optimizer: 'adam', ...(threads ? { threads } : {}) };
  return resolveExperiment({
    name: `threads-${threads ?? 'none'}`,
    data: { dataset: 'mnist', size: 800, testFraction: 0.5, flatten: false },
    networks: [{ train: { architecture: 'vgg', width: 16, depth: 3, seed: 3, training } }],
    layers: { select: 'blocks', includeLogits: true },
    studies: [{ study: 'layer-profile', options: { perClass: 10, descriptors: ['h0'] } }],
  });
}

async function run(storePath: string, threads: number | undefined, executor: Executor) {
  const store = await openStore(storePath);
  try {
    const plan = planExperiment(experiment(threads), storePath);
    const summary = await runExperiment(plan, { store, executor });
    const nets = await store.query('select id, test_accuracy from networks order by id');
    return { summary, nets };
  } finally {
    await store.close();
  }
}

describe('training.threads in an experiment file', () => {
  it('trains on two threads in process and in a pool worker, the same network both ways', async () => {
    const here = await run(join(dir, 'here.duckdb'), 2, new InProcessExecutor());
    expect(here.summary.failed).toEqual([]);
    expect(here.nets).toHaveLength(1);
    // it trains (ten classes, chance 0.1; 3 short epochs of a network without batch norm)
    expect(Number(here.nets[0].test_accuracy)).toBeGreaterThan(0.15);

    const pool = new WorkerPoolExecutor({ size: 1, kind: 'thread' });
    try {
      const inWorker = await run(join(dir, 'worker.duckdb'), 2, pool);
      expect(inWorker.summary.failed).toEqual([]);
      // deterministic: the same chunks summed in the same order, whoever computed them
      expect(inWorker.nets).toEqual(here.nets);
    } finally {
      await pool.close();
    }

    const one = await run(join(dir, 'one.duckdb'), undefined, new InProcessExecutor());
    expect(one.summary.failed).toEqual([]);
    expect(one.nets[0].id).not.toBe(here.nets[0].id);
    // the same training up to the rounding of the chunked sums
    expect(
      Math.abs(Number(one.nets[0].test_accuracy) - Number(here.nets[0].test_accuracy)),
    ).toBeLessThanOrEqual(0.05);
  }, 300_000);
});
