/**
 * Normal probability mass over an interval, accurate in the tails: an internal helper of the
 * persistence images. The normal distribution function itself (erfc to about 1e-15 relative) is
 * src/stats/normal.ts's.
 */
import { erfc } from '../stats/normal.js';

export { erfc };

/** P(lo <= Z <= hi) for a standard normal Z, accurate in the tails too. */
export function normalMass(lo: number, hi: number): number {
  if (lo >= 0) return 0.5 * (erfc(lo / Math.SQRT2) - erfc(hi / Math.SQRT2));
  if (hi <= 0) return 0.5 * (erfc(-hi / Math.SQRT2) - erfc(-lo / Math.SQRT2));
  return 1 - 0.5 * erfc(-lo / Math.SQRT2) - 0.5 * erfc(hi / Math.SQRT2);
}
