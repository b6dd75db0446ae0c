/**
 * src/cli/outputs.ts: a command's files are written all or none, unwritable targets are one
 * TopolensError naming the path and the reason. The tests run as root, where permissions do not
 * stop writes, so the unwritable targets are /sys (EACCES), /proc (no new files), a path under
 * an existing file (ENOTDIR) and a folder where a file is needed (EISDIR).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TopolensError } from '../../src/core/errors.js';
import { checkOutputTargets, writeOutputs } from '../../src/cli/outputs.js';

const dir = mkdtempSync(join(tmpdir(), 'topolens-outputs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function failure(f: () => void): TopolensError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(TopolensError);
    return err as TopolensError;
  }
  throw new Error('expected a TopolensError');
}

describe('writeOutputs', () => {
  it('writes every file, creating missing folders, and replaces existing files', () => {
    const a = join(dir, 'ok', 'a.json');
    const b = join(dir, 'ok', 'deeper', 'b.txt');
    writeOutputs([
      { path: a, content: 'first' },
      { path: b, content: new Uint8Array([65, 66]) },
    ]);
    expect(readFileSync(a, 'utf8')).toBe('first');
    expect(readFileSync(b, 'utf8')).toBe('AB');
    writeOutputs([{ path: a, content: 'second' }]);
    expect(readFileSync(a, 'utf8')).toBe('second');
    // no temporaries or backups left behind
    expect(readdirSync(join(dir, 'ok')).sort()).toEqual(['a.json', 'deeper']);
  });

  it('writes nothing when one target is a folder (EISDIR), and keeps existing files', () => {
    const folder = join(dir, 'eisdir');
    mkdirSync(join(folder, 'graph.graphml'), { recursive: true });
    const json = join(folder, 'graph.json');
    writeFileSync(json, 'old');
    const e = failure(() =>
      writeOutputs([
        { path: json, content: 'new', flag: '--out' },
        { path: join(folder, 'graph.graphml'), content: '<graphml/>', flag: '--graphml' },
      ]),
    );
    expect(e.code).toBe('cannot-write');
    expect(e.message).toMatch(/cannot write --graphml .*graph\.graphml: it is a folder.*EISDIR/);
    expect(e.message).toMatch(/Nothing was written; give a file name/);
    expect(readFileSync(json, 'utf8')).toBe('old');
    expect(readdirSync(folder).sort()).toEqual(['graph.graphml', 'graph.json']);
  });

  it('removes the folders it created when a later file fails', () => {
    const root = join(dir, 'partial');
    mkdirSync(root);
    writeFileSync(join(root, 'file'), 'x');
    const e = failure(() =>
      writeOutputs([
        { path: join(root, 'new', 'sub', 'a.json'), content: 'a', flag: '--out' },
        { path: join(root, 'file', 'b.json'), content: 'b', flag: '--dot' },
      ]),
    );
    expect(e.message).toMatch(
      /cannot write --dot .*file\/b\.json: .*is a file, not a folder.*ENOTDIR/,
    );
    expect(existsSync(join(root, 'new'))).toBe(false);
    expect(readdirSync(root)).toEqual(['file']);
  });

  it('refuses two outputs naming the same file', () => {
    const p = join(dir, 'same.json');
    const e = failure(() =>
      writeOutputs([
        { path: p, content: 'a', flag: '--out' },
        { path: p, content: 'b', flag: '--graphml' },
      ]),
    );
    expect(e.message).toMatch(/--out and --graphml both name/);
    expect(existsSync(p)).toBe(false);
  });

  it.runIf(existsSync('/proc/self'))('creates no folders under /proc, and returns', () => {
    // Node's recursive mkdir never returns there; folders are made one level at a time
    const e = failure(() =>
      writeOutputs([{ path: '/proc/topolens/a/x.json', content: 'x', flag: '--out' }]),
    );
    expect(e.message).toMatch(/cannot write --out \/proc\/topolens\/a\/x\.json: .*\(ENOENT\)/);
  });

  it.runIf(existsSync('/sys/kernel'))('reports /sys as permission denied (EACCES)', () => {
    const e = failure(() => writeOutputs([{ path: '/sys/topolens.json', content: 'x' }]));
    expect(e.message).toMatch(/cannot write the output \/sys\/topolens\.json: permission denied/);
  });
});

describe('checkOutputTargets (before the work)', () => {
  it('accepts writable targets, new folders included, and leaves nothing behind', () => {
    const t = join(dir, 'check');
    mkdirSync(t);
    checkOutputTargets([
      { path: join(t, 'a.json'), flag: '--out' },
      { path: join(t, 'new', 'deep', 'b.json'), flag: '--graphml' },
      { path: join(t, 'layers'), flag: '--out', kind: 'folder' },
    ]);
    expect(readdirSync(t)).toEqual([]);
  });

  it('names the path and the reason for each kind of unwritable target', () => {
    const t = join(dir, 'bad');
    mkdirSync(t);
    writeFileSync(join(t, 'plain'), 'x');
    const cases: [string, 'file' | 'folder', RegExp][] = [
      [join(t, 'plain', 'x.json'), 'file', /is a file, not a folder \(ENOTDIR\)/],
      [join(t, 'plain', 'a', 'b', 'x.json'), 'file', /ENOTDIR/],
      [t, 'file', /it is a folder, and a file is needed \(EISDIR\)/],
      [join(t, 'plain'), 'folder', /is a file, not a folder \(ENOTDIR\)/],
    ];
    if (existsSync('/proc/self')) {
      cases.push(['/proc/topolens.json', 'file', /takes no new files \(ENOENT\)/]);
      // Node's recursive mkdir never returns under /proc: this must not hang
      cases.push(['/proc/a/b/c/x.json', 'file', /\(ENOENT\)/]);
    }
    if (existsSync('/sys/kernel')) cases.push(['/sys/x/y.json', 'file', /EACCES|ENOENT/]);
    for (const [path, kind, reason] of cases) {
      const e = failure(() => checkOutputTargets([{ path, flag: '--out', kind }]));
      expect(e.code, path).toBe('cannot-write');
      expect(e.message, path).toContain(`cannot write --out ${path}:`);
      expect(e.message, path).toMatch(reason);
      expect(e.message.split('\n')).toHaveLength(2); // the message and the way out
    }
  });
});
