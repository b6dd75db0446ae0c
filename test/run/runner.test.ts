import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRng } from '../../src/core/rng.js';
import { encodeNpyFloat32 } from '../../src/nn/npyWrite.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, contentHash } from '../../src/run/hash.js';
import { resolveExperiment } from '../../src/run/experimentSchema.js';
import { absolutePaths } from '../../src/run/experimentFile.js';
import { planExperiment } from '../../src/run/plan.js';
import { runExperiment, type RunProgress } from '../../src/run/runner.js';
import { InProcessExecutor, WorkerPoolExecutor, type Executor } from '../../src/run/executor.js';
import { openStore } from '../../src/run/store.js';
import { dumpStore } from './storeDump.js';

const sweep = {
  name: 'tiny sweep',
  data: { dataset: 'spirals', size: 160, noise: 0.05 },
  networks: [{ train: { width: 6, depth: 2, seed: [0, 1], training: { epochs: 3 } } }],
  layers: { includeInput: true },
  studies: [{ study: 'layer-profile', options: { perClass: 20, descriptors: ['h0', 'twoNN'] } }],
};

describe('content hashes', () => {
  it('do not depend on key order, and tell values apart', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
    expect(contentHash({ a: 1, b: 2 })).toBe(contentHash({ b: 2, a: 1 }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
    expect(contentHash({ a: -0 })).toBe(contentHash({ a: 0 }));
    expect(contentHash({ a: undefined, b: 1 })).toBe(contentHash({ b: 1 }));
    expect(canonicalJson(Float32Array.from([1, 2]))).toBe('[1,2]');
    // sha256 of the canonical text: pinned so that stored hashes stay valid across versions
    expect(contentHash({ x: 1 })).toBe(
      '5041bf1f713df204784353e82f6a4a535931cb64f1f4b4a5aeaffcb720918b22',
    );
  });

  it('give the same jobs for the same experiment written differently', () => {
    const a = planExperiment(resolveExperiment(sweep, 'a.yaml'), '/tmp/s.duckdb');
    const reverseKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reverseKeys)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([k, x]) => [k, reverseKeys(x)]),
            )
          : v;
    const reordered = reverseKeys(sweep);
    const b = planExperiment(resolveExperiment(reordered, 'a.yaml'), '/tmp/other.duckdb');
    expect(b.experimentId).toBe(a.experimentId);
    expect(b.jobs.map((j) => j.id)).toEqual(a.jobs.map((j) => j.id));
  });

  it('change exactly the jobs whose inputs change', () => {
    const base = planExperiment(resolveExperiment(sweep, 'a.yaml'), '/tmp/s.duckdb');
    const moreEpochs = planExperiment(
      resolveExperiment(
        {
          ...sweep,
          networks: [{ train: { width: 6, depth: 2, seed: [0, 1], training: { epochs: 4 } } }],
        },
        'a.yaml',
      ),
      '/tmp/s.duckdb',
    );
    const artifacts = (p: typeof base, kind: string) =>
      p.jobs.filter((j) => j.kind === kind).map((j) => ('artifact' in j ? j.artifact : ''));
    expect(artifacts(moreEpochs, 'train')).not.toEqual(artifacts(base, 'train'));
    const otherStudy = planExperiment(
      resolveExperiment(
        {
          ...sweep,
          studies: [
            { study: 'layer-profile', options: { perClass: 21, descriptors: ['h0', 'twoNN'] } },
          ],
        },
        'a.yaml',
      ),
      '/tmp/s.duckdb',
    );
    // the trained models and captured clouds are found again by their artifact hashes
    expect(artifacts(otherStudy, 'train')).toEqual(artifacts(base, 'train'));
    expect(artifacts(otherStudy, 'capture')).toEqual(artifacts(base, 'capture'));
    expect(otherStudy.experimentId).not.toBe(base.experimentId);
  });

  it('orders jobs after their dependencies', () => {
    const p = planExperiment(resolveExperiment(sweep, 'a.yaml'), '/tmp/s.duckdb');
    const seen = new Set<string>();
    for (const j of p.jobs) {
      for (const d of j.deps) expect(seen.has(d)).toBe(true);
      seen.add(j.id);
    }
    expect(p.jobs.map((j) => j.kind)).toEqual([
      'train',
      'capture',
      'train',
      'capture',
      'study:layer-profile',
      'study:layer-profile',
    ]);
  });
});

describe('runExperiment', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'topolens-runner-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function runInto(storePath: string, executor: Executor, progress?: RunProgress[]) {
    const spec = absolutePaths(resolveExperiment(sweep, 'sweep.yaml'), dir);
    const plan = planExperiment(spec, storePath);
    const store = await openStore(storePath);
    try {
      const summary = await runExperiment(plan, {
        store,
        executor,
        onProgress: progress ? (p) => progress.push(p) : undefined,
      });
      return { summary, dump: await dumpStore(store) };
    } finally {
      await executor.close();
      await store.close();
    }
  }

  it('gives the same rows on the worker pool as in process, and skips done jobs on a rerun', async () => {
    const progress: RunProgress[] = [];
    const inProcess = await runInto(join(dir, 'a.duckdb'), new InProcessExecutor(), progress);
    expect(inProcess.summary.failed).toEqual([]);
    expect(inProcess.summary.completed).toBe(6);
    expect(progress.at(-1)).toMatchObject({ done: 6, total: 6, failed: 0 });
    expect(progress.some((p) => p.etaSeconds !== undefined && p.done < p.total)).toBe(true);
    const pool = await runInto(join(dir, 'b.duckdb'), new WorkerPoolExecutor(2));
    expect(pool.summary.failed).toEqual([]);
    expect(pool.dump).toEqual(inProcess.dump);
    expect(inProcess.dump.measures.length).toBeGreaterThan(0);
    expect(inProcess.dump.networks.length).toBe(2);
    expect(inProcess.dump.layers.length).toBe(6); // input + 2 blocks, 2 networks
    const again = await runInto(join(dir, 'a.duckdb'), new InProcessExecutor());
    expect(again.summary).toMatchObject({ skipped: 6, completed: 0, failed: [] });
    expect(again.dump).toEqual(inProcess.dump);
  });
});

describe('a failing job', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'topolens-runner-fail-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is recorded as failed with its message, its dependents as not run, and the rest goes on', async () => {
    const good = join(dir, 'good.npy');
    const bad = join(dir, 'bad.npy');
    const rng = createRng(4);
    writeFileSync(
      good,
      encodeNpyFloat32(
        Float32Array.from({ length: 60 * 3 }, () => rng.next()),
        [60, 3],
      ),
    );
    writeFileSync(bad, 'not an npy file');
    const spec = absolutePaths(
      resolveExperiment(
        {
          networks: [
            {
              name: 'fine',
              activations: {
                layers: [
                  { name: 'a', path: good },
                  { name: 'b', path: good },
                ],
              },
            },
            {
              name: 'broken',
              activations: {
                layers: [
                  { name: 'a', path: good },
                  { name: 'b', path: bad },
                ],
              },
            },
          ],
          studies: [{ study: 'layer-profile', options: { descriptors: ['h0'], perClass: 30 } }],
        },
        'f.yaml',
      ),
      dir,
    );
    const storePath = join(dir, 'f.duckdb');
    const store = await openStore(storePath);
    const executor = new InProcessExecutor();
    try {
      const s = await runExperiment(planExperiment(spec, storePath), { store, executor });
      expect(s.completed).toBe(2); // capture and profile of 'fine'
      expect(s.failed.map((f) => f.label)).toEqual(['capture broken', 'layer-profile broken']);
      expect(s.failed[0].error).toContain('bad.npy');
      expect(s.failed[1].error).toContain("needs 'capture broken', which failed");
      const jobs = await store.query('select label, status, error from jobs order by label');
      expect(jobs.map((j) => `${String(j.label)}: ${String(j.status)}`)).toEqual([
        'capture broken: failed',
        'capture fine: done',
        'layer-profile broken: failed',
        'layer-profile fine: done',
      ]);
      const runs = await store.query('select status, error from runs');
      expect(runs).toEqual([{ status: 'failed', error: '2 job(s) failed' }]);
    } finally {
      await executor.close();
      await store.close();
    }
  });
});

describe('deleted models and clouds', () => {
  it('are made again by a rerun, with the same rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-runner-deleted-'));
    try {
      const storePath = join(dir, 's.duckdb');
      const spec = absolutePaths(
        resolveExperiment(
          {
            ...sweep,
            networks: [{ train: { width: 6, depth: 2, seed: 0, training: { epochs: 2 } } }],
          },
          'd.yaml',
        ),
        dir,
      );
      const run = async () => {
        const store = await openStore(storePath);
        const executor = new InProcessExecutor();
        try {
          const s = await runExperiment(planExperiment(spec, storePath), { store, executor });
          return { s, dump: await dumpStore(store) };
        } finally {
          await executor.close();
          await store.close();
        }
      };
      const first = await run();
      expect(first.s.completed).toBe(3);
      rmSync(`${storePath}.clouds`, { recursive: true });
      const second = await run();
      // the capture is redone (its clouds are gone); train and the study stay done
      expect(second.s).toMatchObject({ skipped: 2, completed: 1, failed: [] });
      expect(second.dump).toEqual(first.dump);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an interrupted run', () => {
  it('keeps the finished jobs, is recorded as interrupted, and a rerun completes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-runner-abort-'));
    try {
      const spec = absolutePaths(resolveExperiment(sweep, 'a.yaml'), dir);
      const storePath = join(dir, 's.duckdb');
      const controller = new AbortController();
      let store = await openStore(storePath);
      let executor: Executor = new InProcessExecutor();
      const first = await runExperiment(planExperiment(spec, storePath), {
        store,
        executor,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.step.startsWith('finished capture')) controller.abort();
        },
      });
      expect(first.interrupted).toBe(true);
      expect(first.completed).toBe(2); // train and capture of the first network
      expect(await store.query('select status from runs')).toEqual([{ status: 'interrupted' }]);
      expect((await store.doneJobs()).size).toBe(2);
      await executor.close();
      await store.close();

      store = await openStore(storePath);
      executor = new InProcessExecutor();
      const second = await runExperiment(planExperiment(spec, storePath), { store, executor });
      expect(second).toMatchObject({ interrupted: false, skipped: 2, completed: 4, failed: [] });
      const resumed = await dumpStore(store);
      await executor.close();
      await store.close();

      const refPath = join(dir, 'ref.duckdb');
      const ref = await openStore(refPath);
      const refExecutor = new InProcessExecutor();
      await runExperiment(planExperiment(spec, refPath), { store: ref, executor: refExecutor });
      expect(resumed).toEqual(await dumpStore(ref));
      await refExecutor.close();
      await ref.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('every wired study', () => {
  it('runs on a tiny sweep and writes its rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-runner-studies-'));
    try {
      const spec = absolutePaths(
        resolveExperiment(
          {
            data: { dataset: 'spirals', size: 160, noise: 0.05 },
            networks: [
              { train: { width: [4, 6], depth: 2, seed: [0, 1], training: { epochs: 2 } } },
            ],
            layers: { includeInput: true },
            studies: [
              {
                study: 'layer-comparison',
                options: { measures: ['sw-h1', 'cka'], maxPoints: 30, sensitivity: false },
              },
              {
                study: 'ricci-flow',
                options: { ks: [6], accuracyThreshold: 0, bootstrap: { resamples: 0 } },
              },
              { study: 'mapper', options: { intervals: 4 } },
              { study: 'generalization', options: { maxPoints: 30, bootstrap: { resamples: 0 } } },
              {
                study: 'architecture-comparison',
                options: { descriptors: ['twoNN'], perClass: 15, grid: 3 },
              },
              {
                study: 'population-comparison',
                options: { populations: { a: [0], b: [1] }, permutations: 99, maxPoints: 20 },
              },
            ],
          },
          's.yaml',
        ),
        dir,
      );
      const storePath = join(dir, 's.duckdb');
      const store = await openStore(storePath);
      const executor = new InProcessExecutor();
      try {
        const s = await runExperiment(planExperiment(spec, storePath), { store, executor });
        expect(s.failed.map((f) => `${f.label}: ${f.error}`)).toEqual([]);
        const results = await store.query(
          'select study, count(*)::INTEGER as n from study_results group by study order by study',
        );
        expect(results).toEqual([
          { study: 'architecture-comparison', n: 1 },
          { study: 'generalization', n: 1 },
          { study: 'layer-comparison', n: 1 },
          { study: 'mapper', n: 4 },
          { study: 'population-comparison', n: 4 },
          { study: 'ricci-flow', n: 1 },
        ]);
        const descriptors = (
          await store.query('select distinct descriptor from measures order by descriptor')
        ).map((r) => r.descriptor);
        for (const d of [
          'generalization-h0',
          'mapper-nodes',
          'population-h0-lifespan-sum',
          'population-h0-lifespan-sum-p',
          'ricci-rho',
          'specificity-sw-h1',
          'twonn',
          'twonn-peak-depth',
        ])
          expect(descriptors).toContain(d);
        const matrices = await store.query(
          'select measure, len(names)::INTEGER as n from matrices order by measure',
        );
        // 4 networks x (input + 2 blocks) = 12 rows and columns
        expect(matrices).toEqual([
          { measure: 'cka', n: 12 },
          { measure: 'sw-h1', n: 12 },
        ]);
        const graphs = await store.query('select count(*)::INTEGER as n from mapper_graphs');
        expect(graphs[0].n).toBe(12); // 4 networks x 3 layers
        const groups = await store.query(
          "select distinct group_name from measures where descriptor = 'twonn-peak-depth' order by 1",
        );
        expect(groups.map((g) => g.group_name)).toEqual(['dense-w4-d2', 'dense-w6-d2']);
      } finally {
        await executor.close();
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
