/**
 * The reference exact k nearest neighbours: every distance computed from coordinate
 * differences in double precision, O(n^2 d). Kept as the oracle for the blocked kNN in knn.ts,
 * which must return exactly the same neighbours, and used for rows where near-ties defeat the
 * blocked kernel's candidate margin.
 *
 * Ties are broken by the smaller index.
 */
import type { FloatArray } from '../core/matrix.js';

/** Squared Euclidean distance of rows i and j, summed over differences in index order. */
export function squaredDistanceRows(data: FloatArray, d: number, i: number, j: number): number {
  const oi = i * d;
  const oj = j * d;
  let s = 0;
  for (let t = 0; t < d; t++) {
    const diff = data[oi + t] - data[oj + t];
    s += diff * diff;
  }
  return s;
}

/**
 * Writes row i's k nearest neighbours (self excluded) by brute force into
 * indices/distances[i*k .. i*k+k), nearest first; `bestD`/`bestI` are scratch of length k.
 */
export function naiveKnnRow(
  data: FloatArray,
  n: number,
  d: number,
  k: number,
  i: number,
  indices: Int32Array,
  distances: Float64Array,
  bestD: Float64Array,
  bestI: Int32Array,
): void {
  let count = 0;
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    const s = squaredDistanceRows(data, d, i, j);
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

/** All rows by brute force. */
export function naiveKnn(
  data: FloatArray,
  n: number,
  d: number,
  k: number,
): { indices: Int32Array; distances: Float64Array } {
  const indices = new Int32Array(n * k);
  const distances = new Float64Array(n * k);
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  for (let i = 0; i < n; i++) naiveKnnRow(data, n, d, k, i, indices, distances, bestD, bestI);
  return { indices, distances };
}
