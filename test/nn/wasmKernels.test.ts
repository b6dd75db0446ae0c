import { describe, expect, it, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/nn/backend.js';
import fc from 'fast-check';
import { createRng } from '../../src/core/rng.js';
import { conv2dFilterGradient, maxPoolGradient } from '../../src/nn/wasmKernels.js';
import { createConvGradients } from '../../src/nn/convKernels.js';

function randomArray(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal();
  return a;
}

function relErr(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / Math.max(den, 1e-30);
}

/** Gradients of sum(f(x, w) * r) with respect to x and w, computed on `backend`. */
async function gradsOn(
  backend: 'cpu' | 'wasm',
  f: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D,
  xShape: number[],
  wShape: number[],
  seed: number,
): Promise<Float32Array[]> {
  await initBackend({ backend });
  return tf.tidy(() => {
    const x = tf.tensor4d(
      randomArray(tf.util.sizeFromShape(xShape), seed),
      xShape as [number, number, number, number],
    );
    const w = tf.tensor4d(
      randomArray(tf.util.sizeFromShape(wShape), seed + 1),
      wShape as [number, number, number, number],
    );
    const outShape = f(x, w).shape;
    const r = tf.tensor(randomArray(tf.util.sizeFromShape(outShape), seed + 2), outShape);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D), r)),
    );
    return g([x, w]).map((t) => t.dataSync() as Float32Array);
  });
}

describe('wasm gradient kernels match the CPU backend', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('initBackend is idempotent and registers the missing kernels', async () => {
    expect(await initBackend({ backend: 'wasm' })).toBe('wasm');
    expect(await initBackend({ backend: 'wasm' })).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const names = new Set(tf.getKernelsForBackend('wasm').map((k) => k.kernelName));
    for (const k of [
      'Conv2DBackpropFilter',
      'DepthwiseConv2dNativeBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
      'UnsortedSegmentSum',
    ]) {
      expect(names.has(k)).toBe(true);
    }
    await expect(initBackend({ backend: 'gpu' as 'cpu' })).rejects.toThrow(/unknown backend/);
  });

  const rng = createRng(7);
  const cases = Array.from({ length: 8 }, (_, i) => {
    const b = 1 + rng.int(3);
    const h = 4 + rng.int(6);
    const w = 4 + rng.int(6);
    const ci = 1 + rng.int(4);
    const co = 1 + rng.int(5);
    const k = 1 + rng.int(3);
    const stride = 1 + rng.int(2);
    const pad: 'same' | 'valid' = i % 2 === 0 ? 'same' : 'valid';
    const mult = 1 + rng.int(2);
    return { b, h, w, ci, co, k, stride, pad, mult, seed: 100 + i };
  });

  it.each(cases)('conv2d %o', async (c) => {
    const f = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.conv2d(x, w, c.stride, c.pad);
    const xs = [c.b, c.h, c.w, c.ci];
    const ws = [c.k, c.k, c.ci, c.co];
    const cpu = await gradsOn('cpu', f, xs, ws, c.seed);
    const wasm = await gradsOn('wasm', f, xs, ws, c.seed);
    expect(relErr(wasm[0], cpu[0])).toBeLessThan(1e-5);
    expect(relErr(wasm[1], cpu[1])).toBeLessThan(1e-5);
  });

  // stride 1 takes the route through the backend's Conv2D (flipped, transposed filter):
  // odd and even filter sizes (even 'same' pads asymmetrically), rectangular filters
  it.each([
    { b: 2, h: 7, w: 6, ci: 3, co: 5, kh: 3, kw: 3, pad: 'same' as const, seed: 401 },
    { b: 1, h: 8, w: 8, ci: 2, co: 4, kh: 2, kw: 2, pad: 'same' as const, seed: 402 },
    { b: 2, h: 9, w: 7, ci: 4, co: 3, kh: 4, kw: 2, pad: 'same' as const, seed: 403 },
    { b: 1, h: 6, w: 9, ci: 1, co: 6, kh: 3, kw: 5, pad: 'valid' as const, seed: 404 },
    { b: 3, h: 5, w: 5, ci: 5, co: 2, kh: 1, kw: 1, pad: 'valid' as const, seed: 405 },
  ])('conv2d stride-1 input gradient through Conv2D %o', async (c) => {
    const f = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.conv2d(x, w, 1, c.pad);
    const xs = [c.b, c.h, c.w, c.ci];
    const ws = [c.kh, c.kw, c.ci, c.co];
    const cpu = await gradsOn('cpu', f, xs, ws, c.seed);
    const wasm = await gradsOn('wasm', f, xs, ws, c.seed);
    expect(relErr(wasm[0], cpu[0])).toBeLessThan(1e-5);
    expect(relErr(wasm[1], cpu[1])).toBeLessThan(1e-5);
  });

  it.each(cases)('depthwiseConv2d %o', async (c) => {
    const f = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.depthwiseConv2d(x, w, c.stride, c.pad);
    const xs = [c.b, c.h, c.w, c.ci];
    const ws = [c.k, c.k, c.ci, c.mult];
    const cpu = await gradsOn('cpu', f, xs, ws, c.seed);
    const wasm = await gradsOn('wasm', f, xs, ws, c.seed);
    expect(relErr(wasm[0], cpu[0])).toBeLessThan(1e-5);
    expect(relErr(wasm[1], cpu[1])).toBeLessThan(1e-5);
  });

  it('conv2d filter gradient is right by a finite-difference-free hand case', async () => {
    await initBackend({ backend: 'wasm' });
    // x = 1..4 in a 2x2 single-channel image, 1x1 filter: dW = sum x * dy = sum x with dy = 1.
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    const dw = tf.grad((w: tf.Tensor) => tf.sum(tf.conv2d(x, w as tf.Tensor4D, 1, 'valid')))(
      tf.ones([1, 1, 1, 1]),
    );
    expect(Array.from(dw.dataSync())).toEqual([10]);
  });

  it('gather gradient (UnsortedSegmentSum) matches the CPU backend', async () => {
    const run = async (backend: 'cpu' | 'wasm') => {
      await initBackend({ backend });
      return tf.tidy(() => {
        const table = tf.tensor2d(randomArray(10 * 3, 5), [10, 3]);
        const idx = tf.tensor2d([1, 3, 3, 9, 0, 1], [2, 3], 'int32');
        const r = tf.tensor(randomArray(2 * 3 * 3, 6), [2, 3, 3]);
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, idx), r)))(table);
        return g.dataSync() as Float32Array;
      });
    };
    const cpu = await run('cpu');
    const wasm = await run('wasm');
    expect(relErr(wasm, cpu)).toBeLessThan(1e-6);
    // rows never gathered get zero gradient
    expect(Array.from(cpu.slice(6, 9))).toEqual([0, 0, 0]);
  });
});

/** dx[b, ih, iw, c] = sum dy[b, oh, ow, q] W[i, j, c, q] over the taps that reach (ih, iw). */
function naiveInputGradient(
  dy: Float32Array,
  w: Float32Array,
  c: tf.backend_util.Conv2DInfo,
): Float32Array {
  const cl = c.dataFormat === 'channelsLast';
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: ci, outChannels: co } = c;
  const at = (b: number, r: number, col: number, q: number, R: number, C: number, ch: number) =>
    cl ? ((b * R + r) * C + col) * ch + q : ((b * ch + q) * R + r) * C + col;
  const dx = new Float64Array(B * H * W * ci);
  for (let b = 0; b < B; b++)
    for (let oh = 0; oh < c.outHeight; oh++)
      for (let ow = 0; ow < c.outWidth; ow++)
        for (let i = 0; i < c.filterHeight; i++)
          for (let j = 0; j < c.filterWidth; j++) {
            const ih = oh * c.strideHeight + i * c.dilationHeight - c.padInfo.top;
            const iw = ow * c.strideWidth + j * c.dilationWidth - c.padInfo.left;
            if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
            for (let k = 0; k < ci; k++)
              for (let q = 0; q < co; q++)
                dx[at(b, ih, iw, k, H, W, ci)] +=
                  dy[at(b, oh, ow, q, c.outHeight, c.outWidth, co)] *
                  w[((i * c.filterWidth + j) * ci + k) * co + q];
          }
  return Float32Array.from(dx);
}

describe('the WebAssembly SIMD conv gradients equal the JavaScript and naive ones', () => {
  const simd = createConvGradients();

  it('is available on this runtime', () => {
    expect(simd).not.toBeNull();
  });

  it('on random shapes, strides, dilations, paddings, both layouts and wide filters', () => {
    fc.assert(
      fc.property(
        fc.record({
          b: fc.integer({ min: 1, max: 3 }),
          h: fc.integer({ min: 3, max: 9 }),
          w: fc.integer({ min: 3, max: 9 }),
          // up to 8 vectors take the unrolled input-gradient kernel, more the looped one
          ci: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 33, max: 37 })),
          // 1..8 vectors take the unrolled kernel, more the looped one
          co: fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 30, max: 40 })),
          k: fc.integer({ min: 1, max: 3 }),
          stride: fc.integer({ min: 1, max: 2 }),
          dilation: fc.integer({ min: 1, max: 2 }),
          pad: fc.constantFrom('same' as const, 'valid' as const),
          format: fc.constantFrom('channelsLast' as const, 'channelsFirst' as const),
          zeros: fc.double({ min: 0, max: 0.8, noNaN: true }),
          seed: fc.integer({ min: 1, max: 1e6 }),
        }),
        (c) => {
          const span = (c.k - 1) * c.dilation + 1;
          if (c.pad === 'valid' && (span > c.h || span > c.w)) return;
          // tfjs allows dilation > 1 only with stride 1
          const stride = c.dilation > 1 ? 1 : c.stride;
          const inShape: [number, number, number, number] =
            c.format === 'channelsLast' ? [c.b, c.h, c.w, c.ci] : [c.b, c.ci, c.h, c.w];
          const info = tf.backend_util.computeConv2DInfo(
            inShape,
            [c.k, c.k, c.ci, c.co],
            stride,
            c.dilation,
            c.pad,
            undefined,
            false,
            c.format,
          );
          const rng = createRng(c.seed);
          const x = Float32Array.from({ length: tf.util.sizeFromShape(inShape) }, () =>
            rng.next() < c.zeros ? 0 : rng.normal(),
          );
          const dy = randomArray(tf.util.sizeFromShape(info.outShape), c.seed + 1);
          const want = conv2dFilterGradient(x, dy, info);
          const got = simd!.filterGradient(x, dy, info);
          expect(got.length).toBe(want.length);
          expect(relErr(got, want)).toBeLessThan(1e-5);
          // the input gradient, against the definition
          const w = randomArray(c.k * c.k * c.ci * c.co, c.seed + 2);
          const dx = simd!.inputGradient(dy, w, info);
          expect(dx.length).toBe(x.length);
          expect(relErr(dx, naiveInputGradient(dy, w, info))).toBeLessThan(1e-5);
        },
      ),
      { numRuns: 150, seed: 5 },
    );
  });

  it('keeps float32 accuracy over a large batch (float64 total over per-image sums)', () => {
    // 64 images of 28 x 28, 3 x 3 filter: 50,176 positions summed per weight
    const inShape: [number, number, number, number] = [64, 28, 28, 2];
    const info = tf.backend_util.computeConv2DInfo(inShape, [3, 3, 2, 8], 1, 1, 'same');
    const x = randomArray(tf.util.sizeFromShape(inShape), 3);
    const dy = randomArray(tf.util.sizeFromShape(info.outShape), 4);
    const want = conv2dFilterGradient(x, dy, info); // float64 accumulation
    expect(relErr(simd!.filterGradient(x, dy, info), want)).toBeLessThan(2e-6);
  });
});

describe('MaxPoolGrad (replacing the wasm backend kernel) matches the CPU backend', () => {
  async function poolGrad(
    backend: 'cpu' | 'wasm',
    x: Float32Array,
    shape: [number, number, number, number],
    k: number,
    stride: number,
    pad: 'same' | 'valid',
    seed: number,
  ): Promise<Float32Array> {
    await initBackend({ backend });
    return tf.tidy(() => {
      const xt = tf.tensor4d(x, shape);
      const outShape = tf.maxPool(xt, k, stride, pad).shape;
      const r = tf.tensor(randomArray(tf.util.sizeFromShape(outShape), seed), outShape);
      const g = tf.grad((a: tf.Tensor) =>
        tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, k, stride, pad), r)),
      );
      return g(xt).dataSync() as Float32Array;
    });
  }

  it('is registered in place of the backend kernel', async () => {
    await initBackend({ backend: 'wasm' });
    const fn = tf.getKernel('MaxPoolGrad', 'wasm')!.kernelFunc as unknown as Record<
      symbol,
      unknown
    >;
    expect(fn[Symbol.for('topolens.kernel')]).toBe(true);
  });

  const rng = createRng(21);
  const cases = Array.from({ length: 10 }, (_, i) => ({
    shape: [1 + rng.int(3), 3 + rng.int(8), 3 + rng.int(8), 1 + rng.int(5)] as [
      number,
      number,
      number,
      number,
    ],
    k: 1 + rng.int(3),
    stride: 1 + rng.int(3),
    pad: (i % 2 === 0 ? 'same' : 'valid') as 'same' | 'valid',
    // half the cases are ReLU-like: many exact zeros, so ties decide where the gradient goes
    zeros: i % 4 < 2 ? 0.6 : 0,
    seed: 300 + i,
  }));

  it.each(cases)('maxPool gradient %o', async (c) => {
    if (c.pad === 'valid' && (c.k > c.shape[1] || c.k > c.shape[2])) return;
    const r = createRng(c.seed);
    const x = Float32Array.from({ length: tf.util.sizeFromShape(c.shape) }, () =>
      r.next() < c.zeros ? 0 : r.normal(),
    );
    const cpu = await poolGrad('cpu', x, c.shape, c.k, c.stride, c.pad, c.seed + 1);
    const wasm = await poolGrad('wasm', x, c.shape, c.k, c.stride, c.pad, c.seed + 1);
    expect(relErr(wasm, cpu)).toBeLessThan(1e-6);
  });
});

describe('the WebAssembly SIMD max-pool gradient equals the JavaScript one', () => {
  const simd = createConvGradients()!;

  it('on random shapes, windows, strides, paddings, ties, -Infinity and NaN', () => {
    fc.assert(
      fc.property(
        fc.record({
          b: fc.integer({ min: 1, max: 3 }),
          h: fc.integer({ min: 2, max: 9 }),
          w: fc.integer({ min: 2, max: 9 }),
          c: fc.constantFrom(4, 8, 12, 16),
          k: fc.integer({ min: 1, max: 3 }),
          stride: fc.integer({ min: 1, max: 3 }),
          pad: fc.constantFrom('same' as const, 'valid' as const),
          zeros: fc.double({ min: 0, max: 0.7, noNaN: true }),
          seed: fc.integer({ min: 1, max: 1e6 }),
        }),
        (p) => {
          if (p.pad === 'valid' && (p.k > p.h || p.k > p.w)) return;
          const shape: [number, number, number, number] = [p.b, p.h, p.w, p.c];
          const info = tf.backend_util.computePool2DInfo(shape, p.k, p.stride, 1, p.pad);
          const rng = createRng(p.seed);
          const x = Float32Array.from({ length: tf.util.sizeFromShape(shape) }, () => {
            const u = rng.next();
            // ties (ReLU zeros), and rarely -Infinity or NaN, which must never win
            if (u < p.zeros) return 0;
            if (u < p.zeros + 0.02) return -Infinity;
            if (u < p.zeros + 0.04) return NaN;
            return rng.normal();
          });
          const dy = randomArray(tf.util.sizeFromShape(info.outShape), p.seed + 1);
          const got = simd.maxPoolGradient(x, dy, info)!;
          expect(got).not.toBeNull();
          expect(Array.from(got)).toEqual(Array.from(maxPoolGradient(x, dy, info)));
        },
      ),
      { numRuns: 150, seed: 9 },
    );
  });

  it('declines channel counts that are not a multiple of 4', () => {
    const info = tf.backend_util.computePool2DInfo([1, 4, 4, 3], 2, 2, 1, 'valid');
    expect(simd.maxPoolGradient(new Float32Array(48), new Float32Array(12), info)).toBeNull();
  });
});
