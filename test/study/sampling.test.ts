import { describe, expect, it } from 'vitest';
import { minMaxScaleColumns, rowsByClass, sampleGroups } from '../../src/study/sampling.js';
import { minMaxScaleCurve, finiteMean, finiteStd } from '../../src/study/summary.js';
import { cloudDescriptor } from '../../src/study/descriptors.js';
import { knnGraph } from '../../src/geometry/knnGraph.js';
import { formanCurvature } from '../../src/geometry/forman.js';
import { uniformCube } from './helpers.js';

describe('study sampling and summaries', () => {
  it('draws at most K rows per class, the same for the same seed', () => {
    const labels = Int32Array.from({ length: 50 }, (_, i) => (i < 30 ? 2 : 0));
    const a = sampleGroups(50, { scope: 'class', labels, perClass: 10, seed: 1, what: 't' });
    const b = sampleGroups(50, { scope: 'class', labels, perClass: 10, seed: 1, what: 't' });
    expect(a).toEqual(b);
    expect(a.map((g) => g.label)).toEqual([0, 2]);
    expect(a.map((g) => g.rows.length)).toEqual([10, 10]);
    expect([...a[1].rows].every((i) => labels[i] === 2)).toBe(true);
    expect(new Set(a[1].rows).size).toBe(10);
    const all = sampleGroups(50, { scope: 'global', seed: 0, what: 't' });
    expect(all[0].rows.length).toBe(50);
    expect([...rowsByClass([1, 0, 1]).keys()]).toEqual([0, 1]);
  });

  it('min-max scales columns and curves', () => {
    const m = minMaxScaleColumns({ data: Float64Array.from([1, 5, 3, 5, 2, 5]), rows: 3, cols: 2 });
    expect(Array.from(m.data)).toEqual([0, 0, 1, 0, 0.5, 0]);
    expect(minMaxScaleCurve([2, 4, NaN, 3])).toEqual([0, 1, NaN, 0.5]);
    expect(finiteMean([1, NaN, 3])).toBe(2);
    expect(finiteStd([1, 3])).toBeCloseTo(Math.SQRT2, 15);
    expect(finiteStd([7])).toBe(0);
  });

  it('the curvature descriptor is the mean Forman curvature per edge of the 10-NN graph', () => {
    const X = uniformCube(80, 3, 4);
    const c = formanCurvature(knnGraph(X, { k: 10 }));
    const mean = c.values.reduce((a, b) => a + b, 0) / c.values.length;
    expect(cloudDescriptor(X, 'curvature', {}, 0, 'x')).toBeCloseTo(mean, 10);
    expect(cloudDescriptor(X, 'curvature', { curvatureK: 5 }, 0, 'x')).toBeGreaterThan(mean);
  });
});
