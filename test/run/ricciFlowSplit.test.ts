/**
 * The Ricci-flow study split into a job per network and a pooled job (src/run/plan.ts,
 * src/run/studies/ricciFlow.ts; docs/sweeps.md, "One job per network"): the store it fills holds,
 * for the study, the same record and the same measure rows, number for number, as the study run
 * as one job over all networks; a per-network part whose folder is gone is redone on resume, and
 * the pooled part without it fails with a message that names the network.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveExperiment } from '../../src/run/experimentSchema.js';
import { absolutePaths } from '../../src/run/experimentFile.js';
import { planExperiment, type Plan, type StudyJob } from '../../src/run/plan.js';
import { runExperiment } from '../../src/run/runner.js';
import { InProcessExecutor } from '../../src/run/executor.js';
import { openStore } from '../../src/run/store.js';
import { runJob } from '../../src/run/runJob.js';
import { parseQueuedJob } from '../../src/run/queue/jobSchema.js';
import { dumpStore } from './storeDump.js';

const dir = mkdtempSync(join(tmpdir(), 'topolens-ricci-split-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// two architectures, two seeds each; two usable k and one too large for the clouds; an accuracy
// filter that some networks may fail; a small bootstrap so the intervals are compared too
const sweep = {
  name: 'ricci split',
  data: { dataset: 'spirals', size: 200, noise: 0.05 },
  networks: [{ train: { width: [4, 8], depth: 2, seed: [0, 1], training: { epochs: 3 } } }],
  layers: { includeInput: true },
  studies: [
    {
      study: 'ricci-flow',
      options: { ks: [5, 12, 5000], accuracyThreshold: 0.6, bootstrap: { resamples: 200 } },
    },
  ],
};

const planFor = (storePath: string, splitStudies: boolean): Plan =>
  planExperiment(absolutePaths(resolveExperiment(sweep, 'r.yaml'), dir), storePath, {
    splitStudies,
  });

async function run(plan: Plan, storePath: string) {
  const store = await openStore(storePath);
  try {
    const summary = await runExperiment(plan, { store, executor: new InProcessExecutor() });
    return { summary, dump: await dumpStore(store) };
  } finally {
    await store.close();
  }
}

/** The study's rows without their ids (which name the job that wrote them), in a fixed order. */
function studyRows(dump: Record<string, unknown[]>) {
  const strip = (rows: unknown[]) =>
    (rows as Record<string, unknown>[])
      .filter((r) => r.study === 'ricci-flow')
      .map(({ id: _id, ...rest }) => rest);
  const key = (r: Record<string, unknown>) =>
    [r.descriptor, r.group, r.k, r.networkId ?? ''].map(String).join('|');
  return {
    records: strip(dump.study_results),
    measures: strip(dump.measures).sort((a, b) => key(a).localeCompare(key(b))),
  };
}

describe('the Ricci-flow study split per network', () => {
  const splitPath = join(dir, 'split.duckdb');

  it('is planned as a job per network after its capture and a pooled job after them all', () => {
    const plan = planFor(splitPath, true);
    const ricci = plan.jobs.filter((j): j is StudyJob => j.kind === 'study:ricci-flow');
    const parts = ricci.filter((j) => j.split === 'network');
    const pooled = ricci.filter((j) => j.split === 'pooled');
    expect(parts).toHaveLength(4);
    expect(pooled).toHaveLength(1);
    const captures = plan.jobs.filter((j) => j.kind === 'capture');
    expect(parts.map((p) => p.deps)).toEqual(captures.map((c) => [c.id]));
    expect(pooled[0].deps).toEqual(parts.map((p) => p.id));
    expect(pooled[0].inputs.map((i) => i.resultDir)).toEqual(parts.map((p) => p.resultDir));
    expect(parts.every((p) => /\.studies\/[0-9a-f]{64}$/.test(p.resultDir!))).toBe(true);
    // queued, the parts and the pooled job are accepted as planned; a part may only write a
    // <store>.studies/<hash> folder
    for (const j of ricci) expect(parseQueuedJob(JSON.parse(JSON.stringify(j)))).toEqual(j);
    expect(() => parseQueuedJob({ ...parts[0], resultDir: '/home/me/.ssh' })).toThrow(
      /refused.*\.studies\/<hash>/s,
    );
    // unsplit: one job over every network, as before
    const single = planFor(splitPath, false).jobs.filter((j) => j.kind === 'study:ricci-flow');
    expect(single).toHaveLength(1);
    expect((single[0] as StudyJob).split).toBeUndefined();
  });

  it('fills the store with the record and the rows of the single job, number for number', async () => {
    const singlePath = join(dir, 'single.duckdb');
    const single = await run(planFor(singlePath, false), singlePath);
    const split = await run(planFor(splitPath, true), splitPath);
    expect(single.summary.failed).toEqual([]);
    expect(split.summary.failed).toEqual([]);
    const a = studyRows(single.dump);
    const b = studyRows(split.dump);
    expect(a.records).toHaveLength(1);
    const record = a.records[0].result as {
      results: { k: number; networks: unknown[] }[];
      skippedKs: { k: number }[];
    };
    expect(record.results.map((r) => r.k)).toEqual([5, 12]);
    expect(record.skippedKs.map((s) => s.k)).toEqual([5000]);
    const rhos = record.results.flatMap((r) =>
      (r.networks as { rho: number | null; included: boolean }[]).filter((n) => n.rho !== null),
    );
    expect(rhos.length).toBeGreaterThanOrEqual(4);
    expect(a.measures.filter((m) => m.descriptor === 'ricci-rho')).toHaveLength(rhos.length);
    // the accuracy filter or a disconnected graph leaves some networks out, not all
    const flags = record.results.flatMap((r) =>
      (r.networks as { included: boolean }[]).map((n) => n.included),
    );
    expect(flags).toContain(true);
    expect(flags).toContain(false);
    expect(a.measures.some((m) => m.descriptor === 'ricci-pooled-r')).toBe(true);
    // toEqual compares numbers with Object.is: every number is the same double
    expect(b.records).toEqual(a.records);
    expect(b.measures).toEqual(a.measures);
    // and the rest of the store (networks, layers) is the same too
    for (const t of ['networks', 'layers', 'experiments'])
      expect(split.dump[t].length).toBe(single.dump[t].length);
    expect(split.dump.networks).toEqual(single.dump.networks);
    expect(split.dump.layers).toEqual(single.dump.layers);
  }, 60_000);

  it('redoes a part whose folder is gone, and the pooled part without it says which', async () => {
    const plan = planFor(splitPath, true);
    const parts = plan.jobs.filter(
      (j): j is StudyJob => j.kind === 'study:ricci-flow' && j.split === 'network',
    );
    const pooled = plan.jobs.find(
      (j): j is StudyJob => j.kind === 'study:ricci-flow' && j.split === 'pooled',
    )!;
    const before = await run(plan, splitPath);
    expect(before.summary.skipped).toBe(plan.jobs.length);
    rmSync(parts[1].resultDir!, { recursive: true });
    await expect(runJob(pooled)).rejects.toThrow(
      /ricci-flow part of network 'dense-w4-d2-s1' is not at '.*\.studies\/[0-9a-f]{64}'/,
    );
    const after = await run(plan, splitPath);
    expect(after.summary.completed).toBe(1);
    expect(after.summary.failed).toEqual([]);
    expect(after.dump).toEqual(before.dump);
    expect((await runJob(pooled)).studyResults).toHaveLength(1);
  }, 60_000);
});
