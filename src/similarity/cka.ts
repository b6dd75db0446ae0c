/**
 * Centred kernel alignment (Kornblith et al. 2019), docs/similarity.md. A similarity in
 * [0, 1] (the debiased form can be slightly negative).
 *
 * - Linear CKA with column-centred X, Y: ||Y^T X||_F^2 / (||X^T X||_F ||Y^T Y||_F), computed in
 *   feature space (cost n(p + q)^2 / 2 multiply-adds) or in sample space (n^2 (p + q) / 2) when
 *   n is smaller than the feature counts.
 * - RBF CKA: HSIC of RBF Gram matrices K_ij = exp(-|x_i - x_j|^2 / (2 sigma^2)) with
 *   sigma = `bandwidth` x the median pairwise distance; the median is taken, as in Kornblith's
 *   reference code, over the squared distances of the full n x n matrix (diagonal zeros
 *   included). Default bandwidth 0.5 (the paper reports 0.2, 0.4 and 0.8; its code defaults
 *   to 1.0).
 * - Debiased CKA: the same ratio with Song et al.'s unbiased HSIC estimator
 *   HSIC_u(K, L) = [tr(K~L~) + 1'K~1 1'L~1 / ((n-1)(n-2)) - 2/(n-2) 1'K~L~1] / (n(n-3)),
 *   K~ = K with a zero diagonal; for the linear kernel in feature space after centring, as
 *   in Kornblith's `feature_space_linear_cka(debiased=True)`. Needs n >= 4.
 */
import type { Matrix } from '../core/matrix.js';
import { invalidInput, invalidOption } from '../core/errors.js';
import {
  centredCopy,
  centredCrossFrobenius2,
  crossProduct,
  rowGram,
  selfCrossFrobenius2,
} from '../linalg/gram.js';
import { checkPair, checkSampleSpaceSize, type SimilarityResult } from './types.js';

function frob2(C: Float64Array): number {
  let s = 0;
  for (let t = 0; t < C.length; t++) s += C[t] * C[t];
  return s;
}

function ratio(xy: number, xx: number, yy: number): number {
  if (xx <= 0 || yy <= 0) {
    throw invalidInput(
      'a representation is constant over the inputs (zero variance), so CKA is undefined.',
      'Check that the layer is not dead for this input set.',
    );
  }
  return xy / Math.sqrt(xx * yy);
}

/** Linear CKA of two representations of the same inputs. */
export function linearCKA(X: Matrix, Y: Matrix): SimilarityResult {
  checkPair(X, Y);
  const n = X.rows;
  const p = X.cols;
  const q = Y.cols;
  let xy: number;
  let xx: number;
  let yy: number;
  if (n * n <= (p + q) * (p + q) && n <= 6000) {
    const Xc = centredCopy(X);
    const Yc = centredCopy(Y);
    const K = rowGram(Xc, n, p);
    const L = rowGram(Yc, n, q);
    xy = 0;
    for (let t = 0; t < n * n; t++) xy += K[t] * L[t];
    xx = frob2(K);
    yy = frob2(L);
  } else {
    // centred on the fly inside the SIMD products (linalg/gram.ts): no n x p copies
    ({ xy, xx, yy } = centredCrossFrobenius2(X, Y));
  }
  return { measure: 'cka-linear', kind: 'similarity', value: ratio(xy, xx, yy) };
}

export interface RbfOptions {
  /** sigma as a fraction of the median pairwise distance, default 0.5 */
  bandwidth?: number;
}

function rbfGram(X: Matrix, bandwidth: number): Float64Array {
  const n = X.rows;
  const p = X.cols;
  const D2 = new Float64Array(n * n);
  const { data } = X;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let a = 0; a < p; a++) {
        const diff = data[i * p + a] - data[j * p + a];
        s += diff * diff;
      }
      D2[i * n + j] = s;
      D2[j * n + i] = s;
    }
  }
  const sorted = Float64Array.from(D2).sort();
  const m = sorted.length;
  const median = m % 2 ? sorted[(m - 1) / 2] : 0.5 * (sorted[m / 2 - 1] + sorted[m / 2]);
  if (!(median > 0)) {
    throw invalidInput(
      'the median pairwise distance is 0 (most points coincide); the RBF bandwidth is undefined.',
    );
  }
  const denom = 2 * bandwidth * bandwidth * median;
  for (let t = 0; t < n * n; t++) D2[t] = Math.exp(-D2[t] / denom);
  return D2;
}

/** In-place double centring H K H. */
function centreGram(K: Float64Array, n: number): void {
  const rowMean = new Float64Array(n);
  let all = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += K[i * n + j];
    rowMean[i] = s / n;
    all += s;
  }
  all /= n * n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) K[i * n + j] += all - rowMean[i] - rowMean[j];
  }
}

/** CKA with RBF kernels. Sample-space: n x n Gram matrices. */
export function rbfCKA(X: Matrix, Y: Matrix, options: RbfOptions = {}): SimilarityResult {
  checkPair(X, Y);
  const bandwidth = options.bandwidth ?? 0.5;
  if (!(bandwidth > 0)) throw invalidOption(`bandwidth must be positive, got ${bandwidth}.`);
  const n = X.rows;
  checkSampleSpaceSize(n, 'RBF CKA');
  const K = rbfGram(X, bandwidth);
  const L = rbfGram(Y, bandwidth);
  centreGram(K, n);
  centreGram(L, n);
  let xy = 0;
  for (let t = 0; t < n * n; t++) xy += K[t] * L[t];
  return { measure: 'cka-rbf', kind: 'similarity', value: ratio(xy, frob2(K), frob2(L)) };
}

/** Unbiased HSIC (up to the common factor 1/(n(n-3))) of two Gram matrices. */
function unbiasedHsic(K: Float64Array, L: Float64Array, n: number): number {
  let trace = 0;
  let sumK = 0;
  let sumL = 0;
  let cross = 0;
  for (let i = 0; i < n; i++) {
    let rk = 0;
    let rl = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const k = K[i * n + j];
      const l = L[i * n + j];
      trace += k * l;
      rk += k;
      rl += l;
    }
    sumK += rk;
    sumL += rl;
    cross += rk * rl;
  }
  return trace + (sumK * sumL) / ((n - 1) * (n - 2)) - (2 / (n - 2)) * cross;
}

export interface DebiasedOptions {
  /** 'linear' (default, feature space) or 'rbf' (sample space) */
  kernel?: 'linear' | 'rbf';
  /** RBF bandwidth as a fraction of the median distance, default 0.5 */
  bandwidth?: number;
}

/** Debiased CKA with Song et al.'s unbiased HSIC. */
export function debiasedCKA(X: Matrix, Y: Matrix, options: DebiasedOptions = {}): SimilarityResult {
  checkPair(X, Y, 4);
  const n = X.rows;
  const kernel = options.kernel ?? 'linear';
  let xy: number;
  let xx: number;
  let yy: number;
  if (kernel === 'linear') {
    const p = X.cols;
    const q = Y.cols;
    const Xc = centredCopy(X);
    const Yc = centredCopy(Y);
    const kx = new Float64Array(n);
    const ky = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < p; a++) kx[i] += Xc[i * p + a] ** 2;
      for (let b = 0; b < q; b++) ky[i] += Yc[i * q + b] ** 2;
    }
    // Kornblith's feature-space helper: ||X^T Y||^2 - n/(n-2) kx.ky + |kx||ky| / ((n-1)(n-2))
    const helper = (fro: number, a: Float64Array, b: Float64Array) => {
      let dot = 0;
      let sa = 0;
      let sb = 0;
      for (let i = 0; i < n; i++) {
        dot += a[i] * b[i];
        sa += a[i];
        sb += b[i];
      }
      return fro - (n / (n - 2)) * dot + (sa * sb) / ((n - 1) * (n - 2));
    };
    xy = helper(frob2(crossProduct(Xc, p, Yc, q, n)), kx, ky);
    xx = helper(selfCrossFrobenius2(Xc, p, n), kx, kx);
    yy = helper(selfCrossFrobenius2(Yc, q, n), ky, ky);
  } else if (kernel === 'rbf') {
    checkSampleSpaceSize(n, 'debiased RBF CKA');
    const bw = options.bandwidth ?? 0.5;
    const K = rbfGram(X, bw);
    const L = rbfGram(Y, bw);
    xy = unbiasedHsic(K, L, n);
    xx = unbiasedHsic(K, K, n);
    yy = unbiasedHsic(L, L, n);
  } else {
    throw invalidOption(`unknown kernel '${String(kernel)}'.`, 'Use linear or rbf.');
  }
  return { measure: 'cka-debiased', kind: 'similarity', value: ratio(xy, xx, yy) };
}
