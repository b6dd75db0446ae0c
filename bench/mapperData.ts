/**
 * The benchmark cloud: a seeded Gaussian mixture in R^512 whose components lie near
 * low-dimensional subspaces, as activations do (docs/intrinsic-dimension.md: intrinsic dimension
 * far below the ambient one). Component c: mean mu_c ~ N(0, s^2 I), points mu_c + B_c z + noise,
 * z ~ N(0, I_8), B_c a random 512 x 8 matrix with N(0, 1/8) entries (so
 * ||B_c z|| ~ sqrt(512 / 8)...), isotropic noise N(0, sigma^2 I).
 */
import { createRng } from '../src/core/rng.js';
import type { Matrix } from '../src/core/matrix.js';

export interface MixtureOptions {
  n: number;
  d: number;
  components: number;
  latentDim: number;
  /** Standard deviation of each latent coordinate's contribution (per ambient coordinate). */
  latentScale: number;
  meanScale: number;
  noise: number;
  seed: number;
}

export function gaussianMixture(o: MixtureOptions): {
  cloud: Matrix<Float32Array>;
  labels: Int32Array;
} {
  const rng = createRng(o.seed);
  const { n, d, components: K, latentDim: q } = o;
  const means = new Float64Array(K * d);
  for (let t = 0; t < K * d; t++) means[t] = rng.normal() * o.meanScale;
  const bases = new Float64Array(K * d * q);
  for (let t = 0; t < bases.length; t++) bases[t] = (rng.normal() * o.latentScale) / Math.sqrt(q);
  const data = new Float32Array(n * d);
  const labels = new Int32Array(n);
  const z = new Float64Array(q);
  for (let i = 0; i < n; i++) {
    const c = rng.int(K);
    labels[i] = c;
    for (let a = 0; a < q; a++) z[a] = rng.normal();
    for (let t = 0; t < d; t++) {
      let v = means[c * d + t] + rng.normal() * o.noise;
      const ob = (c * d + t) * q;
      for (let a = 0; a < q; a++) v += bases[ob + a] * z[a];
      data[i * d + t] = v;
    }
  }
  return { cloud: { data, rows: n, cols: d }, labels };
}

/**
 * Sampled curves with Gaussian noise, for the choice of eps: `n` points at uniform random
 * parameters (so with random gaps), each coordinate jittered by N(0, noise^2).
 * - 'circle': the unit circle (one component, one cycle);
 * - 'two-circles': unit circles centred at (-1.6, 0) and (1.6, 0), points alternating
 *   (two components, two cycles);
 * - 'two-circles-uneven': the same circles, 2/3 of the points on the right one (two densities);
 * - 'figure-eight': (2 sin t, sin 2t), two lobes that cross at the origin (one component, two
 *   cycles);
 * - 'line': the segment [0, 4] x {0} (one component, no cycle).
 */
export type NoisyShape = 'circle' | 'two-circles' | 'two-circles-uneven' | 'figure-eight' | 'line';

export const shapeTopology: Record<NoisyShape, { components: number; cycles: number }> = {
  circle: { components: 1, cycles: 1 },
  'two-circles': { components: 2, cycles: 2 },
  'two-circles-uneven': { components: 2, cycles: 2 },
  'figure-eight': { components: 1, cycles: 2 },
  line: { components: 1, cycles: 0 },
};

export function noisyShape(
  shape: NoisyShape,
  n: number,
  noise: number,
  seed: number,
  /** Fraction of points replaced by uniform background points in [-3, 3] x [-1.5, 1.5]. */
  background = 0,
  /** Ambient dimension: the shape in the first two coordinates, noise in all of them. */
  dims = 2,
): Matrix<Float64Array> {
  const rng = createRng(seed);
  const data = new Float64Array(n * dims);
  for (let i = 0; i < n; i++) {
    const t = rng.next() * 2 * Math.PI;
    let x: number;
    let y: number;
    if (shape === 'circle') [x, y] = [Math.cos(t), Math.sin(t)];
    else if (shape === 'two-circles') [x, y] = [(i % 2 ? 1.6 : -1.6) + Math.cos(t), Math.sin(t)];
    else if (shape === 'two-circles-uneven')
      [x, y] = [(i % 3 ? 1.6 : -1.6) + Math.cos(t), Math.sin(t)];
    else if (shape === 'figure-eight') [x, y] = [2 * Math.sin(t), Math.sin(2 * t)];
    else [x, y] = [(4 * t) / (2 * Math.PI), 0];
    if (background > 0 && rng.next() < background) {
      [x, y] = [-3 + 6 * rng.next(), -1.5 + 3 * rng.next()];
    }
    data[dims * i] = x + noise * rng.normal();
    data[dims * i + 1] = y + noise * rng.normal();
    for (let t2 = 2; t2 < dims; t2++) data[dims * i + t2] = noise * rng.normal();
  }
  return { data, rows: n, cols: dims };
}

/** First Betti number of a graph: edges - nodes + components. */
export function graphCycles(summary: { nodes: number; edges: number; components: number }): number {
  return summary.edges - summary.nodes + summary.components;
}
