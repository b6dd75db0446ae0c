/**
 * Persistence landscapes (Bubenik 2015): lambda_k(t) = k-th largest of
 * max(0, min(t - b, d - t)) over the bars. Sampled on a grid, `layers` functions.
 *
 * GUDHI's `representations.Landscape` returns sqrt(2) times these values (it measures the tent
 * height in the rotated frame); multiply by Math.SQRT2 to compare.
 */
import type { PersistenceDiagram } from '../core/diagram.js';
import { invalidOption } from '../core/errors.js';
import { clippedBars } from './diagramParts.js';
import { fitGrid, gridValues, type GridSpec } from './grid.js';

export interface LandscapeOptions {
  /** Number of landscape functions lambda_1..lambda_k (default 5, GUDHI's `num_landscapes`). */
  layers?: number;
  /** Sampling grid (default: `fitGrid([d])`, 100 values). */
  grid?: GridSpec;
  /** Clip essential bars at this death; when left out they are excluded (default). */
  infinityValue?: number;
}

export interface Landscape {
  grid: Float64Array;
  layers: number;
  /** layers x grid.length, layer-major: values[k * grid.length + i] = lambda_{k+1}(grid[i]). */
  values: Float64Array;
}

export function persistenceLandscape(
  d: PersistenceDiagram,
  options: LandscapeOptions = {},
): Landscape {
  const layers = options.layers ?? 5;
  if (!Number.isInteger(layers) || layers < 1)
    throw invalidOption(`layers must be a positive integer, got ${layers}`, 'e.g. layers: 5');
  const { births, deaths } = clippedBars(d, options.infinityValue);
  const grid = gridValues(options.grid ?? fitGrid([d], { infinityValue: options.infinityValue }));
  const m = grid.length;
  const values = new Float64Array(layers * m);
  const top = new Float64Array(layers);
  for (let i = 0; i < m; i++) {
    const t = grid[i];
    top.fill(0);
    for (let j = 0; j < births.length; j++) {
      const v = Math.min(t - births[j], deaths[j] - t);
      if (v <= top[layers - 1]) continue;
      let k = layers - 1;
      while (k > 0 && top[k - 1] < v) {
        top[k] = top[k - 1];
        k--;
      }
      top[k] = v;
    }
    for (let k = 0; k < layers; k++) values[k * m + i] = top[k];
  }
  return { grid, layers, values };
}
