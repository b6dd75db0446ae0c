/**
 * Seeded bootstrap confidence intervals (Efron; as scipy.stats.bootstrap): resample the
 * observations with replacement `resamples` times, recompute the statistic, and take
 * - 'percentile': the alpha/2 and 1 - alpha/2 quantiles of the bootstrap distribution;
 * - 'bca' (default, as SciPy): bias-corrected and accelerated quantiles, with the bias
 *   z0 = Phi^-1(share of bootstrap values below the estimate, ties counted half) and the
 *   acceleration from the jackknife, a = sum (m - t_i)^3 / (6 (sum (m - t_i)^2)^1.5).
 * Several samples of equal length are resampled together (paired), e.g. x and y of a
 * correlation. The generator is topolens's own (core/rng.ts), so intervals agree with SciPy's
 * within Monte-Carlo error, not digit for digit. docs/studies.md#statistics.
 */
import { invalidInput, invalidOption } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import { normalCdf, normalQuantile } from './normal.js';
import { sortedQuantile } from './quantile.js';

export type BootstrapMethod = 'percentile' | 'bca';

export interface BootstrapOptions {
  /** number of resamples (default 9999, SciPy's) */
  resamples?: number;
  /** confidence level (default 0.95) */
  confidence?: number;
  /** 'bca' (default, SciPy's) or 'percentile' */
  method?: BootstrapMethod;
  /** seed of the resampling (default 0) */
  seed?: number;
}

export interface BootstrapInterval {
  /** the statistic on the original samples */
  estimate: number;
  low: number;
  high: number;
  /** standard deviation of the bootstrap distribution (n - 1) */
  standardError: number;
  method: BootstrapMethod;
  confidence: number;
  resamples: number;
  /** resamples whose statistic was not finite (left out of the distribution) */
  nonFinite: number;
}

/** A statistic of one or more paired samples. */
export type SampleStatistic = (...samples: Float64Array[]) => number;

function checkOptions(options: BootstrapOptions): Required<BootstrapOptions> {
  const resamples = options.resamples ?? 9999;
  const confidence = options.confidence ?? 0.95;
  const method = options.method ?? 'bca';
  if (!Number.isInteger(resamples) || resamples < 2) {
    throw invalidOption(`resamples must be an integer >= 2, got ${resamples}.`, 'SciPy uses 9999.');
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw invalidOption(`confidence must lie strictly between 0 and 1, got ${confidence}.`);
  }
  if (method !== 'bca' && method !== 'percentile') {
    throw invalidOption(`unknown bootstrap method '${String(method)}'.`, 'Use bca or percentile.');
  }
  return { resamples, confidence, method, seed: options.seed ?? 0 };
}

function jackknifeAcceleration(samples: Float64Array[], statistic: SampleStatistic): number {
  const n = samples[0].length;
  const values = new Float64Array(n);
  const held = samples.map(() => new Float64Array(n - 1));
  for (let i = 0; i < n; i++) {
    samples.forEach((s, k) => {
      const h = held[k];
      let t = 0;
      for (let j = 0; j < n; j++) if (j !== i) h[t++] = s[j];
    });
    values[i] = statistic(...held);
  }
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let num = 0;
  let den = 0;
  for (const v of values) {
    const d = mean - v;
    num += d * d * d;
    den += d * d;
  }
  return den === 0 ? 0 : num / (6 * Math.pow(den, 1.5));
}

export function bootstrapInterval(
  samples: readonly ArrayLike<number>[],
  statistic: SampleStatistic,
  options: BootstrapOptions = {},
): BootstrapInterval {
  const { resamples, confidence, method, seed } = checkOptions(options);
  if (samples.length === 0) throw invalidInput('bootstrap needs at least one sample.');
  const n = samples[0].length;
  if (samples.some((s) => s.length !== n)) {
    throw invalidInput(
      `bootstrap: paired samples of lengths ${samples.map((s) => s.length).join(', ')}; they must match.`,
    );
  }
  if (n < 2) throw invalidInput(`bootstrap needs at least 2 observations, got ${n}.`);
  const data = samples.map((s) => Float64Array.from(s));
  const estimate = statistic(...data);
  const rng = createRng(seed);
  const scratch = data.map(() => new Float64Array(n));
  const dist: number[] = [];
  let nonFinite = 0;
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) {
      const j = rng.int(n);
      for (let k = 0; k < data.length; k++) scratch[k][i] = data[k][j];
    }
    const v = statistic(...scratch);
    if (Number.isFinite(v)) dist.push(v);
    else nonFinite++;
  }
  const sorted = Float64Array.from(dist).sort();
  let mean = 0;
  for (const v of sorted) mean += v;
  mean /= sorted.length;
  let ss = 0;
  for (const v of sorted) ss += (v - mean) * (v - mean);
  const standardError = sorted.length > 1 ? Math.sqrt(ss / (sorted.length - 1)) : NaN;
  const alpha = (1 - confidence) / 2;
  let qLow = alpha;
  let qHigh = 1 - alpha;
  if (method === 'bca' && sorted.length > 0) {
    let below = 0;
    let atOrBelow = 0;
    for (const v of sorted) {
      if (v < estimate) below++;
      if (v <= estimate) atOrBelow++;
    }
    const z0 = normalQuantile((below + atOrBelow) / (2 * sorted.length));
    const a = jackknifeAcceleration(data, statistic);
    const adjust = (q: number) => {
      const z = normalQuantile(q);
      return normalCdf(z0 + (z0 + z) / (1 - a * (z0 + z)));
    };
    qLow = adjust(alpha);
    qHigh = adjust(1 - alpha);
  }
  const ok = sorted.length > 0 && Number.isFinite(qLow) && Number.isFinite(qHigh);
  return {
    estimate,
    low: ok ? sortedQuantile(sorted, qLow) : NaN,
    high: ok ? sortedQuantile(sorted, qHigh) : NaN,
    standardError,
    method,
    confidence,
    resamples,
    nonFinite,
  };
}
