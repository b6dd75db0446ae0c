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

  it('refuses an unknown experiment with the list, exit code 2, no file', async () => {
    const out = join(dir, 'none.html');
    const r = await run(['report', storePath, '--experiment', 'nope', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no experiment 'nope'.*synthetic sweep/s);
    expect(existsSync(out)).toBe(false);
  });
});
