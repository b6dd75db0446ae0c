import { describe, expect, it } from 'vitest';
import { shouldCollapse } from '../../src/homology/edgeCollapse.js';
import { pairwiseDistances } from '../../src/linalg/distances.js';
import { createRng } from '../../src/core/rng.js';
import type { CondensedDistances, SparseDistances } from '../../src/core/distances.js';
import { enclosingRadius } from '../../src/core/distances.js';

function cloud(seed: number, n: number, dim: number, uniform: boolean): CondensedDistances {
  const rng = createRng(seed);
  const data = new Float64Array(n * dim);
  for (let k = 0; k < data.length; k++) data[k] = uniform ? rng.next() : rng.normal();
  return pairwiseDistances({ data, rows: n, cols: dim });
}

function toSparse(d: CondensedDistances): SparseDistances {
  const m = d.data.length;
  const i = new Int32Array(m);
  const j = new Int32Array(m);
  let k = 0;
  for (let a = 1; a < d.n; a++) {
    for (let b = 0; b < a; b++, k++) {
      i[k] = a;
      j[k] = b;
    }
  }
  return { n: d.n, i, j, values: d.data };
}

describe('shouldCollapse', () => {
  it('collapses a dense planar cloud at its enclosing radius (a cone)', () => {
    const d = cloud(1, 400, 2, true);
    const decision = shouldCollapse(d, { threshold: enclosingRadius(d), maxDimension: 2 });
    expect(decision.collapse).toBe(true);
    expect(decision.estimatedKeptFraction).toBeLessThan(0.1);
    expect(decision.reason).toMatch(/edges/);
  });

  it('does not collapse a high-dimensional Gaussian cloud (few dominated edges)', () => {
    const d = cloud(2, 400, 50, false);
    const sorted = Float64Array.from(d.data).sort();
    const median = sorted[sorted.length >> 1];
    const decision = shouldCollapse(d, { threshold: median, maxDimension: 2 });
    expect(decision.collapse).toBe(false);
    expect(decision.estimatedKeptFraction).toBeGreaterThan(0.5);
    expect(decision.reason).toMatch(/would stay/);
  });

  it('does not collapse small or dimension-0 problems', () => {
    const d = cloud(3, 100, 2, true);
    expect(shouldCollapse(d, { threshold: 10, maxDimension: 2 })).toMatchObject({
      collapse: false,
    });
    expect(shouldCollapse(d, { threshold: 10, maxDimension: 2 }).reason).toMatch(/4950 edges/);
    const big = cloud(4, 400, 2, true);
    expect(shouldCollapse(big, { threshold: 10, maxDimension: 0 }).reason).toMatch(/dimension 0/);
  });

  it('decides the same on sparse and condensed forms of the same distances', () => {
    const d = cloud(5, 300, 3, true);
    const threshold = enclosingRadius(d) * 0.9;
    const a = shouldCollapse(d, { threshold, maxDimension: 2 });
    const b = shouldCollapse(toSparse(d), { threshold, maxDimension: 2 });
    expect(b.collapse).toBe(a.collapse);
    expect(b.estimatedKeptFraction).toBeCloseTo(a.estimatedKeptFraction!, 10);
  });

  it('names bad options', () => {
    const d = cloud(6, 10, 2, true);
    expect(() => shouldCollapse(d, { threshold: NaN, maxDimension: 1 })).toThrow(/threshold/);
    expect(() => shouldCollapse(d, { threshold: 1, maxDimension: -1 })).toThrow(/maxDimension/);
  });
});
