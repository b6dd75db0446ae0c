/**
 * All pairwise distances between a list of diagrams (e.g. the H1 diagrams of every layer of a
 * network, [P23]'s layer-by-layer matrix). Functional metrics share one grid / image range
 * fitted to all the diagrams, so every entry compares vectors on the same support.
 */
import type { PersistenceDiagram } from '../core/diagram.js';
import { invalidOption } from '../core/errors.js';
import { bettiCurve } from './betti.js';
import { bottleneckMatching } from './bottleneck.js';
import { type InfiniteBars } from './diagramParts.js';
import { fitGrid, gridWeights, type GridSpec } from './grid.js';
import { heatKernel } from './heatKernel.js';
import { persistenceLandscape } from './landscape.js';
import type { DiagramMatching } from './matching.js';
import { persistenceImage, type PersistenceImageOptions } from './persistenceImage.js';
import { persistenceSilhouette } from './silhouette.js';
import { slicedWasserstein } from './slicedWasserstein.js';
import { sharedImageRanges, weightedLp } from './vectorDistances.js';
import { wassersteinMatching } from './wasserstein.js';

export type DiagramMetric =
  'bottleneck' | 'wasserstein' | 'sliced' | 'landscape' | 'betti' | 'silhouette' | 'image' | 'heat';

export interface DiagramDistanceMatrixOptions {
  /** Wasserstein order (default 1, GUDHI's `order`), or the Lp exponent of functional metrics (default 2). */
  p?: number;
  /** Wasserstein ground metric L_q (default Infinity, GUDHI's `internal_p`). */
  q?: number;
  /** Essential bars in bottleneck / Wasserstein / sliced (default 'match'). */
  infinite?: InfiniteBars;
  /** Sliced Wasserstein directions (default 50). */
  directions?: number;
  /** Grid of the curve metrics (default: `fitGrid(diagrams)`, 100 values). */
  grid?: GridSpec;
  /** Landscape layers (default 5). */
  layers?: number;
  /** Silhouette weight power (default 1). */
  power?: number;
  /** Image sigma (default 0.1) / heat-kernel sigma (default 1). */
  sigma?: number;
  /** Image options other than sigma and ranges (ranges are fitted to all diagrams unless given). */
  image?: Omit<PersistenceImageOptions, 'sigma' | 'infinityValue'>;
  /** Clip essential bars at this death in the functional metrics (default: excluded). */
  infinityValue?: number;
  /** Also return the optimal matchings (bottleneck and Wasserstein only) (default false). */
  matching?: boolean;
  /** Called after each computed pair with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

export interface DiagramDistanceMatrix {
  n: number;
  metric: DiagramMetric;
  /** n x n row-major, symmetric, zero diagonal. */
  data: Float64Array;
  /** matchings[i][j] for i < j (matchA refers to diagram i), when `matching` was asked for. */
  matchings?: (DiagramMatching | null)[][];
}

export function diagramDistanceMatrix(
  diagrams: readonly PersistenceDiagram[],
  metric: DiagramMetric,
  options: DiagramDistanceMatrixOptions = {},
): DiagramDistanceMatrix {
  const n = diagrams.length;
  const data = new Float64Array(n * n);
  const total = (n * (n - 1)) / 2;
  let done = 0;
  const wantMatching = options.matching === true;
  if (wantMatching && metric !== 'bottleneck' && metric !== 'wasserstein')
    throw invalidOption(
      `matching output is only available for bottleneck and wasserstein, not ${metric}`,
      'drop the matching option or choose one of those metrics',
    );
  const matchings: (DiagramMatching | null)[][] | undefined = wantMatching
    ? Array.from({ length: n }, () => new Array<DiagramMatching | null>(n).fill(null))
    : undefined;
  let pair: (i: number, j: number) => number;
  const iv = options.infinityValue;
  const lp = options.p ?? 2;
  switch (metric) {
    case 'bottleneck':
    case 'wasserstein':
      pair = (i, j) => {
        const m =
          metric === 'bottleneck'
            ? bottleneckMatching(diagrams[i], diagrams[j], { infinite: options.infinite })
            : wassersteinMatching(diagrams[i], diagrams[j], {
                p: options.p,
                q: options.q,
                infinite: options.infinite,
              });
        if (matchings) matchings[i][j] = m;
        return m.distance;
      };
      break;
    case 'sliced':
      pair = (i, j) =>
        slicedWasserstein(diagrams[i], diagrams[j], {
          directions: options.directions,
          infinite: options.infinite,
        });
      break;
    case 'heat': {
      const self = diagrams.map((d) =>
        heatKernel(d, d, { sigma: options.sigma, infinityValue: iv }),
      );
      pair = (i, j) => {
        const k = heatKernel(diagrams[i], diagrams[j], { sigma: options.sigma, infinityValue: iv });
        return Math.sqrt(Math.max(0, self[i] + self[j] - 2 * k));
      };
      break;
    }
    case 'landscape':
    case 'betti':
    case 'silhouette':
    case 'image': {
      let vectors: Float64Array[];
      let w: Float64Array | null = null;
      if (metric === 'image') {
        const ranges = sharedImageRanges(diagrams, iv);
        const opts = {
          ...options.image,
          birthRange: options.image?.birthRange ?? ranges.birthRange,
          persistenceRange: options.image?.persistenceRange ?? ranges.persistenceRange,
          sigma: options.sigma,
          infinityValue: iv,
        };
        vectors = diagrams.map((d) => persistenceImage(d, opts).values);
      } else {
        const grid = options.grid ?? fitGrid(diagrams, { infinityValue: iv });
        const curves = diagrams.map((d) =>
          metric === 'landscape'
            ? persistenceLandscape(d, { grid, layers: options.layers, infinityValue: iv })
            : metric === 'betti'
              ? bettiCurve(d, { grid })
              : persistenceSilhouette(d, { grid, power: options.power, infinityValue: iv }),
        );
        vectors = curves.map((c) => c.values);
        w = curves.length > 0 ? gridWeights(curves[0].grid) : null;
      }
      pair = (i, j) => weightedLp(vectors[i], vectors[j], w, lp);
      break;
    }
    default:
      throw invalidOption(
        `unknown metric '${metric as string}'`,
        'use bottleneck, wasserstein, sliced, landscape, betti, silhouette, image or heat',
      );
  }
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const v = pair(i, j);
      data[i * n + j] = v;
      data[j * n + i] = v;
      options.onProgress?.(++done, total);
    }
  return matchings ? { n, metric, data, matchings } : { n, metric, data };
}
