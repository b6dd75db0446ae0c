/**
 * Local PCA (lPCA), the linear baseline of docs/intrinsic-dimension.md ("Local PCA and
 * participation ratio"), as scikit-dimension's `lPCA` run pointwise: for each point, the
 * covariance spectrum lambda_1 >= lambda_2 >= ... >= lambda_D of the point and its k nearest
 * neighbours, and a rule that turns the spectrum into a dimension:
 *
 * - 'ratio' (default): the smallest m with (lambda_1 + ... + lambda_m) / sum(lambda) >= threshold
 *   (threshold 0.95: the components explaining 95% of the variance);
 * - 'fan' (Fan, Gu, Qiao, Zhang 2010, arXiv 1002.2050; scikit-dimension's `ver='Fan'` with its
 *   defaults alpha = 10, beta = 0.8, P = 0.95): r = the first (0-based) index whose cumulative
 *   explained variance exceeds P; sigma = mean(lambda_r..lambda_D) (the noise level);
 *   mu_i = lambda_i - sigma. The dimension is the first m (1-based) at which EITHER the gap
 *   mu_m / mu_{m+1} > alpha OR the cumulative shifted variance (mu_1 + ... + mu_m) / sum(mu) >
 *   beta, whichever comes first;
 * - 'fan-gap' (topolens' earlier variant, kept because it recovers planted dimensions better on
 *   noisy linear data, see the docs page): the same r, sigma and mu, but the gap test is tried on
 *   the whole spectrum FIRST: the first m with mu_{m+1} > 0 and mu_m / mu_{m+1} > alpha, or with
 *   mu_{m+1} <= 0 < mu_m (the shifted spectrum changes sign); only when there is none, the first m
 *   whose cumulative shifted variance exceeds beta;
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

export type LocalPcaRule = 'ratio' | 'fan' | 'fan-gap' | 'fo';

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
  return rule === 'fan' ? fanDimension(ev, total) : fanGapDimension(ev, total);
}

/** Fan et al.'s constants as scikit-dimension sets them: gap alpha, variance beta, noise P. */
const FAN_ALPHA = 10;
const FAN_BETA = 0.8;
const FAN_P = 0.95;

/** The spectrum less the noise level sigma (the mean of the eigenvalues from r on). */
function fanShifted(ev: Float64Array, total: number): { r: number; mu: Float64Array } {
  let c = 0;
  let r = ev.length - 1;
  for (let m = 0; m < ev.length; m++) {
    c += ev[m];
    if (c / total > FAN_P) {
      r = m;
      break;
    }
  }
  let sigma = 0;
  for (let m = r; m < ev.length; m++) sigma += ev[m];
  sigma /= ev.length - r;
  return { r, mu: Float64Array.from(ev, (v) => v - sigma) };
}

/**
 * scikit-dimension's rule: the first m where the gap or the cumulative test holds. A zero next
 * value counts as an infinite gap when mu_m > 0 (IEEE division, as NumPy does). Two cases where
 * sum(mu) is zero in exact arithmetic are decided here, where scikit-dimension's answer hinges on
 * the rounding of that zero: r = 0 (lambda_1 alone holds more than P of the variance) gives 1,
 * and an isotropic spectrum (every mu zero) the full dimension.
 */
function fanDimension(ev: Float64Array, total: number): number {
  const { r, mu } = fanShifted(ev, total);
  if (r === 0) return 1;
  let sum = 0;
  for (const v of mu) sum += v;
  let c = 0;
  for (let m = 0; m < mu.length; m++) {
    c += mu[m];
    if (m + 1 < mu.length && mu[m] / mu[m + 1] > FAN_ALPHA) return m + 1;
    if (c / sum > FAN_BETA) return m + 1;
  }
  return mu.length;
}

/** topolens' gap-first variant: any gap (or sign change) anywhere wins over the cumulative test. */
function fanGapDimension(ev: Float64Array, total: number): number {
  const { mu } = fanShifted(ev, total);
  for (let m = 0; m + 1 < mu.length; m++) {
    if (mu[m + 1] > 0 && mu[m] / mu[m + 1] > FAN_ALPHA) return m + 1;
    if (mu[m + 1] <= 0 && mu[m] > 0) return m + 1;
  }
  let sum = 0;
  for (const v of mu) sum += v;
  let c = 0;
  for (let m = 0; m < mu.length; m++) {
    c += mu[m];
    if (c > FAN_BETA * sum) return m + 1;
  }
  return mu.length;
}

export function localPca(cloud: Matrix, options: LocalPcaOptions = {}): LocalPcaResult {
  const k = options.k ?? 50;
  assertPositiveInteger(k, 'k');
  const rule = options.rule ?? 'ratio';
  if (rule !== 'ratio' && rule !== 'fan' && rule !== 'fan-gap' && rule !== 'fo') {
    throw invalidOption(`unknown lPCA rule '${String(rule)}'`, 'Use ratio, fan, fan-gap or fo.');
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
