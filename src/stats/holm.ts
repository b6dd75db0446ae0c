/**
 * Holm's step-down adjustment of p-values for multiple tests (family-wise error):
 * with p sorted ascending, adjusted p_(i) = max over j <= i of min(1, (m - j + 1) p_(j)),
 * returned in the original order (as statsmodels' multipletests(method='holm')). NaN stays NaN
 * and does not count as a test.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const idx = pValues.map((_, i) => i).filter((i) => !Number.isNaN(pValues[i]));
  idx.sort((a, b) => pValues[a] - pValues[b]);
  const m = idx.length;
  const out = pValues.map(() => NaN);
  let running = 0;
  idx.forEach((i, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * pValues[i]));
    out[i] = running;
  });
  return out;
}
