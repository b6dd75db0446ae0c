import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseTextTable } from '../../src/data/text.js';
import {
  parseDistanceMatrix,
  parseLowerDistance,
  parseSparseTriplets,
} from '../../src/data/distanceText.js';
import { parseJsonInput } from '../../src/data/jsonInput.js';
import { formatFromExtension, loadPointCloudOrDistances } from '../../src/data/load.js';
import { isCondensedDistances, isSparseDistances } from '../../src/core/distances.js';
import type { Matrix } from '../../src/core/matrix.js';
import { hasTool, requireTool, runPython } from '../helpers/oracles.js';

describe('parseTextTable', () => {
  it('detects comma, tab, semicolon and whitespace, skipping comments and a header', () => {
    const csv = '# a comment\nx,y,z\n1,2,3\n\n  # another\n4.5,-6e-1,.5\n';
    const t = parseTextTable(csv);
    expect(t.delimiter).toBe(',');
    expect(t.header).toEqual(['x', 'y', 'z']);
    expect(Array.from(t.matrix.data)).toEqual([1, 2, 3, 4.5, -0.6, 0.5]);
    expect(Array.from(t.lineNumbers)).toEqual([3, 6]);
    expect(parseTextTable('1\t2\n3\t4\n').delimiter).toBe('\t');
    expect(parseTextTable('1;2\n3;4\n').delimiter).toBe(';');
    const ws = parseTextTable('  1   2\n3 4  \r\n');
    expect(ws.delimiter).toBe('whitespace');
    expect([ws.matrix.rows, ws.matrix.cols]).toEqual([2, 2]);
    expect(parseTextTable('"a","b"\n"1","2"\n').matrix.data[1]).toBe(2);
  });

  it('names the line (in the file, from 1) and the counts of a ragged row', () => {
    expect(() => parseTextTable('# c\nx,y\n1,2\n3,4\n\n5\n', { name: 'pts.csv' })).toThrow(
      /Line 6 of pts\.csv has 1 values, but line 3 has 2/,
    );
  });

  it('names row and column of NaN, Infinity, empty and non-numeric values', () => {
    expect(() => parseTextTable('1,2\n3,NaN\n', { name: 'p' })).toThrow(
      /NaN at line 2, column 2 of p: values must be finite/,
    );
    expect(() => parseTextTable('1,2\n-Infinity,4\n', { name: 'p' })).toThrow(
      /-Infinity at line 2, column 1 of p/,
    );
    expect(() => parseTextTable('1,2\ninf,4\n', { name: 'p' })).toThrow(/inf at line 2, column 1/);
    expect(() => parseTextTable('1,2\n3,\n', { name: 'p' })).toThrow(
      /Empty value at line 2, column 2 of p/,
    );
    expect(() => parseTextTable('1,2\n3,abc\n', { name: 'p' })).toThrow(
      /'abc' at line 2, column 2 of p is not a number/,
    );
  });

  it('refuses empty files and header-only files clearly', () => {
    expect(() => parseTextTable('', { name: 'e.csv' })).toThrow(/e\.csv is empty/);
    expect(() => parseTextTable('# only\n\n', { name: 'e.csv' })).toThrow(/e\.csv is empty/);
    expect(() => parseTextTable('x,y\n', { name: 'h.csv' })).toThrow(/header row but no data/);
  });
});

describe('Ripser distance formats', () => {
  it('reads lower-distance with any separators and finds n', () => {
    const d = parseLowerDistance('1\n2,3\n4 5\t6\n');
    expect(d.n).toBe(4);
    expect(Array.from(d.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(parseLowerDistance('1, 2, 3, 4, 5, 6').n).toBe(4);
  });

  it('refuses a lower-distance count that is not triangular, negatives and NaN', () => {
    expect(() => parseLowerDistance('1 2 3 4', 'l.ldm')).toThrow(
      /l\.ldm has 4 values, which is not n\(n-1\)\/2 for any n \(3 values for n = 3, 6 for n = 4\)/,
    );
    expect(() => parseLowerDistance('1 -2 3', 'l.ldm')).toThrow(
      /Negative distance -2 at row 2, column 0 \(entry 2\) of l\.ldm/,
    );
    expect(() => parseLowerDistance('1\n2 nan', 'l.ldm')).toThrow(/nan at line 2, column 2/);
    expect(() => parseLowerDistance('\n', 'l.ldm')).toThrow(/l\.ldm is empty/);
  });

  it('reads a full distance matrix and checks square, symmetric, zero diagonal, non-negative', () => {
    const d = parseDistanceMatrix('0 1 2\n1 0 3\n2 3 0\n');
    expect(d.n).toBe(3);
    expect(Array.from(d.data)).toEqual([1, 2, 3]);
    // symmetric within 1e-9 relative is accepted
    expect(parseDistanceMatrix('0,1\n1.0000000001,0').n).toBe(2);
    expect(() => parseDistanceMatrix('0 1 2\n1 0 3\n', 'D')).toThrow(
      /D has 2 rows and 3 columns; a distance matrix must be square/,
    );
    expect(() => parseDistanceMatrix('0 1\n1.1 0', 'D')).toThrow(
      /D is not symmetric: row 2, column 1 is 1\.1 but row 1, column 2 is 1/,
    );
    expect(() => parseDistanceMatrix('0 1\n1 0.5', 'D')).toThrow(
      /D has 0\.5 on the diagonal at row 2, column 2/,
    );
    expect(() => parseDistanceMatrix('0 -1\n-1 0', 'D')).toThrow(
      /Negative distance -1 at row 2, column 1 of D/,
    );
  });

  it("reads Ripser's sparse i j d triplets, both orientations, dropping exact duplicates", () => {
    const s = parseSparseTriplets('# edges\n0 1 0.5\n2 0 1.5\n1 0 0.5\n3 3 0\n');
    expect(s.n).toBe(4);
    expect(Array.from(s.i)).toEqual([1, 2]);
    expect(Array.from(s.j)).toEqual([0, 0]);
    expect(Array.from(s.values)).toEqual([0.5, 1.5]);
    expect(() => parseSparseTriplets('0 1 0.5\n1 0 0.7', 's')).toThrow(
      /Edge 1-0 appears twice in s with different distances: 0\.5 \(line 1\) and 0\.7 \(line 2\)/,
    );
    expect(() => parseSparseTriplets('0 1\n', 's')).toThrow(/Line 1 of s has 2 values/);
    expect(() => parseSparseTriplets('0 1.5 2\n', 's')).toThrow(
      /Line 1, column 2 of s: vertex index 1\.5/,
    );
    expect(() => parseSparseTriplets('0 1 -2\n', 's')).toThrow(/Negative distance -2 at line 1/);
    expect(() => parseSparseTriplets('', 's')).toThrow(/s is empty/);
  });
});

describe('parseJsonInput', () => {
  it('reads points as an array or {points}, and {distances} as a checked matrix', () => {
    const a = parseJsonInput('[[1,2],[3,4],[5,6]]');
    expect(a.kind).toBe('points');
    expect(Array.from((a as { points: Matrix }).points.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const b = parseJsonInput('{"points": [[1],[2]]}');
    expect(b.kind === 'points' && b.points.rows).toBe(2);
    const c = parseJsonInput('{"distances": [[0,1],[1,0]]}');
    expect(c.kind === 'distances' && Array.from(c.distances.data)).toEqual([1]);
  });

  it('names the offending row of ragged or non-numeric JSON', () => {
    expect(() => parseJsonInput('[[1,2],[3]]', 'p.json')).toThrow(
      /Row 1 of the array of p\.json has 1 values, but row 0 has 2/,
    );
    expect(() => parseJsonInput('[[1,2],[3,null]]', 'p.json')).toThrow(
      /Row 1, column 1 of the array of p\.json is null/,
    );
    expect(() => parseJsonInput('{"distances": [[0,2],[1,0]]}', 'p.json')).toThrow(/not symmetric/);
    expect(() => parseJsonInput('{"x": 1}', 'p.json')).toThrow(/must be an array of points/);
    expect(() => parseJsonInput('[1,', 'p.json')).toThrow(/p\.json is not valid JSON/);
    expect(() => parseJsonInput('  ', 'p.json')).toThrow(/p\.json is empty/);
  });
});

describe('loadPointCloudOrDistances', () => {
  const dir = mkdtempSync(join(tmpdir(), 'topolens-load-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('infers the format from the extension', () => {
    expect(formatFromExtension('a/b.NPY')).toBe('npy');
    expect(formatFromExtension('x.ldm')).toBe('lower-distance');
    expect(formatFromExtension('x.lower_distance')).toBe('lower-distance');
    expect(formatFromExtension('x.tsv')).toBe('point-cloud');
    expect(() => formatFromExtension('x.bin')).toThrow(
      /Cannot tell the format of x\.bin.*--format/s,
    );
  });

  it('returns a point cloud, condensed distances or sparse distances', () => {
    writeFileSync(join(dir, 'p.csv'), 'x,y\n0,0\n3,4\n');
    writeFileSync(join(dir, 'd.ldm'), '5\n');
    writeFileSync(join(dir, 's.txt'), '0 1 5\n');
    const p = loadPointCloudOrDistances(join(dir, 'p.csv')) as Matrix;
    expect([p.rows, p.cols]).toEqual([2, 2]);
    const d = loadPointCloudOrDistances(join(dir, 'd.ldm'));
    expect(isCondensedDistances(d) && d.n).toBe(2);
    const s = loadPointCloudOrDistances(join(dir, 's.txt'), { format: 'sparse' });
    expect(isSparseDistances(s) && s.n).toBe(2);
    expect(() => loadPointCloudOrDistances(join(dir, 'missing.csv'))).toThrow(/No such file/);
    expect(() => loadPointCloudOrDistances(join(dir, 'p.csv'), { format: 'xyz' })).toThrow(
      /Unknown input format 'xyz'/,
    );
  });

  it('reads .npy/.npz written by NumPy as point clouds, checking finiteness', (ctx) => {
    requireTool(ctx, 'numpy');
    if (hasTool('numpy')) {
      runPython(
        `import numpy as np
np.save('${dir}/a.npy', np.arange(12, dtype=np.float32).reshape(4, 3))
np.save('${dir}/nan.npy', np.array([[1.0, 2.0], [np.nan, 0.0]]))
np.savez('${dir}/b.npz', x=np.ones((2, 2)), y=np.zeros((3, 1)))
np.save('${dir}/dm.npy', np.array([[0, 1, 2], [1, 0, 3], [2, 3, 0]], dtype=np.float32))
np.save('${dir}/asym.npy', np.array([[0, 1], [2, 0]]))`,
      );
    }
    const a = loadPointCloudOrDistances(join(dir, 'a.npy')) as Matrix;
    expect([a.rows, a.cols, a.data[5]]).toEqual([4, 3, 5]);
    expect(() => loadPointCloudOrDistances(join(dir, 'nan.npy'))).toThrow(
      /NaN in row 1, column 0 of nan\.npy/,
    );
    const y = loadPointCloudOrDistances(join(dir, 'b.npz'), { array: 'y' }) as Matrix;
    expect([y.rows, y.cols]).toEqual([3, 1]);
    expect(() => loadPointCloudOrDistances(join(dir, 'b.npz'))).toThrow(/holds 2 arrays \(x, y\)/);
    const dm = loadPointCloudOrDistances(join(dir, 'dm.npy'), { format: 'distance' });
    expect(isCondensedDistances(dm) && Array.from(dm.data)).toEqual([1, 2, 3]);
    expect(() => loadPointCloudOrDistances(join(dir, 'asym.npy'), { format: 'distance' })).toThrow(
      /asym\.npy is not symmetric: row 2, column 1 is 2/,
    );
  });
});
