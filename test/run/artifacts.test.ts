import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { SHARED_FILE_MIN_BYTES, writeFolderAtomic } from '../../src/run/artifacts.js';

const dir = mkdtempSync(join(tmpdir(), 'topolens-artifacts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (n: number, seed: number): Uint8Array => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7) & 255;
  return b;
};

describe('writeFolderAtomic', () => {
  it('keeps a large file two folders share once (hard links), small and distinct files apart', () => {
    const root = join(dir, 'store.clouds');
    const input = bytes(SHARED_FILE_MIN_BYTES + 5, 1); // the input layer's cloud: the same bytes
    const small = bytes(100, 2);
    writeFolderAtomic(join(root, 'a'), {
      'layer-0.npy': input,
      'layer-1.npy': bytes(SHARED_FILE_MIN_BYTES, 3),
      'meta.json': '{"a":1}',
      'small.bin': small,
    });
    writeFolderAtomic(join(root, 'b'), {
      'layer-0.npy': input,
      'layer-1.npy': bytes(SHARED_FILE_MIN_BYTES, 4),
      'meta.json': '{"b":2}',
      'small.bin': small,
    });
    const ino = (f: string) => statSync(join(root, f)).ino;
    expect(ino('a/layer-0.npy')).toBe(ino('b/layer-0.npy'));
    const sha = createHash('sha256').update(input).digest('hex');
    expect(ino(`.shared/${sha}`)).toBe(ino('a/layer-0.npy'));
    expect(statSync(join(root, 'a/layer-0.npy')).nlink).toBe(3);
    // different large files, and small files even when equal, are files of their own
    expect(ino('a/layer-1.npy')).not.toBe(ino('b/layer-1.npy'));
    expect(ino('a/small.bin')).not.toBe(ino('b/small.bin'));
    expect(readdirSync(join(root, '.shared')).sort()).toHaveLength(3);
    // the bytes read back are those written
    expect(new Uint8Array(readFileSync(join(root, 'b/layer-0.npy')))).toEqual(input);
    expect(new Uint8Array(readFileSync(join(root, 'b/layer-1.npy')))).toEqual(
      bytes(SHARED_FILE_MIN_BYTES, 4),
    );
    expect(readFileSync(join(root, 'b/meta.json'), 'utf8')).toBe('{"b":2}');
    // no temporary names are left behind
    expect(readdirSync(root).sort()).toEqual(['.shared', 'a', 'b']);
  });

  it('deleting one folder, or the shared copies, leaves the other folders whole', () => {
    const root = join(dir, 'store2.clouds');
    const input = bytes(SHARED_FILE_MIN_BYTES * 2, 5);
    for (const f of ['a', 'b']) writeFolderAtomic(join(root, f), { 'layer-0.npy': input });
    rmSync(join(root, 'a'), { recursive: true });
    rmSync(join(root, '.shared'), { recursive: true });
    expect(new Uint8Array(readFileSync(join(root, 'b/layer-0.npy')))).toEqual(input);
    // a later folder with the same bytes writes the shared copy again
    writeFolderAtomic(join(root, 'c'), { 'layer-0.npy': input });
    expect(statSync(join(root, 'c/layer-0.npy')).nlink).toBe(2);
    expect(new Uint8Array(readFileSync(join(root, 'c/layer-0.npy')))).toEqual(input);
  });

  it('keeps an existing complete folder as it is', () => {
    const root = join(dir, 'store3.models');
    writeFolderAtomic(join(root, 'x'), { 'model.json': 'first' });
    writeFolderAtomic(join(root, 'x'), { 'model.json': 'second' });
    expect(readFileSync(join(root, 'x/model.json'), 'utf8')).toBe('first');
  });
});
