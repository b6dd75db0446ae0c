/**
 * Gradient kernels that the TensorFlow.js WebAssembly backend (4.22) lacks, written on typed
 * arrays: Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter,
 * DepthwiseConv2dNativeBackpropInput and UnsortedSegmentSum (the gradient of a gather, used by
 * embeddings), and MaxPoolGrad in place of the backend's own. Inputs and outputs are used in place
 * in the backend's heap (`typedArrayFromHeap`): large typed-array allocations cost more than
 * these kernels' arithmetic.
 * Both channel layouts (NHWC, NCHW) are handled through strides.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { createConvGradients, type ConvGradients } from './convKernels.js';

interface WasmLike {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array;
}

interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  backend: unknown;
  attrs?: Record<string, unknown>;
}

type ConvInfo = tf.backend_util.Conv2DInfo;

/**
 * Allocates an output in the backend's heap, then calls `fill` with views of it and of the
 * inputs, taken after the allocation (growing the heap detaches earlier views).
 */
function compute(
  backend: WasmLike,
  shape: number[],
  dtype: 'float32' | 'int32',
  inputs: TensorInfo[],
  fill: (out: Float32Array | Int32Array, ins: Array<Float32Array | Int32Array>) => void,
): TensorInfo {
  const out = backend.makeOutput(shape, dtype);
  fill(
    backend.typedArrayFromHeap(out),
    inputs.map((t) => backend.typedArrayFromHeap(t)),
  );
  return out;
}

/** Rounds float64 sums to float32 (TypedArray.set converts natively; `Float32Array.from` goes
 * through the iterator protocol, about ten times slower on large arrays). */
function toFloat32(a: Float64Array): Float32Array {
  const out = new Float32Array(a.length);
  out.set(a);
  return out;
}

/** Strides of the batch, row, column and channel axes of an activation tensor. */
function layoutStrides(shape: number[], channelsLast: boolean): [number, number, number, number] {
  const [, d1, d2, d3] = shape;
  if (channelsLast) return [d1 * d2 * d3, d2 * d3, d3, 1];
  return [d1 * d2 * d3, d3, 1, d2 * d3];
}

/**
 * Calls `visit(yo, xo, tap)` for every output position and every filter tap (i, j) that falls
 * inside the input: `yo` and `xo` are the offsets of the output position and of the input pixel
 * in their tensors (channel 0; channels are `ych` and `xch` apart), `tap` = i fw + j.
 */
function forEachConvTap(c: ConvInfo, visit: (yo: number, xo: number, tap: number) => void): void {
  const cl = c.dataFormat === 'channelsLast';
  const [xb, xr, xc] = layoutStrides(c.inShape as number[], cl);
  const [yb, yr, yc] = layoutStrides(c.outShape as number[], cl);
  const { filterHeight: fh, filterWidth: fw } = c;
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
            visit(yo, b * xb + ih * xr + iw * xc, i * fw + j);
          }
        }
      }
    }
  }
}

/** Channel strides of the input and output tensors of a convolution. */
function channelStrides(c: ConvInfo): { xch: number; ych: number } {
  const cl = c.dataFormat === 'channelsLast';
  return {
    xch: layoutStrides(c.inShape as number[], cl)[3],
    ych: layoutStrides(c.outShape as number[], cl)[3],
  };
}

/** dW[fh,fw,ci,co] = sum over b,oh,ow of x[b, oh*sh+fh*dh-top, ow*sw+fw*dw-left, ci] dy[b,oh,ow,co],
 * in float64 (the portable fallback of ./convKernels.ts, and its reference in the tests). */
export function conv2dFilterGradient(x: Float32Array, dy: Float32Array, c: ConvInfo): Float32Array {
  const { inChannels: ci, outChannels: co } = c;
  const { xch, ych } = channelStrides(c);
  const dw = new Float64Array(c.filterHeight * c.filterWidth * ci * co);
  forEachConvTap(c, (yo, xo, tap) => {
    let base = tap * ci * co;
    for (let k = 0; k < ci; k++, base += co) {
      const xv = x[xo + k * xch];
      if (xv === 0) continue;
      for (let o = 0; o < co; o++) dw[base + o] += xv * dy[yo + o * ych];
    }
  });
  return toFloat32(dw);
}

/** Depthwise filter gradient: dW[fh,fw,d,q] = sum x[b,ih,iw,d] dy[b,oh,ow,d*mult+q]. */
export function depthwiseFilterGradient(
  x: Float32Array,
  dy: Float32Array,
  c: ConvInfo,
): Float32Array {
  const ci = c.inChannels;
  const mult = c.outChannels / ci;
  const { xch, ych } = channelStrides(c);
  const dw = new Float64Array(c.filterHeight * c.filterWidth * ci * mult);
  forEachConvTap(c, (yo, xo, tap) => {
    const wo = tap * ci * mult;
    for (let d = 0; d < ci; d++) {
      const xv = x[xo + d * xch];
      for (let q = 0; q < mult; q++) dw[wo + d * mult + q] += xv * dy[yo + (d * mult + q) * ych];
    }
  });
  return toFloat32(dw);
}

/** Depthwise input gradient: dx[b,ih,iw,d] = sum dy[b,oh,ow,d*mult+q] W[fh,fw,d,q]. */
export function depthwiseInputGradient(
  dy: Float32Array,
  w: Float32Array,
  c: ConvInfo,
): Float32Array {
  const ci = c.inChannels;
  const mult = c.outChannels / ci;
  const { xch, ych } = channelStrides(c);
  const dx = new Float64Array(c.batchSize * c.inHeight * c.inWidth * ci);
  forEachConvTap(c, (yo, xo, tap) => {
    const wo = tap * ci * mult;
    for (let d = 0; d < ci; d++) {
      let s = 0;
      for (let q = 0; q < mult; q++) s += dy[yo + (d * mult + q) * ych] * w[wo + d * mult + q];
      dx[xo + d * xch] += s;
    }
  });
  return toFloat32(dx);
}

/** The Conv2DBackpropFilter kernel: on WebAssembly SIMD when `simd` is given, else in JS. */
const conv2DBackpropFilter =
  (simd: ConvGradients | null) =>
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
    return compute(backend, info.filterShape, 'float32', [x, dy], (out, [xv, dyv]) => {
      if (simd)
        simd.filterGradient(xv as Float32Array, dyv as Float32Array, info, out as Float32Array);
      else out.set(conv2dFilterGradient(xv as Float32Array, dyv as Float32Array, info));
    });
  };

type BackendWithDispose = WasmLike & { disposeData(dataId: unknown): void };

/** Runs one of the backend's own kernels. */
function backendKernel(
  name: string,
  backend: BackendWithDispose,
  inputs: Record<string, TensorInfo>,
  attrs: Record<string, unknown>,
): TensorInfo {
  const fn = tf.getKernel(name, 'wasm')!.kernelFunc as unknown as (a: KernelArgs) => TensorInfo;
  return fn({ inputs, backend, attrs });
}

/** Whether a convolution's input gradient can run as the backend's own Conv2D (see below). The
 * filter gradient can too (x with batch and channels swapped, convolved with dy as the filter),
 * but XNNPACK was 1.5x slower on those large filters than ./convKernels.ts. */
function stride1ChannelsLast(c: ConvInfo): boolean {
  const p = c.padInfo;
  return (
    c.dataFormat === 'channelsLast' &&
    c.strideHeight === 1 &&
    c.strideWidth === 1 &&
    c.dilationHeight === 1 &&
    c.dilationWidth === 1 &&
    p.top < c.filterHeight &&
    p.bottom < c.filterHeight &&
    p.left < c.filterWidth &&
    p.right < c.filterWidth
  );
}

/**
 * The input gradient of a stride-1 convolution is itself a convolution: of dy with the filter
 * flipped in space and transposed in channels, W'[i, j, co, ci] = W[fh-1-i, fw-1-j, ci, co],
 * padded by (filter size - 1 - the forward padding) on each side. This runs it through the
 * backend's own Conv2D (XNNPACK), several times faster than a direct kernel.
 */
function inputGradientByConv(
  backend: BackendWithDispose,
  dy: TensorInfo,
  filter: TensorInfo,
  c: ConvInfo,
): TensorInfo {
  const { filterHeight: fh, filterWidth: fw, inChannels: ci, outChannels: co } = c;
  const flipped = backend.makeOutput([fh, fw, co, ci], 'float32');
  const w = backend.typedArrayFromHeap(filter);
  const t = backend.typedArrayFromHeap(flipped);
  for (let i = 0; i < fh; i++)
    for (let j = 0; j < fw; j++) {
      const src = ((fh - 1 - i) * fw + (fw - 1 - j)) * ci * co;
      const dst = (i * fw + j) * co * ci;
      for (let k = 0; k < ci; k++)
        for (let q = 0; q < co; q++) t[dst + q * ci + k] = w[src + k * co + q];
    }
  const p = c.padInfo;
  const out = backendKernel(
    'Conv2D',
    backend,
    { x: dy, filter: flipped },
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [fh - 1 - p.top, fh - 1 - p.bottom],
        [fw - 1 - p.left, fw - 1 - p.right],
        [0, 0],
      ],
      dilations: [1, 1],
      dataFormat: 'NHWC',
    },
  );
  backend.disposeData(flipped.dataId);
  return out;
}

/** Conv2DBackpropInput in place of the backend's own: through the backend's Conv2D for
 * channels-last stride-1 convolutions, else on WebAssembly SIMD (./convKernels.ts). */
const conv2DBackpropInput =
  (simd: ConvGradients) =>
  (args: KernelArgs): TensorInfo => {
    const backend = args.backend as BackendWithDispose;
    const { dy, filter } = args.inputs;
    const a = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const format = tf.backend_util.convertConv2DDataFormat(a.dataFormat);
    const info = tf.backend_util.computeConv2DInfo(
      a.inputShape,
      filter.shape as [number, number, number, number],
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
      false,
      format,
    );
    if (stride1ChannelsLast(info)) return inputGradientByConv(backend, dy, filter, info);
    return compute(backend, a.inputShape, 'float32', [dy, filter], (out, [dyv, wv]) =>
      simd.inputGradient(dyv as Float32Array, wv as Float32Array, info, out as Float32Array),
    );
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
  return compute(backend, info.filterShape, 'float32', [x, dy], (out, [xv, dyv]) =>
    out.set(depthwiseFilterGradient(xv as Float32Array, dyv as Float32Array, info)),
  );
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
  return compute(backend, info.inShape, 'float32', [dy, filter], (out, [dyv, wv]) =>
    out.set(depthwiseInputGradient(dyv as Float32Array, wv as Float32Array, info)),
  );
}

/**
 * The gradient of max pooling (channels-last): each output's gradient goes to the first
 * position of its window holding the window's maximum (scanning rows, then columns, with a
 * strict comparison: TensorFlow.js's CPU kernel's tie rule; ReLU zeros make ties common).
 * Windows with no value above -Infinity (all -Infinity or NaN) pass no gradient. Overlapping
 * windows add their contributions (in float32, into `dx`).
 */
export function maxPoolGradient(
  x: Float32Array,
  dy: Float32Array,
  c: tf.backend_util.Conv2DInfo,
  dx: Float32Array = new Float32Array(c.batchSize * c.inHeight * c.inWidth * c.inChannels),
): Float32Array {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = c;
  const eh = c.effectiveFilterHeight;
  const ew = c.effectiveFilterWidth;
  const top = c.padInfo.top;
  const left = c.padInfo.left;
  dx.fill(0);
  for (let b = 0; b < B; b++) {
    for (let yr = 0; yr < OH; yr++) {
      const r0 = yr * sh - top;
      let rMin = r0;
      while (rMin < 0) rMin += dh;
      const rMax = Math.min(H, r0 + eh);
      for (let yc = 0; yc < OW; yc++) {
        const c0 = yc * sw - left;
        let cMin = c0;
        while (cMin < 0) cMin += dw;
        const cMax = Math.min(W, c0 + ew);
        const yAt = ((b * OH + yr) * OW + yc) * C;
        for (let d = 0; d < C; d++) {
          let best = -Infinity;
          let at = -1;
          for (let r = rMin; r < rMax; r += dh) {
            const rowAt = (b * H + r) * W * C + d;
            for (let q = cMin; q < cMax; q += dw) {
              const v = x[rowAt + q * C];
              if (v > best) {
                best = v;
                at = rowAt + q * C;
              }
            }
          }
          if (at >= 0) dx[at] += dy[yAt + d];
        }
      }
    }
  }
  return dx;
}

/** MaxPoolGrad in place of the backend's own: WebAssembly SIMD when `simd` is given and the
 * channels are a multiple of 4, else the JavaScript loops above. */
const maxPoolGrad =
  (simd: ConvGradients | null) =>
  (args: KernelArgs): TensorInfo => {
    const backend = args.backend as WasmLike;
    const { dy, input } = args.inputs;
    const a = args.attrs as unknown as tf.MaxPoolGradAttrs;
    const info = tf.backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      a.filterSize,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
    );
    return compute(backend, input.shape, 'float32', [input, dy], (out, [xv, dyv]) => {
      const x = xv as Float32Array;
      const g = dyv as Float32Array;
      if (!simd?.maxPoolGradient(x, g, info, out as Float32Array))
        maxPoolGradient(x, g, info, out as Float32Array);
    });
  };

function unsortedSegmentSum(args: KernelArgs): TensorInfo {
  const backend = args.backend as WasmLike;
  const { x, segmentIds } = args.inputs;
  const numSegments = (args.attrs as unknown as tf.UnsortedSegmentSumAttrs).numSegments;
  const inner = tf.util.sizeFromShape(x.shape.slice(segmentIds.shape.length));
  const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const dtype = x.dtype === 'int32' ? 'int32' : 'float32';
  return compute(backend, outShape, dtype, [segmentIds, x], (result, [ids, xs]) => {
    const out = new Float64Array(numSegments * inner);
    for (let s = 0; s < ids.length; s++) {
      const id = ids[s];
      if (id < 0 || id >= numSegments) continue;
      const src = s * inner;
      const dst = id * inner;
      for (let k = 0; k < inner; k++) out[dst + k] += xs[src + k];
    }
    result.set(out);
  });
}

/** Marks the kernel functions registered here, so that a second registration leaves them. */
const TOPOLENS_KERNEL = Symbol.for('topolens.kernel');

/**
 * Registers the kernels above for the wasm backend: the ones it lacks (skipping any already
 * registered), and replacements for two of its own that are an order of magnitude slower than
 * they need to be in CNN training (MaxPoolGrad, Conv2DBackpropInput; same results as the CPU
 * backend, tested). The conv gradients run on WebAssembly SIMD (./convKernels.ts) unless
 * `options.simd` is false or SIMD is missing, then on the JavaScript loops above.
 */
export function registerMissingWasmKernels(options: { simd?: boolean } = {}): void {
  const simd = options.simd !== false ? createConvGradients() : null;
  const missing: Array<[string, (a: KernelArgs) => TensorInfo]> = [
    ['Conv2DBackpropFilter', conv2DBackpropFilter(simd)],
    ['DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilter],
    ['DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInput],
    ['UnsortedSegmentSum', unsortedSegmentSum],
  ];
  const replaced: Array<[string, (a: KernelArgs) => TensorInfo]> = [
    ['MaxPoolGrad', maxPoolGrad(simd)],
  ];
  if (simd) replaced.push(['Conv2DBackpropInput', conv2DBackpropInput(simd)]);
  const register = (kernelName: string, fn: (a: KernelArgs) => TensorInfo): void => {
    Object.defineProperty(fn, TOPOLENS_KERNEL, { value: true });
    const config: KernelConfig = {
      kernelName,
      backendName: 'wasm',
      kernelFunc: fn as unknown as KernelFunc,
    };
    tf.registerKernel(config);
  };
  const registered = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
  for (const [kernelName, fn] of missing) {
    if (!registered.has(kernelName)) register(kernelName, fn);
  }
  for (const [kernelName, fn] of replaced) {
    const current = tf.getKernel(kernelName, 'wasm');
    if (current && (current.kernelFunc as unknown as Record<symbol, unknown>)[TOPOLENS_KERNEL])
      continue;
    if (current) tf.unregisterKernel(kernelName, 'wasm');
    register(kernelName, fn);
  }
}
