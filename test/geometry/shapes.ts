/** Seeded synthetic clouds with known intrinsic dimension, for the estimator tests. */
import { createRng } from '../../src/core/rng.js';
import type { Matrix } from '../../src/core/matrix.js';

/** n points uniform in [0, 1]^d. */
export function uniformCube(n: number, d: number, seed: number): Matrix<Float64Array> {
  const rng = createRng(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = rng.next();
  return { data, rows: n, cols: d };
}

/** n standard normal points in R^d. */
export function gaussian(n: number, d: number, seed: number): Matrix<Float64Array> {
  const rng = createRng(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { data, rows: n, cols: d };
}

/** Orthonormal D x m basis (columns) from Gram-Schmidt of Gaussian vectors. */
function randomBasis(D: number, m: number, seed: number): Float64Array[] {
  const rng = createRng(seed);
  const basis: Float64Array[] = [];
  while (basis.length < m) {
    const v = Float64Array.from({ length: D }, () => rng.normal());
    for (const b of basis) {
      let dot = 0;
      for (let t = 0; t < D; t++) dot += v[t] * b[t];
      for (let t = 0; t < D; t++) v[t] -= dot * b[t];
    }
    const norm = Math.hypot(...v);
    basis.push(v.map((x) => x / norm));
  }
  return basis;
}

/** Embeds m-dimensional points isometrically into R^D by a random orthonormal frame. */
export function embed(points: number[][], D: number, seed: number): Matrix<Float64Array> {
  const m = points[0].length;
  const basis = randomBasis(D, m, seed);
  const data = new Float64Array(points.length * D);
  points.forEach((p, i) => {
    for (let a = 0; a < m; a++) for (let t = 0; t < D; t++) data[i * D + t] += p[a] * basis[a][t];
  });
  return { data, rows: points.length, cols: D };
}

/** Unit circle, uniform angle, embedded in R^D. */
export function circle(n: number, D: number, seed: number): Matrix<Float64Array> {
  const rng = createRng(seed);
  const pts = Array.from({ length: n }, () => {
    const a = 2 * Math.PI * rng.next();
    return [Math.cos(a), Math.sin(a)];
  });
  return embed(pts, D, seed + 1);
}

/** Unit sphere S^2 in R^3 (normalised Gaussians). */
export function sphere(n: number, seed: number): Matrix<Float64Array> {
  const rng = createRng(seed);
  const data = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const x = rng.normal(),
      y = rng.normal(),
      z = rng.normal();
    const r = Math.hypot(x, y, z);
    data[3 * i] = x / r;
    data[3 * i + 1] = y / r;
    data[3 * i + 2] = z / r;
  }
  return { data, rows: n, cols: 3 };
}

/** The swiss roll of scikit-learn: t = 1.5 pi (1 + 2u), (t cos t, 21 v, t sin t). */
export function swissRoll(n: number, seed: number): Matrix<Float64Array> {
  const rng = createRng(seed);
  const data = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const t = 1.5 * Math.PI * (1 + 2 * rng.next());
    data[3 * i] = t * Math.cos(t);
    data[3 * i + 1] = 21 * rng.next();
    data[3 * i + 2] = t * Math.sin(t);
  }
  return { data, rows: n, cols: 3 };
}
