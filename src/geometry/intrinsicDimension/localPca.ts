/**
 * Local PCA (lPCA), the linear baseline of METHODS.md section 3, as scikit-dimension's `lPCA`
 * run pointwise: for each point, the covariance spectrum lambda_1 >= lambda_2 >= ... of the
 * point and its k nearest neighbours, and a rule that turns the spectrum into a dimension:
 *
 * - 'ratio' (default): the smallest m with (lambda_1 + ... + lambda_m) / sum(lambda) >= threshold
 *   (threshold 0.95: the components explaining 95% of the variance);
 * - 'fan' (Fan, Qiao, Zhang, Stat. Sinica 2010, as in scikit-dimension): with r the first index
 *   whose cumulative explained variance exceeds 0.95 and sigma the mean of the eigenvalues from r
 *   on (the noise level), subtract sigma from every eigenvalue; the dimension is the first m with a
 *   gap (lambda_m - sigma) / (lambda_{m+1} - sigma) > 10, else the first m whose cumulative
 *   explained (shifted) variance exceeds 0.8;
 * - 'fo' (Fukunaga-Olsen): the number of eigenvalues above 0.05 * lambda_1.
 *
 * The global estimate is the mean of the pointwise values (the median is in `median`).
 */
import type { Matrix } from '../../core/matrix.js';
import { assertInRange, assertPositiveInteger } from '../../core/validate.js';
import { invalidOption } from '../../core/errors.js';
import { covarianceSpectrum } from '../../linalg/pca.js';
import {
  checkCloud,
  mean,
  median,
  neighbourTable,
  pointwiseOverNeighbourhoods,
  type IntrinsicDimensionResult,
  type NeighbourOptions,
} from './base.js';

export type LocalPcaRule = 'ratio' | 'fan' | 'fo';

export interface LocalPcaOptions extends NeighbourOptions {
  /** neighbours per point (the neighbourhood is the point and these); default 50 */
  k?: number;
  /** how a spectrum gives a dimension; default 'ratio' */
  rule?: LocalPcaRule;
  /** explained-variance threshold of 'ratio'; default 0.95 */
  threshold?: number;
}

export interface LocalPcaResult extends IntrinsicDimensionResult {
  method: 'localPca';
  rule: LocalPcaRule;
  k: number;
  pointwise: Float64Array;
  median: number;
}

/** Dimension of one spectrum (descending eigenvalues) under a rule. */
export function spectrumDimension(ev: Float64Array, rule: LocalPcaRule, threshold = 0.95): number {
  let total = 0;
  for (const v of ev) total += v;
  if (!(total > 0)) return 0;
  if (rule === 'ratio') {
    let c = 0;
    for (let m = 0; m < ev.length; m++) {
      c += ev[m];
      if (c >= threshold * total * (1 - 1e-12)) return m + 1;
    }
    return ev.length;
  }
  if (rule === 'fo') {
    let m = 0;
    while (m < ev.length && ev[m] > 0.05 * ev[0]) m++;
    return m;
  }
  // fan
  let c = 0;
  let r = ev.length - 1;
  for (let m = 0; m < ev.length; m++) {
    c += ev[m];
    if (c > 0.95 * total) {
      r = m;
      break;
    }
  }
  let sigma = 0;
  for (let m = r; m < ev.length; m++) sigma += ev[m];
  sigma /= ev.length - r;
  const shifted = Array.from(ev, (v) => v - sigma);
  for (let m = 0; m + 1 < shifted.length; m++) {
    if (shifted[m + 1] > 0 && shifted[m] / shifted[m + 1] > 10) return m + 1;
    if (shifted[m + 1] <= 0 && shifted[m] > 0) return m + 1;
  }
  let st = 0;
  for (const v of shifted) st += v;
  c = 0;
  for (let m = 0; m < shifted.length; m++) {
    c += shifted[m];
    if (c > 0.8 * st) return m + 1;
  }
  return shifted.length;
}

export function localPca(cloud: Matrix, options: LocalPcaOptions = {}): LocalPcaResult {
  const k = options.k ?? 50;
  assertPositiveInteger(k, 'k');
  const rule = options.rule ?? 'ratio';
  if (rule !== 'ratio' && rule !== 'fan' && rule !== 'fo') {
    throw invalidOption(`unknown lPCA rule '${String(rule)}'`, 'Use ratio, fan or fo.');
  }
  const threshold = options.threshold ?? 0.95;
  assertInRange(threshold, 1e-9, 1, 'threshold');
  const name = options.name ?? 'the point cloud';
  checkCloud(cloud, k + 1, `local PCA with k = ${k}`, name);
  const nb = neighbourTable(cloud, k, { ...options, onProgress: undefined });
  const pointwise = pointwiseOverNeighbourhoods(
    nb,
    (rows) => spectrumDimension(covarianceSpectrum(cloud.data, cloud.cols, rows), rule, threshold),
    options.onProgress,
  );
  return {
    method: 'localPca',
    rule,
    k,
    estimate: mean(pointwise),
    pointwise,
    median: median(pointwise),
  };
}
