/**
 * Gradient kernels that the TensorFlow.js WebAssembly backend (4.22) lacks, written on typed
 * arrays: Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter,
 * DepthwiseConv2dNativeBackpropInput and UnsortedSegmentSum (the gradient of a gather, used by
 * embeddings). Inputs are read with `backend.readSync`, outputs written with `backend.makeOutput`.
 * Both channel layouts (NHWC, NCHW) are handled through strides.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { createConv2dFilterGradient } from './convKernels.js';

interface WasmLike {
  readSync(dataId: unknown): unknown;
  makeOutput(shape: number[], dtype: string, memoryOffset?: number, values?: unknown): TensorInfo;
}

interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: unknown;
  attrs?: Record<string, unknown>;
}

type ConvInfo = tf.backend_util.Conv2DInfo;

function read(backend: WasmLike, t: TensorInfo): Float32Array {
  const v = backend.readSync(t.dataId) as ArrayLike<number>;
  return v instanceof Float32Array ? v : Float32Array.from(v);
}

/** Strides of the batch, row, column and channel axes of an activation tensor. */
function layoutStrides(shape: number[], channelsLast: boolean): [number, number, number, number] {
  const [, d1, d2, d3] = shape;
  if (channelsLast) return [d1 * d2 * d3, d2 * d3, d3, 1];
  return [d1 * d2 * d3, d3, 1, d2 * d3];
}

/** dW[fh,fw,ci,co] = sum over b,oh,ow of x[b, oh*sh+fh*dh-top, ow*sw+fw*dw-left, ci] dy[b,oh,ow,co].
 * Loops over output positions outermost so that the small dW block stays in cache; accumulates
 * in float64. */
export function conv2dFilterGradient(x: Float32Array, dy: Float32Array, c: ConvInfo): Float32Array {
  const cl = c.dataFormat === 'channelsLast';
  const [xb, xr, xc, xch] = layoutStrides(c.inShape as number[], cl);
  const [yb, yr, yc, ych] = layoutStrides(c.outShape as number[], cl);
  const { filterHeight: fh, filterWidth: fw, inChannels: ci, outChannels: co } = c;
  const dw = new Float64Array(fh * fw * ci * co);
  const dyRow = new Float64Array(co);
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  for (let b = 0; b < c.batchSize; b++) {
    for (let oh = 0; oh < c.outHeight; oh++) {
      for (let ow = 0; ow < c.outWidth; ow++) {
        const yo = b * yb + oh * yr + ow * yc;
        for (let o = 0; o < co; o++) dyRow[o] = dy[yo + o * ych];
        for (let i = 0; i < fh; i++) {
          const ih = oh * c.strideHeight + i * c.dilationHeight - top;
          if (ih < 0 || ih >= c.inHeight) continue;
          for (let j = 0; j < fw; j++) {
            const iw = ow * c.strideWidth + j * c.dilationWidth - left;
            if (iw < 0 || iw >= c.inWidth) continue;
            const xo = b * xb + ih * xr + iw * xc;
            let base = (i * fw + j) * ci * co;
            for (let k = 0; k < ci; k++, base += co) {
              const xv = x[xo + k * xch];
              if (xv === 0) continue;
              for (let o = 0; o < co; o++) dw[base + o] += xv * dyRow[o];
            }
          }
        }
      }
    }
  }
  return Float32Array.from(dw);
}

/** Depthwise filter gradient: dW[fh,fw,d,q] = sum x[b,ih,iw,d] dy[b,oh,ow,d*mult+q]. */
export function depthwiseFilterGradient(
  x: Float32Array,
  dy: Float32Array,
  c: ConvInfo,
): Float32Array {
  const cl = c.dataFormat === 'channelsLast';
  const [xb, xr, xc, xch] = layoutStrides(c.inShape as number[], cl);
  const [yb, yr, yc, ych] = layoutStrides(c.outShape as number[], cl);
  const { filterHeight: fh, filterWidth: fw, inChannels: ci } = c;
  const mult = c.outChannels / ci;
  const dw = new Float64Array(fh * fw * ci * mult);
  for (let b = 0; b < c.batchSize; b++) {
    for (let oh = 0; oh < c.outHeight; oh++) {
      for (let ow = 0; ow < c.outWidth; ow++) {
        const yo = b * yb + oh * yr + ow * yc;
        for (let i = 0; i < fh; i++) {
          const ih = oh * c.strideHeight + i * c.dilationHeight - c.padInfo.top;
          if (ih < 0 || ih >= c.inHeight) continue;
          for (let j = 0; j < fw; j++) {
            const iw = ow * c.strideWidth + j * c.dilationWidth - c.padInfo.left;
            if (iw < 0 || iw >= c.inWidth) continue;
            const xo = b * xb + ih * xr + iw * xc;
            const wo = (i * fw + j) * ci * mult;
            for (let d = 0; d < ci; d++) {
              const xv = x[xo + d * xch];
              for (let q = 0; q < mult; q++) {
                dw[wo + d * mult + q] += xv * dy[yo + (d * mult + q) * ych];
              }
            }
          }
        }
      }
    }
  }
  return Float32Array.from(dw);
}

/** Depthwise input gradient: dx[b,ih,iw,d] = sum dy[b,oh,ow,d*mult+q] W[fh,fw,d,q]. */
export function depthwiseInputGradient(
  dy: Float32Array,
  w: Float32Array,
  c: ConvInfo,
): Float32Array {
  const cl = c.dataFormat === 'channelsLast';
  const [xb, xr, xc, xch] = layoutStrides(c.inShape as number[], cl);
  const [yb, yr, yc, ych] = layoutStrides(c.outShape as number[], cl);
  const { filterHeight: fh, filterWidth: fw, inChannels: ci } = c;
  const mult = c.outChannels / ci;
  const dx = new Float64Array(c.batchSize * c.inHeight * c.inWidth * ci);
  for (let b = 0; b < c.batchSize; b++) {
    for (let oh = 0; oh < c.outHeight; oh++) {
      for (let ow = 0; ow < c.outWidth; ow++) {
        const yo = b * yb + oh * yr + ow * yc;
        for (let i = 0; i < fh; i++) {
          const ih = oh * c.strideHeight + i * c.dilationHeight - c.padInfo.top;
          if (ih < 0 || ih >= c.inHeight) continue;
          for (let j = 0; j < fw; j++) {
            const iw = ow * c.strideWidth + j * c.dilationWidth - c.padInfo.left;
            if (iw < 0 || iw >= c.inWidth) continue;
            const xo = b * xb + ih * xr + iw * xc;
            const wo = (i * fw + j) * ci * mult;
            for (let d = 0; d < ci; d++) {
              let s = 0;
              for (let q = 0; q < mult; q++)
                s += dy[yo + (d * mult + q) * ych] * w[wo + d * mult + q];
              dx[xo + d * xch] += s;
            }
          }
        }
      }
    }
  }
  return Float32Array.from(dx);
}

type FilterGradient = (x: Float32Array, dy: Float32Array, c: ConvInfo) => Float32Array;

/** The Conv2DBackpropFilter kernel computing with `gradient`. */
const conv2DBackpropFilter =
  (gradient: FilterGradient) =>
  (args: KernelArgs): TensorInfo => {
    const backend = args.backend as WasmLike;
    const { x, dy } = args.inputs;
    const a = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
    const format = tf.backend_util.convertConv2DDataFormat(a.dataFormat);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      a.filterShape,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
      false,
      format,
    );
    const dw = gradient(read(backend, x), read(backend, dy), info);
    return backend.makeOutput(info.filterShape, 'float32', undefined, dw);
  };

function depthwiseBackpropFilter(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmLike;
  const { x, dy } = args.inputs;
  const a = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    a.filterShape,
    a.strides,
    a.dilations,
    a.pad,
    a.dimRoundingMode,
    true,
  );
  const dw = depthwiseFilterGradient(read(backend, x), read(backend, dy), info);
  return backend.makeOutput(info.filterShape, 'float32', undefined, dw);
}

function depthwiseBackpropInput(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmLike;
  const { dy, filter } = args.inputs;
  const a = args.attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const info = tf.backend_util.computeConv2DInfo(
    a.inputShape,
    filter.shape as [number, number, number, number],
    a.strides,
    a.dilations,
    a.pad,
    a.dimRoundingMode,
    true,
  );
  const dx = depthwiseInputGradient(read(backend, dy), read(backend, filter), info);
  return backend.makeOutput(info.inShape, 'float32', undefined, dx);
}

function unsortedSegmentSum(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmLike;
  const { x, segmentIds } = args.inputs;
  const numSegments = (args.attrs as unknown as tf.UnsortedSegmentSumAttrs).numSegments;
  const ids = backend.readSync(segmentIds.dataId) as ArrayLike<number>;
  const xs = backend.readSync(x.dataId) as ArrayLike<number>;
  const inner = tf.util.sizeFromShape(x.shape.slice(segmentIds.shape.length));
  const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const out = new Float64Array(numSegments * inner);
  for (let s = 0; s < ids.length; s++) {
    const id = ids[s];
    if (id < 0 || id >= numSegments) continue;
    const src = s * inner;
    const dst = id * inner;
    for (let k = 0; k < inner; k++) out[dst + k] += xs[src + k];
  }
  const values = x.dtype === 'int32' ? Int32Array.from(out) : Float32Array.from(out);
  return backend.makeOutput(outShape, x.dtype, undefined, values);
}

/**
 * Registers the kernels above for the wasm backend, skipping any already registered. The conv
 * filter gradient runs on WebAssembly SIMD (./convKernels.ts) unless `options.simd` is false or
 * SIMD is missing, then on the JavaScript loops above.
 */
export function registerMissingWasmKernels(options: { simd?: boolean } = {}): void {
  const simd = options.simd !== false ? createConv2dFilterGradient() : null;
  const missingKernels: Array<[string, (a: KernelArgs) => TensorInfo]> = [
    ['Conv2DBackpropFilter', conv2DBackpropFilter(simd ?? conv2dFilterGradient)],
    ['DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilter],
    ['DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInput],
    ['UnsortedSegmentSum', unsortedSegmentSum],
  ];
  const registered = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  for (const [kernelName, fn] of missingKernels) {
    if (registered.has(kernelName)) continue;
    const config: KernelConfig = {
      kernelName,
      backendName: 'wasm',
      kernelFunc: fn as unknown as KernelFunc,
    };
    tf.registerKernel(config);
  }
}
