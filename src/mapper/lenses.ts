/**
 * Lenses (filter functions) for Mapper: one real value per point, or several for a 2-D cover.
 * A lens is plain data: `Lens {values: Float64Array (n * dims, row-major), dims, name}`.
 *
 * - `l2NormLens`: ||x||_2 of each point (the default of [P23]).
 * - `coordinateLens`: the i-th coordinate.
 * - `densityLens`: Gaussian kernel density, sum_j exp(-||x_i - x_j||^2 / (2 h^2)) / n (self included),
 *   bandwidth h default = the median pairwise distance of a seeded sample of 200 points
 *   (documented in docs/mapper.md). O(n^2 d).
 * - `eccentricityLens`: mean distance to all other points, (1/n sum_j ||x_i - x_j||^p)^(1/p),
 *   p = 1 by default. O(n^2 d).
 * - `distanceToPointLens`: ||x_i - q||.
 * - `classProbabilityLens`: column `c` of an N x C probability matrix (a network's output).
 * - `valuesLens`: any user values (validated: length and finiteness).
 * PCA lenses live in ./pcaLens.ts.
 */
import { invalidInput, invalidOption } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { createRng, sampleWithoutReplacement } from '../core/rng.js';
import { squaredDistanceRows } from '../linalg/knnNaive.js';

export interface Lens {
  /** Lens values, row-major n x dims. */
  values: Float64Array;
  /** 1 or 2 (the cover's dimension). */
  dims: number;
  /** What was computed, e.g. "l2norm", "pca2", "coordinate:3". */
  name: string;
}

export function l2NormLens(cloud: Matrix): Lens {
  const { data, rows: n, cols: d } = cloud;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * d;
    for (let t = 0; t < d; t++) s += data[o + t] * data[o + t];
    values[i] = Math.sqrt(s);
  }
  return { values, dims: 1, name: 'l2norm' };
}

export function coordinateLens(cloud: Matrix, coordinate: number): Lens {
  if (!Number.isInteger(coordinate) || coordinate < 0 || coordinate >= cloud.cols) {
    throw invalidOption(
      `coordinate lens: coordinate ${coordinate} does not exist; the cloud has ${cloud.cols} columns.`,
      `Use an integer in [0, ${cloud.cols - 1}].`,
    );
  }
  const values = new Float64Array(cloud.rows);
  for (let i = 0; i < cloud.rows; i++) values[i] = cloud.data[i * cloud.cols + coordinate];
  return { values, dims: 1, name: `coordinate:${coordinate}` };
}

/** Median pairwise distance of a seeded sample of at most `sample` points. */
export function medianPairwiseDistance(cloud: Matrix, sample = 200, seed = 0): number {
  const n = cloud.rows;
  const m = Math.min(n, sample);
  const idx = sampleWithoutReplacement(n, m, createRng(seed));
  const ds: number[] = [];
  for (let a = 1; a < m; a++)
    for (let b = 0; b < a; b++)
      ds.push(Math.sqrt(squaredDistanceRows(cloud.data, cloud.cols, idx[a], idx[b])));
  if (ds.length === 0) return 0;
  ds.sort((x, y) => x - y);
  const h = ds.length >> 1;
  return ds.length % 2 ? ds[h] : (ds[h - 1] + ds[h]) / 2;
}

export interface DensityLensOptions {
  /**
   * Gaussian kernel bandwidth h. Default: the median pairwise distance of a seeded sample of
   * 200 points (a scale-free choice; small h gives spiky densities, large h a constant lens).
   */
  bandwidth?: number;
  /** Seed of the bandwidth sample, default 0. */
  seed?: number;
}

export function densityLens(cloud: Matrix, options: DensityLensOptions = {}): Lens {
  const { data, rows: n, cols: d } = cloud;
  const h = options.bandwidth ?? medianPairwiseDistance(cloud, 200, options.seed ?? 0);
  if (!(h > 0) || !Number.isFinite(h)) {
    throw invalidOption(
      `density lens: bandwidth must be a positive number, got ${h}.`,
      'All points may coincide; give --lens with another choice or a positive bandwidth.',
    );
  }
  const inv = 1 / (2 * h * h);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    values[i] += 1;
    for (let j = 0; j < i; j++) {
      const k = Math.exp(-squaredDistanceRows(data, d, i, j) * inv);
      values[i] += k;
      values[j] += k;
    }
  }
  for (let i = 0; i < n; i++) values[i] /= n;
  return { values, dims: 1, name: 'density' };
}

export interface EccentricityOptions {
  /** The exponent p of (mean_j ||x_i - x_j||^p)^(1/p); default 1 (mean distance). */
  exponent?: number;
}

export function eccentricityLens(cloud: Matrix, options: EccentricityOptions = {}): Lens {
  const p = options.exponent ?? 1;
  if (!(p > 0)) throw invalidOption(`eccentricity exponent must be positive, got ${p}.`);
  const { data, rows: n, cols: d } = cloud;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const dist = Math.pow(Math.sqrt(squaredDistanceRows(data, d, i, j)), p);
      values[i] += dist;
      values[j] += dist;
    }
  }
  for (let i = 0; i < n; i++) values[i] = Math.pow(values[i] / n, 1 / p);
  return { values, dims: 1, name: 'eccentricity' };
}

export function distanceToPointLens(cloud: Matrix, point: ArrayLike<number>): Lens {
  if (point.length !== cloud.cols) {
    throw invalidInput(
      `distance-to-point lens: the point has ${point.length} coordinates, the cloud ${cloud.cols}.`,
    );
  }
  const { data, rows: n, cols: d } = cloud;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const diff = data[i * d + t] - point[t];
      s += diff * diff;
    }
    values[i] = Math.sqrt(s);
  }
  return { values, dims: 1, name: 'distance-to-point' };
}

/** Column `classIndex` of an N x C probability matrix (e.g. a network's softmax output). */
export function classProbabilityLens(probabilities: Matrix, classIndex: number): Lens {
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= probabilities.cols) {
    throw invalidOption(
      `class-probability lens: class ${classIndex} does not exist; the matrix has ${probabilities.cols} classes.`,
      `Use a class in [0, ${probabilities.cols - 1}].`,
    );
  }
  const lens = coordinateLens(probabilities, classIndex);
  return { ...lens, name: `class-probability:${classIndex}` };
}

/** User-given lens values, one per point (dims = 1) or two per point (dims = 2, row-major). */
export function valuesLens(values: ArrayLike<number>, n: number, dims = 1, name = 'values'): Lens {
  if (dims !== 1 && dims !== 2) throw invalidOption(`lens dims must be 1 or 2, got ${dims}.`);
  if (values.length !== n * dims) {
    throw invalidInput(
      `lens values: got ${values.length} values for ${n} points (${dims} per point).`,
      'Give exactly one lens value per point (two for a 2-D lens), in the order of the rows.',
    );
  }
  const out = Float64Array.from(values);
  for (let k = 0; k < out.length; k++) {
    if (!Number.isFinite(out[k])) {
      throw invalidInput(
        `lens values: value ${k} is ${out[k]}.`,
        'Every lens value must be a finite number.',
      );
    }
  }
  return { values: out, dims, name };
}
