/**
 * The example experiment files stay valid: every one passes the schema and the input checks
 * (files, data, layer names), and the layer profile runs end to end on the worker pool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkExperimentInputs, readExperimentFile } from '../../src/run/experimentFile.js';
import { planExperiment } from '../../src/run/plan.js';
import { runExperiment } from '../../src/run/runner.js';
import { WorkerPoolExecutor } from '../../src/run/executor.js';
import { openStore } from '../../src/run/store.js';
import { STUDY_NAMES, wiredStudies } from '../../src/run/studyRunners.js';

const files = readdirSync('examples')
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .sort();

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'topolens-examples-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('examples/', () => {
  it('has one file per study the runner can run', () => {
    const studies = files.flatMap((f) =>
      readExperimentFile(join('examples', f)).studies.map((s) => s.study),
    );
    for (const s of wiredStudies()) expect(studies).toContain(s);
    expect(wiredStudies().every((s) => STUDY_NAMES.includes(s))).toBe(true);
  });

  for (const f of files) {
    it(`${f} is valid (schema, files, data, layer names)`, async () => {
      const spec = readExperimentFile(join('examples', f));
      await checkExperimentInputs(spec, f);
      const plan = planExperiment(spec, join(dir, 'plan.duckdb'));
      expect(plan.jobs.length).toBeGreaterThan(0);
    });
  }

  it('layer-profile.yaml runs end to end', async () => {
    const spec = readExperimentFile('examples/layer-profile.yaml');
    const storePath = join(dir, 'lp.duckdb');
    const store = await openStore(storePath);
    const executor = new WorkerPoolExecutor(2);
    try {
      const s = await runExperiment(planExperiment(spec, storePath), { store, executor });
      expect(s.failed).toEqual([]);
      const rows = await store.query(
        "select count(*)::INTEGER as n from measures where descriptor = 'twonn' and repeat = -1 and group_name = 'all'",
      );
      // 2 networks x (input + 3 blocks)
      expect(rows[0].n).toBe(8);
    } finally {
      await executor.close();
      await store.close();
    }
  });
});
