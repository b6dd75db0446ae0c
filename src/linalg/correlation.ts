/**
 * Correlation coefficients of two equal-length samples.
 * - `pearson`: sum (x - mx)(y - my) / sqrt(sum (x - mx)^2 sum (y - my)^2); NaN when either
 *   sample is constant or has fewer than 2 values.
 * - `spearman`: Pearson of the ranks, ties given their average rank (scipy.stats.spearmanr).
 */
import { invalidInput } from '../core/errors.js';

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (y.length !== n) {
    throw invalidInput(`pearson: samples of lengths ${n} and ${y.length}; they must match.`);
  }
  if (n < 2) return NaN;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i] - mx;
    const b = y[i] - my;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  if (sxx === 0 || syy === 0) return NaN;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Ranks 1..n with ties averaged. */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => x[a] - x[b]);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && x[order[j + 1]] === x[order[i]]) j++;
    const r = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) ranks[order[t]] = r;
    i = j + 1;
  }
  return ranks;
}

export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (y.length !== x.length) {
    throw invalidInput(
      `spearman: samples of lengths ${x.length} and ${y.length}; they must match.`,
    );
  }
  return pearson(averageRanks(x), averageRanks(y));
}
