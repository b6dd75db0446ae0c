/**
 * Tests and intervals for correlation coefficients (docs/studies.md#statistics):
 * - Fisher-z interval of Pearson's r: tanh(atanh(r) -/+ z_{1 - alpha/2} / sqrt(n - 3)), as
 *   scipy.stats.pearsonr(...).confidence_interval();
 * - p-values of Pearson's r and Spearman's rho from the t distribution with n - 2 degrees of
 *   freedom, as SciPy's pearsonr and spearmanr;
 * - `correlationSummary`: both coefficients with their p-values, the Fisher interval and
 *   bootstrap intervals of each (pairs resampled together).
 */
import { invalidInput } from '../core/errors.js';
import { pearson, spearman } from '../linalg/correlation.js';
import { bootstrapInterval, type BootstrapInterval, type BootstrapOptions } from './bootstrap.js';
import { normalQuantile } from './normal.js';
import { correlationPValue } from './studentT.js';

/** The Fisher-z confidence interval of a Pearson correlation r from n pairs (NaN for n <= 3). */
export function fisherInterval(
  r: number,
  n: number,
  confidence = 0.95,
): { low: number; high: number } {
  if (!(n > 3) || !Number.isFinite(r)) return { low: NaN, high: NaN };
  const z = Math.atanh(Math.max(-1, Math.min(1, r)));
  const half = normalQuantile(1 - (1 - confidence) / 2) / Math.sqrt(n - 3);
  return { low: Math.tanh(z - half), high: Math.tanh(z + half) };
}

export interface CorrelationTest {
  /** the coefficient */
  r: number;
  /** two-sided p-value under no correlation (t with n - 2 dof) */
  pValue: number;
  /** bootstrap interval of the coefficient */
  bootstrap: { low: number; high: number; method: string; resamples: number };
}

export interface CorrelationSummary {
  n: number;
  confidence: number;
  pearson: CorrelationTest & { fisher: { low: number; high: number } };
  spearman: CorrelationTest;
}

function interval(b: BootstrapInterval) {
  return { low: b.low, high: b.high, method: b.method, resamples: b.resamples };
}

/**
 * Pearson and Spearman correlation of paired samples with p-values, the Fisher-z interval and
 * bootstrap intervals (default 9999 BCa resamples, seed 0; `bootstrap.resamples: 0` skips them).
 */
export function correlationSummary(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: { confidence?: number; bootstrap?: BootstrapOptions } = {},
): CorrelationSummary {
  const n = x.length;
  if (y.length !== n) {
    throw invalidInput(`correlation: ${n} and ${y.length} values; the pairs must match.`);
  }
  const confidence = options.confidence ?? 0.95;
  const r = pearson(x, y);
  const rho = spearman(x, y);
  const resamples = options.bootstrap?.resamples ?? 9999;
  const none = { low: NaN, high: NaN, method: 'none', resamples: 0 };
  const boot = (stat: (a: Float64Array, b: Float64Array) => number) =>
    resamples > 0 && n >= 3
      ? interval(bootstrapInterval([x, y], stat, { ...options.bootstrap, resamples, confidence }))
      : none;
  return {
    n,
    confidence,
    pearson: {
      r,
      pValue: correlationPValue(r, n),
      fisher: fisherInterval(r, n, confidence),
      bootstrap: boot(pearson),
    },
    spearman: { r: rho, pValue: correlationPValue(rho, n), bootstrap: boot(spearman) },
  };
}
