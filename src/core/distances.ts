/**
 * A symmetric distance matrix with zero diagonal, stored as its strict lower triangle in row
 * order (Ripser's "lower-distance" layout): entry (i, j) with i > j sits at i(i-1)/2 + j.
 */
import type { FloatArray } from './matrix.js';

export interface CondensedDistances<T extends FloatArray = FloatArray> {
  n: number;
  /** length n(n-1)/2 */
  data: T;
}

export function condensedIndex(i: number, j: number): number {
  return i > j ? (i * (i - 1)) / 2 + j : (j * (j - 1)) / 2 + i;
}

export function condensedLength(n: number): number {
  return (n * (n - 1)) / 2;
}

/** d(i, j), 0 on the diagonal. */
export function distanceAt(m: CondensedDistances, i: number, j: number): number {
  return i === j ? 0 : m.data[condensedIndex(i, j)];
}

/** Enclosing radius min_i max_j d(i, j): above it the Rips complex is a cone. */
export function enclosingRadius(m: CondensedDistances): number {
  const { n, data } = m;
  if (n <= 1) return 0;
  const rowMax = new Float64Array(n);
  let k = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++, k++) {
      const v = data[k];
      if (v > rowMax[i]) rowMax[i] = v;
      if (v > rowMax[j]) rowMax[j] = v;
    }
  }
  let best = Infinity;
  for (let i = 0; i < n; i++) if (rowMax[i] < best) best = rowMax[i];
  return best;
}

/**
 * A sparse symmetric distance matrix: the listed edges, each once (i > j), with their lengths.
 * Pairs that are not listed are at distance +Infinity (not in the filtration). This is the input
 * of thresholded or collapsed Rips computations (Ripser's `sparse` format).
 */
export interface SparseDistances<T extends FloatArray = FloatArray> {
  n: number;
  /** larger endpoint of each edge */
  i: Int32Array;
  /** smaller endpoint of each edge */
  j: Int32Array;
  /** length of each edge */
  values: T;
}

export function isSparseDistances(x: unknown): x is SparseDistances {
  return typeof x === 'object' && x !== null && 'values' in x && 'i' in x && 'j' in x;
}

export function isCondensedDistances(x: unknown): x is CondensedDistances {
  return typeof x === 'object' && x !== null && 'n' in x && 'data' in x && !('rows' in x);
}
