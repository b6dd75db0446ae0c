import { describe, expect, it } from 'vitest';
import { requireTool, runPython } from '../helpers/oracles.js';
import { createRng } from '../../src/core/rng.js';
import { matrix, type Matrix } from '../../src/core/matrix.js';
import { debiasedCKA, linearCKA, rbfCKA } from '../../src/similarity/cka.js';
import { rsa } from '../../src/similarity/rsa.js';
import { procrustesDistance } from '../../src/similarity/procrustes.js';
import { symmetricEigen } from '../../src/linalg/symmetricEigen.js';
import { similarityMeasures } from '../../src/similarity/measures.js';

function gaussian(n: number, p: number, seed: number): Matrix<Float64Array> {
  const rng = createRng(seed);
  return matrix(
    Float64Array.from({ length: n * p }, () => rng.normal()),
    n,
    p,
  ) as Matrix<Float64Array>;
}

/** A random orthogonal p x p matrix (Gram-Schmidt of a Gaussian matrix). */
function randomOrthogonal(p: number, seed: number): Float64Array {
  const Q = gaussian(p, p, seed).data;
  for (let c = 0; c < p; c++) {
    for (let b = 0; b < c; b++) {
      let s = 0;
      for (let r = 0; r < p; r++) s += Q[r * p + c] * Q[r * p + b];
      for (let r = 0; r < p; r++) Q[r * p + c] -= s * Q[r * p + b];
    }
    let s = 0;
    for (let r = 0; r < p; r++) s += Q[r * p + c] ** 2;
    for (let r = 0; r < p; r++) Q[r * p + c] /= Math.sqrt(s);
  }
  return Q;
}

function times(X: Matrix, Q: Float64Array, scale = 1, shift = 0): Matrix {
  const { rows: n, cols: p } = X;
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++)
    for (let b = 0; b < p; b++) {
      let s = 0;
      for (let a = 0; a < p; a++) s += X.data[i * p + a] * Q[a * p + b];
      out[i * p + b] = scale * s + shift;
    }
  return matrix(out, n, p);
}

/** a nonlinear relative of X: Y = tanh(X W) */
function related(X: Matrix, q: number, seed: number): Matrix {
  const W = gaussian(X.cols, q, seed).data;
  const out = new Float64Array(X.rows * q);
  for (let i = 0; i < X.rows; i++)
    for (let b = 0; b < q; b++) {
      let s = 0;
      for (let a = 0; a < X.cols; a++) s += X.data[i * X.cols + a] * W[a * q + b];
      out[i * q + b] = Math.tanh(0.5 * s);
    }
  return matrix(out, X.rows, q);
}

describe('CKA', () => {
  const X = gaussian(120, 10, 1);
  const Y = related(X, 7, 2);
  it('CKA(X, X) = 1 for every variant; kind is similarity', () => {
    expect(linearCKA(X, X).value).toBeCloseTo(1, 12);
    expect(rbfCKA(X, X).value).toBeCloseTo(1, 12);
    expect(debiasedCKA(X, X).value).toBeCloseTo(1, 12);
    expect(debiasedCKA(X, X, { kernel: 'rbf' }).value).toBeCloseTo(1, 12);
    expect(linearCKA(X, Y).kind).toBe('similarity');
  });
  it('invariant to orthogonal transforms and isotropic scaling (and translation)', () => {
    const Q = randomOrthogonal(10, 5);
    const XQ = times(X, Q, 3.7, 2);
    for (const f of [linearCKA, rbfCKA, debiasedCKA] as const) {
      expect(f(XQ, Y).value).toBeCloseTo(f(X, Y).value, 10);
    }
  });
  it('sample-space and feature-space linear CKA agree', () => {
    // n = 30 < p + q uses Gram matrices; compare with the feature-space formula on n = 200
    const A = gaussian(30, 40, 7);
    const B = related(A, 25, 8);
    const expected = (() => {
      // direct feature-space computation
      const n = 30;
      const c = (M: Matrix) => {
        const out = new Float64Array(M.data.length);
        for (let a = 0; a < M.cols; a++) {
          let m = 0;
          for (let i = 0; i < n; i++) m += M.data[i * M.cols + a];
          for (let i = 0; i < n; i++) out[i * M.cols + a] = M.data[i * M.cols + a] - m / n;
        }
        return out;
      };
      const a = c(A);
      const b = c(B);
      const f = (P: Float64Array, p: number, R: Float64Array, q: number) => {
        let s = 0;
        for (let u = 0; u < p; u++)
          for (let v = 0; v < q; v++) {
            let t = 0;
            for (let i = 0; i < n; i++) t += P[i * p + u] * R[i * q + v];
            s += t * t;
          }
        return s;
      };
      return f(a, 40, b, 25) / Math.sqrt(f(a, 40, a, 40) * f(b, 25, b, 25));
    })();
    expect(linearCKA(A, B).value).toBeCloseTo(expected, 12);
  });
  it('debiased CKA is about 0 on independent data where plain CKA is not', () => {
    const plain: number[] = [];
    const deb: number[] = [];
    for (let seed = 0; seed < 20; seed++) {
      const A = gaussian(40, 60, 100 + seed);
      const B = gaussian(40, 60, 200 + seed);
      plain.push(linearCKA(A, B).value);
      deb.push(debiasedCKA(A, B).value);
    }
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    expect(mean(plain)).toBeGreaterThan(0.4);
    expect(Math.abs(mean(deb))).toBeLessThan(0.02);
  });
  it('matches Kornblith-style NumPy implementations', (ctx) => {
    requireTool(ctx, 'numpy');
    const code = `
import json, sys, numpy as np
d = json.load(sys.stdin); X = np.array(d['X']); Y = np.array(d['Y'])
def c(x): return x - x.mean(0)
def lin(x, y):
    x, y = c(x), c(y)
    return np.linalg.norm(x.T @ y) ** 2 / (np.linalg.norm(x.T @ x) * np.linalg.norm(y.T @ y))
def gram_rbf(x, t):
    g = x @ x.T; s = np.diag(g); d2 = -2 * g + s[:, None] + s[None, :]
    return np.exp(-d2 / (2 * t ** 2 * np.median(d2)))
def cg(g):
    m = g.mean(0); g = g - m[:, None] - m[None, :] + m.mean(); return g
def cka(g, h):
    g, h = cg(g), cg(h); return (g * h).sum() / (np.linalg.norm(g) * np.linalg.norm(h))
def helper(xty, sx, sy, nx, ny, n):
    return xty - n / (n - 2.) * sx.dot(sy) + nx * ny / ((n - 1) * (n - 2))
def deb(x, y):
    x, y = c(x), c(y); n = x.shape[0]
    sx = (x ** 2).sum(1); sy = (y ** 2).sum(1)
    xy = helper(np.linalg.norm(x.T @ y) ** 2, sx, sy, sx.sum(), sy.sum(), n)
    xx = helper(np.linalg.norm(x.T @ x) ** 2, sx, sx, sx.sum(), sx.sum(), n)
    yy = helper(np.linalg.norm(y.T @ y) ** 2, sy, sy, sy.sum(), sy.sum(), n)
    return xy / np.sqrt(xx * yy)
def proc(x, y):
    x, y = c(x), c(y); x /= np.linalg.norm(x); y /= np.linalg.norm(y)
    return 2 - 2 * np.linalg.norm(x.T @ y, ord='nuc')
from scipy.stats import spearmanr, pearsonr
from scipy.spatial.distance import pdist
print(json.dumps([lin(X, Y), cka(gram_rbf(X, 0.5), gram_rbf(Y, 0.5)), deb(X, Y), proc(X, Y),
  spearmanr(pdist(X), pdist(Y))[0], pearsonr(pdist(X), pdist(Y))[0]]))
`;
    const rows = (M: Matrix) =>
      Array.from({ length: M.rows }, (_, i) =>
        Array.from(M.data.subarray(i * M.cols, (i + 1) * M.cols)),
      );
    const ref = JSON.parse(runPython(code, JSON.stringify({ X: rows(X), Y: rows(Y) })));
    expect(linearCKA(X, Y).value).toBeCloseTo(ref[0], 10);
    expect(rbfCKA(X, Y).value).toBeCloseTo(ref[1], 10);
    expect(debiasedCKA(X, Y).value).toBeCloseTo(ref[2], 10);
    expect(procrustesDistance(X, Y).value).toBeCloseTo(ref[3], 10);
    expect(rsa(X, Y).value).toBeCloseTo(ref[4], 10);
    expect(rsa(X, Y, { correlation: 'pearson' }).value).toBeCloseTo(ref[5], 10);
  });
});

describe('Procrustes, RSA', () => {
  const X = gaussian(80, 6, 3);
  it('Procrustes: 0 for a rotated, scaled, shifted copy; kind distance; in [0, 2]', () => {
    const XQ = times(X, randomOrthogonal(6, 4), 0.3, -1);
    const r = procrustesDistance(X, XQ);
    expect(r.kind).toBe('distance');
    expect(r.value).toBeLessThan(1e-10);
    const other = procrustesDistance(X, gaussian(80, 6, 99)).value;
    expect(other).toBeGreaterThan(0.5);
    expect(other).toBeLessThanOrEqual(2);
  });
  it('RSA: 1 for a rotated copy, near 0 for independent data', () => {
    expect(rsa(X, times(X, randomOrthogonal(6, 5))).value).toBeCloseTo(1, 10);
    expect(Math.abs(rsa(X, gaussian(80, 6, 98)).value)).toBeLessThan(0.15);
  });
  it('bad input: mismatched point counts, NaN, constant layer', () => {
    const Z = gaussian(70, 6, 1);
    for (const m of Object.values(similarityMeasures)) {
      expect(() => m.compute(X, Z)).toThrow(/80 and 70 points/);
    }
    const N = gaussian(80, 6, 2);
    N.data[5 * 6 + 1] = NaN;
    expect(() => linearCKA(X, N)).toThrow(/NaN in row 5, column 1 of the second representation/);
    const C = matrix(new Float64Array(80 * 3).fill(2), 80, 3);
    expect(() => linearCKA(X, C)).toThrow(/constant/);
  });
});

describe('symmetricEigen', () => {
  it('reconstructs A = V diag(w) V^T with orthonormal V', () => {
    const d = 12;
    const B = gaussian(d, d, 6).data;
    const A = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) A[i * d + j] = B[i * d + j] + B[j * d + i];
    const { values, vectors } = symmetricEigen(A, d);
    for (let t = 1; t < d; t++) expect(values[t]).toBeLessThanOrEqual(values[t - 1]);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let s = 0;
        let o = 0;
        for (let t = 0; t < d; t++) {
          s += vectors[i * d + t] * values[t] * vectors[j * d + t];
          o += vectors[t * d + i] * vectors[t * d + j];
        }
        expect(s).toBeCloseTo(A[i * d + j], 10);
        expect(o).toBeCloseTo(i === j ? 1 : 0, 10);
      }
  });
});
