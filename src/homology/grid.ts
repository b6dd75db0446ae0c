/**
 * Sampling grids for functional descriptors (Betti curves, landscapes, silhouettes, entropy
 * curves). Give every diagram the same grid so that their curves line up: either an explicit
 * `{min, max, steps}` / `{values}` or one fitted to many diagrams with `fitGrid`.
 */
import { invalidOption } from '../core/errors.js';
import type { PersistenceDiagram } from '../core/diagram.js';
import { checkDiagram } from './diagramParts.js';

/** `steps` evenly spaced values from `min` to `max` inclusive, or explicit increasing values. */
export type GridSpec = { min: number; max: number; steps: number } | { values: ArrayLike<number> };

export interface FitGridOptions {
  /** Number of grid values (default 100, GUDHI's `resolution`). */
  steps?: number;
  /**
   * Where essential bars end. When given, the grid reaches it if any diagram has an essential
   * bar; when left out, essential bars do not widen the grid (default: left out).
   */
  infinityValue?: number;
}

/** The grid's values as a Float64Array (checked: finite and strictly increasing). */
export function gridValues(grid: GridSpec): Float64Array {
  if ('values' in grid) {
    const v = Float64Array.from(grid.values);
    if (v.length === 0) throw invalidOption('grid.values is empty', 'give at least one grid value');
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i]))
        throw invalidOption(`grid.values[${i}] is ${v[i]}`, 'grid values must be finite');
      if (i > 0 && !(v[i] > v[i - 1]))
        throw invalidOption(
          `grid.values must increase strictly (at index ${i}: ${v[i - 1]} then ${v[i]})`,
          'sort the values and drop duplicates',
        );
    }
    return v;
  }
  const { min, max, steps } = grid;
  if (!Number.isInteger(steps) || steps < 1)
    throw invalidOption(`grid.steps must be a positive integer, got ${steps}`, 'e.g. steps: 100');
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min || (steps > 1 && max === min))
    throw invalidOption(
      `grid range [${min}, ${max}] is not a finite increasing interval`,
      'give min < max (or use fitGrid to take the range from the diagrams)',
    );
  const v = new Float64Array(steps);
  if (steps === 1) {
    v[0] = min;
    return v;
  }
  const h = (max - min) / (steps - 1);
  for (let i = 0; i < steps; i++) v[i] = min + i * h;
  v[steps - 1] = max;
  return v;
}

/**
 * Quadrature weights of a grid for Lp norms of sampled curves: the trapezoid rule
 * (half a spacing at each end). A one-value grid has weight 1.
 */
export function gridWeights(values: Float64Array): Float64Array {
  const n = values.length;
  const w = new Float64Array(n);
  if (n === 1) {
    w[0] = 1;
    return w;
  }
  for (let i = 0; i + 1 < n; i++) {
    const h = (values[i + 1] - values[i]) / 2;
    w[i] += h;
    w[i + 1] += h;
  }
  return w;
}

/**
 * One grid covering every diagram: from the smallest birth to the largest finite death (or
 * `infinityValue` when essential bars are present and it is given). Diagrams with no bars, or
 * a range of zero width, give the range [lo, lo + 1].
 */
export function fitGrid(
  diagrams: readonly PersistenceDiagram[],
  options: FitGridOptions = {},
): { min: number; max: number; steps: number } {
  const steps = options.steps ?? 100;
  let lo = Infinity;
  let hi = -Infinity;
  diagrams.forEach((d, k) => {
    checkDiagram(d, `diagram ${k}`);
    for (let i = 0; i < d.births.length; i++) {
      const b = d.births[i];
      const e = d.deaths[i];
      if (e === Infinity) {
        if (options.infinityValue === undefined) continue;
        if (b >= options.infinityValue) continue;
        hi = Math.max(hi, options.infinityValue);
      } else hi = Math.max(hi, e);
      lo = Math.min(lo, b);
    }
  });
  if (lo === Infinity) return { min: 0, max: 1, steps };
  if (!(hi > lo)) return { min: lo, max: lo + 1, steps };
  return { min: lo, max: hi, steps };
}
