/**
 * Power-weighted persistence silhouettes (Chazal, Fasy, Lecci, Rinaldo, Wasserman 2014):
 * phi(t) = sum_j w_j Lambda_j(t) / sum_j w_j with tent Lambda_j(t) = max(0, min(t - b_j, d_j - t))
 * and weight w_j = (d_j - b_j)^power.
 *
 * GUDHI's `representations.Silhouette` returns sqrt(2) times this (rotated-frame tents) and
 * takes any weight function (default constant, i.e. power 0 here).
 */
import type { PersistenceDiagram } from '../core/diagram.js';
import { invalidOption } from '../core/errors.js';
import { clippedBars } from './diagramParts.js';
import { fitGrid, gridValues, type GridSpec } from './grid.js';

export interface SilhouetteOptions {
  /** Weight exponent: w = (death - birth)^power (default 1, as Chazal et al. and giotto-tda). */
  power?: number;
  /** Sampling grid (default: `fitGrid([d])`, 100 values). */
  grid?: GridSpec;
  /** Clip essential bars at this death; when left out they are excluded (default). */
  infinityValue?: number;
}

export interface Silhouette {
  grid: Float64Array;
  values: Float64Array;
}

/** The silhouette on a grid; all zeros when no bar has positive weight. */
export function persistenceSilhouette(
  d: PersistenceDiagram,
  options: SilhouetteOptions = {},
): Silhouette {
  const power = options.power ?? 1;
  if (!Number.isFinite(power) || power < 0)
    throw invalidOption(`power must be a finite number >= 0, got ${power}`, 'e.g. power: 1');
  const { births, deaths } = clippedBars(d, options.infinityValue);
  const grid = gridValues(options.grid ?? fitGrid([d], { infinityValue: options.infinityValue }));
  const w = new Float64Array(births.length);
  let total = 0;
  for (let j = 0; j < births.length; j++) {
    w[j] = Math.pow(deaths[j] - births[j], power);
    total += w[j];
  }
  const values = new Float64Array(grid.length);
  if (total === 0) return { grid, values };
  for (let i = 0; i < grid.length; i++) {
    const t = grid[i];
    let s = 0;
    for (let j = 0; j < births.length; j++) {
      const v = Math.min(t - births[j], deaths[j] - t);
      if (v > 0) s += w[j] * v;
    }
    values[i] = s / total;
  }
  return { grid, values };
}
