/**
 * Persistence-based layer distance ([P23], METHODS.md sections 2 and 6): the sliced Wasserstein
 * distance (persim's variant, M = 50 directions) between the H1 Vietoris-Rips diagrams of two
 * layers' point clouds. A distance (0 for clouds with equal diagrams, e.g. isometric copies).
 * [P23] uses top-l2 clouds of 1,000 inputs; the clouds are taken as given (no scaling).
 *
 * `layerDistanceMatrix` computes every layer's diagram once and fills the symmetric L x L
 * matrix within one network; `crossLayerDistanceMatrix` compares the layers of two networks
 * (e.g. trained from different seeds), LA x LB.
 */
import type { Matrix } from '../core/matrix.js';
import type { PersistenceDiagram } from '../core/diagram.js';
import { invalidInput, invalidOption } from '../core/errors.js';
import { ripsPersistence, type RipsOptions } from '../homology/rips.js';
import { slicedWasserstein, type SlicedWassersteinOptions } from '../homology/slicedWasserstein.js';
import type { SimilarityResult } from './types.js';
import { labelledMatrix, type LabelledMatrix } from '../core/labelledMatrix.js';

export interface LayerDistanceOptions {
  /** homology dimension compared, default 1 ([P23]) */
  dimension?: number;
  /** Rips options (threshold, coefficient, memory limit); maxDimension is set from dimension */
  rips?: Omit<RipsOptions, 'maxDimension' | 'cocycles'>;
  /** sliced Wasserstein options (directions = 50, arithmetic = 'persim', infinite = 'match') */
  slicedWasserstein?: SlicedWassersteinOptions;
  /** progress: (diagrams done, diagrams needed) */
  onProgress?: (done: number, total: number) => void;
}

function dimensionOf(options: LayerDistanceOptions): number {
  const dim = options.dimension ?? 1;
  if (!Number.isInteger(dim) || dim < 0) {
    throw invalidOption(`dimension must be a non-negative integer, got ${dim}.`);
  }
  return dim;
}

/** The persistence diagram of one layer cloud in the compared dimension. */
export function layerDiagram(
  cloud: Matrix,
  options: LayerDistanceOptions = {},
): PersistenceDiagram {
  const dim = dimensionOf(options);
  if (cloud.rows < 2) {
    throw invalidInput(`a layer cloud needs at least 2 points for persistence, got ${cloud.rows}.`);
  }
  return ripsPersistence(cloud, { ...options.rips, maxDimension: dim }).diagrams[dim];
}

/** Sliced Wasserstein distance between the H1 (by default) diagrams of two layer clouds. */
export function persistenceLayerDistance(
  X: Matrix,
  Y: Matrix,
  options: LayerDistanceOptions = {},
): SimilarityResult {
  const dim = dimensionOf(options);
  const value = slicedWasserstein(
    layerDiagram(X, options),
    layerDiagram(Y, options),
    options.slicedWasserstein,
  );
  return { measure: `sw-h${dim}`, kind: 'distance', value };
}

export interface LayerDistanceMatrix {
  rows: number;
  cols: number;
  /** row-major distances */
  values: Float64Array;
  kind: 'distance';
  measure: string;
}

function diagramsOf(
  layers: readonly Matrix[],
  options: LayerDistanceOptions,
  offset: number,
  total: number,
): PersistenceDiagram[] {
  return layers.map((X, l) => {
    const d = layerDiagram(X, options);
    options.onProgress?.(offset + l + 1, total);
    return d;
  });
}

/**
 * Symmetric L x L matrix of layer distances within one network. It is also a LabelledMatrix
 * (rows named by `names`, default 'layer 0', 'layer 1', ...); for any measure over named clouds
 * see pairwiseMatrix (./pairwiseMatrix.ts).
 */
export function layerDistanceMatrix(
  layers: readonly Matrix[],
  options: LayerDistanceOptions & { names?: readonly string[] } = {},
): LayerDistanceMatrix & LabelledMatrix {
  const dim = dimensionOf(options);
  const L = layers.length;
  const diagrams = diagramsOf(layers, options, 0, L);
  const values = new Float64Array(L * L);
  for (let a = 0; a < L; a++) {
    for (let b = a + 1; b < L; b++) {
      const v = slicedWasserstein(diagrams[a], diagrams[b], options.slicedWasserstein);
      values[a * L + b] = v;
      values[b * L + a] = v;
    }
  }
  const names = options.names ? [...options.names] : layers.map((_, l) => `layer ${l}`);
  if (names.length !== L) {
    throw invalidInput(`${names.length} names for ${L} layers; give one name per layer.`);
  }
  return {
    rows: L,
    cols: L,
    ...labelledMatrix(`sw-h${dim}`, 'distance', names, values),
    kind: 'distance',
  };
}

/** LA x LB matrix of distances between the layers of two networks (e.g. two seeds). */
export function crossLayerDistanceMatrix(
  layersA: readonly Matrix[],
  layersB: readonly Matrix[],
  options: LayerDistanceOptions = {},
): LayerDistanceMatrix {
  const dim = dimensionOf(options);
  const total = layersA.length + layersB.length;
  const da = diagramsOf(layersA, options, 0, total);
  const db = diagramsOf(layersB, options, layersA.length, total);
  const values = new Float64Array(da.length * db.length);
  for (let a = 0; a < da.length; a++) {
    for (let b = 0; b < db.length; b++) {
      values[a * db.length + b] = slicedWasserstein(da[a], db[b], options.slicedWasserstein);
    }
  }
  return { rows: da.length, cols: db.length, values, kind: 'distance', measure: `sw-h${dim}` };
}
