/**
 * The per-layer descriptors a study can compute on one cloud (docs/studies.md):
 * - 'h0', 'h1': lifespan sums of the H0 (minimum spanning tree) and H1 (Vietoris-Rips)
 *   diagrams, E_1 or [M22]'s half of it, on the cloud min-max scaled per feature by default
 *   (or divided by its diameter, or raw: `scaling`);
 * - 'phDim': persistent-homology fractal dimension ([M22] schedule) of the raw cloud;
 * - 'twoNN', 'mle': TwoNN and Levina-Bickel intrinsic dimension of the raw cloud;
 * - 'curvature': mean Forman-Ricci curvature per edge of the undirected kNN graph.
 */
import type { Matrix } from '../core/matrix.js';
import type { PersistenceDiagram } from '../core/diagram.js';
import { invalidOption } from '../core/errors.js';
import { h0Diagram } from '../homology/mst.js';
import { ripsPersistence, type RipsOptions } from '../homology/rips.js';
import { lifespanSum } from '../homology/lifespan.js';
import { phDim, phDimSizes, type PhDimOptions } from '../geometry/intrinsicDimension/phDim.js';
import { twoNN, type TwoNNOptions } from '../geometry/intrinsicDimension/twoNN.js';
import { mle, type MleOptions } from '../geometry/intrinsicDimension/mle.js';
import { knnGraph } from '../geometry/knnGraph.js';
import { formanTotal } from '../geometry/forman.js';
import { edgeCount } from '../geometry/graph.js';
import { resolveScaling, scaleCloud, type CloudScaling } from './cloudScaling.js';

export type DescriptorName = 'h0' | 'h1' | 'phDim' | 'twoNN' | 'mle' | 'curvature';

export const DESCRIPTOR_NAMES: readonly DescriptorName[] = [
  'h0',
  'h1',
  'phDim',
  'twoNN',
  'mle',
  'curvature',
];

/** The homology descriptors; the others are intrinsic dimensions or curvature. */
export function isHomologyDescriptor(d: DescriptorName): boolean {
  return d === 'h0' || d === 'h1';
}

export interface DescriptorOptions {
  /** [M22]'s figures: half of the lifespan sum (default true) */
  half?: boolean;
  /** exponent alpha of the lifespan sum (default 1) */
  alpha?: number;
  /** per-feature min-max scaling before the lifespan sums ([M22]; default true) */
  minMaxScale?: boolean;
  /**
   * normalisation of the cloud before the lifespan sums (docs/studies.md#layer-profile):
   * 'minmax' per feature ([M22], the default), 'diameter' (the cloud divided by its diameter,
   * independent of the layer's width) or 'none'; `minMaxScale` is its older boolean form
   */
  scaling?: CloudScaling;
  /** Vietoris-Rips options for H1 (threshold, coefficient, memory limit) */
  rips?: Omit<RipsOptions, 'maxDimension' | 'cocycles' | 'onProgress'>;
  /**
   * PH-dim options (default: [M22]'s schedule 500, 850, ...). A cloud too small for that
   * schedule (N <= 850) falls back to 6 sizes evenly spaced from N/4 to N, and the record says so.
   */
  phDim?: Omit<PhDimOptions, 'onProgress' | 'name'>;
  twoNN?: Omit<TwoNNOptions, 'onProgress' | 'name' | 'neighbours'>;
  /** MLE options (default k = 20, [M22]) */
  mle?: Omit<MleOptions, 'onProgress' | 'name' | 'neighbours'>;
  /** neighbours of the curvature kNN graph (default 10) */
  curvatureK?: number;
}

export function checkDescriptors(names: readonly string[]): DescriptorName[] {
  for (const d of names) {
    if (!DESCRIPTOR_NAMES.includes(d as DescriptorName)) {
      throw invalidOption(
        `unknown descriptor '${d}'.`,
        `Use any of ${DESCRIPTOR_NAMES.join(', ')}.`,
      );
    }
  }
  if (names.length === 0) throw invalidOption('descriptors: give at least one descriptor.');
  return names as DescriptorName[];
}

/** PH-dim sizes: the options' own, [M22]'s schedule, or the small-cloud fallback. */
export function phDimSizesFor(n: number, options: DescriptorOptions['phDim'] = {}): number[] {
  if (options.sizes) return options.sizes;
  const sizes = phDimSizes(options.estimator ?? 'm22', n);
  if (sizes.length >= 2) return sizes;
  const lo = Math.max(2, Math.floor(n / 4));
  const out = new Set<number>();
  for (let i = 0; i < 6; i++) out.add(Math.round(lo + ((n - lo) * i) / 5));
  return [...out];
}

/**
 * One descriptor of one cloud. `seed` drives PH-dim's subsamples. `onDiagram`, when given,
 * receives the persistence diagram a lifespan sum was computed from (so a caller can keep it).
 */
export function cloudDescriptor(
  cloud: Matrix,
  name: DescriptorName,
  options: DescriptorOptions,
  seed: number,
  what: string,
  onDiagram?: (diagram: PersistenceDiagram) => void,
): number {
  const lifespan = { half: options.half ?? true, alpha: options.alpha ?? 1 };
  const scaling = resolveScaling(options);
  const scaled = () => scaleCloud(cloud, scaling);
  switch (name) {
    case 'h0': {
      const d = h0Diagram(scaled());
      onDiagram?.(d);
      return lifespanSum(d, lifespan);
    }
    case 'h1': {
      if (cloud.rows < 3) return 0;
      const d = ripsPersistence(scaled(), { ...options.rips, maxDimension: 1 }).diagrams[1];
      onDiagram?.(d);
      return lifespanSum(d, lifespan);
    }
    case 'phDim':
      return phDim(cloud, {
        ...options.phDim,
        sizes: phDimSizesFor(cloud.rows, options.phDim),
        seed: (options.phDim?.seed ?? 0) + seed,
        name: what,
      }).estimate;
    case 'twoNN':
      return twoNN(cloud, { ...options.twoNN, name: what }).estimate;
    case 'mle':
      return mle(cloud, { k: 20, ...options.mle, name: what }).estimate;
    case 'curvature': {
      const k = options.curvatureK ?? 10;
      const g = knnGraph(cloud, { k: Math.min(k, cloud.rows - 1), name: what });
      const m = edgeCount(g);
      return m === 0 ? NaN : formanTotal(g) / m;
    }
  }
}
