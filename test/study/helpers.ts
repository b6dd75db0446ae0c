/** Synthetic "networks" for the study tests: layer clouds built directly as matrices. */
import type { Matrix } from '../../src/core/matrix.js';
import { createRng } from '../../src/core/rng.js';
import type { LayerCloud, NetworkClouds } from '../../src/study/types.js';

/** n points of the unit circle at angles 2 pi i / n, rotated by `rotate` radians, y scaled by s. */
export function squashedCircle(n: number, s: number, rotate = 0, noise = 0, seed = 0): Matrix {
  const rng = createRng(seed);
  const data = new Float64Array(2 * n);
  const c = Math.cos(rotate);
  const sn = Math.sin(rotate);
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n;
    const x = Math.cos(t) + noise * rng.normal();
    const y = s * Math.sin(t) + noise * rng.normal();
    data[2 * i] = c * x - sn * y;
    data[2 * i + 1] = sn * x + c * y;
  }
  return { data, rows: n, cols: 2 };
}

/** Uniform points in [0, 1]^d. */
export function uniformCube(n: number, d: number, seed = 0): Matrix<Float64Array> {
  const rng = createRng(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = rng.next();
  return { data, rows: n, cols: d };
}

/** Gaussian points in R^d around `centre` (shift added to every coordinate). */
export function gaussianCloud(
  n: number,
  d: number,
  shift = 0,
  seed = 0,
  sd = 1,
): Matrix<Float64Array> {
  const rng = createRng(seed);
  const data = new Float64Array(n * d);
  for (let i = 0; i < data.length; i++) data[i] = shift + sd * rng.normal();
  return { data, rows: n, cols: d };
}

/** Stacks row blocks of equal width. */
export function stackRows(blocks: readonly Matrix[]): Matrix<Float64Array> {
  const cols = blocks[0].cols;
  const rows = blocks.reduce((a, b) => a + b.rows, 0);
  const data = new Float64Array(rows * cols);
  let off = 0;
  for (const b of blocks) {
    data.set(b.data, off);
    off += b.data.length;
  }
  return { data, rows, cols };
}

/** A network whose layers are the given clouds, depth (l + 1) / L. */
export function network(
  name: string,
  clouds: readonly Matrix[],
  labels?: Int32Array,
): NetworkClouds {
  const L = clouds.length;
  const layers: LayerCloud[] = clouds.map((points, l) => ({
    name: `layer${l}`,
    index: l,
    depth: (l + 1) / L,
    points,
    labels,
  }));
  return { network: name, layers };
}
