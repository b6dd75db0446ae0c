import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runIdCommand } from '../../src/cli/commands/id.js';
import { loadPointCloud } from '../../src/data/load.js';
import { mle } from '../../src/geometry/intrinsicDimension/index.js';
import { requireTool, PYTHON } from '../helpers/oracles.js';

const defaults = {
  estimator: 'm22',
  samples: '1',
  seed: '0',
  alpha: '1',
  variant: 'fit',
  blocks: '0',
  rule: 'ratio',
  threshold: '0.95',
};

/** A .npy v1 file built by hand: header dict padded to a multiple of 64 bytes. */
function npyBytes(data: Float64Array | Float32Array, shape: number[]): Uint8Array {
  const descr = data instanceof Float32Array ? '<f4' : '<f8';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 255, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), total);
  return out;
}

describe('topolens id', () => {
  it('reads .npy and text clouds through the shared loader, and refuses distance matrices', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-id-'));
    try {
      const npy = join(dir, 'a.npy');
      writeFileSync(npy, npyBytes(Float64Array.from([1, 2, 3, 4, 5, 6]), [3, 2]));
      expect(loadPointCloud(npy)).toEqual({
        data: Float64Array.from([1, 2, 3, 4, 5, 6]),
        rows: 3,
        cols: 2,
      });
      const csv = join(dir, 'c.csv');
      writeFileSync(csv, 'x,y\n# comment\n1,2\n3,4\n5,6\n');
      expect(loadPointCloud(csv).rows).toBe(3);
      const ldm = join(dir, 'd.lower_distance');
      writeFileSync(ldm, '1\n2 3\n');
      expect(() => loadPointCloud(ldm)).toThrow(
        /holds a distance matrix, but this command needs point coordinates/,
      );
      expect(() => runIdCommand(ldm, { ...defaults, method: 'twonn' })).toThrow(/distance matrix/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('runs every method on a NumPy-written circle and writes pointwise values', (ctx) => {
    requireTool(ctx, 'numpy');
    const dir = mkdtempSync(join(tmpdir(), 'topolens-id-'));
    try {
      const file = join(dir, 'circle.npy');
      execFileSync(PYTHON, [
        '-c',
        `import numpy as np
r = np.random.default_rng(0)
t = r.uniform(0, 2 * np.pi, 1200)
X = np.zeros((1200, 6)); X[:, 0] = np.cos(t); X[:, 1] = np.sin(t)
np.save(${JSON.stringify(file)}, X.astype(np.float32))`,
      ]);
      for (const method of ['twonn', 'mle', 'phdim', 'lpca']) {
        const r = runIdCommand(file, { ...defaults, method, json: true });
        expect(Math.abs(r.estimate - 1)).toBeLessThan(0.06);
      }
      expect(runIdCommand(file, { ...defaults, method: 'pr', json: true }).estimate).toBeCloseTo(
        2,
        1,
      );
      const out = join(dir, 'pw.txt');
      const r = runIdCommand(file, { ...defaults, method: 'mle', pointwise: out, json: true });
      const lines = readFileSync(out, 'utf8').trim().split('\n').map(Number);
      expect(lines.length).toBe(1200);
      expect(lines[7]).toBe(r.pointwise![7]);
      const cloud = loadPointCloud(file);
      expect(mle(cloud).estimate).toBe(r.estimate);
      expect(() => runIdCommand(file, { ...defaults, method: 'twonn', pointwise: out })).toThrow(
        /twonn has no pointwise values/,
      );
      expect(() => runIdCommand(file, { ...defaults, method: 'foo' })).toThrow(
        /unknown method 'foo'/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints JSON from the command line and exits 2 with a clear message on bad input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'topolens-id-'));
    try {
      const file = join(dir, 'few.txt');
      writeFileSync(file, '0 0\n1 0\n0 2.5\n3.1 1\n2 7\n');
      const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
      const ok = spawnSync(tsx, ['src/cli/main.ts', 'id', file, '--method', 'twonn', '--json'], {
        encoding: 'utf8',
      });
      expect(ok.status).toBe(0);
      const json = JSON.parse(ok.stdout);
      expect(json.method).toBe('twoNN');
      expect(json.used + json.droppedTies + json.droppedDuplicates).toBe(5);
      const bad = spawnSync(tsx, ['src/cli/main.ts', 'id', file, '--method', 'mle'], {
        encoding: 'utf8',
      });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(/MLE with k = 20 needs at least 21 points, but few.txt has 5/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
