/**
 * The defaults a newcomer relies on (issue 10): `id` without --method (twonn), `curvature` and
 * `ricci` without --k (30), `mapper` without --out (<cloud>.mapper.json in the current folder),
 * `capture` without --strategy (auto; test/cli/nnCommands.test.ts). Each default must give the
 * same result as the explicit flag, and --help must say what it is.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../src/cli/main.js';
import { reportError } from '../../src/cli/output.js';
import { defaultMapperOut } from '../../src/cli/commands/mapper.js';
import { createRng } from '../../src/core/rng.js';

const dir = mkdtempSync(join(tmpdir(), 'topolens-defaults-'));

/** A noisy circle in R^3, one point per line. */
function writeCloud(name: string, n: number, seed: number): string {
  const rng = createRng(seed);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = 2 * Math.PI * rng.next();
    lines.push([Math.cos(a), Math.sin(a), 0.05 * rng.normal()].join(' '));
  }
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

async function run(args: string[]): Promise<{ out: string; code: number }> {
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  let code = 0;
  try {
    await buildProgram()
      .exitOverride()
      .configureOutput({ writeOut: (s) => (out += s), writeErr: () => undefined })
      .parseAsync(['node', 'topolens', ...args]);
  } catch (err) {
    code = (err as { code?: string }).code === 'commander.helpDisplayed' ? 0 : reportError(err);
  } finally {
    vi.restoreAllMocks();
  }
  return { out, code };
}

/** The help text of one subcommand. */
function help(command: string): string {
  const sub = buildProgram().commands.find((c) => c.name() === command);
  if (!sub) throw new Error(`no command ${command}`);
  return sub.helpInformation();
}

afterEach(() => vi.restoreAllMocks());

describe('CLI defaults', () => {
  const cloud = writeCloud('circle.txt', 120, 1);

  it('id without --method is twonn', async () => {
    const plain = await run(['id', cloud, '--json']);
    expect(plain.code).toBe(0);
    const explicit = await run(['id', cloud, '--method', 'twonn', '--json']);
    expect(JSON.parse(plain.out)).toEqual(JSON.parse(explicit.out));
    expect(JSON.parse(plain.out).method).toBe('twoNN');
    expect(help('id')).toMatch(/--method <method>[\s\S]*default twonn[\s\S]*\(default: "twonn"\)/);
  });

  it('curvature and ricci without --k use k = 30', async () => {
    const plain = await run(['curvature', cloud, '--json']);
    expect(plain.code).toBe(0);
    const explicit = await run(['curvature', cloud, '--k', '30', '--json']);
    expect(JSON.parse(plain.out)).toEqual(JSON.parse(explicit.out));
    expect(JSON.parse(plain.out).k).toBe(30);
    expect(JSON.parse((await run(['curvature', cloud, '--k', '5', '--json'])).out).k).toBe(5);
    expect(help('curvature')).toMatch(/--k <k>[\s\S]*default 30[\s\S]*\(default: 30\)/);

    const other = writeCloud('other.txt', 120, 2);
    const layers = [cloud, other, cloud, other, cloud, other];
    const ricci = await run(['ricci', ...layers, '--json']);
    expect(ricci.code).toBe(0);
    expect(JSON.parse(ricci.out).k).toBe(30);
    expect(JSON.parse(ricci.out)).toEqual(
      JSON.parse((await run(['ricci', ...layers, '--k', '30', '--json'])).out),
    );
    expect(help('ricci')).toMatch(/--k <k>[\s\S]*default 30[\s\S]*\(default: 30\)/);
  });

  it('a cloud too small for the default k says so and names --k', async () => {
    const small = writeCloud('small.txt', 20, 3);
    let message = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      message += String(chunk);
      return true;
    });
    const code = await buildProgram()
      .exitOverride()
      .parseAsync(['node', 'topolens', 'curvature', small])
      .then(
        () => 0,
        (err) => reportError(err),
      );
    vi.restoreAllMocks();
    expect(code).toBe(2);
    expect(message).toMatch(/k = 30 needs more than 30 points/);
  });

  it('mapper without --out writes <cloud name>.mapper.json in the current folder', async () => {
    expect(defaultMapperOut('data/run 1/circle.npy')).toBe('circle.mapper.json');
    expect(defaultMapperOut('C:\\data\\layer3.csv')).toBe('layer3.mapper.json');
    expect(defaultMapperOut('cloud')).toBe('cloud.mapper.json');
    const cwd = process.cwd();
    const work = mkdtempSync(join(dir, 'cwd-'));
    process.chdir(work);
    try {
      const r = await run(['mapper', cloud, '--json']);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out).out).toBe('circle.mapper.json');
      expect(existsSync(join(work, 'circle.mapper.json'))).toBe(true);
      const explicit = join(work, 'explicit.json');
      await run(['mapper', cloud, '--out', explicit, '--json']);
      expect(readFileSync(join(work, 'circle.mapper.json'), 'utf8')).toBe(
        readFileSync(explicit, 'utf8'),
      );
      const text = await run(['mapper', cloud]);
      expect(text.out).toMatch(/wrote circle\.mapper\.json/);
    } finally {
      process.chdir(cwd);
    }
    expect(help('mapper')).toMatch(/--out <file>[\s\S]*default: <cloud name>\.mapper\.json/);
  });

  it('capture --help documents the auto strategy as the default', () => {
    expect(help('capture')).toMatch(/auto chooses by the[\s\S]*\(default: "auto"\)/);
  });
});
