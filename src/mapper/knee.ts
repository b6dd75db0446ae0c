/**
 * The knee of a sorted k-distance curve, to choose DBSCAN's eps (Ester et al. 1996's
 * "sorted k-dist graph"; docs/mapper.md, "eps from the knee").
 *
 * Method (Kneedle, Satopaa et al. 2011, for an increasing convex curve): sort the values
 * ascending y_0 <= ... <= y_{s-1}, normalise x_i = i / (s - 1) and
 * u_i = (y_i - y_0) / (y_{s-1} - y_0); the difference curve D_i = x_i - u_i is the vertical
 * distance below the chord from the first to the last point. The knee is the argmax of D
 * (first index on ties). There is NO knee when max D < `threshold` (default 0.1: the curve is
 * close to a straight line) or the curve is flat (y_{s-1} - y_0 <= 1e-12 * |y_{s-1}|); then the
 * median is used.
 */
export interface KneeOptions {
  /** Minimum normalised gap below the chord for a knee, default 0.1. */
  threshold?: number;
}

export interface KneeResult {
  /** The chosen value: the curve at the knee, or the median when there is none. */
  value: number;
  /** Index of the knee in the sorted curve, -1 when the median was used. */
  index: number;
  /** 'knee' or 'median'. */
  method: 'knee' | 'median';
  /** max D (0 for a flat curve). */
  strength: number;
}

export function median(sorted: ArrayLike<number>): number {
  const s = sorted.length;
  if (s === 0) return NaN;
  const h = s >> 1;
  return s % 2 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
}

export function kneeOfSortedCurve(
  values: ArrayLike<number>,
  options: KneeOptions = {},
): KneeResult {
  const threshold = options.threshold ?? 0.1;
  const y = Float64Array.from(values).sort();
  const s = y.length;
  if (s === 0) return { value: NaN, index: -1, method: 'median', strength: 0 };
  const span = y[s - 1] - y[0];
  if (s < 3 || !(span > 1e-12 * Math.abs(y[s - 1]))) {
    return { value: median(y), index: -1, method: 'median', strength: 0 };
  }
  let best = 0;
  let bestD = -Infinity;
  for (let i = 0; i < s; i++) {
    const D = i / (s - 1) - (y[i] - y[0]) / span;
    if (D > bestD) {
      bestD = D;
      best = i;
    }
  }
  if (bestD < threshold) return { value: median(y), index: -1, method: 'median', strength: bestD };
  return { value: y[best], index: best, method: 'knee', strength: bestD };
}
