/**
 * From a layer's output tensor to a point cloud (METHODS.md section 4). Every strategy takes a
 * plain tensor `{data, shape}` whose first axis is the input index and returns a Matrix (one
 * point per row, Float32). Convolutional outputs are channels last: [n, height, width, channels];
 * Transformer outputs are [n, tokens, dim].
 */
import { describeValue } from '../core/describe.js';
import { invalidInput, invalidOption } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { createRng, permutation, sampleWithoutReplacement, type Rng } from '../core/rng.js';
import { checkTensorData, type FloatTensorData } from './tensorData.js';

export type PointCloudStrategy =
  | 'dense'
  | 'gap'
  | 'flatten'
  | 'top-l2'
  | 'random-position'
  | 'all-positions'
  | 'mask-weighted'
  | 'class-token'
  | 'mean-token';

export const POINT_CLOUD_STRATEGIES: PointCloudStrategy[] = [
  'dense',
  'gap',
  'flatten',
  'top-l2',
  'random-position',
  'all-positions',
  'mask-weighted',
  'class-token',
  'mean-token',
];

function rank(t: FloatTensorData, r: number, what: string, name: string): void {
  checkTensorData(t, name);
  if (t.shape.length !== r) {
    throw invalidInput(
      `${what} needs a rank-${r} tensor but ${name} has shape [${t.shape.join(', ')}]`,
      r === 4
        ? 'use it on a convolutional output [n, height, width, channels] (or use dense/flatten)'
        : r === 3
          ? 'use it on a Transformer block output [n, tokens, dim]'
          : 'use flatten or gap for higher-rank outputs',
    );
  }
}

/** Dense output: one point per input, [n, c] as is. */
export function denseOutput(t: FloatTensorData, name = 'layer'): Matrix<Float32Array> {
  rank(t, 2, 'the dense strategy', name);
  return { data: t.data, rows: t.shape[0], cols: t.shape[1] };
}

/** Flatten: [n, ...] -> n x (product of the other axes). */
export function flattenOutput(t: FloatTensorData, name = 'layer'): Matrix<Float32Array> {
  checkTensorData(t, name);
  const n = t.shape[0];
  return { data: t.data, rows: n, cols: n === 0 ? 0 : t.data.length / n };
}

/** Global average pooling ([M22], [M23]): per input, the mean over positions of each channel. */
export function globalAveragePooling(t: FloatTensorData, name = 'layer'): Matrix<Float32Array> {
  rank(t, 4, 'global average pooling', name);
  const [n, h, w, c] = t.shape;
  const p = h * w;
  const out = new Float32Array(n * c);
  const acc = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    for (let q = 0; q < p; q++) {
      const o = (i * p + q) * c;
      for (let k = 0; k < c; k++) acc[k] += t.data[o + k];
    }
    for (let k = 0; k < c; k++) out[i * c + k] = acc[k] / p;
  }
  return { data: out, rows: n, cols: c };
}

/** Top-l2 spatial vector ([P23]): per input, the channel vector at the position with the
 * largest l2 norm (first such position on ties). */
export function topL2Position(t: FloatTensorData, name = 'layer'): Matrix<Float32Array> {
  rank(t, 4, 'the top-l2 strategy', name);
  const [n, h, w, c] = t.shape;
  const p = h * w;
  const out = new Float32Array(n * c);
  for (let i = 0; i < n; i++) {
    let best = -1;
    let bestQ = 0;
    for (let q = 0; q < p; q++) {
      const o = (i * p + q) * c;
      let s = 0;
      for (let k = 0; k < c; k++) s += t.data[o + k] * t.data[o + k];
      if (s > best) {
        best = s;
        bestQ = q;
      }
    }
    out.set(t.data.subarray((i * p + bestQ) * c, (i * p + bestQ + 1) * c), i * c);
  }
  return { data: out, rows: n, cols: c };
}

export interface RandomPositionOptions {
  /** Seed of the position choice (default 0). */
  seed?: number;
  /** Positions this close to the border are excluded (default 1; 0 allows every position). The
   * margin shrinks where the map is too small to keep any interior position. */
  margin?: number;
}

/** One random interior spatial position per input ([P23] Mapper), seeded. `rng`, when given,
 * replaces the generator made from `options.seed`: a caller that reduces batch by batch passes
 * one generator through all batches and gets the positions of one call on all inputs. */
export function randomInteriorPosition(
  t: FloatTensorData,
  options: RandomPositionOptions = {},
  name = 'layer',
  rng: Rng = createRng(options.seed ?? 0),
): Matrix<Float32Array> {
  rank(t, 4, 'the random-position strategy', name);
  const [n, h, w, c] = t.shape;
  const mh = Math.max(0, Math.min(options.margin ?? 1, Math.floor((h - 1) / 2)));
  const mw = Math.max(0, Math.min(options.margin ?? 1, Math.floor((w - 1) / 2)));
  const out = new Float32Array(n * c);
  for (let i = 0; i < n; i++) {
    const y = mh + rng.int(h - 2 * mh);
    const x = mw + rng.int(w - 2 * mw);
    const o = ((i * h + y) * w + x) * c;
    out.set(t.data.subarray(o, o + c), i * c);
  }
  return { data: out, rows: n, cols: c };
}

export interface AllPositionsOptions {
  /** At most this many points (default 10,000); a seeded uniform subsample beyond it. */
  cap?: number;
  /** Seed of the subsample (default 0). */
  seed?: number;
}

/** All spatial positions of all inputs as points (n*h*w x c), capped by random subsampling
 * ([P23]). Subsampled rows keep their original order. */
export function allPositions(
  t: FloatTensorData,
  options: AllPositionsOptions = {},
  name = 'layer',
): Matrix<Float32Array> {
  rank(t, 4, 'the all-positions strategy', name);
  const [n, h, w, c] = t.shape;
  const total = n * h * w;
  const cap = options.cap ?? 10_000;
  if (!Number.isInteger(cap) || cap < 1)
    throw invalidOption(`cap must be a positive integer, got ${cap}`);
  if (total <= cap) return { data: t.data, rows: total, cols: c };
  const pick = sampleWithoutReplacement(total, cap, createRng(options.seed ?? 0)).sort();
  const out = new Float32Array(cap * c);
  for (let r = 0; r < cap; r++) out.set(t.data.subarray(pick[r] * c, (pick[r] + 1) * c), r * c);
  return { data: out, rows: cap, cols: c };
}

/**
 * Foreground-weighted positions ([P23]): per input, the mask-weighted mean of the channel
 * vectors, sum_p m_p x_p / sum_p m_p. `mask` is [n, mh, mw] with non-negative weights (e.g. a
 * 0/1 foreground mask at input resolution); it is resized to the layer's grid by nearest
 * neighbour. An input whose mask is all zero falls back to the plain mean.
 */
export function maskWeightedPositions(
  t: FloatTensorData,
  mask: FloatTensorData,
  name = 'layer',
): Matrix<Float32Array> {
  rank(t, 4, 'the mask-weighted strategy', name);
  checkTensorData(mask, 'mask');
  const [n, h, w, c] = t.shape;
  if (mask.shape.length !== 3 || mask.shape[0] !== n) {
    throw invalidInput(
      `the mask has shape [${mask.shape.join(', ')}] but ${name} needs [${n}, height, width]`,
      'give one 2-D mask per input',
    );
  }
  const [, mh, mw] = mask.shape;
  const out = new Float32Array(n * c);
  const acc = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    let total = 0;
    for (let y = 0; y < h; y++) {
      const my = Math.min(mh - 1, Math.floor(((y + 0.5) * mh) / h));
      for (let x = 0; x < w; x++) {
        const mx = Math.min(mw - 1, Math.floor(((x + 0.5) * mw) / w));
        const m = mask.data[(i * mh + my) * mw + mx];
        if (m < 0) throw invalidInput(`mask weight ${m} of input ${i} is negative`);
        if (m === 0) continue;
        total += m;
        const o = ((i * h + y) * w + x) * c;
        for (let k = 0; k < c; k++) acc[k] += m * t.data[o + k];
      }
    }
    if (total === 0) {
      const g = globalAveragePooling({
        data: t.data.subarray(i * h * w * c, (i + 1) * h * w * c),
        shape: [1, h, w, c],
      });
      out.set(g.data, i * c);
    } else {
      for (let k = 0; k < c; k++) out[i * c + k] = acc[k] / total;
    }
  }
  return { data: out, rows: n, cols: c };
}

/** Transformer class token ([M23]): token 0 of [n, tokens, dim]. */
export function classToken(t: FloatTensorData, name = 'layer'): Matrix<Float32Array> {
  rank(t, 3, 'the class-token strategy', name);
  const [n, k, d] = t.shape;
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) out.set(t.data.subarray(i * k * d, i * k * d + d), i * d);
  return { data: out, rows: n, cols: d };
}

/** Transformer mean token ([M23]): the mean over all tokens (the class token included unless
 * `skipClassToken`). */
export function meanToken(
  t: FloatTensorData,
  options: { skipClassToken?: boolean } = {},
  name = 'layer',
): Matrix<Float32Array> {
  rank(t, 3, 'the mean-token strategy', name);
  const [n, k, d] = t.shape;
  const first = options.skipClassToken ? 1 : 0;
  if (k - first < 1) throw invalidInput(`${name} has no tokens to average`);
  const out = new Float32Array(n * d);
  const acc = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    acc.fill(0);
    for (let j = first; j < k; j++) {
      const o = (i * k + j) * d;
      for (let q = 0; q < d; q++) acc[q] += t.data[o + q];
    }
    for (let q = 0; q < d; q++) out[i * d + q] = acc[q] / (k - first);
  }
  return { data: out, rows: n, cols: d };
}

export interface PointCloudOptions extends RandomPositionOptions, AllPositionsOptions {
  /** Per-input mask for `'mask-weighted'`. */
  mask?: FloatTensorData;
  /** For `'mean-token'`: leave the class token out of the mean (default false). */
  skipClassToken?: boolean;
}

/** Applies a strategy by name (the CLI's `--strategy`). */
export function pointCloud(
  t: FloatTensorData,
  strategy: PointCloudStrategy,
  options: PointCloudOptions = {},
  name = 'layer',
): Matrix<Float32Array> {
  switch (strategy) {
    case 'dense':
      return denseOutput(t, name);
    case 'gap':
      return globalAveragePooling(t, name);
    case 'flatten':
      return flattenOutput(t, name);
    case 'top-l2':
      return topL2Position(t, name);
    case 'random-position':
      return randomInteriorPosition(t, options, name);
    case 'all-positions':
      return allPositions(t, options, name);
    case 'mask-weighted':
      if (!options.mask) throw invalidOption('the mask-weighted strategy needs a mask');
      return maskWeightedPositions(t, options.mask, name);
    case 'class-token':
      return classToken(t, name);
    case 'mean-token':
      return meanToken(t, options, name);
    default:
      throw invalidOption(
        `unknown point-cloud strategy '${String(strategy)}'`,
        `use one of ${POINT_CLOUD_STRATEGIES.join(', ')}`,
      );
  }
}

export interface PerClassSampleOptions {
  /** At most this many points per class (default 250 [M22]; 300 in [M23]). */
  perClass?: number;
  /** Number of independent batches (default 1); descriptors are averaged over them. */
  repeats?: number;
  /** Seed (default 0). */
  seed?: number;
}

/**
 * Per-class sampling ([M22], [M23]): for each repeat and each class, at most `perClass` indices
 * of that class drawn without replacement. Returns, per repeat, per class, the sorted indices.
 */
export function perClassSample(
  labels: Int32Array,
  options: PerClassSampleOptions = {},
): Int32Array[][] {
  if (!(labels instanceof Int32Array)) {
    throw invalidInput(
      `perClassSample expects the labels as an Int32Array; got ${describeValue(labels)}`,
      'pass data.labels of a LabelledData (or Int32Array.from(labels))',
    );
  }
  const perClass = options.perClass ?? 250;
  const repeats = options.repeats ?? 1;
  if (!Number.isInteger(perClass) || perClass < 1)
    throw invalidOption(`perClass must be >= 1, got ${perClass}`);
  if (!Number.isInteger(repeats) || repeats < 1)
    throw invalidOption(`repeats must be >= 1, got ${repeats}`);
  const byClass = new Map<number, number[]>();
  labels.forEach((c, i) => {
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(i);
  });
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const rng = createRng(options.seed ?? 0);
  const out: Int32Array[][] = [];
  for (let r = 0; r < repeats; r++) {
    out.push(
      classes.map((c) => {
        const members = byClass.get(c)!;
        const m = Math.min(perClass, members.length);
        const pick =
          m === members.length
            ? permutation(m, rng)
            : sampleWithoutReplacement(members.length, m, rng);
        return Int32Array.from(pick, (k) => members[k]).sort();
      }),
    );
  }
  return out;
}

/** Per-feature min-max scaling fitted on the cloud itself ([M22] descriptors; not for PH-dim):
 * each column mapped to [0, 1]; a constant column becomes 0. Returns a new matrix. */
export function minMaxScale(m: Matrix): Matrix<Float32Array> {
  const ok =
    m !== null &&
    typeof m === 'object' &&
    (m.data instanceof Float32Array || m.data instanceof Float64Array) &&
    Number.isInteger(m.rows) &&
    Number.isInteger(m.cols) &&
    m.data.length === m.rows * m.cols;
  if (!ok) {
    throw invalidInput(
      `minMaxScale expects a point cloud {data, rows, cols} (rows x cols values); got ${describeValue(m)}`,
      'pass the points of a LayerCloud, or pointCloud(...)',
    );
  }
  const { rows, cols } = m;
  const lo = new Float64Array(cols).fill(Infinity);
  const hi = new Float64Array(cols).fill(-Infinity);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = m.data[i * cols + j];
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
  }
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const range = hi[j] - lo[j];
      out[i * cols + j] = range > 0 ? (m.data[i * cols + j] - lo[j]) / range : 0;
    }
  }
  return { data: out, rows, cols };
}
