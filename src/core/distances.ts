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
