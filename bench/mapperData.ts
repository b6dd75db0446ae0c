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
