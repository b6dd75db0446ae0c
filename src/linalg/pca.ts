/**
 * Small dense symmetric eigenproblems for local PCA: eigenvalues by Householder reduction to
 * tridiagonal form and the implicit QL algorithm (O(n^3), as EISPACK tred2/tql1; the cyclic
 * Jacobi method of ./symmetricEigen.ts, which also gives eigenvectors, is its independent check
 * in the tests), and the covariance spectrum of a set of points computed through whichever of
 * the covariance (D x D) or Gram (m x m) matrix is smaller -- their nonzero eigenvalues
 * coincide.
 */
import type { FloatArray } from '../core/matrix.js';

/**
 * Eigenvalues of the symmetric n x n matrix `a` (row-major, overwritten), descending:
 * Householder tridiagonalisation, then implicit QL with Wilkinson shifts.
 */
export function symmetricEigenvaluesQL(a: Float64Array, n: number): Float64Array {
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  // Householder reduction (tred2 without accumulating transformations)
  for (let i = n - 1; i > 0; i--) {
    const l = i - 1;
    let h = 0;
    if (l > 0) {
      let scale = 0;
      for (let k = 0; k <= l; k++) scale += Math.abs(a[i * n + k]);
      if (scale === 0) {
        e[i] = a[i * n + l];
      } else {
        for (let k = 0; k <= l; k++) {
          a[i * n + k] /= scale;
          h += a[i * n + k] * a[i * n + k];
        }
        let f = a[i * n + l];
        const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
        e[i] = scale * g;
        h -= f * g;
        a[i * n + l] = f - g;
        f = 0;
        for (let j = 0; j <= l; j++) {
          let gg = 0;
          for (let k = 0; k <= j; k++) gg += a[j * n + k] * a[i * n + k];
          for (let k = j + 1; k <= l; k++) gg += a[k * n + j] * a[i * n + k];
          e[j] = gg / h;
          f += e[j] * a[i * n + j];
        }
        const hh = f / (h + h);
        for (let j = 0; j <= l; j++) {
          const fj = a[i * n + j];
          const gj = (e[j] -= hh * fj);
          for (let k = 0; k <= j; k++) a[j * n + k] -= fj * e[k] + gj * a[i * n + k];
        }
      }
    } else {
      e[i] = a[i * n + l];
    }
    d[i] = h;
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i];
  // implicit QL on the tridiagonal (d, e)
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  if (n > 0) e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    while (true) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
      }
      if (m === l) break;
      if (iter++ === 60) break;
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        let f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] -= p;
          e[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        f = 0;
      }
      if (r === 0 && i >= l) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
  return d.sort().reverse();
}

/**
 * Eigenvalues (descending) of the sample covariance (1 / (m - 1)) sum (x - mean)(x - mean)^T of
 * the rows `rows` of a row-major matrix with d columns. Length min(m, d); zero eigenvalues
 * included; tiny negative values from rounding are set to 0.
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
    return clipNegative(symmetricEigenvaluesQL(g, m));
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
  return clipNegative(symmetricEigenvaluesQL(c, d));
}

function clipNegative(ev: Float64Array): Float64Array {
  for (let i = 0; i < ev.length; i++) if (ev[i] < 0) ev[i] = 0;
  return ev;
}
