/**
 * writeOutputs' second phase: when a rename into place fails after others succeeded (a disk
 * that fails in between, simulated by a renameSync that throws on one target), the files
 * already placed are taken back, the previous contents restored, and nothing else is left.
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const failOn = { target: '' };
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  return {
    ...real,
    renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      if (failOn.target !== '' && String(to) === failOn.target && String(from).endsWith('.tmp')) {
        const err = new Error(`EIO: i/o error, rename '${String(from)}'`) as Error & {
          code: string;
        };
        err.code = 'EIO';
        throw err;
      }
      return real.renameSync(from, to);
    },
  };
});

const { writeOutputs } = await import('../../src/cli/outputs.js');
const dir = fs.mkdtempSync(join(tmpdir(), 'topolens-rollback-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('writeOutputs rollback', () => {
  it('restores the files already replaced when a later rename fails', () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    const c = join(dir, 'c.json');
    fs.writeFileSync(a, 'old a');
    fs.writeFileSync(c, 'old c');
    failOn.target = c;
    expect(() =>
      writeOutputs([
        { path: a, content: 'new a', flag: '--out' },
        { path: b, content: 'new b', flag: '--graphml' },
        { path: c, content: 'new c', flag: '--dot' },
      ]),
    ).toThrow(/cannot write --dot .*c\.json: .*\(EIO\)/);
    failOn.target = '';
    expect(fs.readFileSync(a, 'utf8')).toBe('old a');
    expect(fs.existsSync(b)).toBe(false);
    expect(fs.readFileSync(c, 'utf8')).toBe('old c');
    expect(fs.readdirSync(dir).sort()).toEqual(['a.json', 'c.json']);
  });
});
