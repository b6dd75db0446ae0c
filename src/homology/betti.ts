/**
 * Betti numbers and Betti curves: beta(t) = #{bars with birth <= t < death}. Essential bars
 * count for every t >= birth (their death is Infinity); no clipping is needed.
 */
import type { PersistenceDiagram } from '../core/diagram.js';
import { invalidOption } from '../core/errors.js';
import { checkDiagram } from './diagramParts.js';
import { fitGrid, gridValues, type GridSpec } from './grid.js';

/** Betti number at scale t: the number of bars with birth <= t < death. */
export function bettiNumber(d: PersistenceDiagram, t: number): number {
  checkDiagram(d);
  if (Number.isNaN(t)) throw invalidOption('scale t is NaN', 'give a number');
  let c = 0;
  for (let i = 0; i < d.births.length; i++) if (d.births[i] <= t && t < d.deaths[i]) c++;
  return c;
}

export interface BettiCurveOptions {
  /** Where to sample (default: `fitGrid([d])`, 100 values from the smallest birth to the largest finite death). */
  grid?: GridSpec;
}

export interface BettiCurve {
  grid: Float64Array;
  values: Float64Array;
}

/** The Betti curve sampled on a grid (same convention as GUDHI's `BettiCurve(predefined_grid)`). */
export function bettiCurve(d: PersistenceDiagram, options: BettiCurveOptions = {}): BettiCurve {
  checkDiagram(d);
  const grid = gridValues(options.grid ?? fitGrid([d]));
  const n = d.births.length;
  const b = Float64Array.from(d.births).sort();
  const e = Float64Array.from(d.deaths).sort();
  const values = new Float64Array(grid.length);
  let ib = 0;
  let ie = 0;
  for (let k = 0; k < grid.length; k++) {
    const t = grid[k];
    while (ib < n && b[ib] <= t) ib++;
    while (ie < n && e[ie] <= t) ie++;
    values[k] = ib - ie;
  }
  return { grid, values };
}
