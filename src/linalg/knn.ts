/**
 * Exact k nearest neighbours (Euclidean), self excluded. Ties are broken by the smaller index.
 *
 * Result layout: row i's neighbours are indices[i*k .. i*k+k), nearest first, with their
 * distances in the same positions of `distances`.
 */
import type { Matrix } from '../core/matrix.js';
import { assertFiniteMatrix } from '../core/validate.js';
import { invalidOption } from '../core/errors.js';

export interface KnnResult {
  k: number;
  n: number;
  indices: Int32Array;
  distances: Float64Array;
}

export interface KnnOptions {
  /** name used in error messages */
  name?: string;
}

export function knn(cloud: Matrix, k: number, options: KnnOptions = {}): KnnResult {
  const { data, rows: n, cols: d } = cloud;
  if (!Number.isInteger(k) || k < 1) throw invalidOption(`k must be a positive integer, got ${k}.`);
  if (k >= n) {
    throw invalidOption(
      `k = ${k} needs more than ${k} points, but ${options.name ?? 'the cloud'} has ${n}.`,
      `Use k <= ${n - 1}.`,
    );
  }
  assertFiniteMatrix(cloud, options.name ?? 'the point cloud');
  const indices = new Int32Array(n * k);
  const distances = new Float64Array(n * k);
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    let count = 0;
    const oi = i * d;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const oj = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = data[oi + t] - data[oj + t];
        s += diff * diff;
      }
      if (count < k || s < bestD[count - 1]) {
        let p = count < k ? count++ : k - 1;
        while (p > 0 && bestD[p - 1] > s) {
          bestD[p] = bestD[p - 1];
          bestI[p] = bestI[p - 1];
          p--;
        }
        bestD[p] = s;
        bestI[p] = j;
      }
    }
    for (let t = 0; t < k; t++) {
      indices[i * k + t] = bestI[t];
      distances[i * k + t] = Math.sqrt(bestD[t]);
    }
  }
  return { k, n, indices, distances };
}
