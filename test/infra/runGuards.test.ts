/**
 * Runs Vitest with this project's config on one test file `name`.test.ts written with `source`
 * into a scratch root, with `extra` in the environment but without .ci/run's report path (the
 * outer run's alone).
 */
function nestedVitest(name: string, source: string, extra: Record<string, string>) {
  writeFileSync(join(dir, 'test', `${name}.test.ts`), source);
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.TOPOLENS_TEST_REPORT;
  return spawnSync(
    resolve('node_modules/.bin/vitest'),
    ['run', '--root', dir, '--config', resolve('vitest.config.ts'), name],
    { encoding: 'utf8', timeout: 90_000, env },
  );
}

/**
 * The guards that keep one stalled test from hanging the whole run (CI once timed out at its
 * 90-minute limit with nothing failed): synchronous children get a timeout
 * (test/helpers/childTimeouts.ts) and the watchdog reporter names long-running files
 * (test/helpers/watchdogReporter.ts).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SYNC_CHILD_LIMIT_MS, limited } from '../helpers/childTimeouts.js';
import { commitSeed } from '../helpers/propertySeed.js';

const dir = mkdtempSync(join(tmpdir(), 'topolens-guards-'));
mkdirSync(join(dir, 'test'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('synchronous children get a timeout', () => {
  it('adds the limit where a call gives none, and keeps a timeout the call gives', () => {
    expect(limited(undefined)).toEqual({ timeout: SYNC_CHILD_LIMIT_MS, killSignal: 'SIGKILL' });
    expect(limited({ timeout: 0 })).toMatchObject({ timeout: SYNC_CHILD_LIMIT_MS });
    expect(limited({ timeout: 5 })).toEqual({ timeout: 5 });
    expect(SYNC_CHILD_LIMIT_MS).toBe(10 * 60_000);
  });

  it('the imported execFileSync and spawnSync are the limited ones, and still run commands', () => {
    expect((execFileSync as { limited?: boolean }).limited).toBe(true);
    expect((spawnSync as { limited?: boolean }).limited).toBe(true);
    expect(execFileSync('sh', ['-c', 'echo ok'], { encoding: 'utf8' })).toBe('ok\n');
    expect(spawnSync('sh', ['-c', 'exit 3']).status).toBe(3);
    expect(execFileSync('echo', { encoding: 'utf8' })).toBe('\n');
  });

  it('a child that never ends is killed at the limit (here a second) and its test fails', () => {
    const r = nestedVitest(
      'stall',
      `import { execFileSync } from 'node:child_process';
import { it } from 'vitest';
it('stalls', () => { execFileSync('sleep', ['600']); });
`,
      { TOPOLENS_SYNC_CHILD_LIMIT_MS: '1000' },
    );
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/ETIMEDOUT/);
  }, 100_000);
});

describe('the watchdog reporter', () => {
  it('names a test file that runs longer than its interval', () => {
    const r = nestedVitest(
      'slow',
      `import { it } from 'vitest';
it('takes a while', async () => { await new Promise((r) => setTimeout(r, 2500)); });
`,
      { TOPOLENS_WATCHDOG_MS: '1000' },
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).toMatch(/watchdog: test\/slow\.test\.ts has been running for \d+ s/);
  }, 100_000);
});

describe('fast-check seed per commit', () => {
  it('reads the checked-out commit from .git (branch ref, packed ref, detached head)', () => {
    const git = join(dir, 'repo', '.git');
    mkdirSync(join(git, 'refs', 'heads'), { recursive: true });
    writeFileSync(join(git, 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(git, 'refs', 'heads', 'main'), '0000002a' + 'f'.repeat(32) + '\n');
    expect(commitSeed(join(dir, 'repo'))).toBe(42);
    rmSync(join(git, 'refs', 'heads', 'main'));
    writeFileSync(
      join(git, 'packed-refs'),
      `# pack\n${'ffffffff' + '0'.repeat(32)} refs/heads/main\n`,
    );
    expect(commitSeed(join(dir, 'repo'))).toBe(-1);
    writeFileSync(join(git, 'HEAD'), '00000007' + '1'.repeat(32) + '\n');
    expect(commitSeed(join(dir, 'repo'))).toBe(7);
    expect(commitSeed(join(dir, 'nowhere'))).toBeUndefined();
  });

  it('is the seed fast-check uses in this run', () => {
    const expected = process.env.TOPOLENS_FC_SEED
      ? Number(process.env.TOPOLENS_FC_SEED)
      : commitSeed(process.cwd());
    expect(fc.readConfigureGlobal().seed).toBe(expected);
  });
});
