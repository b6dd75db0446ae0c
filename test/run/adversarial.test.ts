/**
 * The adversarial study from an experiment file: the options' schema (grouping required, defaults
 * of [M22]), the per-class draw of the attacked inputs, and a tiny experiment run end to end on
 * the worker pool (rows per eps and grouping, accuracy falling with eps, rerun finds it done).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveExperiment } from '../../src/run/experimentSchema.js';
import { planExperiment } from '../../src/run/plan.js';
import { runExperiment } from '../../src/run/runner.js';
import { WorkerPoolExecutor } from '../../src/run/executor.js';
import { openStore } from '../../src/run/store.js';
import { DEFAULT_EPSILONS } from '../../src/nn/attacks.js';
import {
  adversarialOptions,
  adversarialRunner,
  DEFAULT_EPS,
  perClassSample,
} from '../../src/run/studies/adversarial.js';

const tiny = (options: Record<string, unknown>) => ({
  name: 'tiny adversarial',
  data: { dataset: 'blobs-in-shell', size: 240, noise: 0.05, testFraction: 0.5 },
  networks: [
    {
      train: {
        width: 16,
        depth: 2,
        seed: 0,
        training: { epochs: 60, optimizer: 'adam', learningRate: 0.01 },
      },
    },
  ],
  layers: { select: 'blocks' },
  studies: [{ study: 'adversarial', options }],
});

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'topolens-adv-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('adversarial study options', () => {
  it("fill [M22]'s defaults and keep the given grouping", () => {
    const spec = resolveExperiment(tiny({ grouping: 'true' }), 'a.yaml');
    const o = spec.studies[0].options;
    expect(o.attack).toBe('fgsm');
    expect(o.eps).toEqual(DEFAULT_EPSILONS);
    expect(DEFAULT_EPS).toEqual([
      0.005, 0.015, 0.025, 0.035, 0.045, 0.055, 0.065, 0.075, 0.085, 0.095,
    ]);
    expect(o.grouping).toBe('true');
    expect(o.descriptors).toEqual(['h0', 'h1']);
    expect(o.inputs).toEqual({ split: 'test', perClass: 250, seed: 0 });
  });

  it('refuse a missing or wrong grouping, and unknown keys, naming the field', () => {
    expect(() => resolveExperiment(tiny({}), 'a.yaml')).toThrow(/studies\[0\]\.options\.grouping/);
    // YAML reads a bare `true` as a boolean: the message shows what came and what is allowed
    expect(() => resolveExperiment(tiny({ grouping: true }), 'a.yaml')).toThrow(
      /grouping: got boolean true; expected 'true', 'predicted' or 'global'/,
    );
    expect(() => resolveExperiment(tiny({ grouping: 'global', attack: 'cw' }), 'a.yaml')).toThrow(
      /attack: got string "cw"; allowed: "fgsm", "pgd"/,
    );
    expect(() => resolveExperiment(tiny({ grouping: 'global', epsilon: [1] }), 'a.yaml')).toThrow(
      /unknown key 'epsilon'.*allowed keys: attack, eps/,
    );
  });

  it('enter the study job hash', () => {
    const job = (o: Record<string, unknown>) =>
      planExperiment(resolveExperiment(tiny(o), 'a.yaml'), '/tmp/a.duckdb').jobs.find((j) =>
        j.kind.startsWith('study:'),
      )!.id;
    const base = job({ grouping: 'true' });
    expect(job({ grouping: 'true' })).toBe(base);
    expect(job({ grouping: 'true', eps: [0.1] })).not.toBe(base);
    expect(job({ grouping: 'predicted' })).not.toBe(base);
    expect(job({ grouping: 'true', attack: 'pgd' })).not.toBe(base);
  });
});

describe('the adversarial runner', () => {
  it('refuses a network it cannot attack (dumped activations: no model)', async () => {
    const options = adversarialOptions.parse({ grouping: 'global' });
    const net = { network: 'dumped', networkId: 'x', layers: [] };
    await expect(
      Promise.resolve().then(() =>
        adversarialRunner.run([net], options, {
          layers: resolveExperiment(tiny({ grouping: 'global' })).layers,
        }),
      ),
    ).rejects.toThrow(/attacks the network, but network 'dumped' has no model/);
  });
});

describe('perClassSample', () => {
  it('takes at most perClass inputs of each class, seeded, in input order', () => {
    const labels = Int32Array.from([0, 0, 0, 0, 1, 1, 2, 0, 1, 2]);
    const data = {
      inputs: { data: Float32Array.from(labels.keys()), shape: [10, 1] },
      labels,
      classNames: ['a', 'b', 'c'],
    };
    const s = perClassSample(data, 2, 3);
    expect([...s.labels].sort()).toEqual([0, 0, 1, 1, 2, 2]);
    const rows = [...(s.inputs.data as Float32Array)];
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    rows.forEach((r, i) => expect(labels[r]).toBe(s.labels[i]));
    expect([...perClassSample(data, 2, 3).inputs.data]).toEqual(rows);
    expect(perClassSample(data, 9, 0).labels.length).toBe(10);
  });
});

describe('an adversarial experiment', () => {
  it('runs end to end: rows per eps and grouping, accuracy falls with eps, rerun is done', async () => {
    const spec = resolveExperiment(
      tiny({
        grouping: ['true', 'predicted', 'global'],
        eps: [0.1, 0.2, 0.4],
        inputs: { perClass: 40 },
        perClass: 40,
      }),
      'tiny.yaml',
    );
    const storePath = join(dir, 'adv.duckdb');
    const run = async () => {
      const store = await openStore(storePath);
      const executor = new WorkerPoolExecutor(1);
      try {
        const s = await runExperiment(planExperiment(spec, storePath), { store, executor });
        const rows = await store.query(
          "select descriptor, group_name as g, layer, value, params from measures where study = 'adversarial'",
        );
        const results = await store.query(
          "select result from study_results where study = 'adversarial'",
        );
        return { s, rows, results };
      } finally {
        await executor.close();
        await store.close();
      }
    };
    const { s, rows, results } = await run();
    expect(s.failed).toEqual([]);
    const grouping = (r: Record<string, unknown>) =>
      (typeof r.params === 'string' ? JSON.parse(r.params) : r.params).grouping as string;
    const eps = ['eps=0', 'eps=0.1', 'eps=0.2', 'eps=0.4'];
    for (const g of ['true', 'predicted', 'global']) {
      const acc = eps.map((e) => {
        const hit = rows.filter(
          (r) => r.descriptor === 'adversarial-accuracy' && r.g === e && grouping(r) === g,
        );
        expect(hit).toHaveLength(1);
        return Number(hit[0].value);
      });
      // the attack succeeds more as eps grows (FGSM is not exactly monotone: allow 4 inputs in 80)
      for (let i = 1; i < acc.length; i++) expect(acc[i]).toBeLessThanOrEqual(acc[i - 1] + 0.05);
      expect(acc[3]).toBeLessThan(acc[0] - 0.3);
      for (const e of eps)
        for (const d of ['h0-lifespan-sum', 'h1-lifespan-sum']) {
          const per = rows.filter((r) => r.descriptor === d && r.g === e && grouping(r) === g);
          expect(per).toHaveLength(2); // two blocks
          const perClass = rows.filter(
            (r) => r.descriptor === d && String(r.g).startsWith(`${e}/`) && grouping(r) === g,
          );
          expect(perClass.length).toBe(g === 'global' ? 0 : 4); // 2 classes x 2 blocks
        }
      expect(
        rows.filter((r) => r.descriptor === 'adversarial-macro-f1' && grouping(r) === g),
      ).toHaveLength(4);
    }
    // grouping by predicted class changes the class clouds once most inputs are misclassified
    const classValues = (g: string) =>
      rows
        .filter(
          (r) =>
            r.descriptor === 'h0-lifespan-sum' &&
            String(r.g).startsWith('eps=0.4/') &&
            grouping(r) === g,
        )
        .map((r) => `${String(r.g)} ${String(r.layer)} ${Number(r.value).toFixed(6)}`)
        .sort();
    expect(classValues('predicted')).not.toEqual(classValues('true'));
    // at eps 0 nothing is attacked: the clean accuracy, the same for every grouping
    expect(results).toHaveLength(1);
    const rerun = await run();
    expect(rerun.s.completed).toBe(0);
    expect(rerun.s.skipped).toBe(rerun.s.total);
    expect(rerun.rows).toHaveLength(rows.length);
  }, 120_000);
});
