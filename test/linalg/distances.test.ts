import { describe, expect, it } from 'vitest';
import { pairwiseDistances } from '../../src/linalg/distances.js';
import { knn } from '../../src/linalg/knn.js';
import { fromRows } from '../../src/core/matrix.js';
import { enclosingRadius } from '../../src/core/distances.js';

describe('pairwiseDistances', () => {
  it('computes Euclidean distances in lower-triangle order', () => {
    const X = fromRows([
      [0, 0],
      [3, 4],
      [6, 8],
    ]);
    const D = pairwiseDistances(X, { precision: 'float64' });
    expect(Array.from(D.data)).toEqual([5, 10, 5]);
    expect(enclosingRadius(D)).toBe(5);
  });

  it('keeps relative accuracy for large coordinates', () => {
    const X = fromRows([
      [1e8, 1e8],
      [1e8 + 1, 1e8],
    ]);
    expect(pairwiseDistances(X, { precision: 'float64' }).data[0]).toBe(1);
  });

  it('names the row and column of a NaN', () => {
    const X = fromRows([
      [0, 0],
      [1, NaN],
    ]);
    expect(() => pairwiseDistances(X)).toThrow(/NaN in row 1, column 1/);
  });

  it('cosine distance of parallel vectors is 0 and of orthogonal is 1', () => {
    const X = fromRows([
      [1, 0],
      [2, 0],
      [0, 3],
    ]);
    const D = pairwiseDistances(X, { metric: 'cosine', precision: 'float64' });
    expect(D.data[0]).toBeCloseTo(0, 12);
    expect(D.data[1]).toBeCloseTo(1, 12);
  });
});

describe('knn', () => {
  it('finds nearest neighbours on a line, self excluded', () => {
    const X = fromRows([[0], [1], [3], [7]]);
    const r = knn(X, 2);
    expect(Array.from(r.indices.subarray(0, 2))).toEqual([1, 2]);
    expect(Array.from(r.indices.subarray(6, 8))).toEqual([2, 1]);
    expect(Array.from(r.distances.subarray(6, 8))).toEqual([4, 6]);
  });

  it('refuses k >= n with a clear message', () => {
    expect(() => knn(fromRows([[0], [1]]), 2)).toThrow(/k = 2 needs more than 2 points/);
  });
});

describe('pairwiseDistances in float32 (Ripser arithmetic)', () => {
  it('equals a pair-by-pair float32 reference bit for bit, for every remainder of i mod 4', () => {
    const f = Math.fround;
    const n = 23;
    const d = 7;
    const data = new Float32Array(n * d);
    for (let k = 0; k < data.length; k++) data[k] = f(Math.sin(k * 12.9898) * 43.758);
    const D = pairwiseDistances({ data, rows: n, cols: d });
    let k = 0;
    for (let i = 1; i < n; i++) {
      for (let j = 0; j < i; j++, k++) {
        let s = 0;
        for (let t = 0; t < d; t++) {
          const diff = f(data[i * d + t] - data[j * d + t]);
          s = f(s + f(diff * diff));
        }
        expect(D.data[k]).toBe(f(Math.sqrt(s)));
      }
    }
  });
});
