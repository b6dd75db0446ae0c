import { describe, expect, it } from 'vitest';
import { createRng, permutation, sampleWithoutReplacement } from '../../src/core/rng.js';

describe('createRng', () => {
  it('is reproducible for a seed and differs across seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xa = Array.from({ length: 5 }, () => a.next());
    const xb = Array.from({ length: 5 }, () => b.next());
    const xc = Array.from({ length: 5 }, () => c.next());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it('gives uniform values in [0,1) with the right mean and normals with unit variance', () => {
    const r = createRng(1);
    let s = 0;
    let s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      s += u;
      const z = r.normal();
      s2 += z * z;
    }
    expect(s / n).toBeCloseTo(0.5, 1);
    expect(s2 / n).toBeCloseTo(1, 1);
  });

  it('permutation and sampleWithoutReplacement give distinct indices', () => {
    const r = createRng(3);
    const p = permutation(100, r);
    expect(new Set(p).size).toBe(100);
    const s = sampleWithoutReplacement(1000, 50, r);
    expect(new Set(s).size).toBe(50);
    for (const v of s) expect(v).toBeLessThan(1000);
  });
});
