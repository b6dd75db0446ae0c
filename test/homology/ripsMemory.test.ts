/**
 * The Rips memory guard's estimate (src/homology/rips.ts, docs/persistent-homology.md "Memory
 * guard"): the dimension-2 column count it samples against exact counts (a brute-force triangle
 * count, and the engine's own column statistics), and the estimate on the fixture that the old
 * triangle bound put at tens of GiB.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import type { PointCloud } from '../../src/core/matrix.js';
import { TopolensError } from '../../src/core/errors.js';
import { pairwiseDistances } from '../../src/linalg/distances.js';
import { RipsMemoryError, estimateRipsMemory, ripsPersistence } from '../../src/homology/rips.js';
import { sampleTriangleColumns } from '../../src/homology/ripsEngine.js';

function gaussianCloud(n: number, d: number, seed: number): PointCloud {
  const rng = createRng(seed);
  return { rows: n, cols: d, data: Float64Array.from({ length: n * d }, () => rng.normal()) };
}

/** The n x n float32 matrix and the triangles with diameter <= t, by brute force. */
function bruteForce(cloud: PointCloud, t: number): { square: Float32Array; triangles: number } {
  const n = cloud.rows;
  const condensed = pairwiseDistances(cloud, { precision: 'float32' }).data;
  const square = new Float32Array(n * n);
  for (let i = 1, k = 0; i < n; i++)
    for (let j = 0; j < i; j++, k++) square[i * n + j] = square[j * n + i] = condensed[k];
  let triangles = 0;
  for (let a = 0; a < n; a++)
    for (let b = a + 1; b < n; b++)
      if (square[a * n + b] <= t)
        for (let c = b + 1; c < n; c++)
          if (square[a * n + c] <= t && square[b * n + c] <= t) triangles++;
  return { square, triangles };
}

describe('sampleTriangleColumns', () => {
  const cloud = gaussianCloud(70, 4, 11);
  const t = 2.4;
  const { square, triangles } = bruteForce(cloud, t);
  let edges = 0;
  for (let i = 0; i < 70; i++) for (let j = 0; j < i; j++) if (square[i * 70 + j] <= t) edges++;
  const rng = createRng(5);
  const input = {
    n: 70,
    maxDimension: 2,
    threshold: t,
    modulus: 2,
    cocycles: false,
    dense: square,
    sparse: null,
  };
  const s = sampleTriangleColumns(input, 40000, () => rng.next());

  it('estimates the triangle count without bias', () => {
    expect(triangles).toBeGreaterThan(1000);
    expect(s.sampled).toBe(40000);
    expect((edges * s.triangles) / s.sampled / triangles).toBeCloseTo(1, 1);
  });

  it('estimates the dimension-2 columns the engine assembles (before clearing)', () => {
    const one = ripsPersistence(cloud, { maxDimension: 1, threshold: t, collapse: false });
    const two = ripsPersistence(cloud, { maxDimension: 2, threshold: t, collapse: false });
    // every non-apparent triangle is either reduced or cleared
    const exact =
      two.stats.columnsReduced +
      two.stats.clearedColumns -
      one.stats.columnsReduced -
      one.stats.clearedColumns;
    expect(exact).toBeGreaterThan(50);
    expect(exact).toBeLessThan(triangles / 2); // most triangles are apparent pairs
    expect((edges * s.columns) / s.sampled / exact).toBeCloseTo(1, 1);
  });
});

describe('estimateRipsMemory', () => {
  it('puts digits64 (1797 points) at maxdim 2 in the hundred-MiB range, not tens of GiB', () => {
    const rows = readFileSync('test/fixtures/ph/digits64.txt', 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/).map(Number));
    const cloud = { rows: rows.length, cols: 64, data: Float64Array.from(rows.flat()) };
    const estimate = estimateRipsMemory(cloud, { maxDimension: 2, threshold: 49.09 });
    // measured peak above the baseline: 68 MiB (docs/persistent-homology.md)
    expect(estimate).toBeGreaterThan(68 * 2 ** 20);
    expect(estimate).toBeLessThan(2 * 68 * 2 ** 20);
  });

  it('refuses with a RipsMemoryError that says what the run needs', () => {
    const cloud = gaussianCloud(150, 3, 2);
    const estimate = estimateRipsMemory(cloud, { maxDimension: 2 });
    let caught: unknown;
    try {
      ripsPersistence(cloud, { maxDimension: 2, maxMemoryBytes: estimate - 1 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(RipsMemoryError);
    expect(caught).toBeInstanceOf(TopolensError);
    const e = caught as RipsMemoryError;
    expect(e.estimateBytes).toBe(estimate);
    expect(e.message).toMatch(/150 points up to dimension 2 is estimated to need \d+ MiB/);
    expect(e.message).toMatch(/maxMemoryBytes of at least \d+ MiB/);
    expect(
      ripsPersistence(cloud, { maxDimension: 2, maxMemoryBytes: estimate }).stats
        .estimatedMemoryBytes,
    ).toBe(estimate);
  });
});
