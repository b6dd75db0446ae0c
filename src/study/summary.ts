/**
 * Plain summaries of small samples used by every study: mean, sample standard deviation,
 * min-max scaling of a curve. NaN values are left out of the mean and spread (a descriptor that
 * could not be computed for one class or repeat does not poison the others); an all-NaN sample
 * gives NaN. See docs/studies.md.
 */

/** Mean of the finite values (NaN when there is none). */
export function finiteMean(values: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      s += v;
      n++;
    }
  }
  return n === 0 ? NaN : s / n;
}

/** Sample standard deviation (n - 1) of the finite values; 0 for one value, NaN for none. */
export function finiteStd(values: ArrayLike<number>): number {
  const m = finiteMean(values);
  if (Number.isNaN(m)) return NaN;
  let s = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      s += (v - m) * (v - m);
      n++;
    }
  }
  return n < 2 ? 0 : Math.sqrt(s / (n - 1));
}

/**
 * (v - min) / (max - min) over the finite values, as [M22] plots each descriptor's curve on
 * [0, 1]. A constant curve maps to 0; NaN stays NaN.
 */
export function minMaxScaleCurve(values: readonly number[]): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const range = hi - lo;
  return values.map((v) => (Number.isFinite(v) ? (range > 0 ? (v - lo) / range : 0) : NaN));
}

/** Column j of a rows x cols table of numbers. */
export function column(table: readonly (readonly number[])[], j: number): number[] {
  return table.map((r) => r[j]);
}
