/**
 * Resume: `topolens run` killed with SIGKILL at random points of a small sweep (while models and
 * clouds are being written, and at a random time), then run again to the end: the store must
 * equal that of an uninterrupted run, with nothing lost and nothing stored twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRng } from '../../src/core/rng.js';
import { readExperimentFile } from '../../src/run/experimentFile.js';
import { planExperiment } from '../../src/run/plan.js';
import { runExperiment } from '../../src/run/runner.js';
import { InProcessExecutor } from '../../src/run/executor.js';
import { openStore } from '../../src/run/store.js';
import { dumpStore } from './storeDump.js';

const CLI = resolve('src/cli/main.ts');
const EXPERIMENT = `
name: resume sweep
data: {dataset: spirals, size: 160, noise: 0.05}
networks:
  - train: {width: 6, depth: 2, seed: [0, 1, 2, 3, 4, 5, 6, 7], training: {epochs: 10}}
layers: {includeInput: true}
studies:
  - study: layer-profile
    options: {perClass: 20, descriptors: [h0, twoNN]}
`;

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'topolens-resume-'));
  writeFileSync(join(dir, 'sweep.yaml'), EXPERIMENT);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function entries(path: string): number {
  return existsSync(path) ? readdirSync(path).filter((f) => !f.includes('.tmp-')).length : 0;
}

/** Runs the CLI; `killWhen` (polled every 20 ms) decides when to SIGKILL it. */
function runCli(
  store: string,
  killWhen?: () => boolean,
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        CLI,
        'run',
        join(dir, 'sweep.yaml'),
        '--store',
        store,
        '--workers',
        '2',
        '--json',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = killWhen
      ? setInterval(() => {
          if (killWhen()) {
            clearInterval(timer);
            child.kill('SIGKILL');
          }
        }, 20)
      : undefined;
    child.on('exit', (code, signal) => {
      if (timer) clearInterval(timer);
      done({ code, signal, stdout, stderr });
    });
  });
}

describe('topolens run, killed and rerun', () => {
  it('ends with the store of an uninterrupted run', async () => {
    const rng = createRng(20261203);
    const store = join(dir, 'killed.duckdb');
    const models = `${store}.models`;
    const clouds = `${store}.clouds`;
    const after = (cond: () => boolean, extraMs: number) => {
      let since = 0;
      return () => {
        if (!since && cond()) since = Date.now();
        return since > 0 && Date.now() - since >= extraMs;
      };
    };
    // Each kill condition is made just before its run: the run is killed once it has written a
    // random number (1 to 3) of new models or clouds, after a random delay of up to 50 ms (jobs
    // take tens of milliseconds here, so a longer delay could outlast the run). On a fast machine
    // the pool can write several more files before the kill arrives, so the last run may finish
    // first; at least two of the three must land.
    const killAfterNewFiles = () => {
      const before = entries(models) + entries(clouds);
      const count = 1 + Math.floor(rng.next() * 3);
      return after(
        () => entries(models) + entries(clouds) >= before + count,
        Math.floor(rng.next() * 50),
      );
    };
    const kills: (() => () => boolean)[] = [
      killAfterNewFiles,
      killAfterNewFiles,
      killAfterNewFiles,
    ];
    let killed = 0;
    for (const make of kills) {
      const r = await runCli(store, make());
      if (r.signal === 'SIGKILL') killed++;
      // a run that finished before its kill is fine too; it must not have failed
      else expect(r.code, r.stderr).toBe(0);
    }
    expect(killed).toBeGreaterThanOrEqual(2);
    const final = await runCli(store);
    expect(final.code, final.stderr).toBe(0);
    const summary = JSON.parse(final.stdout) as {
      total: number;
      skipped: number;
      completed: number;
    };
    expect(summary.total).toBe(24);
    expect(summary.skipped + summary.completed).toBe(24);

    // the uninterrupted reference, in this process
    const refPath = join(dir, 'reference.duckdb');
    const spec = readExperimentFile(join(dir, 'sweep.yaml'));
    const ref = await openStore(refPath);
    const executor = new InProcessExecutor();
    try {
      const s = await runExperiment(planExperiment(spec, refPath), { store: ref, executor });
      expect(s.failed).toEqual([]);
    } finally {
      await executor.close();
    }
    const expected = await dumpStore(ref);
    await ref.close();
    const reopened = await openStore(store, { readOnly: true });
    const got = await dumpStore(reopened);
    const jobs = await reopened.query(
      'select id, count(*) as n from jobs group by id having count(*) > 1',
    );
    await reopened.close();
    expect(jobs).toEqual([]);
    expect(got).toEqual(expected);
    expect(got.doneJobs).toHaveLength(24);
  });
});
