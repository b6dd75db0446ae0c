/**
 * The three products of a stride-1 'same' convolution with an odd filter (channels-last), as the
 * fused CNN step (./fusedCnnTrainer.ts) needs them:
 *
 *   forward   y[b, p, q, o]  = sum over i, j, k of x[b, p + i - top, q + j - left, k] W[i, j, k, o]
 *   filter    dW[i, j, k, o] = sum over b, p, q of x[b, p + i - top, q + j - left, k] dy[b, p, q, o]
 *   input     dx[b, r, s, k] = sum over i, j, o of dy[b, r - i + top, s - j + left, o] W[i, j, k, o]
 *
 * (taps outside the image skipped; top = (fh - 1) / 2, left = (fw - 1) / 2). Two engines: plain
 * JavaScript loops (`jsConvProducts`, the portable one and the reference of the tests) and
 * WebAssembly SIMD (`simdConvProducts`, the kernels of ./convKernels.ts: the forward product
 * output-stationary, optionally fused with the max pooling that follows it, and both
 * gradients).
 */
import * as tf from '@tensorflow/tfjs';
import { createConvGradients } from './convKernels.js';

/** A convolution's geometry for a batch of `batch` images. */
export interface ConvShape {
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
}

export interface ConvProducts {
  /** y (without bias) into `out` */
  forward(x: Float32Array, w: Float32Array, s: ConvShape, out: Float32Array): void;
  /** dW into `out` */
  filterGradient(x: Float32Array, dy: Float32Array, s: ConvShape, out: Float32Array): void;
  /** dx into `out` */
  inputGradient(dy: Float32Array, w: Float32Array, s: ConvShape, out: Float32Array): void;
  /**
   * (SIMD engine, `outChannels` a multiple of 4) the forward product followed by 2 x 2 max
   * pooling of stride 2 with the bias and ReLU applied after the pooling, fused: the pooled
   * outputs into `pooled` and each window's first maximum's float index in y (-1: none) into
   * `argmax`, as fusedCnnTrainer's JS pooling computes them; y itself is not written.
   */
  forwardPooledRelu?(
    x: Float32Array,
    w: Float32Array,
    bias: Float32Array,
    s: ConvShape,
    pooled: Float32Array,
    argmax: Int32Array,
  ): void;
}

/** Calls `visit(yo, xo, tap)` for every output pixel and every filter tap inside the image:
 * the pixel offsets (channel 0) of the output in y and of the tap's input in x. */
function forEachTap(s: ConvShape, visit: (yo: number, xo: number, tap: number) => void): void {
  const { batch: B, height: H, width: W, filterHeight: fh, filterWidth: fw } = s;
  const top = (fh - 1) / 2;
  const left = (fw - 1) / 2;
  for (let b = 0; b < B; b++)
    for (let p = 0; p < H; p++)
      for (let q = 0; q < W; q++) {
        const yo = ((b * H + p) * W + q) * s.outChannels;
        for (let i = 0; i < fh; i++) {
          const r = p + i - top;
          if (r < 0 || r >= H) continue;
          for (let j = 0; j < fw; j++) {
            const c = q + j - left;
            if (c < 0 || c >= W) continue;
            visit(yo, ((b * H + r) * W + c) * s.inChannels, i * fw + j);
          }
        }
      }
}

/** The products in plain JavaScript (sums in float64, rounded to float32 once). */
export function jsConvProducts(): ConvProducts {
  let acc = new Float64Array(0);
  const scratch = (n: number): Float64Array => {
    if (acc.length < n) acc = new Float64Array(n);
    acc.fill(0, 0, n);
    return acc;
  };
  return {
    forward(x, w, s, out) {
      const { inChannels: ci, outChannels: co } = s;
      const n = s.batch * s.height * s.width * co;
      const a = scratch(n);
      forEachTap(s, (yo, xo, tap) => {
        for (let k = 0; k < ci; k++) {
          const xv = x[xo + k];
          if (xv === 0) continue;
          const w0 = (tap * ci + k) * co;
          for (let o = 0; o < co; o++) a[yo + o] += xv * w[w0 + o];
        }
      });
      for (let i = 0; i < n; i++) out[i] = a[i];
    },
    filterGradient(x, dy, s, out) {
      const { inChannels: ci, outChannels: co } = s;
      const n = s.filterHeight * s.filterWidth * ci * co;
      const a = scratch(n);
      forEachTap(s, (yo, xo, tap) => {
        for (let k = 0; k < ci; k++) {
          const xv = x[xo + k];
          if (xv === 0) continue;
          const w0 = (tap * ci + k) * co;
          for (let o = 0; o < co; o++) a[w0 + o] += xv * dy[yo + o];
        }
      });
      for (let i = 0; i < n; i++) out[i] = a[i];
    },
    inputGradient(dy, w, s, out) {
      const { inChannels: ci, outChannels: co } = s;
      const n = s.batch * s.height * s.width * ci;
      const a = scratch(n);
      forEachTap(s, (yo, xo, tap) => {
        for (let k = 0; k < ci; k++) {
          const w0 = (tap * ci + k) * co;
          let t = 0;
          for (let o = 0; o < co; o++) t += dy[yo + o] * w[w0 + o];
          a[xo + k] += t;
        }
      });
      for (let i = 0; i < n; i++) out[i] = a[i];
    },
  };
}

/** The products on WebAssembly SIMD, or null where WebAssembly SIMD is unavailable. */
export function simdConvProducts(): ConvProducts | null {
  const g = createConvGradients();
  if (!g) return null;
  const infos = new Map<string, tf.backend_util.Conv2DInfo>();
  /** the ConvInfo of a stride-1 'same' convolution of [B, H, W, ci] by [fh, fw, ci, co] */
  const info = (s: ConvShape, ci: number, co: number): tf.backend_util.Conv2DInfo => {
    const key = [s.batch, s.height, s.width, ci, co, s.filterHeight, s.filterWidth].join(',');
    let c = infos.get(key);
    if (!c) {
      c = tf.backend_util.computeConv2DInfo(
        [s.batch, s.height, s.width, ci],
        [s.filterHeight, s.filterWidth, ci, co],
        1,
        1,
        'same',
      );
      infos.set(key, c);
    }
    return c;
  };
  let flipped = new Float32Array(0);
  return {
    forward(x, w, s, out) {
      g.forward(x, w, info(s, s.inChannels, s.outChannels), out);
    },
    forwardPooledRelu(x, w, bias, s, pooled, argmax) {
      g.forwardPooledRelu(x, w, bias, info(s, s.inChannels, s.outChannels), pooled, argmax);
    },
    filterGradient(x, dy, s, out) {
      g.filterGradient(x, dy, info(s, s.inChannels, s.outChannels), out);
    },
    inputGradient(dy, w, s, out) {
      const { inChannels: ci, outChannels: co, filterHeight: fh, filterWidth: fw } = s;
      // W'[i, j, o, k] = W[fh-1-i, fw-1-j, k, o]: dx is the forward product of dy (co
      // channels) with W' (a stride-1 convolution's transpose with a symmetric padding is
      // again such a convolution), on the output-stationary kernel
      if (flipped.length < fh * fw * ci * co) flipped = new Float32Array(fh * fw * ci * co);
      for (let i = 0; i < fh; i++)
        for (let j = 0; j < fw; j++) {
          const src = ((fh - 1 - i) * fw + (fw - 1 - j)) * ci * co;
          const dst = (i * fw + j) * co * ci;
          for (let k = 0; k < ci; k++)
            for (let o = 0; o < co; o++) flipped[dst + o * ci + k] = w[src + k * co + o];
        }
      g.forward(dy, flipped, info(s, co, ci), out);
    },
  };
}
