/**
 * PCA lens: projections onto the top 1 or 2 principal components of the centred cloud.
 *
 * Computed by subspace (block power) iteration on the covariance without forming it:
 * Q <- orth(X_c^T (X_c Q)), 2 n d k flops per iteration, seeded start, until the subspace
 * stops moving (1 - |cos| < 1e-12 per vector) or `maxIterations`. Each component's sign is
 * fixed so that its largest-magnitude coefficient is positive: same data, same lens.
 */
import { invalidOption } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { createRng } from '../core/rng.js';
import type { Lens } from './lenses.js';

export interface PcaLensOptions {
  /** Number of components, 1 or 2 (default 1). */
  components?: number;
  /** Iteration cap, default 500. */
  maxIterations?: number;
  /** Seed of the starting subspace, default 0. */
  seed?: number;
}

export interface PcaLensResult extends Lens {
  /** The principal directions, row-major components x d. */
  directions: Float64Array;
  /** Variance along each direction. */
  variances: Float64Array;
}

export function pcaLens(cloud: Matrix, options: PcaLensOptions = {}): PcaLensResult {
  const k = options.components ?? 1;
  if (k !== 1 && k !== 2) {
    throw invalidOption(`PCA lens: components must be 1 or 2, got ${k}.`);
  }
  const { data, rows: n, cols: d } = cloud;
  if (n < 2) throw invalidOption('PCA lens needs at least 2 points.');
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) mean[t] += data[i * d + t];
  for (let t = 0; t < d; t++) mean[t] /= n;
  const rng = createRng(options.seed ?? 0);
  let Q = new Float64Array(k * d);
  for (let q = 0; q < k * d; q++) Q[q] = rng.normal();
  orthonormalise(Q, k, d);
  const proj = new Float64Array(n * k);
  const maxIt = options.maxIterations ?? 500;
  for (let it = 0; it < maxIt; it++) {
    project(data, mean, n, d, Q, k, proj);
    const Z = new Float64Array(k * d);
    for (let i = 0; i < n; i++) {
      const o = i * d;
      for (let c = 0; c < k; c++) {
        const p = proj[i * k + c];
        if (p === 0) continue;
        const oz = c * d;
        for (let t = 0; t < d; t++) Z[oz + t] += p * (data[o + t] - mean[t]);
      }
    }
    orthonormalise(Z, k, d);
    let moved = 0;
    for (let c = 0; c < k; c++) {
      let dot = 0;
      for (let t = 0; t < d; t++) dot += Z[c * d + t] * Q[c * d + t];
      moved = Math.max(moved, 1 - Math.abs(dot));
    }
    Q = Z;
    if (moved < 1e-12) break;
  }
  for (let c = 0; c < k; c++) {
    let best = 0;
    for (let t = 0; t < d; t++) if (Math.abs(Q[c * d + t]) > Math.abs(Q[c * d + best])) best = t;
    if (Q[c * d + best] < 0) for (let t = 0; t < d; t++) Q[c * d + t] = -Q[c * d + t];
  }
  project(data, mean, n, d, Q, k, proj);
  const variances = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) variances[c] += proj[i * k + c] ** 2;
  for (let c = 0; c < k; c++) variances[c] /= n - 1;
  return { values: proj, dims: k, name: `pca${k}`, directions: Q, variances };
}

function project(
  data: ArrayLike<number>,
  mean: Float64Array,
  n: number,
  d: number,
  Q: Float64Array,
  k: number,
  out: Float64Array,
): void {
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let c = 0; c < k; c++) {
      let s = 0;
      const oq = c * d;
      for (let t = 0; t < d; t++) s += (data[o + t] - mean[t]) * Q[oq + t];
      out[i * k + c] = s;
    }
  }
}

/** Gram-Schmidt (twice, for stability) on the k rows of Q. */
function orthonormalise(Q: Float64Array, k: number, d: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let c = 0; c < k; c++) {
      for (let b = 0; b < c; b++) {
        let dot = 0;
        for (let t = 0; t < d; t++) dot += Q[c * d + t] * Q[b * d + t];
        for (let t = 0; t < d; t++) Q[c * d + t] -= dot * Q[b * d + t];
      }
      let norm = 0;
      for (let t = 0; t < d; t++) norm += Q[c * d + t] ** 2;
      norm = Math.sqrt(norm);
      if (norm === 0) {
        // degenerate data: pick a unit vector orthogonal to the previous ones
        Q.fill(0, c * d, (c + 1) * d);
        Q[c * d + (c % d)] = 1;
        continue;
      }
      for (let t = 0; t < d; t++) Q[c * d + t] /= norm;
    }
  }
}
