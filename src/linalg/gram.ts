/**
 * Dense products for similarity measures: centring, cross products X^T Y of two n-row
 * matrices (feature space), and row Gram matrices X X^T (sample space). Float64 accumulation,
 * four rows at a time so that each pass over the output row does four multiply-adds per load.
 */
import type { Matrix } from '../core/matrix.js';

/** Column-centred Float64 copy (each feature minus its mean over the rows). */
export function centredCopy(X: Matrix): Float64Array {
  const { data, rows: n, cols: p } = X;
  const mean = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) mean[a] += data[i * p + a];
  for (let a = 0; a < p; a++) mean[a] /= n;
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < p; a++) out[i * p + a] = data[i * p + a] - mean[a];
  return out;
}

/** C = X^T Y, p x q row-major (X: n x p, Y: n x q, both row-major). */
export function crossProduct(
  X: ArrayLike<number>,
  p: number,
  Y: ArrayLike<number>,
  q: number,
  n: number,
): Float64Array {
  const C = new Float64Array(p * q);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const x0 = i * p;
    const x1 = x0 + p;
    const x2 = x1 + p;
    const x3 = x2 + p;
    const y0 = i * q;
    const y1 = y0 + q;
    const y2 = y1 + q;
    const y3 = y2 + q;
    for (let a = 0; a < p; a++) {
      const a0 = X[x0 + a];
      const a1 = X[x1 + a];
      const a2 = X[x2 + a];
      const a3 = X[x3 + a];
      const o = a * q;
      for (let b = 0; b < q; b++) {
        C[o + b] += a0 * Y[y0 + b] + a1 * Y[y1 + b] + a2 * Y[y2 + b] + a3 * Y[y3 + b];
      }
    }
  }
  for (; i < n; i++) {
    for (let a = 0; a < p; a++) {
      const av = X[i * p + a];
      const o = a * q;
      for (let b = 0; b < q; b++) C[o + b] += av * Y[i * q + b];
    }
  }
  return C;
}

/** Squared Frobenius norm of X^T X computed from its upper triangle only (X: n x p). */
export function selfCrossFrobenius2(X: ArrayLike<number>, p: number, n: number): number {
  // Block the columns so the triangle of the product stays in cache.
  const C = new Float64Array(p * p);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const x0 = i * p;
    const x1 = x0 + p;
    const x2 = x1 + p;
    const x3 = x2 + p;
    for (let a = 0; a < p; a++) {
      const a0 = X[x0 + a];
      const a1 = X[x1 + a];
      const a2 = X[x2 + a];
      const a3 = X[x3 + a];
      const o = a * p;
      for (let b = a; b < p; b++) {
        C[o + b] += a0 * X[x0 + b] + a1 * X[x1 + b] + a2 * X[x2 + b] + a3 * X[x3 + b];
      }
    }
  }
  for (; i < n; i++) {
    for (let a = 0; a < p; a++) {
      const av = X[i * p + a];
      for (let b = a; b < p; b++) C[a * p + b] += av * X[i * p + b];
    }
  }
  let s = 0;
  for (let a = 0; a < p; a++) {
    s += C[a * p + a] ** 2;
    for (let b = a + 1; b < p; b++) s += 2 * C[a * p + b] ** 2;
  }
  return s;
}

/** Row Gram matrix K = X X^T (n x n, row-major) of an n x p row-major array. */
export function rowGram(X: ArrayLike<number>, n: number, p: number): Float64Array {
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let a = 0; a < p; a++) s += X[i * p + a] * X[j * p + a];
      K[i * n + j] = s;
      K[j * n + i] = s;
    }
  }
  return K;
}
