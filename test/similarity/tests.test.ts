import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { matrix, type Matrix } from '../../src/core/matrix.js';
import { linearCKA } from '../../src/similarity/cka.js';
import { procrustesDistance } from '../../src/similarity/procrustes.js';
import {
  removeTopDirections,
  sensitivityTest,
  specificityTest,
} from '../../src/similarity/tests.js';

function lowRankCloud(n: number, p: number, seed: number): Matrix {
  // decaying spectrum: column scales 1, 0.8, 0.64, ...
  const rng = createRng(seed);
  const data = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) data[i * p + a] = rng.normal() * 0.8 ** a;
  return matrix(data, n, p);
}

describe('sensitivity test', () => {
  const X = lowRankCloud(150, 20, 1);
  it('removing k top directions leaves a matrix of rank p - k orthogonal to them', () => {
    const R = removeTopDirections(X, 4);
    // columns 0..3 carry the largest variance (scales decay) -> almost removed
    let s0 = 0;
    let s10 = 0;
    for (let i = 0; i < 150; i++) {
      s0 += R.data[i * 20] ** 2;
      s10 += R.data[i * 20 + 10] ** 2;
    }
    expect(s0).toBeLessThan(s10);
    expect(removeTopDirections(X, 20).data.every((v) => Math.abs(v) < 1e-9)).toBe(true);
  });
  it('Procrustes distance grows and CKA falls with k (steps of 4)', () => {
    const d = sensitivityTest(X, (A, B) => procrustesDistance(A, B).value, { maxK: 16 });
    expect(d.ks).toEqual([0, 4, 8, 12, 16]);
    expect(d.values[0]).toBeLessThan(1e-10);
    for (let t = 1; t < d.values.length; t++) expect(d.values[t]).toBeGreaterThan(d.values[t - 1]);
    const s = sensitivityTest(X, (A, B) => linearCKA(A, B).value, { maxK: 16 });
    expect(s.values[0]).toBeCloseTo(1, 12);
    for (let t = 1; t < s.values.length; t++) expect(s.values[t]).toBeLessThan(s.values[t - 1]);
  });
});

describe('specificity test', () => {
  it('layers of a shared random network across seeds: same layer closer than others', () => {
    // "seeds": the same 3-layer random map applied with a different rotation of each layer
    const n = 100;
    const base = lowRankCloud(n, 8, 3);
    const layersFor = (seed: number): Matrix[] => {
      const rng = createRng(seed);
      const out: Matrix[] = [];
      let cur = base;
      for (let l = 0; l < 3; l++) {
        const W = createRng(50 + l); // the "architecture": shared weights
        const p = cur.cols;
        const M = Float64Array.from({ length: p * 8 }, () => W.normal());
        const data = new Float64Array(n * 8);
        for (let i = 0; i < n; i++)
          for (let b = 0; b < 8; b++) {
            let s = 0;
            for (let a = 0; a < p; a++) s += cur.data[i * p + a] * M[a * 8 + b];
            data[i * 8 + b] = Math.max(0, s) + 0.05 * rng.normal();
          }
        cur = matrix(data, n, 8);
        out.push(cur);
      }
      return out;
    };
    const clouds = [layersFor(1), layersFor(2), layersFor(3)];
    const r = specificityTest(clouds, (A, B) => procrustesDistance(A, B).value, 'distance');
    expect(r.comparisons).toBe(3 * 2 * 3 * 2);
    expect(r.score).toBeGreaterThan(0.9);
    const c = specificityTest(clouds, (A, B) => linearCKA(A, B).value, 'similarity');
    expect(c.score).toBeGreaterThan(0.9);
    // and a measure that ignores the data scores 0 (never strictly closer)
    expect(specificityTest(clouds, () => 1, 'distance').score).toBe(0);
  });
});
