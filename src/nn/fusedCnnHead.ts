/**
 * The dense head of the fused CNN step (docs/networks.md, "Fused CNN step") on WebAssembly
 * SIMD: the forward product, the weight gradient and the input gradient of one dense layer
 * (out = x W + bias, W [inputs, units]) for a batch, with the units padded to a multiple of 4
 * (one f32x4 vector per 4 units) in the kernel's memory:
 *
 *   forward   out[b, :] = bias + sum over k of x[b, k] W[k, :]       (k ascending)
 *   weights   gW[k, :]  = sum over b of x[b, k] d[b, :]             (b ascending)
 *   input     dx[b, :]  = sum over u of d[b, u] Wt[u, :]            (Wt = W transposed)
 *
 * every sum a chain of f32x4 multiply-adds with no zero test (a mispredicted branch costs more
 * than the vector operations it would skip). The bias gradient (a sum over 32 rows of a few
 * units) stays in JavaScript. The plain-JavaScript head of ./fusedCnnTrainer.ts is the
 * fallback and the reference of the tests.
 */
import {
  I32,
  assembleModule,
  compileWasmModule,
  functionEmitter,
  instantiateWasm,
  type AssembledFunction,
  type ValueType,
  type WasmMemory,
} from '../linalg/wasmAssembler.js';

export interface DenseHead {
  /** out [B, U] = x [B, I] W [I, U] + bias */
  forward(
    x: Float32Array,
    w: Float32Array,
    bias: Float32Array,
    out: Float32Array,
    B: number,
    I: number,
    U: number,
  ): void;
  /** gw [I, U], gb [U] and (when `dIn`) dIn [B, I] from x [B, I] and d [B, U] */
  backward(
    x: Float32Array,
    d: Float32Array,
    w: Float32Array,
    gw: Float32Array,
    gb: Float32Array,
    dIn: Float32Array | null,
    B: number,
    I: number,
    U: number,
  ): void;
}

/** for b < B: dst row b (dstStride bytes apart) = init (or 0); then for k < K:
 * dst row += (scalar at coefBase + b coefStride + 4 k) * (row k of `rows`, rowBytes apart) */
function combineBytes(name: string, withInit: boolean): AssembledFunction {
  const names = [
    'dst',
    'dstStride',
    'init',
    'coefs',
    'coefStride',
    'rows',
    'rowBytes',
    'B',
    'K',
  ] as const;
  const types: ValueType[] = names.map(() => I32);
  const e = functionEmitter(types);
  const [dst, dstStride, init, coefs, coefStride, rows, rowBytes, B, K] = names.map((_, i) => i);
  const [zero, b, k, v, addr, row, coefAt, kEnd, t] = Array.from({ length: 9 }, () => e.local(I32));
  const coef = e.local(0x7b);
  e.get(K);
  e.i32(4);
  e.ops(0x6c); // i32.mul
  e.set(kEnd);
  e.forRange(b, zero, B, 1, () => {
    // row = dst + b dstStride; coefAt = coefs + b coefStride
    e.get(b);
    e.get(dstStride);
    e.ops(0x6c);
    e.get(dst);
    e.ops(0x6a);
    e.set(row);
    e.get(b);
    e.get(coefStride);
    e.ops(0x6c);
    e.get(coefs);
    e.ops(0x6a);
    e.set(coefAt);
    e.forRange(v, zero, rowBytes, 16, () => {
      e.sum(row, v);
      if (withInit) {
        e.sum(init, v);
        e.v128Load();
      } else e.v128Zero();
      e.v128Store();
    });
    e.get(rows);
    e.set(addr);
    e.forRange(k, zero, kEnd, 4, () => {
      e.withCoefficient(coefAt, k, coef, () =>
        e.addScaledRow(row, addr, coef, rowBytes, zero, v, t),
      );
      e.get(addr);
      e.get(rowBytes);
      e.ops(0x6a);
      e.set(addr);
    });
  });
  return { name, params: types, body: e.finish() };
}

interface HeadExports {
  memory: WasmMemory;
  combine(...args: number[]): void;
  combineInit(...args: number[]): void;
}

/**
 * The head on SIMD, or null where WebAssembly SIMD is unavailable. All three products are the
 * module's row combination (`combineBytes`): the forward pass with the bias rows as the
 * initial value, coefficients x[b, :] over the rows of W; the weight gradient with rows k of
 * gW, coefficients x[:, k] (from x transposed, [I, B]) over the rows of d; the input gradient
 * with coefficients d[b, :] over the rows of W transposed ([U, I]).
 */
export function simdDenseHead(): DenseHead | null {
  const mod = compileWasmModule(
    assembleModule([combineBytes('combine', false), combineBytes('combineInit', true)]),
  );
  const ex = instantiateWasm(mod) as unknown as HeadExports | null;
  if (!ex) return null;
  const up = (n: number): number => Math.ceil(n / 4) * 4;
  /** byte offsets of 16-byte aligned regions of the given float counts, memory grown */
  const layout = (sizes: number[]): number[] => {
    const at: number[] = [];
    let top = 64;
    for (const n of sizes) {
      at.push(top);
      top += up(n) * 4;
    }
    const have = ex.memory.buffer.byteLength;
    if (top > have) ex.memory.grow(Math.ceil((top - have) / 65536));
    return at;
  };
  /** src [R, C] into f32 at float `at` as [R, Cp] (zero padded) */
  const padRows = (f32: Float32Array, at: number, src: Float32Array, R: number, C: number) => {
    const Cp = up(C);
    if (Cp === C) {
      f32.set(src.subarray(0, R * C), at);
      return;
    }
    for (let r = 0; r < R; r++) {
      const o = at + r * Cp;
      for (let c = 0; c < C; c++) f32[o + c] = src[r * C + c];
      for (let c = C; c < Cp; c++) f32[o + c] = 0;
    }
  };
  return {
    forward(x, w, bias, out, B, I, U) {
      const Up = up(U);
      const [xAt, wAt, bAt, oAt] = layout([B * I, I * Up, Up, B * Up]);
      const f32 = new Float32Array(ex.memory.buffer);
      f32.set(x.subarray(0, B * I), xAt / 4);
      padRows(f32, wAt / 4, w, I, U);
      padRows(f32, bAt / 4, bias, 1, U);
      ex.combineInit(oAt, Up * 4, bAt, xAt, I * 4, wAt, Up * 4, B, I);
      for (let b = 0; b < B; b++)
        for (let u = 0; u < U; u++) out[b * U + u] = f32[oAt / 4 + b * Up + u];
    },
    backward(x, d, w, gw, gb, dIn, B, I, U) {
      const Up = up(U);
      const Ip = up(I);
      const Bp = up(B);
      const [xtAt, dAt, gAt, wtAt, dxAt] = layout([I * Bp, B * Up, I * Up, U * Ip, B * Ip]);
      const f32 = new Float32Array(ex.memory.buffer);
      // x transposed [I, B] (the coefficients of row k of gW, 4 bytes apart)
      const xt = xtAt / 4;
      for (let b = 0; b < B; b++) for (let k = 0; k < I; k++) f32[xt + k * B + b] = x[b * I + k];
      padRows(f32, dAt / 4, d, B, U);
      ex.combine(gAt, Up * 4, 0, xtAt, B * 4, dAt, Up * 4, I, B);
      for (let k = 0; k < I; k++)
        for (let u = 0; u < U; u++) gw[k * U + u] = f32[gAt / 4 + k * Up + u];
      gb.fill(0);
      for (let b = 0; b < B; b++) for (let u = 0; u < U; u++) gb[u] += d[b * U + u];
      if (!dIn) return;
      // W transposed [U, Ip]
      const wt = wtAt / 4;
      for (let u = 0; u < U; u++) {
        for (let k = 0; k < I; k++) f32[wt + u * Ip + k] = w[k * U + u];
        for (let k = I; k < Ip; k++) f32[wt + u * Ip + k] = 0;
      }
      // d unpadded [B, U] as coefficients: reuse the padded copy (stride Up)
      ex.combine(dxAt, Ip * 4, 0, dAt, Up * 4, wtAt, Ip * 4, B, U);
      if (Ip === I) dIn.set(f32.subarray(dxAt / 4, dxAt / 4 + B * I));
      else
        for (let b = 0; b < B; b++)
          for (let k = 0; k < I; k++) dIn[b * I + k] = f32[dxAt / 4 + b * Ip + k];
    },
  };
}
