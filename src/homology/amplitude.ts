/**
 * Amplitude of a diagram: its distance to the empty diagram under a chosen metric (giotto-tda's
 * `Amplitude`). For the matching metrics this is the cost of sending every bar to the
 * diagonal:
 *   bottleneck: max (d - b)/2;  wasserstein: (sum |x - pi(x)|_q^p)^(1/p).
 * For the functional metrics it is the Lp norm of the vectorisation (landscape, Betti curve,
 * silhouette: trapezoid rule on the grid; image: plain Lp of pixels); for the heat kernel it
 * is sqrt(k_sigma(F, F)), the L2 norm of the feature map.
 *
 * Essential bars: the amplitude measures the FINITE part of the diagram. Matching metrics
 * leave essential bars out (the empty diagram has none, so 'match' would always give
 * Infinity); Betti curves count them as they are; the other functional metrics exclude them
 * unless `infinityValue` clips them.
 */
import type { PersistenceDiagram } from '../core/diagram.js';
import { invalidOption } from '../core/errors.js';
import { bettiCurve } from './betti.js';
import { checkP, diagramParts } from './diagramParts.js';
import { fitGrid, gridWeights, type GridSpec } from './grid.js';
import { heatKernel } from './heatKernel.js';
import { persistenceImage, type PersistenceImageOptions } from './persistenceImage.js';
import { persistenceLandscape } from './landscape.js';
import { persistenceSilhouette } from './silhouette.js';
import { weightedLp } from './vectorDistances.js';
import { diagonalDistance } from './wasserstein.js';

export type AmplitudeMetric =
  'bottleneck' | 'wasserstein' | 'landscape' | 'betti' | 'silhouette' | 'image' | 'heat';

export interface AmplitudeOptions {
  /** Which metric (default 'wasserstein'). */
  metric?: AmplitudeMetric;
  /** Wasserstein order, or the Lp exponent of the functional metrics (default 2). */
  p?: number;
  /** Wasserstein ground metric L_q (default Infinity). */
  q?: number;
  /** Grid for landscape, Betti, silhouette (default `fitGrid([d])`). */
  grid?: GridSpec;
  /** Landscape layers (default 5). */
  layers?: number;
  /** Silhouette weight power (default 1). */
  power?: number;
  /** Gaussian sigma of images (default 0.1) and scale sigma of the heat kernel (default 1). */
  sigma?: number;
  /** Image options other than sigma. */
  image?: Omit<PersistenceImageOptions, 'sigma' | 'infinityValue'>;
  /** Clip essential bars at this death in the functional metrics (default: excluded). */
  infinityValue?: number;
}

export function amplitude(d: PersistenceDiagram, options: AmplitudeOptions = {}): number {
  const metric = options.metric ?? 'wasserstein';
  const p = options.p ?? 2;
  checkP(p);
  const iv = options.infinityValue;
  switch (metric) {
    case 'bottleneck': {
      const { births, deaths } = diagramParts(d);
      let m = 0;
      for (let i = 0; i < births.length; i++) m = Math.max(m, (deaths[i] - births[i]) / 2);
      return m;
    }
    case 'wasserstein': {
      const q = options.q ?? Infinity;
      checkP(q, 'q');
      const { births, deaths } = diagramParts(d);
      const x = new Float64Array(births.length);
      for (let i = 0; i < births.length; i++) x[i] = diagonalDistance(births[i], deaths[i], q);
      return weightedLp(x, null, null, p);
    }
    case 'landscape': {
      const grid = options.grid ?? fitGrid([d], { infinityValue: iv });
      const l = persistenceLandscape(d, { grid, layers: options.layers, infinityValue: iv });
      return weightedLp(l.values, null, gridWeights(l.grid), p);
    }
    case 'betti': {
      const c = bettiCurve(d, { grid: options.grid });
      return weightedLp(c.values, null, gridWeights(c.grid), p);
    }
    case 'silhouette': {
      const grid = options.grid ?? fitGrid([d], { infinityValue: iv });
      const s = persistenceSilhouette(d, { grid, power: options.power, infinityValue: iv });
      return weightedLp(s.values, null, gridWeights(s.grid), p);
    }
    case 'image': {
      const img = persistenceImage(d, {
        ...options.image,
        sigma: options.sigma,
        infinityValue: iv,
      });
      return weightedLp(img.values, null, null, p);
    }
    case 'heat':
      return Math.sqrt(Math.max(0, heatKernel(d, d, { sigma: options.sigma, infinityValue: iv })));
    default:
      throw invalidOption(
        `unknown amplitude metric '${metric as string}'`,
        'use bottleneck, wasserstein, landscape, betti, silhouette, image or heat',
      );
  }
}
