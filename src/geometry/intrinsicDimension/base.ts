/**
 * What every intrinsic-dimension estimator shares (as scikit-dimension's GlobalEstimator /
 * fit_pw split): input checks, neighbour distances computed once, a pointwise mode that runs a
 * global rule on each point's neighbourhood, and the result shape
 * `{ method, estimate, pointwise?, ...details }` that serialises to JSON.
 */
import type { Matrix } from '../../core/matrix.js';
import { assertFiniteMatrix } from '../../core/validate.js';
import { invalidInput, invalidOption } from '../../core/errors.js';
import { knn, type KnnResult } from '../../linalg/knn.js';

export interface IntrinsicDimensionResult {
  /** estimator name, e.g. 'twoNN' */
  method: string;
  /** the global estimate (never NaN: degenerate input raises an error instead) */
  estimate: number;
  /** one value per input point, where the estimator defines one (NaN for dropped points) */
  pointwise?: Float64Array;
}

export interface NeighbourOptions {
  /** name of the cloud in error messages (default 'the point cloud') */
  name?: string;
  /** precomputed neighbours of the same cloud with at least the k needed (skips kNN) */
  neighbours?: KnnResult;
  /** approximate neighbours by NN-descent (linalg/approximateKnn.ts); default false (exact) */
  approximate?: boolean;
  /** progress callback, fraction in [0, 1] */
  onProgress?: (fraction: number) => void;
}

/** Checks the cloud (finite, enough points) and names the way out. */
export function checkCloud(cloud: Matrix, minPoints: number, what: string, name: string): void {
  if (cloud.rows < minPoints) {
    throw invalidInput(
      `${what} needs at least ${minPoints} points, but ${name} has ${cloud.rows}.`,
      'Use more points (or a smaller k).',
    );
  }
  assertFiniteMatrix(cloud, name);
}

/** k nearest neighbours (k columns), reusing `options.neighbours` when it has enough. */
export function neighbourTable(cloud: Matrix, k: number, options: NeighbourOptions): KnnResult {
  const pre = options.neighbours;
  if (pre) {
    if (pre.n !== cloud.rows) {
      throw invalidOption(
        `the precomputed neighbours are for ${pre.n} points, the cloud has ${cloud.rows}.`,
      );
    }
    if (pre.k < k) throw invalidOption(`the precomputed neighbours have k = ${pre.k} < ${k}.`);
    if (pre.k === k) return pre;
    const indices = new Int32Array(pre.n * k);
    const distances = new Float64Array(pre.n * k);
    for (let i = 0; i < pre.n; i++) {
      indices.set(pre.indices.subarray(i * pre.k, i * pre.k + k), i * k);
      distances.set(pre.distances.subarray(i * pre.k, i * pre.k + k), i * k);
    }
    return { k, n: pre.n, indices, distances };
  }
  return knn(cloud, k, {
    name: options.name,
    approximate: options.approximate,
    onProgress: options.onProgress,
  });
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return s / values.length;
}

export function standardDeviation(values: ArrayLike<number>): number {
  const m = mean(values);
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (values[i] - m) ** 2;
  return Math.sqrt(s / values.length);
}

/** Median of the finite values. */
export function median(values: ArrayLike<number>): number {
  const v = Array.from(values)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const h = v.length >> 1;
  return v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

/**
 * Runs `rule` on each point's neighbourhood (the point and its k nearest neighbours) and returns
 * the values: scikit-dimension's `fit_pw` for a global estimator.
 */
export function pointwiseOverNeighbourhoods(
  neighbours: KnnResult,
  rule: (rows: Int32Array) => number,
  onProgress?: (fraction: number) => void,
): Float64Array {
  const { n, k, indices } = neighbours;
  const out = new Float64Array(n);
  const rows = new Int32Array(k + 1);
  for (let i = 0; i < n; i++) {
    rows[0] = i;
    rows.set(indices.subarray(i * k, i * k + k), 1);
    out[i] = rule(rows);
    if (onProgress && i % 1024 === 0) onProgress(i / n);
  }
  onProgress?.(1);
  return out;
}
