import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { knn } from '../../src/linalg/knn.js';
import { naiveKnn } from '../../src/linalg/knnNaive.js';
import { createRng } from '../../src/core/rng.js';
import type { Matrix } from '../../src/core/matrix.js';

function randomCloud(n: number, d: number, seed: number, f32 = false): Matrix {
  const rng = createRng(seed);
  const data = f32 ? new Float32Array(n * d) : new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) data[i] = rng.normal();
  return { data, rows: n, cols: d };
}

/** The blocked result must equal the naive reference exactly: same indices, same distances. */
function expectSameAsNaive(cloud: Matrix, k: number): void {
  const ref = naiveKnn(cloud.data, cloud.rows, cloud.cols, k);
  for (const kernel of ['wasm', 'js'] as const) {
    const got = knn(cloud, k, { method: 'blocked', kernel });
    expect(got.k).toBe(k);
    expect(got.n).toBe(cloud.rows);
    expect(Array.from(got.indices)).toEqual(Array.from(ref.indices));
    expect(Array.from(got.distances)).toEqual(Array.from(ref.distances));
  }
}

describe('knn (blocked Gram kernel + exact refinement)', () => {
  it('equals the naive O(n^2 d) reference on random clouds of awkward shapes', () => {
    // n not a multiple of the 128-row tile or of 4, d not a multiple of 4, d = 1
    expectSameAsNaive(randomCloud(301, 13, 1), 5);
    expectSameAsNaive(randomCloud(130, 1, 2), 3);
    expectSameAsNaive(randomCloud(257, 64, 3, true), 20);
    expectSameAsNaive(randomCloud(9, 3, 4), 8); // k = n - 1
  });

  it('equals the reference with ties (integer grid) and duplicates (smaller index wins)', () => {
    const pts: number[] = [];
    for (let x = 0; x < 12; x++) for (let y = 0; y < 12; y++) pts.push(x, y);
    for (let r = 0; r < 30; r++) pts.push(3, 4); // 30 copies of one grid point
    const cloud = { data: Float64Array.from(pts), rows: pts.length / 2, cols: 2 };
    expectSameAsNaive(cloud, 6);
    expectSameAsNaive(cloud, 40);
  });

  it('keeps exact results for large coordinates (cancellation in |x|^2 + |y|^2 - 2xy)', () => {
    const rng = createRng(9);
    const n = 200,
      d = 5;
    const data = new Float64Array(n * d);
    for (let i = 0; i < n * d; i++) data[i] = 1e8 + rng.next() * 1e-3;
    expectSameAsNaive({ data, rows: n, cols: d }, 7);
    const got = knn({ data, rows: n, cols: d }, 1, { method: 'blocked' });
    expect(got.distances[0]).toBeGreaterThan(0);
  });

  it('property: matches the reference on arbitrary small clouds with repeated values', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 1000 }),
        (n, d, seed) => {
          const rng = createRng(seed);
          // few distinct values, so many ties and duplicates
          const data = Float64Array.from({ length: n * d }, () => rng.int(4) - 1.5);
          const k = 1 + rng.int(n - 1);
          const cloud = { data, rows: n, cols: d };
          const ref = naiveKnn(data, n, d, k);
          const got = knn(cloud, k, { method: 'blocked' });
          return (
            got.indices.every((v, i) => v === ref.indices[i]) &&
            got.distances.every((v, i) => v === ref.distances[i])
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('excludes self and orders nearest first on a hand-made example', () => {
    const cloud = { data: Float64Array.from([0, 1, 3, 7]), rows: 4, cols: 1 };
    const r = knn(cloud, 2, { method: 'blocked' });
    expect(Array.from(r.indices)).toEqual([1, 2, 0, 2, 1, 0, 2, 1]);
    expect(Array.from(r.distances)).toEqual([1, 3, 1, 2, 2, 3, 4, 6]);
  });

  it('rejects k >= n and NaN with clear messages', () => {
    const cloud = randomCloud(5, 2, 1);
    expect(() => knn(cloud, 5)).toThrow(/k = 5 needs more than 5 points.*has 5/s);
    expect(() => knn(cloud, 0)).toThrow(/positive integer/);
    const bad = { data: Float64Array.from([0, 0, 1, NaN, 2, 2]), rows: 3, cols: 2 };
    expect(() => knn(bad, 1, { name: 'layer x' })).toThrow(/NaN in row 1, column 1 of layer x/);
  });

  it('approximate (NN-descent) reaches high recall and exact distances of what it returns', () => {
    const cloud = randomCloud(1500, 8, 11);
    const exact = knn(cloud, 10);
    const approx = knn(cloud, 10, { approximate: true, seed: 1 });
    let hits = 0;
    for (let i = 0; i < cloud.rows; i++) {
      const truth = new Set(exact.indices.subarray(i * 10, i * 10 + 10));
      for (let t = 0; t < 10; t++) if (truth.has(approx.indices[i * 10 + t])) hits++;
    }
    expect(hits / (cloud.rows * 10)).toBeGreaterThan(0.9);
    // distances reported are the true distances of the returned neighbours, ascending
    for (let i = 0; i < 50; i++) {
      for (let t = 0; t < 10; t++) {
        const j = approx.indices[i * 10 + t];
        expect(j).not.toBe(i);
        let s = 0;
        for (let c = 0; c < 8; c++) s += (cloud.data[i * 8 + c] - cloud.data[j * 8 + c]) ** 2;
        expect(approx.distances[i * 10 + t]).toBe(Math.sqrt(s));
        if (t > 0)
          expect(approx.distances[i * 10 + t]).toBeGreaterThanOrEqual(
            approx.distances[i * 10 + t - 1],
          );
      }
    }
  });
});
