/**
 * Persistent-homology fractal dimension (Schweinhart 2020; Adams et al. 2020; Birdal et al.,
 * NeurIPS 2021); docs/intrinsic-dimension.md.
 *
 * For a sample of n points, E_alpha^0(n) = sum over the finite H0 bars of (death - birth)^alpha
 * = sum of MST edge lengths^alpha. For points on a d-dimensional set it grows like
 * n^((d - alpha) / d); with m the least-squares slope (with intercept) of log E against log n,
 * dim = alpha / (1 - m).
 *
 * Sample sizes:
 * - 'm22' ([M22], [M23]): n = 500, 850, 1200, ... (step 350) while n < N;
 * - 'birdal' (Birdal et al.'s code): n = 200, 250, ..., 950.
 * Each size draws `samples` subsets without replacement (default 1, as both papers); the slope
 * is fitted on all (log n, log E) pairs. The cloud is used raw (no scaling), as [M22].
 *
 * Confidence band (`band`): the slope's 95% interval m +- t_{0.975, dof} * se(m) from the
 * regression residuals, mapped through alpha / (1 - m) (monotone in m, so the interval maps to an
 * interval). With samples >= 2 also `repeatEstimates`: the estimate from each repeat alone
 * (repeat r uses the r-th subsample of every size), with their mean and standard deviation.
 */
import type { Matrix } from '../../core/matrix.js';
import type { CondensedDistances } from '../../core/distances.js';
import { selectRows } from '../../core/matrix.js';
import { createRng, sampleWithoutReplacement } from '../../core/rng.js';
import { invalidInput, invalidOption } from '../../core/errors.js';
import { assertPositiveInteger } from '../../core/validate.js';
import { mstWeight } from '../../homology/mst.js';
import { checkCloud, mean, standardDeviation, type IntrinsicDimensionResult } from './base.js';

export interface PhDimOptions {
  /** sample-size schedule: 'm22' (default: 500, 850, ... < N) or 'birdal' (200, 250, ..., 950) */
  estimator?: 'm22' | 'birdal';
  /** explicit sample sizes (overrides `estimator`) */
  sizes?: number[];
  /** exponent alpha of the edge lengths; [M22] and Birdal et al.: 1 */
  alpha?: number;
  /** subsamples per size; default 1 */
  samples?: number;
  /** seed of the subsampling; default 0 */
  seed?: number;
  /** name of the cloud in error messages */
  name?: string;
  onProgress?: (fraction: number) => void;
}

export interface PhDimResult extends IntrinsicDimensionResult {
  method: 'phDim';
  estimator: 'm22' | 'birdal' | 'custom';
  alpha: number;
  /** the sample sizes used */
  sizes: number[];
  /** E_alpha^0 per size and repeat: weights[s][r] */
  weights: number[][];
  /** slope of log E on log n, its standard error and intercept */
  slope: number;
  slopeStandardError: number;
  intercept: number;
  /** 95% interval of the estimate from the slope's regression interval */
  band: { low: number; high: number };
  /** per-repeat estimates (samples >= 2) */
  repeatEstimates?: number[];
  repeatMean?: number;
  repeatStd?: number;
}

/** [M22]'s schedule 500, 850, ... while n < N; Birdal's 200..950 (those <= N). */
export function phDimSizes(estimator: 'm22' | 'birdal', N: number): number[] {
  const out: number[] = [];
  if (estimator === 'm22') for (let n = 500; n < N; n += 350) out.push(n);
  else for (let n = 200; n <= 950 && n <= N; n += 50) out.push(n);
  return out;
}

/** Student t quantile 0.975 for small degrees of freedom (table), 1.96 beyond. */
function t975(dof: number): number {
  const table = [
    NaN,
    12.706,
    4.303,
    3.182,
    2.776,
    2.571,
    2.447,
    2.365,
    2.306,
    2.262,
    2.228,
    2.201,
    2.179,
    2.16,
    2.145,
    2.131,
    2.12,
    2.11,
    2.101,
    2.093,
    2.086,
    2.08,
    2.074,
    2.069,
    2.064,
    2.06,
    2.056,
    2.052,
    2.048,
    2.045,
    2.042,
  ];
  return dof < table.length ? table[dof] : 1.96 + 2.4 / dof;
}

function slopeToDim(alpha: number, m: number): number {
  return m < 1 ? alpha / (1 - m) : Infinity;
}

function fitLine(x: number[], y: number[]): { slope: number; intercept: number; se: number } {
  const n = x.length;
  const mx = mean(x);
  const my = mean(y);
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (y[i] - intercept - slope * x[i]) ** 2;
  const se = n > 2 ? Math.sqrt(rss / (n - 2) / sxx) : Infinity;
  return { slope, intercept, se };
}

/** The sub-matrix of a condensed distance matrix on the listed points (in that order). */
function subDistances(D: CondensedDistances, idx: ArrayLike<number>): CondensedDistances {
  const m = idx.length;
  const Ctor = D.data.constructor as new (n: number) => CondensedDistances['data'];
  const data = new Ctor((m * (m - 1)) / 2);
  let k = 0;
  for (let a = 1; a < m; a++) {
    const i = idx[a];
    for (let b = 0; b < a; b++, k++) {
      const j = idx[b];
      data[k] = i > j ? D.data[(i * (i - 1)) / 2 + j] : D.data[(j * (j - 1)) / 2 + i];
    }
  }
  return { n: m, data };
}

/**
 * PH-dim of a point cloud, or of a condensed distance matrix (then the subsamples' MSTs read the
 * stored distances).
 */
export function phDim(cloud: Matrix | CondensedDistances, options: PhDimOptions = {}): PhDimResult {
  const name = options.name ?? 'the point cloud';
  const alpha = options.alpha ?? 1;
  if (!(alpha > 0) || !Number.isFinite(alpha)) {
    throw invalidOption(`alpha must be a positive number, got ${alpha}.`);
  }
  const samples = options.samples ?? 1;
  assertPositiveInteger(samples, 'samples');
  const isMatrix = (cloud as Matrix).rows !== undefined;
  const N = isMatrix ? (cloud as Matrix).rows : (cloud as CondensedDistances).n;
  const estimator = options.sizes ? 'custom' : (options.estimator ?? 'm22');
  if (estimator !== 'custom' && estimator !== 'm22' && estimator !== 'birdal') {
    throw invalidOption(`unknown PH-dim estimator '${String(estimator)}'`, 'Use m22 or birdal.');
  }
  const sizes = options.sizes ?? phDimSizes(estimator as 'm22' | 'birdal', N);
  if (sizes.length < 2 || new Set(sizes).size < 2) {
    const need =
      estimator === 'm22' ? 'more than 850 points (sizes 500 and 850 < N)' : 'at least 250 points';
    throw invalidInput(
      `PH-dim needs at least 2 distinct sample sizes; ${name} has ${N} points, which gives ` +
        `${sizes.length} size(s) with the ${estimator} schedule.`,
      `The ${estimator} schedule needs ${need}; or pass explicit sizes.`,
    );
  }
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 2 || s > N) {
      throw invalidOption(`sample size ${s} must be an integer in [2, ${N}].`);
    }
  }
  if (isMatrix) checkCloud(cloud as Matrix, 2, 'PH-dim', name);
  const rng = createRng(options.seed ?? 0);
  const weights: number[][] = [];
  const xs: number[] = [];
  const ys: number[] = [];
  let work = 0;
  const totalWork = sizes.reduce((a, s) => a + s * s, 0) * samples;
  for (const s of sizes) {
    const row: number[] = [];
    for (let r = 0; r < samples; r++) {
      const idx = sampleWithoutReplacement(N, s, rng);
      const sub = isMatrix
        ? selectRows(cloud as Matrix, idx)
        : subDistances(cloud as CondensedDistances, idx);
      const w = mstWeight(sub, alpha);
      if (!(w > 0)) {
        throw invalidInput(
          `PH-dim: a sample of ${s} points of ${name} has total MST length 0 (all points equal).`,
          'The cloud must contain distinct points.',
        );
      }
      row.push(w);
      xs.push(Math.log(s));
      ys.push(Math.log(w));
      work += s * s;
      options.onProgress?.(work / totalWork);
    }
    weights.push(row);
  }
  const { slope, intercept, se } = fitLine(xs, ys);
  const t = xs.length > 2 ? t975(xs.length - 2) : Infinity;
  const lo = slopeToDim(alpha, slope - t * se);
  const hi = slopeToDim(alpha, slope + t * se);
  const result: PhDimResult = {
    method: 'phDim',
    estimator: estimator as PhDimResult['estimator'],
    alpha,
    estimate: slopeToDim(alpha, slope),
    sizes,
    weights,
    slope,
    slopeStandardError: se,
    intercept,
    band: { low: Math.min(lo, hi), high: Math.max(lo, hi) },
  };
  if (samples >= 2) {
    const reps: number[] = [];
    for (let r = 0; r < samples; r++) {
      const fit = fitLine(
        sizes.map((s) => Math.log(s)),
        weights.map((w) => Math.log(w[r])),
      );
      reps.push(slopeToDim(alpha, fit.slope));
    }
    result.repeatEstimates = reps;
    result.repeatMean = mean(reps);
    result.repeatStd = standardDeviation(reps);
  }
  return result;
}
