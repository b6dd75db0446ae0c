/**
 * Small dense symmetric eigenproblems for local PCA: the cyclic Jacobi method (accurate to
 * working precision for symmetric matrices, fine up to a few hundred rows), and the covariance
 * spectrum of a set of points computed through whichever of the covariance (D x D) or Gram
 * (m x m) matrix is smaller -- their nonzero eigenvalues coincide.
 */
import type { FloatArray } from '../core/matrix.js';

/**
 * Eigenvalues of the symmetric n x n matrix `a` (row-major, overwritten), descending.
 * Cyclic Jacobi rotations until the off-diagonal mass is below 1e-22 of the total.
 */
export function symmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  let total = 0;
  for (let i = 0; i < n * n; i++) total += a[i] * a[i];
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    if (off <= 1e-22 * total || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  const ev = new Float64Array(n);
  for (let i = 0; i < n; i++) ev[i] = Math.max(0, a[i * n + i]);
  return ev.sort().reverse();
}

/**
 * Eigenvalues (descending) of the sample covariance (1 / (m - 1)) sum (x - mean)(x - mean)^T of
 * the rows `rows` of a row-major matrix with d columns. Length min(m, d); zero eigenvalues
 * included.
 */
export function covarianceSpectrum(
  data: FloatArray,
  d: number,
  rows: ArrayLike<number>,
): Float64Array {
  const m = rows.length;
  const mean = new Float64Array(d);
  for (let r = 0; r < m; r++) {
    const o = rows[r] * d;
    for (let t = 0; t < d; t++) mean[t] += data[o + t];
  }
  for (let t = 0; t < d; t++) mean[t] /= m;
  const y = new Float64Array(m * d);
  for (let r = 0; r < m; r++) {
    const o = rows[r] * d;
    for (let t = 0; t < d; t++) y[r * d + t] = data[o + t] - mean[t];
  }
  const scale = 1 / Math.max(1, m - 1);
  if (m <= d) {
    const g = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      for (let j = i; j < m; j++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += y[i * d + t] * y[j * d + t];
        g[i * m + j] = g[j * m + i] = s * scale;
      }
    }
    return symmetricEigenvalues(g, m);
  }
  const c = new Float64Array(d * d);
  for (let r = 0; r < m; r++) {
    const o = r * d;
    for (let i = 0; i < d; i++) {
      const yi = y[o + i];
      if (yi === 0) continue;
      for (let j = i; j < d; j++) c[i * d + j] += yi * y[o + j];
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) c[j * d + i] = c[i * d + j] = c[i * d + j] * scale;
  }
  return symmetricEigenvalues(c, d);
}
