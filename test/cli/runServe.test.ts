/**
 * `topolens run --serve`: the running process serves the live report, the one process DuckDB lets
 * read the store while the run writes it. The stamp the page polls changes as results arrive, the
 * progress route lists the running run, and `topolens serve` on a store another process holds is
 * told to use `run --serve`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/run/store.js';

const CLI = resolve('src/cli/main.ts');
const dir = mkdtempSync(join(tmpdir(), 'topolens-run-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EXPERIMENT = `name: live
data: { dataset: entangled-spirals-3d, size: 240, noise: 0.05, seed: 0, testFraction: 0.25 }
networks:
  - train: { architecture: dense, width: 8, depth: 2, seed: [0, 1], training: { epochs: 100, batchSize: 32 } }
layers: { select: blocks, includeInput: true }
sampling: { split: test }
studies:
  - study: layer-profile
    options: { perClass: 30, descriptors: [h0, twoNN] }
`;

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as unknown };
}

describe('run --serve', () => {
  it('serves the live report while the run writes the store, and after it until SIGINT', async () => {
    const file = join(dir, 'live.yaml');
    const store = join(dir, 'live.duckdb');
    writeFileSync(file, EXPERIMENT);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CLI, 'run', file, '--store', store, '--workers', '1', '--serve'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let code: number | null | undefined;
    const exited = new Promise<number | null>((done) => child.on('exit', (c) => done((code = c))));
    // bounded: a run that never prints the line fails here (and is killed below) rather than
    // polling on after the test's timeout
    const deadline = Date.now() + 150_000;
    const waitFor = async (re: RegExp): Promise<RegExpExecArray> => {
      for (;;) {
        const m = re.exec(stderr);
        if (m) return m;
        if (code !== undefined) throw new Error(`run exited before ${re}:\n${stderr}`);
        if (Date.now() > deadline) throw new Error(`no ${re} within 150 s:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    try {
      const url = (await waitFor(/live report: (http:\/\/127\.0\.0\.1:\d+\/)/))[1];

      // during the run: the routes answer from the writing process, which lists itself as running
      const first = await getJson(`${url}api/version`);
      expect(first.status).toBe(200);
      let running: unknown[] = [];
      for (let i = 0; i < 200 && running.length === 0; i++) {
        const progress = await getJson(`${url}api/progress`);
        expect(progress.status).toBe(200);
        running = (progress.body as { running: unknown[] }).running;
        if (running.length === 0) await new Promise((r) => setTimeout(r, 25));
      }
      expect(running.length).toBe(1);

      await waitFor(/still serving the report at /);
      const last = await getJson(`${url}api/version`);
      expect(last.status).toBe(200);
      expect((last.body as { stamp: unknown }).stamp).not.toEqual(
        (first.body as { stamp: unknown }).stamp,
      );
      const report = await getJson(`${url}api/report`);
      const measures = (report.body as { measures: { descriptors: string[]; value: number[] } })
        .measures;
      expect(measures.value.length).toBeGreaterThan(0);
      expect(measures.descriptors).toEqual(expect.arrayContaining(['twonn']));
      const page = await fetch(url);
      expect(await page.text()).toContain('topolens report: live');

      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (code === undefined) child.kill('SIGKILL');
    }
  }, 180_000);

  it('tells `serve` on a store another process writes to watch the run with run --serve', async () => {
    const path = join(dir, 'held.duckdb');
    const held = await openStore(path);
    try {
      const other = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'serve', path], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(other.status).toBe(2);
      expect(other.stderr).toMatch(/in use by another process[\s\S]*run <experiment> --serve/);
    } finally {
      await held.close();
    }
  }, 90_000);

  it('refuses a --serve port out of range before running anything', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', CLI, 'run', join(dir, 'live.yaml'), '--serve', '70000'],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--serve takes a port from 0 to 65535, got '70000'/);
  });
});
