/**
 * One unit of work per network (src/run/units.ts, docs/sweeps.md "One job per network"): the
 * regrouped plan keeps every job's id, a unit run in process (files shipped back or written
 * in place) fills the store exactly as the separate jobs do, a store filled either way is found
 * done either way, a unit that cannot find its data fails with a message that says so, queued
 * units are validated part by part, and several jobs commit in one transaction or not at all.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { resolveExperiment } from '../../src/run/experimentSchema.js';
import { absolutePaths } from '../../src/run/experimentFile.js';
import { planExperiment, type Plan } from '../../src/run/plan.js';
import { networkUnits } from '../../src/run/units.js';
import { runExperiment } from '../../src/run/runner.js';
import { InProcessExecutor } from '../../src/run/executor.js';
import { openStore } from '../../src/run/store.js';
import { parseQueuedJob } from '../../src/run/queue/jobSchema.js';
import { encodeNpyFloat32 } from '../../src/nn/npyWrite.js';
import { dumpStore } from './storeDump.js';
import { contentHash } from '../../src/run/hash.js';

const dir = mkdtempSync(join(tmpdir(), 'topolens-units-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sweep = {
  name: 'unit sweep',
  data: { dataset: 'spirals', size: 160, noise: 0.05 },
  networks: [{ train: { width: 6, depth: 2, seed: [0, 1, 2], training: { epochs: 3 } } }],
  layers: { includeInput: true },
  studies: [
    { study: 'layer-profile', options: { perClass: 20, descriptors: ['h0', 'twoNN'] } },
    { study: 'generalization', options: { maxPoints: 30, bootstrap: { resamples: 0 } } },
    {
      study: 'ricci-flow',
      options: { ks: [6], accuracyThreshold: 0, bootstrap: { resamples: 0 } },
    },
  ],
};

const planFor = (storePath: string, spec: object = sweep): Plan =>
  planExperiment(absolutePaths(resolveExperiment(spec, 'u.yaml'), dir), storePath);

async function run(plan: Plan, storePath: string) {
  const store = await openStore(storePath);
  try {
    const summary = await runExperiment(plan, { store, executor: new InProcessExecutor() });
    return { summary, dump: await dumpStore(store) };
  } finally {
    await store.close();
  }
}

/** Every file under a store's model, cloud and study-part folders (relative path -> content
 * hash); the
 * model's name (a TF.js counter) and the training seconds, which differ between two runs of the
 * same training, left out. */
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

const withoutUnits = (d: Record<string, unknown[]>) => ({
  ...d,
  doneJobs: (d.doneJobs as string[]).filter((j) => !j.startsWith('network ')),
});

describe('networkUnits', () => {
  it('makes one unit per network of its train, capture and per-network studies, keeping ids', () => {
    const plan = planFor(join(dir, 'p.duckdb'));
    const units = networkUnits(plan);
    const kinds = units.jobs.map((j) => j.kind);
    // Ricci flow's per-network parts go into the units; its pooled part needs them all
    expect(kinds).toEqual([
      'network',
      'network',
      'network',
      'study:generalization',
      'study:ricci-flow',
    ]);
    const parts = units.jobs.flatMap((j) => (j.kind === 'network' ? j.parts : [j]));
    expect(parts.map((j) => j.id).sort()).toEqual(plan.jobs.map((j) => j.id).sort());
    for (const u of units.jobs) {
      if (u.kind !== 'network') continue;
      expect(u.deps).toEqual([]);
      expect(u.parts.map((p) => p.kind)).toEqual([
        'train',
        'capture',
        'study:layer-profile',
        'study:ricci-flow',
      ]);
      expect(new Set(u.parts.map((p) => ('networkId' in p ? p.networkId : u.networkId)))).toEqual(
        new Set([u.networkId]),
      );
    }
    for (const pooled of units.jobs.slice(3))
      expect(pooled.deps.sort()).toEqual(
        units.jobs
          .slice(0, 3)
          .map((u) => u.id)
          .sort(),
      );
  });
});

describe('network units in the runner', () => {
  it('fill the store as the separate jobs do, shipped or in place, and resume either way', async () => {
    const refPath = join(dir, 'ref.duckdb');
    const ref = await run(planFor(refPath), refPath);
    expect(ref.summary.failed).toEqual([]);

    for (const ship of [true, false]) {
      const path = join(dir, `units-${ship}.duckdb`);
      const plan = networkUnits(planFor(path), { ship });
      const got = await run(plan, path);
      expect(got.summary.failed).toEqual([]);
      expect(got.summary.completed).toBe(5);
      // the parts' timings are kept by kind (train, capture, analysis)
      expect(Object.keys(got.summary.timings).sort()).toEqual([
        'capture',
        'study:generalization',
        'study:layer-profile',
        'study:ricci-flow',
        'train',
      ]);
      expect(withoutUnits(got.dump)).toEqual(ref.dump);
      expect((got.dump.doneJobs as string[]).filter((j) => j.startsWith('network '))).toHaveLength(
        3,
      );
      expect(artifactFiles(path)).toEqual(artifactFiles(refPath));
      // a rerun in units, and one with separate jobs, find everything done
      expect((await run(networkUnits(planFor(path), { ship }), path)).summary.skipped).toBe(5);
      expect((await run(planFor(path), path)).summary.skipped).toBe(planFor(path).jobs.length);
    }
    // a store filled by separate jobs counts the units done
    expect((await run(networkUnits(planFor(refPath)), refPath)).summary.skipped).toBe(5);
    // units shipping their files leave nothing in this machine's work folder
    const work = join(tmpdir(), 'topolens-units');
    const plan = networkUnits(planFor(join(dir, 'p.duckdb')));
    for (const u of plan.jobs)
      if (u.kind === 'network')
        for (const p of u.parts)
          if (p.kind === 'capture')
            expect(existsSync(join(work, 'clouds', p.artifact))).toBe(false);
          else if (p.kind === 'study:ricci-flow')
            expect(existsSync(join(work, 'studies', basename(p.resultDir!)))).toBe(false);
  }, 60_000);

  it('a unit that cannot find its data fails with a message that says where to put it', async () => {
    const x = join(dir, 'x.npy');
    const y = join(dir, 'y.npy');
    writeFileSync(
      x,
      encodeNpyFloat32(
        new Float32Array(40 * 2).map((_, i) => i % 7),
        [40, 2],
      ),
    );
    writeFileSync(
      y,
      encodeNpyFloat32(
        new Float32Array(40).map((_, i) => i % 2),
        [40],
      ),
    );
    const spec = {
      name: 'missing data',
      data: { dataset: 'arrays', inputs: x, labels: y },
      networks: [{ train: { width: 4, depth: 1, training: { epochs: 1 } } }],
      studies: [{ study: 'layer-profile', options: { perClass: 5, descriptors: ['h0'] } }],
    };
    const path = join(dir, 'missing.duckdb');
    const plan = networkUnits(planFor(path, spec));
    rmSync(x);
    const { summary } = await run(plan, path);
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0].error).toMatch(
      /cannot find the data file \(data\.inputs\) '.*x\.npy'.*same absolute path/s,
    );
  });
});

describe('queued network units', () => {
  it('are accepted as planned and refused with a hostile or foreign part', () => {
    const plan = networkUnits(planFor(join(dir, 'q.duckdb')));
    for (const j of plan.jobs) expect(parseQueuedJob(JSON.parse(JSON.stringify(j)))).toEqual(j);
    const unit = JSON.parse(JSON.stringify(plan.jobs[0]));
    const train = unit.parts[0];
    expect(() =>
      parseQueuedJob({ ...unit, parts: [{ ...train, code: 'process.exit(1)' }] }),
    ).toThrow(/refused.*unknown key 'code'/s);
    expect(() =>
      parseQueuedJob({
        ...unit,
        parts: [{ ...train, modelDir: `/tmp/x.models/${'0'.repeat(64)}` }],
      }),
    ).toThrow(/not named by its artifact hash/);
    expect(() =>
      parseQueuedJob({ ...unit, parts: [{ ...train, experimentId: 'f'.repeat(64) }] }),
    ).toThrow(/another experiment/);
    expect(() => parseQueuedJob({ ...unit, ship: 'yes' })).toThrow(/refused/);
  });
});

describe('commitJobs', () => {
  it('stores several jobs in one transaction, or none of them', async () => {
    const store = await openStore(join(dir, 'c.duckdb'));
    try {
      const job = (id: string) => ({
        id: id.repeat(64),
        experimentId: 'e'.repeat(64),
        kind: 'train',
        label: `job ${id}`,
        seconds: 1,
        finishedAt: new Date(0).toISOString(),
        status: 'done' as const,
      });
      await store.commitJobs([
        { job: job('a'), rows: {} },
        { job: job('b'), rows: {} },
      ]);
      expect(await store.doneJobs()).toEqual(new Set(['a'.repeat(64), 'b'.repeat(64)]));
      await expect(
        store.commitJobs([
          { job: job('c'), rows: {} },
          { job: job('d'), rows: { layers: 'not rows' as never } },
        ]),
      ).rejects.toThrow(/must be an array/);
      expect((await store.doneJobs()).has('c'.repeat(64))).toBe(false);
    } finally {
      await store.close();
    }
  });
});
