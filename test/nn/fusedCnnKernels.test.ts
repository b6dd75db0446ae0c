/**
 * The SIMD kernels of the fused CNN step against their definitions: the output-stationary
 * forward convolution and filter gradient on padded inputs (./convKernels.ts, through
 * ./cnnKernels.ts), the forward convolution fused with 2 x 2 max pooling, bias and ReLU
 * (ties, -Infinity and NaN as the JS pooling of ./fusedCnnTrainer.ts treats them), and the dense
 * head (./fusedCnnHead.ts).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsConvProducts, simdConvProducts, type ConvShape } from '../../src/nn/cnnKernels.js';
import { simdDenseHead } from '../../src/nn/fusedCnnHead.js';

function uniforms(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const shapes = fc.record({
  batch: fc.integer({ min: 1, max: 3 }),
  height: fc.integer({ min: 1, max: 8 }),
  width: fc.integer({ min: 1, max: 8 }),
  // 1-4: the unrolled channel loops; 5-9: the looped one
  inChannels: fc.integer({ min: 1, max: 9 }),
  // up to 8 vectors in registers; 33-40: the looped kernel
  outChannels: fc.oneof(fc.integer({ min: 1, max: 17 }), fc.integer({ min: 33, max: 40 })),
  filterHeight: fc.constantFrom(1, 3, 5),
  filterWidth: fc.constantFrom(1, 3),
});

describe('padded SIMD convolution kernels', () => {
  it('forward product and filter gradient equal the JS products on random shapes', () => {
    const simd = simdConvProducts()!;
    const js = jsConvProducts();
    fc.assert(
      fc.property(shapes, fc.integer({ min: 0, max: 2 ** 31 }), (s, seed) => {
        const rand = uniforms(seed);
        const n = (k: number) => Float32Array.from({ length: k }, () => rand() * 2 - 1);
        const x = n(s.batch * s.height * s.width * s.inChannels);
        const dy = n(s.batch * s.height * s.width * s.outChannels);
        const w = n(s.filterHeight * s.filterWidth * s.inChannels * s.outChannels);
        const [y1, y2] = [new Float32Array(dy.length), new Float32Array(dy.length)];
        simd.forward(x, w, s, y1);
        js.forward(x, w, s, y2);
        expect(maxAbsDiff(y1, y2)).toBeLessThan(1e-5);
        const [g1, g2] = [new Float32Array(w.length), new Float32Array(w.length)];
        simd.filterGradient(x, dy, s, g1);
        js.filterGradient(x, dy, s, g2);
        expect(maxAbsDiff(g1, g2)).toBeLessThan(1e-5);
      }),
      { numRuns: 80 },
    );
  });

  it('a batch of 32 MNIST-sized images (the bench shapes)', () => {
    const simd = simdConvProducts()!;
    const js = jsConvProducts();
    const rand = uniforms(3);
    for (const [H, ci, co] of [
      [28, 1, 8],
      [14, 8, 16],
    ]) {
      const s: ConvShape = {
        batch: 32,
        height: H,
        width: H,
        inChannels: ci,
        outChannels: co,
        filterHeight: 3,
        filterWidth: 3,
      };
      const x = Float32Array.from({ length: 32 * H * H * ci }, () => (rand() < 0.5 ? 0 : rand()));
      const dy = Float32Array.from({ length: 32 * H * H * co }, () => rand() - 0.5);
      const w = Float32Array.from({ length: 9 * ci * co }, () => rand() - 0.5);
      const [y1, y2] = [new Float32Array(dy.length), new Float32Array(dy.length)];
      simd.forward(x, w, s, y1);
      js.forward(x, w, s, y2);
      expect(maxAbsDiff(y1, y2)).toBeLessThan(1e-5);
      const [g1, g2] = [new Float32Array(w.length), new Float32Array(w.length)];
      simd.filterGradient(x, dy, s, g1);
      js.filterGradient(x, dy, s, g2);
      // sums over 32 x H x H terms: float32 per image, float64 over the batch
      expect(maxAbsDiff(g1, g2)).toBeLessThan(1e-4);
    }
  });
});

/** The JS pooling of fusedCnnTrainer (pooled ReLU case): first maximum (strict >, rows then
 * columns), -1 where none beats -Infinity, relu(max + bias). */
function referencePool(y: Float32Array, bias: Float32Array, B: number, H: number, W: number) {
  const C = bias.length;
  const OH = Math.floor(H / 2);
  const OW = Math.floor(W / 2);
  const out = new Float32Array(B * OH * OW * C);
  const am = new Int32Array(out.length);
  let k = 0;
  for (let b = 0; b < B; b++)
    for (let r = 0; r < OH; r++)
      for (let q = 0; q < OW; q++)
        for (let c = 0; c < C; c++, k++) {
          let best = -Infinity;
          let at = -1;
          for (let i = 0; i < 2; i++)
            for (let j = 0; j < 2; j++) {
              const a = ((b * H + 2 * r + i) * W + 2 * q + j) * C + c;
              if (y[a] > best) {
                best = y[a];
                at = a;
              }
            }
          const z = (at >= 0 ? best : -Infinity) + bias[c];
          out[k] = z > 0 ? z : 0;
          am[k] = at;
        }
  return { out, am };
}

describe('forward convolution fused with 2 x 2 max pooling, bias and ReLU', () => {
  it('equals the forward product then the JS pooling, ties, -Infinity and NaN included', () => {
    const simd = simdConvProducts()!;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 2, max: 9 }),
        fc.integer({ min: 2, max: 9 }),
        fc.constantFrom(4, 8, 12, 36),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (B, H, W, co, seed) => {
          const rand = uniforms(seed);
          // a 1x1 filter from one channel with power-of-two weights: y = x w exactly, so the
          // window values (and their ties, infinities and NaNs) are chosen here
          const s: ConvShape = {
            batch: B,
            height: H,
            width: W,
            inChannels: 1,
            outChannels: co,
            filterHeight: 1,
            filterWidth: 1,
          };
          const x = Float32Array.from({ length: B * H * W }, () => {
            const u = rand();
            if (u < 0.1) return -Infinity;
            if (u < 0.15) return NaN;
            return Math.round(rand() * 6) - 3; // few distinct values: many ties
          });
          const w = Float32Array.from({ length: co }, (_, c) => (c % 3 === 0 ? -1 : 2));
          const bias = Float32Array.from({ length: co }, () => Math.round(rand() * 4) - 2);
          const y = new Float32Array(B * H * W * co);
          for (let p = 0; p < B * H * W; p++)
            for (let c = 0; c < co; c++) y[p * co + c] = x[p] * w[c];
          const ref = referencePool(y, bias, B, H, W);
          const out = new Float32Array(ref.out.length).fill(7);
          const am = new Int32Array(ref.am.length).fill(7);
          simd.forwardPooledRelu!(x, w, bias, s, out, am);
          expect(Array.from(am)).toEqual(Array.from(ref.am));
          expect(Array.from(out)).toEqual(Array.from(ref.out));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a 3x3 convolution, then pooling, equals the JS forward product then the JS pooling', () => {
    const simd = simdConvProducts()!;
    const js = jsConvProducts();
    const rand = uniforms(11);
    const s: ConvShape = {
      batch: 4,
      height: 14,
      width: 14,
      inChannels: 8,
      outChannels: 16,
      filterHeight: 3,
      filterWidth: 3,
    };
    const x = Float32Array.from({ length: 4 * 196 * 8 }, () => (rand() < 0.5 ? 0 : rand()));
    const w = Float32Array.from({ length: 9 * 128 }, () => rand() - 0.5);
    const bias = Float32Array.from({ length: 16 }, () => 0.2 * (rand() - 0.5));
    const y = new Float32Array(4 * 196 * 16);
    js.forward(x, w, s, y);
    const ref = referencePool(y, bias, 4, 14, 14);
    const out = new Float32Array(ref.out.length);
    const am = new Int32Array(ref.am.length);
    simd.forwardPooledRelu!(x, w, bias, s, out, am);
    expect(maxAbsDiff(out, ref.out)).toBeLessThan(1e-5);
    // the winners agree except where two values of a window are within rounding of each other
    let differ = 0;
    for (let k = 0; k < am.length; k++) if (am[k] !== ref.am[k]) differ++;
    expect(differ).toBeLessThan(am.length * 1e-3);
  });
});

describe('SIMD dense head', () => {
  it('forward, weight, bias and input gradients equal their definitions', () => {
    const head = simdDenseHead()!;
    expect(head).not.toBeNull();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 13 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (B, I, U, seed) => {
          const rand = uniforms(seed);
          const n = (k: number) =>
            Float32Array.from({ length: k }, () => (rand() < 0.3 ? 0 : rand() * 2 - 1));
          const x = n(B * I);
          const w = n(I * U);
          const bias = n(U);
          const d = n(B * U);
          const out = new Float32Array(B * U);
          head.forward(x, w, bias, out, B, I, U);
          const gw = new Float32Array(I * U);
          const gb = new Float32Array(U);
          const dIn = new Float32Array(B * I);
          head.backward(x, d, w, gw, gb, dIn, B, I, U);
          const ref = (f: (a: number, b: number) => number, R: number, C: number) =>
            Float32Array.from({ length: R * C }, (_, i) => f(Math.floor(i / C), i % C));
          const sum = (m: number, f: (k: number) => number) => {
            let t = 0;
            for (let k = 0; k < m; k++) t += f(k);
            return t;
          };
          // prettier-ignore
          expect(maxAbsDiff(out, ref((b, u) => bias[u] + sum(I, (k) => x[b * I + k] * w[k * U + u]), B, U))).toBeLessThan(1e-5);
          // prettier-ignore
          expect(maxAbsDiff(gw, ref((k, u) => sum(B, (b) => x[b * I + k] * d[b * U + u]), I, U))).toBeLessThan(1e-5);
          expect(
            maxAbsDiff(
              gb,
              ref((_, u) => sum(B, (b) => d[b * U + u]), 1, U),
            ),
          ).toBeLessThan(1e-5);
          // prettier-ignore
          expect(maxAbsDiff(dIn, ref((b, k) => sum(U, (u) => d[b * U + u] * w[k * U + u]), B, I))).toBeLessThan(1e-5);
        },
      ),
      { numRuns: 60 },
    );
  });
});
