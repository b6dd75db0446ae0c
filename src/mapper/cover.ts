/**
 * Covers of the lens range, with KeplerMapper's formulas (docs/mapper.md).
 *
 * Uniform 1-D cover with n intervals and overlap fraction p:
 *   range = max - min,
 *   centres c_k = linspace(min + range / (2n), max - range / (2n), n),
 *   radius r = range / (2 n (1 - p)),
 *   interval k = [c_k - r, c_k + r] (closed).
 * The first interval's lower end and the last's upper end are clamped outwards to min and max
 * so rounding never drops an extreme point. A constant lens (range = 0) gives ONE interval
 * [min, max] that contains every point, whatever n.
 * A 2-D cover is the product of two 1-D covers (element (i, j) = interval i x interval j).
 * A balanced cover applies the uniform formulas to the ranks 0..N-1 of the sorted lens values
 * (so every interval holds about the same number of points) and maps the rank intervals back
 * to closed value intervals [v_(lo), v_(hi)]; tied values share their intervals.
 */
import { invalidOption } from '../core/errors.js';
import type { Lens } from './lenses.js';

export type CoverKind = 'uniform' | 'balanced';

export interface CoverOptions {
  /** Number of intervals per lens dimension, default 10 (KeplerMapper's n_cubes). */
  intervals?: number | number[];
  /** Overlap fraction p in [0, 1), default 0.5 (KeplerMapper's perc_overlap). */
  overlap?: number | number[];
  /** 'uniform' (default, KeplerMapper) or 'balanced' (equal counts). */
  kind?: CoverKind;
}

export interface Interval {
  lower: number;
  upper: number;
}

export interface CoverElement {
  /** Position in the cover's element list. */
  id: number;
  /** Interval index per lens dimension. */
  grid: number[];
  /** Closed bounds per lens dimension. */
  lower: number[];
  upper: number[];
  /** Indices of the points whose lens value lies in the element, ascending. */
  members: Int32Array;
}

export interface Cover {
  kind: CoverKind;
  intervals: number[];
  overlap: number[];
  /** The 1-D intervals of each lens dimension. */
  axes: Interval[][];
  elements: CoverElement[];
}

/** Checks n (integer >= 1) and p (in [0, 1)) with messages that say what to use instead. */
export function validateCoverParameters(intervals: number, overlap: number): void {
  if (!Number.isInteger(intervals) || intervals < 1) {
    throw invalidOption(
      `cover: the number of intervals must be an integer >= 1, got ${intervals}.`,
      'Use --intervals 10 (the default) or any positive integer.',
    );
  }
  if (!(overlap >= 0 && overlap < 1)) {
    throw invalidOption(
      `cover: overlap must lie in [0, 1), got ${overlap}.`,
      'The overlap is the fraction shared by neighbouring intervals; 0.5 is the default. ' +
        'At 1 the radius r = range / (2n(1 - p)) would be infinite.',
    );
  }
}

/** KeplerMapper's uniform intervals on [min, max] (see the file comment). */
export function uniformIntervals(
  min: number,
  max: number,
  intervals: number,
  overlap: number,
): Interval[] {
  validateCoverParameters(intervals, overlap);
  const range = max - min;
  if (!(range > 0)) return [{ lower: min, upper: max }];
  const n = intervals;
  const first = min + range / (2 * n);
  const last = max - range / (2 * n);
  const r = range / (2 * n * (1 - overlap));
  const out: Interval[] = [];
  for (let k = 0; k < n; k++) {
    const c = n === 1 ? first : first + ((last - first) * k) / (n - 1);
    out.push({ lower: c - r, upper: c + r });
  }
  out[0].lower = Math.min(out[0].lower, min);
  out[n - 1].upper = Math.max(out[n - 1].upper, max);
  return out;
}

/** Balanced intervals: uniform intervals on ranks, mapped back to values. */
export function balancedIntervals(
  values: ArrayLike<number>,
  intervals: number,
  overlap: number,
): Interval[] {
  validateCoverParameters(intervals, overlap);
  const sorted = Float64Array.from(values).sort();
  const N = sorted.length;
  if (N === 0 || sorted[0] === sorted[N - 1]) {
    return [{ lower: sorted[0] ?? 0, upper: sorted[N - 1] ?? 0 }];
  }
  const rankIntervals = uniformIntervals(0, N - 1, intervals, overlap);
  return rankIntervals.map(({ lower, upper }) => ({
    lower: sorted[Math.max(0, Math.ceil(lower - 1e-9))],
    upper: sorted[Math.min(N - 1, Math.floor(upper + 1e-9))],
  }));
}

function perDim(value: number | number[] | undefined, dims: number, fallback: number): number[] {
  if (value === undefined) return new Array(dims).fill(fallback);
  if (typeof value === 'number') return new Array(dims).fill(value);
  if (value.length !== dims) {
    throw invalidOption(`cover: got ${value.length} settings for a ${dims}-D lens.`);
  }
  return value.slice();
}

/** Builds the cover of a 1-D or 2-D lens and the members of every element. */
export function buildCover(lens: Lens, options: CoverOptions = {}): Cover {
  const dims = lens.dims;
  if (dims !== 1 && dims !== 2) throw invalidOption(`cover: lens must be 1-D or 2-D, got ${dims}.`);
  const n = lens.values.length / dims;
  const kind = options.kind ?? 'uniform';
  if (kind !== 'uniform' && kind !== 'balanced') {
    throw invalidOption(`cover: unknown kind '${String(kind)}'.`, 'Use uniform or balanced.');
  }
  const intervals = perDim(options.intervals, dims, 10);
  const overlap = perDim(options.overlap, dims, 0.5);
  const axes: Interval[][] = [];
  for (let a = 0; a < dims; a++) {
    const col = new Float64Array(n);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = lens.values[i * dims + a];
      col[i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (n === 0) {
      min = 0;
      max = 0;
    }
    axes.push(
      kind === 'uniform'
        ? uniformIntervals(min, max, intervals[a], overlap[a])
        : balancedIntervals(col, intervals[a], overlap[a]),
    );
  }
  // members per axis interval, then products
  const axisMembers = axes.map((ivs, a) =>
    ivs.map(({ lower, upper }) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const v = lens.values[i * dims + a];
        if (v >= lower && v <= upper) out.push(i);
      }
      return out;
    }),
  );
  const elements: CoverElement[] = [];
  if (dims === 1) {
    axes[0].forEach((iv, k) => {
      elements.push({
        id: k,
        grid: [k],
        lower: [iv.lower],
        upper: [iv.upper],
        members: Int32Array.from(axisMembers[0][k]),
      });
    });
  } else {
    for (let i = 0; i < axes[0].length; i++) {
      for (let j = 0; j < axes[1].length; j++) {
        const { lower, upper } = axes[1][j];
        const members = axisMembers[0][i].filter((p) => {
          const v = lens.values[p * 2 + 1];
          return v >= lower && v <= upper;
        });
        elements.push({
          id: elements.length,
          grid: [i, j],
          lower: [axes[0][i].lower, lower],
          upper: [axes[0][i].upper, upper],
          members: Int32Array.from(members),
        });
      }
    }
  }
  return { kind, intervals, overlap, axes, elements };
}
