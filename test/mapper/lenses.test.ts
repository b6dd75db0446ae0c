import { describe, expect, it } from 'vitest';
import {
  classProbabilityLens,
  coordinateLens,
  densityLens,
  distanceToPointLens,
  eccentricityLens,
  l2NormLens,
  pcaLens,
  valuesLens,
} from '../../src/mapper/index.js';
import { fromRows } from '../../src/core/matrix.js';
import { createRng } from '../../src/core/rng.js';

describe('lenses', () => {
  const X = fromRows([
    [3, 4],
    [0, 0],
    [-1, 0],
    [6, 8],
  ]);

  it('l2 norm, coordinate and distance to a point', () => {
    expect(Array.from(l2NormLens(X).values)).toEqual([5, 0, 1, 10]);
    expect(Array.from(coordinateLens(X, 1).values)).toEqual([4, 0, 0, 8]);
    expect(Array.from(distanceToPointLens(X, [3, 4]).values)).toEqual([0, 5, Math.sqrt(32), 5]);
    expect(() => coordinateLens(X, 2)).toThrow(
      /coordinate 2 does not exist; the cloud has 2 columns/,
    );
  });

  it('eccentricity is the mean distance to all points', () => {
    const e = eccentricityLens(X).values;
    // point 1 (origin): distances 5, 0, 1, 10 -> mean 4
    expect(e[1]).toBeCloseTo(4, 12);
    const e2 = eccentricityLens(X, { exponent: 2 }).values;
    expect(e2[1]).toBeCloseTo(Math.sqrt((25 + 0 + 1 + 100) / 4), 12);
  });

  it('density is larger in the dense part and matches the formula', () => {
    const d = densityLens(X, { bandwidth: 1 }).values;
    const k = (s2: number) => Math.exp(-s2 / 2);
    expect(d[1]).toBeCloseTo((k(25) + 1 + k(1) + k(100)) / 4, 12);
    expect(d[1]).toBeGreaterThan(d[3]);
    expect(() => densityLens(X, { bandwidth: 0 })).toThrow(/bandwidth must be a positive/);
  });

  it('class probability picks a column', () => {
    const P = fromRows([
      [0.9, 0.1],
      [0.2, 0.8],
    ]);
    expect(Array.from(classProbabilityLens(P, 1).values)).toEqual([0.1, 0.8]);
    expect(() => classProbabilityLens(P, 2)).toThrow(/class 2 does not exist/);
  });

  it('values lens checks length and finiteness', () => {
    expect(() => valuesLens([1, 2], 3)).toThrow(/got 2 values for 3 points/);
    expect(() => valuesLens([1, NaN, 2], 3)).toThrow(/value 1 is NaN/);
  });

  it('PCA recovers the main directions of an anisotropic cloud', () => {
    const rng = createRng(7);
    const dir1 = [1, 2, 2].map((v) => v / 3);
    const dir2 = [2, 1, -2].map((v) => v / 3);
    const rows = Array.from({ length: 500 }, () => {
      const a = rng.normal() * 10;
      const b = rng.normal() * 3;
      const c = rng.normal() * 0.5;
      const dir3 = [2, -2, 1].map((v) => v / 3);
      return [0, 1, 2].map((t) => 5 + a * dir1[t] + b * dir2[t] + c * dir3[t]);
    });
    const cloud = fromRows(rows);
    const p = pcaLens(cloud, { components: 2 });
    expect(p.dims).toBe(2);
    const dot = (u: ArrayLike<number>, off: number, v: number[]) =>
      u[off] * v[0] + u[off + 1] * v[1] + u[off + 2] * v[2];
    expect(Math.abs(dot(p.directions, 0, dir1))).toBeGreaterThan(0.999);
    expect(Math.abs(dot(p.directions, 3, dir2))).toBeGreaterThan(0.99);
    expect(p.variances[0]).toBeGreaterThan(p.variances[1]);
    // same data and seed: identical; another seed converges to the same lens (signs fixed)
    expect(Array.from(pcaLens(cloud, { components: 2 }).values)).toEqual(Array.from(p.values));
    const other = pcaLens(cloud, { components: 2, seed: 9 }).values;
    for (let i = 0; i < other.length; i++)
      expect(Math.abs(other[i] - p.values[i])).toBeLessThan(1e-4);
    expect(() => pcaLens(cloud, { components: 3 })).toThrow(/components must be 1 or 2/);
  });
});
