import { describe, expect, it } from 'vitest';
import { diagram } from '../../src/core/diagram.js';
import { describeInput, resolvePhSettings, summarizeDiagrams } from '../../src/cli/commands/ph.js';

describe('ph summary helpers', () => {
  it('counts finite and infinite bars and lists the most persistent first (infinite first)', () => {
    const d = diagram(1, [
      [0, 1],
      [0.5, 3],
      [2, Infinity],
      [1, 1.25],
      [0, 0.5],
      [0.1, 2.1],
      [0.2, 0.3],
    ]);
    const [s] = summarizeDiagrams([d], 4);
    expect(s).toEqual({
      dimension: 1,
      finite: 6,
      infinite: 1,
      mostPersistent: [
        [2, null],
        [0.5, 3],
        [0.1, 2.1],
        [0, 1],
      ],
    });
  });

  it('describes the three kinds of input', () => {
    expect(describeInput({ data: new Float64Array(6), rows: 3, cols: 2 })).toEqual({
      kind: 'point-cloud',
      points: 3,
      dimension: 2,
    });
    expect(describeInput({ n: 3, data: new Float64Array(3) })).toEqual({
      kind: 'distance-matrix',
      points: 3,
    });
    expect(
      describeInput({ n: 4, i: Int32Array.of(1), j: Int32Array.of(0), values: Float64Array.of(1) }),
    ).toEqual({ kind: 'sparse-distances', points: 4, edges: 1 });
  });

  it('maps --collapse to the engine option and infers the format', () => {
    const base = { maxdim: '2', coeff: '3', metric: 'euclidean', collapse: 'on' };
    const s = resolvePhSettings('a.ldm', base);
    expect(s).toMatchObject({
      format: 'lower-distance',
      maxDimension: 2,
      coefficient: 3,
      collapse: true,
    });
    expect(resolvePhSettings('a.npy', { ...base, collapse: 'off' }).collapse).toBe(false);
    expect(resolvePhSettings('a.npy', { ...base, collapse: 'auto' }).collapse).toBe('auto');
    expect(() => resolvePhSettings('a.csv', { ...base, out: 'x.parquet' })).toThrow(
      /\.json.*\.csv.*\.txt/s,
    );
    expect(() => resolvePhSettings('a.csv', { ...base, maxdim: '1.5' })).toThrow(/--maxdim/);
  });
});
