/**
 * The filter gradient of a 2-D convolution on WebAssembly SIMD:
 *
 *   dW[fh, fw, ci, co] = sum over b, oh, ow of x[b, ih, iw, ci] dy[b, oh, ow, co],
 *   ih = oh sh + fh dh - top, iw = ow sw + fw dw - left (positions outside the input skipped).
 *
 * Inputs are copied into the kernel's memory channels-last, with the output channels padded to
 * a multiple of 4 (one f32x4 vector per 4 channels; `conv2dFilterGradientWasm` does the copy for
 * either layout). For each output position the kernel keeps dy's channel vectors in registers
 * and adds x * dy into the rows of dW the position touches, skipping zero inputs (ReLU outputs
 * and MNIST pixels are mostly zero). Each image's sums are accumulated in float32 and then
 * added into a float64 total, so the rounding error does not grow with the batch size.
 */
import type * as tf from '@tensorflow/tfjs';
import {
  I32,
  assembleModule,
  compileWasmModule,
  functionEmitter,
  instantiateWasm,
  op,
  simdOp,
  V128,
  type ValueType,
  type WasmMemory,
} from '../linalg/wasmAssembler.js';

const F64_LOAD = 0x2b;
const F64_STORE = 0x39;
const F64_ADD = 0xa0;
const F64_PROMOTE_F32 = 0xbb;

const PARAMS = [
  'x',
  'dy',
  'acc',
  'scratch',
  'batch',
  'inH',
  'inW',
  'inCBytes',
  'outH',
  'outW',
  'coBytes',
  'fh',
  'fw',
  'sh',
  'sw',
  'dh',
  'dw',
  'top',
  'left',
  'blockBytes',
  'kBytes',
] as const;

/**
 * The kernel for `coVecs` output-channel vectors (1..8: dy's vectors live in registers and the
 * inner loop is unrolled), or any number (0: a loop over the vectors).
 */
function filterGradientBytes(coVecs: number): Uint8Array {
  const types: ValueType[] = PARAMS.map(() => I32);
  const e = functionEmitter(types);
  const P = Object.fromEntries(PARAMS.map((n, i) => [n, i])) as Record<
    (typeof PARAMS)[number],
    number
  >;
  const L = (): number => e.local(I32);
  const [zero, b, oh, ow, i, j, c, v, t, ih, iw, dyp, xp, wp, addr] = Array.from({ length: 15 }, L);
  const coef = e.local(V128);
  const dyv = Array.from({ length: coVecs }, () => e.local(V128));
  const mulAdd = (...xs: number[]): void => {
    // leaves sum of products of locals pairs? (helper for index arithmetic: a*b + c)
    e.get(xs[0]);
    e.get(xs[1]);
    e.ops(op.i32Mul);
    e.get(xs[2]);
    e.ops(op.i32Add);
  };

  e.forRange(b, zero, P.batch, 1, () => {
    // scratch = 0
    e.forRange(t, zero, P.kBytes, 16, () => {
      e.get(P.scratch);
      e.get(t);
      e.ops(op.i32Add);
      e.v128Zero();
      e.v128Store();
    });
    e.forRange(oh, zero, P.outH, 1, () => {
      e.forRange(ow, zero, P.outW, 1, () => {
        // dyp = dy + ((b outH + oh) outW + ow) coBytes
        mulAdd(b, P.outH, oh);
        e.get(P.outW);
        e.ops(op.i32Mul);
        e.get(ow);
        e.ops(op.i32Add);
        e.get(P.coBytes);
        e.ops(op.i32Mul);
        e.get(P.dy);
        e.ops(op.i32Add);
        e.set(dyp);
        dyv.forEach((l, k) => {
          e.get(dyp);
          e.v128Load(16 * k);
          e.set(l);
        });
        e.forRange(i, zero, P.fh, 1, () => {
          // ih = oh sh + i dh - top; unsigned ih < inH also rejects negative ih
          mulAdd(oh, P.sh, zero);
          e.get(i);
          e.get(P.dh);
          e.ops(op.i32Mul, op.i32Add);
          e.get(P.top);
          e.ops(op.i32Sub);
          e.tee(ih);
          e.get(P.inH);
          e.ops(op.i32LtU);
          e.ifElse(() => {
            e.forRange(j, zero, P.fw, 1, () => {
              mulAdd(ow, P.sw, zero);
              e.get(j);
              e.get(P.dw);
              e.ops(op.i32Mul, op.i32Add);
              e.get(P.left);
              e.ops(op.i32Sub);
              e.tee(iw);
              e.get(P.inW);
              e.ops(op.i32LtU);
              e.ifElse(() => {
                // xp = x + ((b inH + ih) inW + iw) inCBytes
                mulAdd(b, P.inH, ih);
                e.get(P.inW);
                e.ops(op.i32Mul);
                e.get(iw);
                e.ops(op.i32Add);
                e.get(P.inCBytes);
                e.ops(op.i32Mul);
                e.get(P.x);
                e.ops(op.i32Add);
                e.set(xp);
                // wp = scratch + (i fw + j) blockBytes
                mulAdd(i, P.fw, j);
                e.get(P.blockBytes);
                e.ops(op.i32Mul);
                e.get(P.scratch);
                e.ops(op.i32Add);
                e.set(wp);
                e.forRange(c, zero, P.inCBytes, 4, () => {
                  e.get(xp);
                  e.get(c);
                  e.ops(op.i32Add);
                  e.f32Load();
                  e.simd(simdOp.f32x4Splat);
                  e.tee(coef);
                  // skip zero inputs: any lane of the splat is the value
                  e.simd(simdOp.f32x4ExtractLane, 0);
                  e.f32(0);
                  e.ops(op.f32Ne);
                  e.ifElse(() => {
                    if (coVecs > 0) {
                      dyv.forEach((l, k) => {
                        e.get(wp);
                        e.get(wp);
                        e.v128Load(16 * k);
                        e.get(coef);
                        e.get(l);
                        e.simd(simdOp.f32x4Mul);
                        e.simd(simdOp.f32x4Add);
                        e.v128Store(16 * k);
                      });
                    } else {
                      e.forRange(v, zero, P.coBytes, 16, () => {
                        e.get(wp);
                        e.get(v);
                        e.ops(op.i32Add);
                        e.tee(addr);
                        e.get(addr);
                        e.v128Load();
                        e.get(coef);
                        e.get(dyp);
                        e.get(v);
                        e.ops(op.i32Add);
                        e.v128Load();
                        e.simd(simdOp.f32x4Mul);
                        e.simd(simdOp.f32x4Add);
                        e.v128Store();
                      });
                    }
                  });
                  e.get(wp);
                  e.get(P.coBytes);
                  e.ops(op.i32Add);
                  e.set(wp);
                });
              });
            });
          });
        });
      });
    });
    // acc (float64) += scratch (float32)
    e.forRange(t, zero, P.kBytes, 4, () => {
      e.get(P.acc);
      e.get(t);
      e.get(t);
      e.ops(op.i32Add, op.i32Add);
      e.tee(addr);
      e.get(addr);
      e.ops(F64_LOAD, 3, 0);
      e.get(P.scratch);
      e.get(t);
      e.ops(op.i32Add);
      e.f32Load();
      e.ops(F64_PROMOTE_F32, F64_ADD, F64_STORE, 3, 0);
    });
  });
  return assembleModule([{ name: 'filterGradient', params: types, body: e.finish() }]);
}

interface FilterGradientExports {
  memory: WasmMemory;
  filterGradient(...args: number[]): void;
}

/**
 * A filter-gradient function with its own kernel instances (one per number of output-channel
 * vectors, compiled on first use), or null where WebAssembly SIMD is unavailable.
 */
export function createConv2dFilterGradient():
  ((x: Float32Array, dy: Float32Array, c: tf.backend_util.Conv2DInfo) => Float32Array) | null {
  const instances = new Map<number, FilterGradientExports>();
  const instance = (coVecs: number): FilterGradientExports | null => {
    const key = coVecs <= 8 ? coVecs : 0;
    let ex = instances.get(key);
    if (!ex) {
      ex = instantiateWasm(compileWasmModule(filterGradientBytes(key))) as unknown as
        FilterGradientExports | undefined;
      if (!ex) return null;
      instances.set(key, ex);
    }
    return ex;
  };
  if (!instance(1)) return null;

  return (x, dy, c) => {
    const cl = c.dataFormat === 'channelsLast';
    const { batchSize: B, inHeight: H, inWidth: W, inChannels: ci, outChannels: co } = c;
    const { outHeight: OH, outWidth: OW, filterHeight: fh, filterWidth: fw } = c;
    const coPad = Math.ceil(co / 4) * 4;
    const coVecs = coPad / 4;
    const ex = instance(coVecs)!;
    const xBytes = B * H * W * ci * 4;
    const dyBytes = B * OH * OW * coPad * 4;
    const blockBytes = ci * coPad * 4;
    const kBytes = fh * fw * blockBytes;
    const at = (n: number): number => Math.ceil(n / 16) * 16;
    const xAt = 64;
    const dyAt = xAt + at(xBytes);
    const scratchAt = dyAt + at(dyBytes);
    const accAt = scratchAt + at(kBytes);
    const end = accAt + 2 * kBytes;
    const have = ex.memory.buffer.byteLength;
    if (end > have) ex.memory.grow(Math.ceil((end - have) / 65536));
    const f32 = new Float32Array(ex.memory.buffer);
    // x, channels-last
    if (cl) f32.set(x, xAt / 4);
    else {
      let k = xAt / 4;
      for (let b = 0; b < B; b++)
        for (let h = 0; h < H; h++)
          for (let w = 0; w < W; w++)
            for (let q = 0; q < ci; q++) f32[k++] = x[((b * ci + q) * H + h) * W + w];
    }
    // dy, channels-last with padded channels
    if (cl && coPad === co) f32.set(dy, dyAt / 4);
    else {
      let k = dyAt / 4;
      for (let b = 0; b < B; b++)
        for (let h = 0; h < OH; h++)
          for (let w = 0; w < OW; w++) {
            for (let q = 0; q < co; q++)
              f32[k + q] = cl
                ? dy[((b * OH + h) * OW + w) * co + q]
                : dy[((b * co + q) * OH + h) * OW + w];
            for (let q = co; q < coPad; q++) f32[k + q] = 0;
            k += coPad;
          }
    }
    const f64 = new Float64Array(ex.memory.buffer, accAt, kBytes / 4);
    f64.fill(0);
    ex.filterGradient(
      xAt,
      dyAt,
      accAt,
      scratchAt,
      B,
      H,
      W,
      ci * 4,
      OH,
      OW,
      coPad * 4,
      fh,
      fw,
      c.strideHeight,
      c.strideWidth,
      c.dilationHeight,
      c.dilationWidth,
      c.padInfo.top,
      c.padInfo.left,
      blockBytes,
      kBytes,
    );
    const out = new Float32Array(fh * fw * ci * co);
    for (let r = 0, n = fh * fw * ci; r < n; r++)
      for (let q = 0; q < co; q++) out[r * co + q] = f64[r * coPad + q];
    return out;
  };
}
