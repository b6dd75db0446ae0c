/** Quantiles of a sample with linear interpolation between order statistics (NumPy's default). */
import { invalidInput, invalidOption } from '../core/errors.js';

/** The q-quantile (0 <= q <= 1) of an ascending sorted sample: (n - 1) q, interpolated. */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw invalidInput('a quantile needs at least one value, got an empty sample.');
  if (!(q >= 0 && q <= 1)) throw invalidOption(`a quantile level must lie in [0, 1], got ${q}.`);
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** The q-quantile of an unsorted sample (NaN values are not allowed). */
export function quantile(values: ArrayLike<number>, q: number): number {
  return sortedQuantile(Float64Array.from(values).sort(), q);
}
