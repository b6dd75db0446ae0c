/**
 * The two gradients of a 2-D convolution on WebAssembly SIMD (Conv2DBackpropFilter, which the
 * TensorFlow.js wasm backend lacks, and Conv2DBackpropInput, which it has but computes several
 * times slower), and the max-pooling gradient (`maxPoolGradientBytes`, same loops):
 *
 *   dW[i, j, ci, co] = sum over b, oh, ow of x[b, ih, iw, ci] dy[b, oh, ow, co]
 *   dx[b, ih, iw, ci] = sum over oh, ow, i, j, co of dy[b, oh, ow, co] W[i, j, ci, co]
 *   with ih = oh sh + i dh - top, iw = ow sw + j dw - left (taps outside the input skipped).
 *
 * Both kernels walk the same loops (images, output positions, filter taps). Tensors are copied
 * into the kernel's memory channels-last, the vectorised channel axis padded to a multiple of
 * 4 (one f32x4 vector per 4 channels): the output channels for dW (dy's vectors stay in
 * registers per position), the input channels for dx (the dx row stays in registers per tap,
 * the filter transposed to [fh, fw, co, ci]). Zero inputs are not skipped: a zero test
 * mispredicts so often on ReLU outputs that skipping was slower than the arithmetic it saved
 * (1.4x on MNIST batches, 3.7x with irregular zeros). dW is summed per image in float32 and then
 * added into a float64 total, so its rounding error does not grow with the batch size; dx sums
 * at most fh fw co / (sh sw) terms per value, in float32.
 *
 * For stride-1 'same' convolutions (the fused CNN step's, docs/bench-nn.md "Fused CNN
 * kernels") the filter gradient and the forward product y = x * W run on a zero-padded copy of
 * the input (`emitPaddedLoops`: no bounds test per tap, addresses only advance), two adjacent
 * output positions at a time for up to 4 output-channel vectors, the channel loop unrolled for
 * up to 4 input channels. The forward product is output-stationary (the output row stays in
 * registers over all taps and input channels), and its module also holds the 2 x 2 max
 * pooling with bias and ReLU of a ReLU convolution's output (`poolReluBytes`), so that the
 * fused step's raw convolution output never leaves the kernel's memory.
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
  type AssembledFunction,
  type FunctionEmitter,
  type ValueType,
  type WasmMemory,
} from '../linalg/wasmAssembler.js';

const F64_LOAD = 0x2b;
const F64_STORE = 0x39;
const F64_ADD = 0xa0;
const F64_PROMOTE_F32 = 0xbb;

/**
 * Parameters shared by the three kernels: `x` is the input-side tensor (x, or dx being
 * written), channels-last with `xRowBytes` per pixel; `dy` has `dyRowBytes` per output
 * position; `block` holds one `blockBytes` block per filter tap (i, j): dW's rows (filter
 * gradient) or the filter's transposed rows (input gradient), or the pooling's running maxima.
 * `acc` and `extra` mean what each kernel says (the filter gradient's float64 total and dW's
 * size; the pooling gradient's dx; the input gradient's dy row length).
 */
const PARAMS = [
  'x',
  'dy',
  'block',
  'batch',
  'inH',
  'inW',
  'xRowBytes',
  'outH',
  'outW',
  'dyRowBytes',
  'fh',
  'fw',
  'sh',
  'sw',
  'dh',
  'dw',
  'top',
  'left',
  'blockBytes',
  'acc',
  'extra',
] as const;
type Params = Record<(typeof PARAMS)[number], number>;

/**
 * Emits the loops over images, output positions and filter taps common to the kernels; for
 * each tap inside the input, `tap()` runs with `xp` (the input pixel's row), `dyp` (the output
 * position's row) and `wp` (the tap's block) set. The other hooks run before and after each
 * image and each output position.
 */
function emitConvLoops(
  e: FunctionEmitter,
  P: Params,
  l: { zero: number; b: number; xp: number; dyp: number; wp: number },
  hooks: {
    beforeImage?: () => void;
    afterImage?: () => void;
    position?: () => void;
    afterPosition?: () => void;
    tap: () => void;
  },
): void {
  const [oh, ow, i, j, ih, iw] = Array.from({ length: 6 }, () => e.local(I32));
  /** pushes a * b + c (locals) */
  const mulAdd = (a: number, b: number, c: number): void => {
    e.get(a);
    e.get(b);
    e.ops(op.i32Mul);
    e.get(c);
    e.ops(op.i32Add);
  };
  /** pushes base + ((b rows + r) cols + c) rowBytes */
  const pixel = (base: number, rows: number, r: number, cols: number, c: number, bytes: number) => {
    mulAdd(l.b, rows, r);
    e.get(cols);
    e.ops(op.i32Mul);
    e.get(c);
    e.ops(op.i32Add);
    e.get(bytes);
    e.ops(op.i32Mul);
    e.get(base);
    e.ops(op.i32Add);
  };
  /** pushes (u < limit) for u = o s + k d - pad, unsigned (rejects negative u); tees u */
  const inside = (
    o: number,
    s: number,
    k: number,
    d: number,
    pad: number,
    u: number,
    limit: number,
  ) => {
    mulAdd(o, s, l.zero);
    e.get(k);
    e.get(d);
    e.ops(op.i32Mul, op.i32Add);
    e.get(pad);
    e.ops(op.i32Sub);
    e.tee(u);
    e.get(limit);
    e.ops(op.i32LtU);
  };
  e.forRange(l.b, l.zero, P.batch, 1, () => {
    hooks.beforeImage?.();
    e.forRange(oh, l.zero, P.outH, 1, () => {
      e.forRange(ow, l.zero, P.outW, 1, () => {
        pixel(P.dy, P.outH, oh, P.outW, ow, P.dyRowBytes);
        e.set(l.dyp);
        hooks.position?.();
        e.forRange(i, l.zero, P.fh, 1, () => {
          inside(oh, P.sh, i, P.dh, P.top, ih, P.inH);
          e.ifElse(() => {
            e.forRange(j, l.zero, P.fw, 1, () => {
              inside(ow, P.sw, j, P.dw, P.left, iw, P.inW);
              e.ifElse(() => {
                pixel(P.x, P.inH, ih, P.inW, iw, P.xRowBytes);
                e.set(l.xp);
                mulAdd(i, P.fw, j);
                e.get(P.blockBytes);
                e.ops(op.i32Mul);
                e.get(P.block);
                e.ops(op.i32Add);
                e.set(l.wp);
                hooks.tap();
              });
            });
          });
        });
        hooks.afterPosition?.();
      });
    });
    hooks.afterImage?.();
  });
}

/**
 * The loops of `emitConvLoops` for a stride-1 convolution whose input was copied with its
 * padding (`x` holds [batch, inH, inW, ci] with inH = outH + fh - 1, inW = outW + fw - 1): the
 * taps of an output position are the fh x fw pixels below and right of it, so no tap needs a
 * bounds test and the pixel and filter addresses only advance (`wp` starts at `block` per
 * position and each `tap()` must advance it by one tap's block).
 */
function emitPaddedLoops(
  e: FunctionEmitter,
  P: Params,
  l: { zero: number; b: number; xp: number; dyp: number; wp: number },
  hooks: {
    beforeImage?: () => void;
    afterImage?: () => void;
    /** `n` (1 or 2) adjacent output positions at a time: the second one's rows are
     * `dyRowBytes` and `xRowBytes` after the first's */
    position?: (n: number) => void;
    afterPosition?: (n: number) => void;
    tap: (n: number) => void;
  },
  pairs: boolean,
): void {
  const [oh, ow, i, j, img, pix, tapRow, down, lastW] = Array.from({ length: 9 }, () =>
    e.local(I32),
  );
  // down = inW xRowBytes (one padded row); img = x; lastW = outW - 1
  e.get(P.inW);
  e.get(P.xRowBytes);
  e.ops(op.i32Mul);
  e.set(down);
  e.get(P.x);
  e.set(img);
  e.get(P.dy);
  e.set(l.dyp);
  e.get(P.outW);
  e.i32(1);
  e.ops(op.i32Sub);
  e.set(lastW);
  /** the output positions ow .. ow + n - 1 */
  const positions = (n: number) => {
    hooks.position?.(n);
    e.get(P.block);
    e.set(l.wp);
    e.get(pix);
    e.set(tapRow);
    e.forRange(i, l.zero, P.fh, 1, () => {
      e.get(tapRow);
      e.set(l.xp);
      e.forRange(j, l.zero, P.fw, 1, () => {
        hooks.tap(n);
        e.get(l.xp);
        e.get(P.xRowBytes);
        e.ops(op.i32Add);
        e.set(l.xp);
      });
      e.get(tapRow);
      e.get(down);
      e.ops(op.i32Add);
      e.set(tapRow);
    });
    hooks.afterPosition?.(n);
    for (let k = 0; k < n; k++) {
      e.get(l.dyp);
      e.get(P.dyRowBytes);
      e.ops(op.i32Add);
      e.set(l.dyp);
      e.get(pix);
      e.get(P.xRowBytes);
      e.ops(op.i32Add);
      e.set(pix);
    }
  };
  e.forRange(l.b, l.zero, P.batch, 1, () => {
    hooks.beforeImage?.();
    e.forRange(oh, l.zero, P.outH, 1, () => {
      // pix = img + oh down
      e.get(oh);
      e.get(down);
      e.ops(op.i32Mul);
      e.get(img);
      e.ops(op.i32Add);
      e.set(pix);
      if (pairs) {
        // pairs while ow + 1 < outW, then the last position of an odd row alone
        e.forRange(ow, l.zero, lastW, 2, () => positions(2));
        e.get(ow);
        e.get(P.outW);
        e.ops(op.i32LtU);
        e.ifElse(() => positions(1));
      } else e.forRange(ow, l.zero, P.outW, 1, () => positions(1));
    });
    hooks.afterImage?.();
    // img += inH down
    e.get(P.inH);
    e.get(down);
    e.ops(op.i32Mul);
    e.get(img);
    e.ops(op.i32Add);
    e.set(img);
  });
}

/**
 * The loop over a tap's input channels: `body()` runs once per channel with the local `coef`
 * holding x[xp + channel] splatted, then `wp` advances by `dyRowBytes`; `ciUnroll` (1..4)
 * unrolls it for that many channels (`xRowBytes` must then be 4 ciUnroll), 0 loops.
 */
function emitChannels(
  e: FunctionEmitter,
  P: Params,
  l: { zero: number; xp: number; wp: number },
  c: number,
  coefs: number[],
  ciUnroll: number,
  body: () => void,
): void {
  /** coefs[m] = x[xp + m xRowBytes + channel], splatted; `at` pushes xp (+ c) */
  const one = (at: () => void, offset: number) => {
    coefs.forEach((coef, m) => {
      at();
      if (m > 0) {
        e.get(P.xRowBytes);
        e.ops(op.i32Add);
      }
      e.f32Load(offset);
      e.simd(simdOp.f32x4Splat);
      e.set(coef);
    });
    body();
    e.get(l.wp);
    e.get(P.dyRowBytes);
    e.ops(op.i32Add);
    e.set(l.wp);
  };
  if (ciUnroll > 0) for (let k = 0; k < ciUnroll; k++) one(() => e.get(l.xp), 4 * k);
  else e.forRange(c, l.zero, P.xRowBytes, 4, () => one(() => e.sum(l.xp, c), 0));
}

function kernelSetup() {
  const types: ValueType[] = PARAMS.map(() => I32);
  const e = functionEmitter(types);
  const P = Object.fromEntries(PARAMS.map((n, i) => [n, i])) as Params;
  const [zero, b, xp, dyp, wp, c, v, t, addr] = Array.from({ length: 9 }, () => e.local(I32));
  return { types, e, P, l: { zero, b, xp, dyp, wp }, c, v, t, addr };
}

/**
 * The filter gradient for `coVecs` output-channel vectors (1..8: dy's vectors live in
 * registers and the inner loop is unrolled; 0: any number, looped). `block` is a float32
 * scratch dW, zeroed per image and then added into the float64 total at `acc`; `extra` is the
 * byte size of dW (fh fw ci coPad 4); `xRowBytes` = ci 4, `dyRowBytes` = coPad 4.
 */
function filterGradientBytes(coVecs: number, padded = false, ciUnroll = 0): Uint8Array {
  const { types, e, P, l, c, v, t, addr } = kernelSetup();
  // two adjacent output positions at a time (padded kernels, up to 4 vectors: 2 x 4 dy
  // vectors, 2 coefficients and a temporary fit the 16 vector registers)
  const pairs = padded && coVecs > 0 && coVecs <= 4;
  const coefs = Array.from({ length: pairs ? 2 : 1 }, () => e.local(V128));
  const dyv = Array.from({ length: pairs ? 2 : 1 }, () =>
    Array.from({ length: coVecs }, () => e.local(V128)),
  );
  const hooks = {
    beforeImage: () =>
      e.forRange(t, l.zero, P.extra, 16, () => {
        e.get(P.block);
        e.get(t);
        e.ops(op.i32Add);
        e.v128Zero();
        e.v128Store();
      }),
    position: (n = 1) => {
      for (let m = 0; m < n; m++)
        dyv[m].forEach((d, k) => {
          e.get(l.dyp);
          if (m > 0) {
            e.get(P.dyRowBytes);
            e.ops(op.i32Add);
          }
          e.v128Load(16 * k);
          e.set(d);
        });
    },
    tap: (n = 1) =>
      emitChannels(e, P, l, c, coefs.slice(0, n), ciUnroll, () => {
        if (coVecs > 0) {
          for (let k = 0; k < coVecs; k++) {
            e.get(l.wp);
            e.get(l.wp);
            e.v128Load(16 * k);
            for (let m = 0; m < n; m++) {
              e.get(coefs[m]);
              e.get(dyv[m][k]);
              e.simd(simdOp.f32x4Mul);
              e.simd(simdOp.f32x4Add);
            }
            e.v128Store(16 * k);
          }
        } else {
          e.addScaledRow(l.wp, l.dyp, coefs[0], P.dyRowBytes, l.zero, v, addr);
        }
      }),
    // acc (float64) += scratch (float32)
    afterImage: () =>
      e.forRange(t, l.zero, P.extra, 4, () => {
        e.get(P.acc);
        e.get(t);
        e.get(t);
        e.ops(op.i32Add, op.i32Add);
        e.tee(addr);
        e.get(addr);
        e.ops(F64_LOAD, 3, 0);
        e.get(P.block);
        e.get(t);
        e.ops(op.i32Add);
        e.f32Load();
        e.ops(F64_PROMOTE_F32, F64_ADD, F64_STORE, 3, 0);
      }),
  };
  if (padded) emitPaddedLoops(e, P, l, hooks, pairs);
  else emitConvLoops(e, P, l, hooks);
  return assembleModule([{ name: 'run', params: types, body: e.finish() }]);
}

/**
 * The input gradient dx[b, ih, iw, :] += sum over taps and output channels q of
 * dy[b, oh, ow, q] Wt[i, j, q, :], for `ciVecs` input-channel vectors (1..8: the dx row stays in
 * registers over the channel loop; 0: any number, looped). `x` is dx (zeroed by the caller,
 * `xRowBytes` = ciPad 4), `block` the filter transposed to [fh, fw, co, ciPad], `dyRowBytes`
 * = co 4 and `extra` = co 4 (the byte length of one dy row to walk).
 */
function inputGradientBytes(ciVecs: number): Uint8Array {
  const { types, e, P, l, c, v, addr } = kernelSetup();
  const coef = e.local(V128);
  const acc = Array.from({ length: ciVecs }, () => e.local(V128));
  const w = e.local(I32);
  emitConvLoops(e, P, l, {
    tap: () => {
      acc.forEach((a, k) => {
        e.get(l.xp);
        e.v128Load(16 * k);
        e.set(a);
      });
      e.get(l.wp);
      e.set(w);
      e.forRange(c, l.zero, P.extra, 4, () => {
        e.withCoefficient(l.dyp, c, coef, () => {
          if (ciVecs > 0) {
            acc.forEach((a, k) => {
              e.get(a);
              e.get(coef);
              e.get(w);
              e.v128Load(16 * k);
              e.simd(simdOp.f32x4Mul);
              e.simd(simdOp.f32x4Add);
              e.set(a);
            });
          } else {
            e.addScaledRow(l.xp, w, coef, P.xRowBytes, l.zero, v, addr);
          }
        });
        e.get(w);
        e.get(P.xRowBytes);
        e.ops(op.i32Add);
        e.set(w);
      });
      acc.forEach((a, k) => {
        e.get(l.xp);
        e.get(a);
        e.v128Store(16 * k);
      });
    },
  });
  return assembleModule([{ name: 'run', params: types, body: e.finish() }]);
}

const F32X4_GT = 0x44;
const V128_AND = 0x4e;
const I32X4_SHR_S = 0xac;
const I32_SHR_U = 0x76;

const V128_BITSELECT = 0x52;
const I32X4_SPLAT = 0x11;
const I32X4_ADD = 0xae;
const I32_GE_S = 0x4e;

/**
 * The forward product y[b, oh, ow, :] = sum over taps and input channels k of
 * x[b, ih, iw, k] W[i, j, k, :], output-stationary: for `coVecs` output-channel vectors (1..8)
 * the output row stays in registers over all taps and input channels and is stored once; 0:
 * any number, summed in memory. `x` is x (`xRowBytes` = ci 4), `dy` is y (`dyRowBytes` = coPad
 * 4), `block` the filter [fh, fw, ci, coPad] with `blockBytes` = ci coPad 4 per tap.
 */
function forwardBytes(coVecs: number, ciUnroll: number): AssembledFunction {
  const { types, e, P, l, c, v, addr } = kernelSetup();
  // two adjacent output positions at a time, up to 4 vectors (2 x 4 accumulators, 2
  // coefficients and the filter vector fit the 16 vector registers)
  const pairs = coVecs > 0 && coVecs <= 4;
  const coefs = Array.from({ length: pairs ? 2 : 1 }, () => e.local(V128));
  const acc = Array.from({ length: pairs ? 2 : 1 }, () =>
    Array.from({ length: coVecs }, () => e.local(V128)),
  );
  const wv = e.local(V128);
  /** pushes dyp + m dyRowBytes */
  const row = (m: number) => {
    e.get(l.dyp);
    if (m > 0) {
      e.get(P.dyRowBytes);
      e.ops(op.i32Add);
    }
  };
  emitPaddedLoops(
    e,
    P,
    l,
    {
      position: (n) => {
        if (coVecs > 0)
          for (let m = 0; m < n; m++)
            acc[m].forEach((a) => {
              e.v128Zero();
              e.set(a);
            });
        else
          e.forRange(v, l.zero, P.dyRowBytes, 16, () => {
            e.sum(l.dyp, v);
            e.v128Zero();
            e.v128Store();
          });
      },
      tap: (n) =>
        emitChannels(e, P, l, c, coefs.slice(0, n), ciUnroll, () => {
          if (coVecs > 0)
            for (let k = 0; k < coVecs; k++) {
              e.get(l.wp);
              e.v128Load(16 * k);
              e.set(wv);
              for (let m = 0; m < n; m++) {
                e.get(acc[m][k]);
                e.get(coefs[m]);
                e.get(wv);
                e.simd(simdOp.f32x4Mul);
                e.simd(simdOp.f32x4Add);
                e.set(acc[m][k]);
              }
            }
          else e.addScaledRow(l.dyp, l.wp, coefs[0], P.dyRowBytes, l.zero, v, addr);
        }),
      afterPosition: (n) => {
        for (let m = 0; m < n; m++)
          acc[m].forEach((a, k) => {
            row(m);
            e.get(a);
            e.v128Store(16 * k);
          });
      },
    },
    pairs,
  );
  return { name: 'run', params: types, body: e.finish() };
}

const POOL_PARAMS = ['y', 'out', 'am', 'bias', 'batch', 'inH', 'inW', 'rowBytes'] as const;

/**
 * relu(max pooling + bias) of a ReLU convolution's raw output y (channels-last, `rowBytes` =
 * C 4 with C a multiple of 4), 2 x 2 windows of stride 2 ('valid'): per output and channel,
 * the window's largest value (rows, then columns; a strict comparison, so the first maximum
 * wins and NaN never does, as in fusedCnnTrainer's JS loop), plus the bias, clamped below at
 * 0 (also when no value beats -Infinity), into `out`, and the float index of the winner in y
 * (-1: none) into `am`.
 */
function poolReluBytes(): AssembledFunction {
  const types: ValueType[] = POOL_PARAMS.map(() => I32);
  const e = functionEmitter(types);
  const [y, out, am, bias, batch, inH, inW, rowBytes] = POOL_PARAMS.map((_, i) => i);
  const [zero, b, r, q, v, corner, down, outH, outW, rel] = Array.from({ length: 10 }, () =>
    e.local(I32),
  );
  const [best, at, xv, mask, lanes] = Array.from({ length: 5 }, () => e.local(V128));
  e.i32(0);
  e.simd(I32X4_SPLAT);
  for (let k = 1; k < 4; k++) {
    e.i32(4 * k);
    e.simd(0x1c, k); // i32x4.replace_lane k
  }
  e.set(lanes);
  // outH = inH >> 1, outW = inW >> 1 (floor((n - 2) / 2) + 1), down = inW rowBytes
  e.get(inH);
  e.i32(1);
  e.ops(I32_SHR_U);
  e.set(outH);
  e.get(inW);
  e.i32(1);
  e.ops(I32_SHR_U);
  e.set(outW);
  e.get(inW);
  e.get(rowBytes);
  e.ops(op.i32Mul);
  e.set(down);
  e.forRange(b, zero, batch, 1, () =>
    e.forRange(r, zero, outH, 1, () =>
      e.forRange(q, zero, outW, 1, () => {
        // corner = ((b inH + 2 r) inW + 2 q) rowBytes (relative to y)
        e.get(b);
        e.get(inH);
        e.ops(op.i32Mul);
        e.get(r);
        e.get(r);
        e.ops(op.i32Add, op.i32Add);
        e.get(inW);
        e.ops(op.i32Mul);
        e.get(q);
        e.get(q);
        e.ops(op.i32Add, op.i32Add);
        e.get(rowBytes);
        e.ops(op.i32Mul);
        e.set(corner);
        e.forRange(v, zero, rowBytes, 16, () => {
          e.f32(-Infinity);
          e.simd(simdOp.f32x4Splat);
          e.set(best);
          e.i32(-1);
          e.simd(I32X4_SPLAT);
          e.set(at);
          const offsets: Array<() => void> = [
            () => e.i32(0),
            () => e.get(rowBytes),
            () => e.get(down),
            () => {
              e.get(down);
              e.get(rowBytes);
              e.ops(op.i32Add);
            },
          ];
          for (const off of offsets) {
            // rel = corner + v + off (bytes from y)
            e.sum(corner, v);
            off();
            e.ops(op.i32Add);
            e.tee(rel);
            e.get(y);
            e.ops(op.i32Add);
            e.v128Load();
            e.tee(xv);
            e.get(best);
            e.simd(F32X4_GT);
            e.set(mask);
            e.get(xv);
            e.get(best);
            e.get(mask);
            e.simd(V128_BITSELECT);
            e.set(best);
            e.get(rel);
            e.simd(I32X4_SPLAT);
            e.get(lanes);
            e.simd(I32X4_ADD);
            e.get(at);
            e.get(mask);
            e.simd(V128_BITSELECT);
            e.set(at);
          }
          // out = max(best + bias, 0) (0 also for -Infinity and NaN); am = at / 4 (-1 stays)
          e.get(out);
          e.sum(bias, v);
          e.v128Load();
          e.get(best);
          e.simd(simdOp.f32x4Add);
          e.tee(xv);
          e.get(xv);
          e.f32(0);
          e.simd(simdOp.f32x4Splat);
          e.simd(F32X4_GT);
          e.simd(V128_AND);
          e.v128Store();
          e.get(am);
          e.get(at);
          e.i32(2);
          e.simd(I32X4_SHR_S);
          e.v128Store();
          e.inc(out, 16);
          e.inc(am, 16);
        });
      }),
    ),
  );
  return { name: 'poolRelu', params: types, body: e.finish() };
}

/**
 * The max-pooling gradient (channels-last, channels a multiple of 4): for each output position
 * the kernel keeps, per channel, the window's largest value so far and its byte offset in x
 * (`block`: C floats, then C i32), updating both with a vector compare-and-select at each
 * window position in row-major order (a strict comparison: the first maximum wins, as in the
 * CPU backend; NaN never wins); then dx[offset] += dy for each channel that found a value
 * above -Infinity. `acc` is dx (zeroed by the caller, the layout of x); `xRowBytes` =
 * `dyRowBytes` = C 4.
 */
function maxPoolGradientBytes(): Uint8Array {
  const { types, e, P, l, c, v, t, addr } = kernelSetup();
  const xv = e.local(V128);
  const bv = e.local(V128);
  const mask = e.local(V128);
  const lanes = e.local(V128); // byte offsets 0, 4, 8, 12
  e.i32(0);
  e.simd(I32X4_SPLAT);
  for (let k = 1; k < 4; k++) {
    e.i32(4 * k);
    e.simd(0x1c, k); // i32x4.replace_lane k
  }
  e.set(lanes);
  /** pushes the address of the per-channel offsets, `at`, at byte t of the channel row */
  const atAddress = (): void => {
    e.sum(P.block, v);
    e.get(P.xRowBytes);
    e.ops(op.i32Add);
  };
  emitConvLoops(e, P, l, {
    position: () =>
      e.forRange(v, l.zero, P.xRowBytes, 16, () => {
        e.sum(P.block, v);
        e.f32(-Infinity);
        e.simd(simdOp.f32x4Splat);
        e.v128Store();
        atAddress();
        e.i32(-1);
        e.simd(I32X4_SPLAT);
        e.v128Store();
      }),
    tap: () => {
      // t = byte offset of this pixel in x
      e.get(l.xp);
      e.get(P.x);
      e.ops(op.i32Sub);
      e.set(t);
      e.forRange(v, l.zero, P.xRowBytes, 16, () => {
        e.sum(l.xp, v);
        e.v128Load();
        e.set(xv);
        e.sum(P.block, v);
        e.v128Load();
        e.set(bv);
        e.get(xv);
        e.get(bv);
        e.simd(F32X4_GT);
        e.set(mask);
        e.sum(P.block, v);
        e.get(xv);
        e.get(bv);
        e.get(mask);
        e.simd(V128_BITSELECT);
        e.v128Store();
        atAddress();
        e.tee(addr);
        // new offsets: t + v + lanes where the value won
        e.sum(t, v);
        e.simd(I32X4_SPLAT);
        e.get(lanes);
        e.simd(I32X4_ADD);
        e.get(addr);
        e.v128Load();
        e.get(mask);
        e.simd(V128_BITSELECT);
        e.v128Store();
      });
    },
    afterPosition: () =>
      e.forRange(c, l.zero, P.xRowBytes, 4, () => {
        // v = offset of the winner of channel c, or -1
        e.get(P.block);
        e.get(P.xRowBytes);
        e.ops(op.i32Add);
        e.get(c);
        e.ops(op.i32Add);
        e.i32Load();
        e.tee(v);
        e.i32(0);
        e.ops(I32_GE_S);
        e.ifElse(() => {
          e.sum(P.acc, v);
          e.tee(addr);
          e.get(addr);
          e.f32Load();
          e.sum(l.dyp, c);
          e.f32Load();
          e.ops(op.f32Add);
          e.f32Store();
        });
      }),
  });
  return assembleModule([{ name: 'run', params: types, body: e.finish() }]);
}

interface KernelExports {
  memory: WasmMemory;
  run(...args: number[]): void;
  /** (forward modules only) ./poolReluBytes */
  poolRelu?(...args: number[]): void;
}

type ConvInfo = tf.backend_util.Conv2DInfo;

export interface ConvGradients {
  /** dW [fh, fw, ci, co] of a convolution from its input x and output gradient dy (either
   * layout, as `c.dataFormat` says), written into `out` (allocated when omitted). */
  filterGradient(x: Float32Array, dy: Float32Array, c: ConvInfo, out?: Float32Array): Float32Array;
  /** dx (the input's shape and layout) from dy and the filter W [fh, fw, ci, co]. */
  inputGradient(dy: Float32Array, w: Float32Array, c: ConvInfo, out?: Float32Array): Float32Array;
  /** y = the convolution of x by W [fh, fw, ci, co] (channels-last only), into `out`. */
  forward(x: Float32Array, w: Float32Array, c: ConvInfo, out?: Float32Array): Float32Array;
  /**
   * A ReLU convolution followed by 2 x 2 max pooling of stride 2, fused (channels-last, `co` a
   * multiple of 4): relu(max over the window of y + bias) into `pooled`, and the float index in
   * y of each window's first maximum (-1: none above -Infinity) into `argmax`. y itself stays
   * in the kernel's memory.
   */
  forwardPooledRelu(
    x: Float32Array,
    w: Float32Array,
    bias: Float32Array,
    c: ConvInfo,
    pooled: Float32Array,
    argmax: Int32Array,
  ): void;
  /** The max-pooling gradient (channels-last, channels a multiple of 4: null otherwise). */
  maxPoolGradient(
    x: Float32Array,
    dy: Float32Array,
    c: ConvInfo,
    out?: Float32Array,
  ): Float32Array | null;
}

/**
 * Both conv gradients on WebAssembly SIMD, with their own kernel instances (one per kernel and
 * channel-vector count, compiled on first use), or null where WebAssembly SIMD is unavailable.
 */
export function createConvGradients(): ConvGradients | null {
  const instances = new Map<string, KernelExports>();
  /** `ci`: the input channels of the padded kernels ('forward', 'filterSame'), whose channel
   * loop is unrolled up to 4 */
  const instance = (
    kind: 'filter' | 'input' | 'pool' | 'forward' | 'filterSame',
    vecs: number,
    ci = 0,
  ): KernelExports | null => {
    const n = vecs <= 8 ? vecs : 0;
    const u = ci <= 4 ? ci : 0;
    const key = `${kind}${n}/${u}`;
    let ex = instances.get(key);
    if (!ex) {
      const bytes =
        kind === 'filter'
          ? filterGradientBytes(n)
          : kind === 'filterSame'
            ? filterGradientBytes(n, true, u)
            : kind === 'input'
              ? inputGradientBytes(n)
              : kind === 'forward'
                ? assembleModule([forwardBytes(n, u), poolReluBytes()])
                : maxPoolGradientBytes();
      ex = instantiateWasm(compileWasmModule(bytes)) as unknown as KernelExports | undefined;
      if (!ex) return null;
      instances.set(key, ex);
    }
    return ex;
  };
  if (
    !instance('filter', 1) ||
    !instance('input', 1) ||
    !instance('pool', 0) ||
    !instance('forward', 1, 1) ||
    !instance('filterSame', 1, 1)
  )
    return null;

  /** byte offsets of consecutive 16-byte aligned regions, after the kernel memory is grown */
  const layout = (ex: KernelExports, sizes: number[]): number[] => {
    const at: number[] = [];
    let top = 64;
    for (const n of sizes) {
      at.push(top);
      top += Math.ceil(n / 16) * 16;
    }
    const have = ex.memory.buffer.byteLength;
    if (top > have) ex.memory.grow(Math.ceil((top - have) / 65536));
    return at;
  };

  /**
   * Copies an activation tensor [B, rows, cols, ch] (channels-last, or [B, ch, rows, cols])
   * into `dst` at float index `at`, channels-last with each pixel padded to `pad` floats.
   */
  const copyIn = (
    dst: Float32Array,
    at: number,
    src: Float32Array,
    cl: boolean,
    [B, R, C, ch]: number[],
    pad: number,
  ): void => {
    if (cl && pad === ch) {
      // only the B images: `src` may be a buffer for a larger batch
      dst.set(src.length === B * R * C * ch ? src : src.subarray(0, B * R * C * ch), at);
      return;
    }
    let k = at;
    for (let b = 0; b < B; b++)
      for (let r = 0; r < R; r++)
        for (let c = 0; c < C; c++) {
          for (let q = 0; q < ch; q++)
            dst[k + q] = cl
              ? src[((b * R + r) * C + c) * ch + q]
              : src[((b * ch + q) * R + r) * C + c];
          for (let q = ch; q < pad; q++) dst[k + q] = 0;
          k += pad;
        }
  };

  const geometry = (c: ConvInfo): number[] => [
    c.filterHeight,
    c.filterWidth,
    c.strideHeight,
    c.strideWidth,
    c.dilationHeight,
    c.dilationWidth,
    c.padInfo.top,
    c.padInfo.left,
  ];

  function filterGradient(x: Float32Array, dy: Float32Array, c: ConvInfo, out?: Float32Array) {
    if (isSame(c))
      return filterGradientSame(
        x,
        dy,
        c,
        out ?? new Float32Array(c.filterHeight * c.filterWidth * c.inChannels * c.outChannels),
      );
    const cl = c.dataFormat === 'channelsLast';
    const { batchSize: B, inHeight: H, inWidth: W, inChannels: ci, outChannels: co } = c;
    const { outHeight: OH, outWidth: OW, filterHeight: fh, filterWidth: fw } = c;
    const coPad = Math.ceil(co / 4) * 4;
    const ex = instance('filter', coPad / 4)!;
    const blockBytes = ci * coPad * 4;
    const kBytes = fh * fw * blockBytes;
    const [xAt, dyAt, scratchAt, accAt] = layout(ex, [
      B * H * W * ci * 4,
      B * OH * OW * coPad * 4,
      kBytes,
      2 * kBytes,
    ]);
    const f32 = new Float32Array(ex.memory.buffer);
    copyIn(f32, xAt / 4, x, cl, [B, H, W, ci], ci);
    copyIn(f32, dyAt / 4, dy, cl, [B, OH, OW, co], coPad);
    const f64 = new Float64Array(ex.memory.buffer, accAt, kBytes / 4);
    f64.fill(0);
    // prettier-ignore
    ex.run(xAt, dyAt, scratchAt, B, H, W, ci * 4, OH, OW, coPad * 4, ...geometry(c), blockBytes,
      accAt, kBytes);
    const dw = out ?? new Float32Array(fh * fw * ci * co);
    for (let r = 0, n = fh * fw * ci; r < n; r++)
      for (let q = 0; q < co; q++) dw[r * co + q] = f64[r * coPad + q];
    return dw;
  }

  function inputGradient(dy: Float32Array, w: Float32Array, c: ConvInfo, out?: Float32Array) {
    const cl = c.dataFormat === 'channelsLast';
    const { batchSize: B, inHeight: H, inWidth: W, inChannels: ci, outChannels: co } = c;
    const { outHeight: OH, outWidth: OW, filterHeight: fh, filterWidth: fw } = c;
    const ciPad = Math.ceil(ci / 4) * 4;
    const ex = instance('input', ciPad / 4)!;
    const blockBytes = co * ciPad * 4;
    const [dxAt, dyAt, wtAt] = layout(ex, [
      B * H * W * ciPad * 4,
      B * OH * OW * co * 4,
      fh * fw * blockBytes,
    ]);
    const f32 = new Float32Array(ex.memory.buffer);
    copyIn(f32, dyAt / 4, dy, cl, [B, OH, OW, co], co);
    // the filter transposed to [fh, fw, co, ciPad]
    const wt = wtAt / 4;
    for (let tap = 0; tap < fh * fw; tap++)
      for (let q = 0; q < co; q++) {
        const row = wt + (tap * co + q) * ciPad;
        for (let k = 0; k < ci; k++) f32[row + k] = w[(tap * ci + k) * co + q];
        for (let k = ci; k < ciPad; k++) f32[row + k] = 0;
      }
    const dxView = f32.subarray(dxAt / 4, dxAt / 4 + B * H * W * ciPad);
    dxView.fill(0);
    // prettier-ignore
    ex.run(dxAt, dyAt, wtAt, B, H, W, ciPad * 4, OH, OW, co * 4, ...geometry(c), blockBytes, 0,
      co * 4);
    const dx = out ?? new Float32Array(B * H * W * ci);
    if (cl && ciPad === ci) dx.set(dxView);
    else {
      let k = 0;
      for (let b = 0; b < B; b++)
        for (let r = 0; r < H; r++)
          for (let col = 0; col < W; col++, k += ciPad)
            for (let q = 0; q < ci; q++)
              dx[cl ? ((b * H + r) * W + col) * ci + q : ((b * ci + q) * H + r) * W + col] =
                dxView[k + q];
    }
    return dx;
  }

  /** A stride-1, undilated convolution whose padding keeps the size ('same', odd filters). */
  const isSame = (c: ConvInfo): boolean =>
    c.dataFormat === 'channelsLast' &&
    c.strideHeight === 1 &&
    c.strideWidth === 1 &&
    c.dilationHeight === 1 &&
    c.dilationWidth === 1 &&
    c.outHeight === c.inHeight &&
    c.outWidth === c.inWidth &&
    c.padInfo.top === (c.filterHeight - 1) / 2 &&
    c.padInfo.left === (c.filterWidth - 1) / 2;

  /** x [B, H, W, ci] into `f32` at float `at` with its zero padding: [B, H + fh - 1,
   * W + fw - 1, ci] */
  const copyPadded = (f32: Float32Array, at: number, x: Float32Array, c: ConvInfo): void => {
    const { batchSize: B, inHeight: H, inWidth: W, inChannels: ci } = c;
    const { filterHeight: fh, filterWidth: fw, padInfo } = c;
    const Hp = H + fh - 1;
    const Wp = W + fw - 1;
    f32.fill(0, at, at + B * Hp * Wp * ci);
    const row = W * ci;
    for (let b = 0; b < B; b++)
      for (let r = 0; r < H; r++) {
        const src = (b * H + r) * row;
        const dst = at + ((b * Hp + r + padInfo.top) * Wp + padInfo.left) * ci;
        f32.set(x.subarray(src, src + row), dst);
      }
  };

  /** Runs the forward kernel; returns its instance and y's byte offset in its memory, and
   * the offset of a free region of `extraBytes` after it. */
  function runForward(x: Float32Array, w: Float32Array, c: ConvInfo, extraBytes: number) {
    if (!isSame(c))
      throw new Error('the SIMD forward convolution takes stride-1 same-size channels-last ones');
    const { batchSize: B, inHeight: H, inWidth: W, inChannels: ci, outChannels: co } = c;
    const { outHeight: OH, outWidth: OW, filterHeight: fh, filterWidth: fw } = c;
    const coPad = Math.ceil(co / 4) * 4;
    const ex = instance('forward', coPad / 4, ci)!;
    const blockBytes = ci * coPad * 4;
    const Hp = H + fh - 1;
    const Wp = W + fw - 1;
    const [xAt, yAt, wAt, extraAt] = layout(ex, [
      B * Hp * Wp * ci * 4,
      B * OH * OW * coPad * 4,
      fh * fw * blockBytes,
      extraBytes,
    ]);
    const f32 = new Float32Array(ex.memory.buffer);
    copyPadded(f32, xAt / 4, x, c);
    // the filter padded to [fh, fw, ci, coPad]
    if (coPad === co) f32.set(w.subarray(0, fh * fw * ci * co), wAt / 4);
    else
      for (let r = 0, n = fh * fw * ci; r < n; r++) {
        const row = wAt / 4 + r * coPad;
        for (let q = 0; q < co; q++) f32[row + q] = w[r * co + q];
        for (let q = co; q < coPad; q++) f32[row + q] = 0;
      }
    // prettier-ignore
    ex.run(xAt, yAt, wAt, B, Hp, Wp, ci * 4, OH, OW, coPad * 4, fh, fw, 1, 1, 1, 1, 0, 0,
      blockBytes, 0, 0);
    return { ex, f32, yAt, extraAt, coPad };
  }

  /** The filter gradient of a 'same' convolution (`isSame`) on the padded kernel. */
  function filterGradientSame(x: Float32Array, dy: Float32Array, c: ConvInfo, out: Float32Array) {
    const { batchSize: B, inHeight: H, inWidth: W, inChannels: ci, outChannels: co } = c;
    const { outHeight: OH, outWidth: OW, filterHeight: fh, filterWidth: fw } = c;
    const coPad = Math.ceil(co / 4) * 4;
    const ex = instance('filterSame', coPad / 4, ci)!;
    const blockBytes = ci * coPad * 4;
    const kBytes = fh * fw * blockBytes;
    const Hp = H + fh - 1;
    const Wp = W + fw - 1;
    const [xAt, dyAt, scratchAt, accAt] = layout(ex, [
      B * Hp * Wp * ci * 4,
      B * OH * OW * coPad * 4,
      kBytes,
      2 * kBytes,
    ]);
    const f32 = new Float32Array(ex.memory.buffer);
    copyPadded(f32, xAt / 4, x, c);
    copyIn(f32, dyAt / 4, dy, true, [B, OH, OW, co], coPad);
    const f64 = new Float64Array(ex.memory.buffer, accAt, kBytes / 4);
    f64.fill(0);
    // prettier-ignore
    ex.run(xAt, dyAt, scratchAt, B, Hp, Wp, ci * 4, OH, OW, coPad * 4, fh, fw, 1, 1, 1, 1, 0, 0,
      blockBytes, accAt, kBytes);
    for (let r = 0, n = fh * fw * ci; r < n; r++)
      for (let q = 0; q < co; q++) out[r * co + q] = f64[r * coPad + q];
    return out;
  }

  function forward(x: Float32Array, w: Float32Array, c: ConvInfo, out?: Float32Array) {
    const { batchSize: B, outHeight: OH, outWidth: OW, outChannels: co } = c;
    const { f32, yAt, coPad } = runForward(x, w, c, 0);
    const y = out ?? new Float32Array(B * OH * OW * co);
    const n = B * OH * OW;
    if (coPad === co) y.set(f32.subarray(yAt / 4, yAt / 4 + n * co));
    else
      for (let p = 0; p < n; p++)
        for (let q = 0; q < co; q++) y[p * co + q] = f32[yAt / 4 + p * coPad + q];
    return y;
  }

  function forwardPooledRelu(
    x: Float32Array,
    w: Float32Array,
    bias: Float32Array,
    c: ConvInfo,
    pooled: Float32Array,
    argmax: Int32Array,
  ): void {
    const { batchSize: B, outHeight: OH, outWidth: OW, outChannels: co } = c;
    if (co % 4 !== 0 || OH < 2 || OW < 2)
      throw new Error('the fused SIMD convolution and pooling needs a multiple of 4 channels');
    const n = B * (OH >> 1) * (OW >> 1) * co;
    const { ex, yAt, extraAt } = runForward(x, w, c, 4 * (2 * n + co));
    const outAt = extraAt;
    const amAt = outAt + 4 * n;
    const biasAt = amAt + 4 * n;
    new Float32Array(ex.memory.buffer, biasAt, co).set(bias.subarray(0, co));
    ex.poolRelu!(yAt, outAt, amAt, biasAt, B, OH, OW, co * 4);
    pooled.set(new Float32Array(ex.memory.buffer, outAt, n));
    argmax.set(new Int32Array(ex.memory.buffer, amAt, n));
  }

  function maxPoolGradient(x: Float32Array, dy: Float32Array, c: ConvInfo, out?: Float32Array) {
    const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: OH, outWidth: OW } = c;
    if (c.dataFormat !== 'channelsLast' || C % 4 !== 0) return null;
    const ex = instance('pool', 0)!;
    const [xAt, dyAt, dxAt, scratchAt] = layout(ex, [
      B * H * W * C * 4,
      B * OH * OW * C * 4,
      B * H * W * C * 4,
      C * 8,
    ]);
    const f32 = new Float32Array(ex.memory.buffer);
    f32.set(x, xAt / 4);
    f32.set(dy, dyAt / 4);
    const dxView = f32.subarray(dxAt / 4, dxAt / 4 + B * H * W * C);
    dxView.fill(0);
    // prettier-ignore
    ex.run(xAt, dyAt, scratchAt, B, H, W, C * 4, OH, OW, C * 4, c.filterHeight, c.filterWidth,
      c.strideHeight, c.strideWidth, c.dilationHeight, c.dilationWidth, c.padInfo.top,
      c.padInfo.left, 0, dxAt, 0);
    const dx = out ?? new Float32Array(B * H * W * C);
    dx.set(dxView);
    return dx;
  }

  return { filterGradient, inputGradient, forward, forwardPooledRelu, maxPoolGradient };
}
