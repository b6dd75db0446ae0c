/**
 * Pairwise distances of a point cloud into a condensed lower-triangle matrix.
 *
 * Metrics:
 * - `euclidean`: sqrt(sum (x_k - y_k)^2), accumulated as differences (not via |x|^2 + |y|^2 - 2xy),
 *   so clouds with large coordinates keep full relative accuracy.
 * - `cosine`: 1 - <x, y> / (|x| |y|) (a zero vector is at distance 1 from everything but itself).
 * - `correlation`: cosine distance of the row-centred vectors.
 *
 * `precision: 'float32'` (the default, as in Ripser) rounds every arithmetic step to single
 * precision in the same order as Ripser's `euclidean_distance_matrix`, so filtration values
 * agree with Ripser's; `'float64'` keeps double precision. The float32 Euclidean distances run in
 * a WebAssembly SIMD kernel (./wasmEuclideanKernel.ts, one pair per lane, bit-identical), or in
 * JavaScript four pairs at a time where WebAssembly SIMD is missing.
 */
import type { CondensedDistances } from '../core/distances.js';
import type { Matrix } from '../core/matrix.js';
import { assertFiniteMatrix } from '../core/validate.js';
import { invalidOption } from '../core/errors.js';
import { euclideanFloat32Wasm } from './wasmEuclideanKernel.js';

export type Metric = 'euclidean' | 'cosine' | 'correlation';

export interface PairwiseOptions {
  /** default 'euclidean' */
  metric?: Metric;
  /** default 'float32' */
  precision?: 'float32' | 'float64';
  /** name used in error messages, default 'the point cloud' */
  name?: string;
}

export function pairwiseDistances(
  cloud: Matrix,
  options: PairwiseOptions = {},
): CondensedDistances {
  const metric = options.metric ?? 'euclidean';
  const precision = options.precision ?? 'float32';
  assertFiniteMatrix(cloud, options.name ?? 'the point cloud');
  const n = cloud.rows;
  const size = (n * (n - 1)) / 2;
  const out = precision === 'float32' ? new Float32Array(size) : new Float64Array(size);
  if (metric === 'euclidean') {
    if (precision === 'float32') euclideanFloat32(cloud, out);
    else euclideanFloat64(cloud, out);
  } else if (metric === 'cosine' || metric === 'correlation') {
    angular(cloud, out, metric === 'correlation');
  } else {
    throw invalidOption(
      `unknown metric '${String(metric)}'`,
      'Use euclidean, cosine or correlation.',
    );
  }
  return { n, data: out };
}

function euclideanFloat64(cloud: Matrix, out: Float32Array | Float64Array): void {
  const { data, rows: n, cols: d } = cloud;
  let k = 0;
  for (let i = 1; i < n; i++) {
    const oi = i * d;
    for (let j = 0; j < i; j++) {
      const oj = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = data[oi + t] - data[oj + t];
        s += diff * diff;
      }
      out[k++] = Math.sqrt(s);
    }
  }
}

function euclideanFloat32(cloud: Matrix, out: Float32Array | Float64Array): void {
  const data = cloud.data instanceof Float32Array ? cloud.data : Float32Array.from(cloud.data);
  if (euclideanFloat32Wasm(data, cloud.rows, cloud.cols, out)) return;
  euclideanFloat32Js(data, cloud.rows, cloud.cols, out);
}

/**
 * The JavaScript fallback of the float32 Euclidean kernel (exported for the tests only): Ripser's
 * rounding, four pairs at a time.
 */
export function euclideanFloat32Js(
  data: Float32Array,
  n: number,
  d: number,
  out: Float32Array | Float64Array,
): void {
  const f = Math.fround;
  let k = 0;
  for (let i = 1; i < n; i++) {
    const oi = i * d;
    let j = 0;
    // four pairs at once (independent dependency chains), each summed in Ripser's order
    for (; j + 4 <= i; j += 4) {
      const o0 = j * d;
      const o1 = o0 + d;
      const o2 = o1 + d;
      const o3 = o2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0; t < d; t++) {
        const a = data[oi + t];
        const d0 = f(a - data[o0 + t]);
        const d1 = f(a - data[o1 + t]);
        const d2 = f(a - data[o2 + t]);
        const d3 = f(a - data[o3 + t]);
        s0 = f(s0 + f(d0 * d0));
        s1 = f(s1 + f(d1 * d1));
        s2 = f(s2 + f(d2 * d2));
        s3 = f(s3 + f(d3 * d3));
      }
      out[k++] = f(Math.sqrt(s0));
      out[k++] = f(Math.sqrt(s1));
      out[k++] = f(Math.sqrt(s2));
      out[k++] = f(Math.sqrt(s3));
    }
    for (; j < i; j++) {
      const oj = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = f(data[oi + t] - data[oj + t]);
        s = f(s + f(diff * diff));
      }
      out[k++] = f(Math.sqrt(s));
    }
  }
}

function angular(cloud: Matrix, out: Float32Array | Float64Array, centre: boolean): void {
  const { data, rows: n, cols: d } = cloud;
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    let mean = 0;
    if (centre) {
      for (let t = 0; t < d; t++) mean += data[i * d + t];
      mean /= d;
    }
    let norm = 0;
    for (let t = 0; t < d; t++) {
      const v = data[i * d + t] - mean;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    for (let t = 0; t < d; t++) x[i * d + t] = norm > 0 ? (data[i * d + t] - mean) / norm : 0;
  }
  let k = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += x[i * d + t] * x[j * d + t];
      out[k++] = Math.max(0, 1 - s);
    }
  }
}
