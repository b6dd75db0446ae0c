/** Binary search in ascending arrays. */

/** The first position in [lo, hi) whose value is >= x (hi when none is). */
export function lowerBound(
  sorted: ArrayLike<number>,
  x: number,
  lo = 0,
  hi = sorted.length,
): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
