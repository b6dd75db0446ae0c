/**
 * Lp distances between vectorisations of two diagrams on a shared grid: landscapes, Betti
 * curves, silhouettes (functions of one variable, integrated with the trapezoid rule on the
 * grid) and persistence images (plain Lp of the pixel vector, as giotto-tda's image metric up
 * to its pixel-area factor). When no grid/range is given, one is fitted to BOTH diagrams so
 * that the vectors line up.
 */
import type { PersistenceDiagram } from '../core/diagram.js';
import { invalidOption } from '../core/errors.js';
import { bettiCurve } from './betti.js';
import { checkP, clippedBars } from './diagramParts.js';
import { fitGrid, gridValues, gridWeights, type GridSpec } from './grid.js';
import { persistenceLandscape, type LandscapeOptions } from './landscape.js';
import { persistenceImage, type PersistenceImageOptions } from './persistenceImage.js';
import { persistenceSilhouette, type SilhouetteOptions } from './silhouette.js';

export interface LpOptions {
  /** Exponent of the Lp norm, >= 1 or Infinity (default 2, giotto-tda's default). */
  p?: number;
}

/**
 * (sum_i w_i |x_i - y_i|^p)^(1/p) over blocks of `w.length` values (w repeats per block);
 * max |x_i - y_i| for p = Infinity. y may be null (the zero vector).
 */
export function weightedLp(
  x: Float64Array,
  y: Float64Array | null,
  w: Float64Array | null,
  p: number,
): number {
  checkP(p);
  let s = 0;
  const m = w ? w.length : 1;
  for (let i = 0; i < x.length; i++) {
    const d = Math.abs(x[i] - (y ? y[i] : 0));
    if (p === Infinity) {
      if (d > s) s = d;
      continue;
    }
    const wi = w ? w[i % m] : 1;
    s += wi * (p === 1 ? d : p === 2 ? d * d : Math.pow(d, p));
  }
  if (p === Infinity || p === 1) return s;
  return p === 2 ? Math.sqrt(s) : Math.pow(s, 1 / p);
}

function sharedGrid(
  a: PersistenceDiagram,
  b: PersistenceDiagram,
  grid: GridSpec | undefined,
  infinityValue?: number,
): GridSpec {
  return grid ?? fitGrid([a, b], { infinityValue });
}

export function landscapeDistance(
  a: PersistenceDiagram,
  b: PersistenceDiagram,
  options: LandscapeOptions & LpOptions = {},
): number {
  const grid = sharedGrid(a, b, options.grid, options.infinityValue);
  const la = persistenceLandscape(a, { ...options, grid });
  const lb = persistenceLandscape(b, { ...options, grid });
  return weightedLp(la.values, lb.values, gridWeights(la.grid), options.p ?? 2);
}

export function bettiCurveDistance(
  a: PersistenceDiagram,
  b: PersistenceDiagram,
  options: { grid?: GridSpec } & LpOptions = {},
): number {
  const grid = sharedGrid(a, b, options.grid);
  const ca = bettiCurve(a, { grid });
  const cb = bettiCurve(b, { grid });
  return weightedLp(ca.values, cb.values, gridWeights(ca.grid), options.p ?? 2);
}

export function silhouetteDistance(
  a: PersistenceDiagram,
  b: PersistenceDiagram,
  options: SilhouetteOptions & LpOptions = {},
): number {
  const grid = sharedGrid(a, b, options.grid, options.infinityValue);
  const sa = persistenceSilhouette(a, { ...options, grid });
  const sb = persistenceSilhouette(b, { ...options, grid });
  return weightedLp(sa.values, sb.values, gridWeights(sa.grid), options.p ?? 2);
}

/** Birth and persistence ranges covering both diagrams (for images that line up). */
export function sharedImageRanges(
  diagrams: readonly PersistenceDiagram[],
  infinityValue?: number,
): { birthRange: [number, number]; persistenceRange: [number, number] } {
  let bl = Infinity;
  let bh = -Infinity;
  let ph = 0;
  for (const d of diagrams) {
    const { births, deaths } = clippedBars(d, infinityValue);
    for (let i = 0; i < births.length; i++) {
      bl = Math.min(bl, births[i]);
      bh = Math.max(bh, births[i]);
      ph = Math.max(ph, deaths[i] - births[i]);
    }
  }
  if (bl === Infinity) return { birthRange: [0, 1], persistenceRange: [0, 1] };
  return {
    birthRange: bh > bl ? [bl, bh] : [bl, bl + 1],
    persistenceRange: ph > 0 ? [0, ph] : [0, 1],
  };
}

export function persistenceImageDistance(
  a: PersistenceDiagram,
  b: PersistenceDiagram,
  options: PersistenceImageOptions & LpOptions = {},
): number {
  const ranges = sharedImageRanges([a, b], options.infinityValue);
  const opts = {
    ...options,
    birthRange: options.birthRange ?? ranges.birthRange,
    persistenceRange: options.persistenceRange ?? ranges.persistenceRange,
  };
  const ia = persistenceImage(a, opts);
  const ib = persistenceImage(b, opts);
  return weightedLp(ia.values, ib.values, null, options.p ?? 2);
}

/** Lp norm of a sampled curve with the grid's trapezoid weights. */
export function curveNorm(values: Float64Array, grid: GridSpec, p = 2): number {
  const g = gridValues(grid);
  if (values.length % g.length !== 0)
    throw invalidOption(
      `curve of length ${values.length} does not fit a grid of ${g.length} values`,
      'use the grid the curve was sampled on',
    );
  return weightedLp(values, null, gridWeights(g), p);
}
