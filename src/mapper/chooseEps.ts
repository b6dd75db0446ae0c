/**
 * DBSCAN's eps for a whole Mapper run, from the sorted k-distance curve (./kDistanceCurve.ts);
 * the rules, their defaults and the measurements behind them are in docs/mapper.md,
 * "Choosing eps".
 *
 * - 'quantile' (default): eps = f x the q-quantile of the curve (q = 0.75). The quantile is the
 *   distance at which a typical point has its k neighbours; the multiple f lets DBSCAN bridge the
 *   random gaps of a sample, so that the points of one piece of the shape are core and chained; a
 *   quantile below 1 ignores the sparsest quarter of the points (outliers). f = F = 4 when the
 *   data look at most 3-dimensional at the scale of k neighbours; for a higher local dimension
 *   d (estimated from the same neighbours) f = F^(3/d): the radius that connects a d-dimensional
 *   sample exceeds its k-neighbour radius by a factor that shrinks like (.)^(1/d), and at
 *   d ~ 7 (a 512-D Gaussian mixture) 4 x the quantile merges distinct clusters.
 * - 'knee': the knee of the curve (Kneedle, ./knee.ts), the median when there is none. Ester et
 *   al.'s heuristic for data with a clear noise tail; on curve-like clouds it fragments the graph.
 *
 * One eps serves every cover element (as in KeplerMapper, where one clusterer object clusters
 * every cube).
 */
import { invalidOption } from '../core/errors.js';
import { kneeOfSortedCurve } from './knee.js';
import type { EpsChoice } from './graph.js';
import { sortedQuantile } from '../stats/quantile.js';

export type EpsRule = 'quantile' | 'knee';

export interface ChooseEpsOptions {
  /** 'quantile' (default) or 'knee'. */
  rule?: EpsRule;
  /** Quantile of the k-distance curve for 'quantile', default 0.75. */
  quantile?: number;
  /** The multiple F of that quantile (for local dimension <= 3), default 4. */
  factor?: number;
  /**
   * Local intrinsic dimension d of the data at the scale of k neighbours; above 3 the multiple
   * is F^(3/d). Not given (or NaN): F is used as is.
   */
  dimension?: number;
  /** Apply the dimension adjustment, default true. */
  dimensionAdjust?: boolean;
  /** Kneedle threshold for 'knee', default 0.1 (./knee.ts). */
  kneeThreshold?: number;
}

export const DEFAULT_EPS_QUANTILE = 0.75;
export const DEFAULT_EPS_FACTOR = 4;
/** Local dimension up to which the full multiple F applies. */
export const EPS_FULL_FACTOR_DIMENSION = 3;

/** The multiple applied to the quantile: F, or F^(3/d) when the local dimension d exceeds 3. */
export function epsMultiple(factor: number, dimension?: number): number {
  if (dimension === undefined || !(dimension > EPS_FULL_FACTOR_DIMENSION)) return factor;
  return Math.pow(factor, EPS_FULL_FACTOR_DIMENSION / dimension);
}

/** Checks the eps-rule options (before any work), with messages that say what to use. */
export function validateEpsOptions(options: ChooseEpsOptions): void {
  const rule = options.rule ?? 'quantile';
  if (rule !== 'quantile' && rule !== 'knee') {
    throw invalidOption(
      `unknown eps rule '${String(rule)}'.`,
      'Use quantile (the default) or knee, or give eps.',
    );
  }
  const q = options.quantile ?? DEFAULT_EPS_QUANTILE;
  if (!(q >= 0 && q <= 1)) {
    throw invalidOption(`eps quantile must lie in [0, 1], got ${q}.`, 'The default is 0.75.');
  }
  const f = options.factor ?? DEFAULT_EPS_FACTOR;
  if (!(f > 0 && Number.isFinite(f))) {
    throw invalidOption(`eps factor must be a finite number > 0, got ${f}.`, 'The default is 4.');
  }
}

/**
 * eps from a sorted k-distance curve (ascending) under a rule. `k` and the curve's length are
 * recorded in the choice; an empty curve gives eps NaN (the caller refuses it).
 */
export function epsFromCurve(
  sorted: Float64Array,
  k: number,
  options: ChooseEpsOptions = {},
): EpsChoice {
  validateEpsOptions(options);
  const rule = options.rule ?? 'quantile';
  if (rule === 'knee') {
    const knee = kneeOfSortedCurve(sorted, { threshold: options.kneeThreshold });
    return {
      eps: knee.value,
      method: knee.method,
      k,
      sampleSize: sorted.length,
      strength: knee.strength,
    };
  }
  const quantile = options.quantile ?? DEFAULT_EPS_QUANTILE;
  const baseFactor = options.factor ?? DEFAULT_EPS_FACTOR;
  const adjust = options.dimensionAdjust ?? true;
  const factor = adjust ? epsMultiple(baseFactor, options.dimension) : baseFactor;
  const value = sorted.length > 0 ? sortedQuantile(sorted, quantile) : NaN;
  const choice: EpsChoice = {
    eps: factor * value,
    method: 'quantile',
    k,
    sampleSize: sorted.length,
    quantile,
    factor,
    baseFactor,
    quantileValue: value,
  };
  if (options.dimension !== undefined && Number.isFinite(options.dimension)) {
    choice.dimension = options.dimension;
  }
  return choice;
}

/** One line that says how eps was chosen, for summaries and the CLI. */
export function describeEps(choice: EpsChoice): string {
  const curve = `the sorted ${choice.k}-distance curve (distance to the ${ordinal(choice.k ?? 0)} nearest neighbour inside the cover element, ${choice.sampleSize} sampled points)`;
  switch (choice.method) {
    case 'given':
      return 'given';
    case 'quantile': {
      const adjusted = choice.factor !== choice.baseFactor;
      const multiple = adjusted
        ? `${fmt(choice.factor)} (= ${choice.baseFactor}^(3/${fmt(choice.dimension)}), local dimension ${fmt(choice.dimension)} > 3)`
        : `${choice.factor}`;
      return `${multiple} x the ${choice.quantile}-quantile (${fmt(choice.quantileValue)}) of ${curve}`;
    }
    case 'knee':
      return `knee of ${curve} (Kneedle, strength ${fmt(choice.strength)})`;
    case 'median':
      return `median of ${curve}: it has no knee (Kneedle strength ${fmt(choice.strength)})`;
  }
}

function fmt(x: number | undefined): string {
  return x === undefined ? '?' : Number(x.toPrecision(4)).toString();
}

function ordinal(k: number): string {
  const tens = k % 100;
  if (tens >= 11 && tens <= 13) return `${k}th`;
  return `${k}${['th', 'st', 'nd', 'rd'][k % 10] ?? 'th'}`;
}
