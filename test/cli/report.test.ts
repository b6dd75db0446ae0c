import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { reportError } from '../../src/cli/output.js';
import { openStore } from '../../src/run/store.js';
import { fillSyntheticStore } from '../helpers/syntheticStore.js';

const dir = mkdtempSync(join(tmpdir(), 'topolens-report-cli-'));
const storePath = join(dir, 'results.duckdb');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  let code = 0;
  try {
    await buildProgram()
      .exitOverride()
      .configureOutput({ writeErr: (s) => (err += s), writeOut: (s) => (out += s) })
      .parseAsync(['node', 'topolens', ...args]);
  } catch (e) {
    const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      err += String(chunk);
      return true;
    });
    code = reportError(e);
    errSpy.mockRestore();
  } finally {
    spy.mockRestore();
  }
  return { out, err, code };
}

beforeAll(async () => {
  if (!existsSync('dist/viewer/viewer.js'))
    execFileSync('npx', ['vite', 'build', '--config', 'viewer/vite.config.ts'], {
      stdio: 'ignore',
    });
  const store = await openStore(storePath);
  await fillSyntheticStore(store, { networks: 2, layers: 3 });
  await store.close();
});

describe('topolens report', () => {
  it('writes one HTML file with the data and prints its path', async () => {
    const out = join(dir, 'r.html');
    const r = await run(['report', storePath, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(out);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('"format":"topolens-report"');
    expect(html).toContain('synthetic sweep');
  });

  it('says which experiment it drew when the store holds several (a newer one hid the rest unsaid)', async () => {
    const two = join(dir, 'two.duckdb');
    const store = await openStore(two);
    await fillSyntheticStore(store, { networks: 2, layers: 3 });
    await store.putExperiment({
      id: 'exp-later',
      name: 'later sweep',
      spec: {},
      createdAt: '2026-12-04T09:00:00.000Z',
    });
    await store.close();
    let err = '';
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      err += String(chunk);
      return true;
    });
    const drawn = await run(['report', two, '--out', join(dir, 'two.html')]);
    const chosen = await run([
      'report',
      two,
      '--experiment',
      'synthetic sweep',
      '--out',
      join(dir, 'one.html'),
    ]);
    spy.mockRestore();
    expect(drawn.code).toBe(0);
    expect(chosen.code).toBe(0);
    // once, for the run without --experiment
    expect(err).toBe(
      "the report draws the newest experiment, 'later sweep'; the store also holds 'synthetic sweep' (--experiment <name> draws another)\n",
    );
  });

  it('refuses an unknown experiment with the list, exit code 2, no file', async () => {
    const out = join(dir, 'none.html');
    const r = await run(['report', storePath, '--experiment', 'nope', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no experiment 'nope'.*synthetic sweep/s);
    expect(existsSync(out)).toBe(false);
  });
});
