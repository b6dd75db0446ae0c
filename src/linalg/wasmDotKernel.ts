/**
 * A WebAssembly SIMD (128-bit, f32x4) dot-product kernel, assembled here from readable opcodes
 * (no build step, no binary blob): it computes one tile of the Gram matrix X Y^T of two blocks
 * of rows stored row-major in the module's own memory.
 *
 *   dots(xPtr, yPtr, outPtr, ni, nj, rowBytes, ldOutBytes):
 *     out[a][b] = sum_t x[a][t] * y[b][t]   for a < ni (multiple of 4), b < nj (multiple of 2)
 *
 * Rows are `rowBytes` apart (the dimension padded with zeros to a multiple of 4 floats). The
 * micro-kernel keeps a 4 x 2 block of f32x4 accumulators in registers (8 accumulators, 6 loads
 * per step of 4 coordinates): each lane sums every 4th coordinate, and the 4 lanes are added at
 * the end. Rounding: each lane accumulates rowBytes/16 products in single precision, so the
 * error of one dot product is at most gamma_{rowBytes/16 + 3} * sum_t |x_t y_t| with
 * gamma_m = m u / (1 - m u), u = 2^-24 (the caller's candidate margin uses this bound).
 *
 * A second variant (`precision: 'f64'`) works on float64 rows with f64x2 lanes: each lane sums
 * every 2nd coordinate in double precision (rows padded to a multiple of 2 doubles; the error
 * of one dot product is at most gamma_{rowBytes/16 + 1} * sum_t |x_t y_t|, u = 2^-53, the same
 * order as a plain sequential float64 loop), and stores float64 results. With
 * `accumulate: true` the kernel adds its sums to the output instead of overwriting it, so a
 * caller can split the summation index into cache-sized chunks (linear CKA's X^T Y, gram.ts).
 *
 * Runs wherever WebAssembly SIMD does (Node >= 16.4, current browsers); `createWasmDotKernel`
 * returns null where it does not, and callers fall back to the JavaScript kernel in gemm.ts.
 */

import {
  I32,
  V128,
  assembleModule,
  compileWasmModule,
  instantiateWasm,
  op,
  simdOp as simd,
  sleb,
  uleb,
  type ValueType,
  type WasmMemory,
} from './wasmAssembler.js';

/** coordinates per row must be a multiple of 4 * UNROLL */
export const UNROLL = 1;
/** register block: rows of the first block (ni must be a multiple) x rows of the second (nj) */
export const KERNEL_ROWS = 4;
export const KERNEL_COLS = 2;
/** Element type of the rows and of the output. */
export type KernelPrecision = 'f32' | 'f64';

export interface KernelVariant {
  /** 'f32' (default: f32x4 lanes, float32 rows and output) or 'f64' (f64x2, float64) */
  precision?: KernelPrecision;
  /** add the dot products to the output instead of overwriting it; default false */
  accumulate?: boolean;
}

/**
 * Builds the kernel module's bytes for a ROWS x COLS register block: ROWS vectors of the first
 * block stay in registers, each vector of the second block is loaded once per step and
 * multiplied into ROWS accumulators.
 */
function kernelBytes(
  ROWS = KERNEL_ROWS,
  COLS = KERNEL_COLS,
  precision: KernelPrecision = 'f32',
  accumulate = false,
): Uint8Array {
  const f64 = precision === 'f64';
  const lanes = f64 ? 2 : 4;
  const esize = f64 ? 8 : 4;
  const vMul = f64 ? simd.f64x2Mul : simd.f32x4Mul;
  const vAdd = f64 ? simd.f64x2Add : simd.f32x4Add;
  const extract = f64 ? simd.f64x2ExtractLane : simd.f32x4ExtractLane;
  const scalarAdd = f64 ? op.f64Add : op.f32Add;
  const scalarLoad = f64 ? op.f64Load : op.f32Load;
  const scalarStore = f64 ? op.f64Store : op.f32Store;
  const align = f64 ? 3 : 2;
  // parameters
  const xPtr = 0,
    yPtr = 1,
    outPtr = 2,
    ni = 3,
    nj = 4,
    rowBytes = 5,
    ldOut = 6;
  // i32 locals
  const a = 7,
    b = 8,
    t = 9,
    o = 10;
  const xs = Array.from({ length: ROWS }, (_, r) => 11 + r);
  const ys = Array.from({ length: COLS }, (_, c) => 11 + ROWS + c);
  const nI32Locals = 4 + ROWS + COLS;
  // v128 locals: accumulators acc[r][c], then vx[r], then one vy
  const v0 = 7 + nI32Locals;
  const acc = (r: number, c: number): number => v0 + COLS * r + c;
  const vx = (r: number): number => v0 + ROWS * COLS + r;
  const vy = v0 + ROWS * COLS + ROWS;
  const nV128Locals = ROWS * COLS + ROWS + 1;

  const code: number[] = [];
  const get = (l: number): void => void code.push(op.localGet, ...uleb(l));
  const set = (l: number): void => void code.push(op.localSet, ...uleb(l));
  const i32 = (v: number): void => void code.push(op.i32Const, ...sleb(v));
  const add = (): void => void code.push(op.i32Add);
  const v128Load = (offset: number): void =>
    void code.push(op.simd, ...uleb(simd.load), 4, ...uleb(offset)); // align 2^4
  const v128Zero = (): void =>
    void code.push(op.simd, ...uleb(simd.const), ...new Array<number>(16).fill(0));
  const f4 = (o: number): void => void code.push(op.simd, ...uleb(o));
  // `block; loop;` with exit test `if (get(i) >= get(limit)) break`
  const openLoop = (i: number, limit: number): void => {
    code.push(op.block, 0x40, op.loop, 0x40);
    get(i);
    get(limit);
    code.push(op.i32GeU, op.brIf, 1);
  };
  const closeLoop = (): void => void code.push(op.br, 0, op.end, op.end);
  /** ptrs[0] = base + index * rowBytes; ptrs[r + 1] = ptrs[r] + rowBytes */
  const rowPointers = (base: number, index: number, ptrs: number[]): void => {
    get(base);
    get(index);
    get(rowBytes);
    code.push(op.i32Mul);
    add();
    set(ptrs[0]);
    for (let r = 1; r < ptrs.length; r++) {
      get(ptrs[r - 1]);
      get(rowBytes);
      add();
      set(ptrs[r]);
    }
  };

  i32(0);
  set(a);
  openLoop(a, ni);
  rowPointers(xPtr, a, xs);
  i32(0);
  set(b);
  openLoop(b, nj);
  rowPointers(yPtr, b, ys);
  for (let r = 0; r < ROWS; r++) {
    for (let c = 0; c < COLS; c++) {
      v128Zero();
      set(acc(r, c));
    }
  }
  i32(0);
  set(t);
  openLoop(t, rowBytes);
  for (let u = 0; u < UNROLL; u++) {
    for (let r = 0; r < ROWS; r++) {
      get(xs[r]);
      get(t);
      add();
      v128Load(16 * u);
      set(vx(r));
    }
    for (let c = 0; c < COLS; c++) {
      get(ys[c]);
      get(t);
      add();
      v128Load(16 * u);
      set(vy);
      for (let r = 0; r < ROWS; r++) {
        get(acc(r, c));
        get(vx(r));
        get(vy);
        f4(vMul);
        f4(vAdd);
        set(acc(r, c));
      }
    }
  }
  get(t);
  i32(16 * UNROLL);
  add();
  set(t);
  closeLoop();
  // store the horizontal sums: out row (a + r) at outPtr + (a + r) * ldOut + b * esize
  for (let r = 0; r < ROWS; r++) {
    get(outPtr);
    get(a);
    i32(r);
    add();
    get(ldOut);
    code.push(op.i32Mul);
    add();
    get(b);
    i32(esize);
    code.push(op.i32Mul);
    add();
    set(o);
    for (let c = 0; c < COLS; c++) {
      get(o);
      if (accumulate) {
        get(o);
        code.push(scalarLoad, align, ...uleb(esize * c));
      }
      for (let lane = 0; lane < lanes; lane++) {
        get(acc(r, c));
        code.push(op.simd, ...uleb(extract), lane);
        if (lane > 0) code.push(scalarAdd);
      }
      if (accumulate) code.push(scalarAdd);
      code.push(scalarStore, align, ...uleb(esize * c)); // offset esize * c
    }
  }
  get(b);
  i32(COLS);
  add();
  set(b);
  closeLoop();
  get(a);
  i32(ROWS);
  add();
  set(a);
  closeLoop();
  code.push(op.end);

  const locals = [2, ...uleb(nI32Locals), I32, ...uleb(nV128Locals), V128];
  const body = [...locals, ...code];
  const funcBody = [...uleb(body.length), ...body];

  return assembleModule([
    { name: 'dots', params: new Array<ValueType>(7).fill(I32), body: funcBody },
  ]);
}

export interface WasmDotKernel {
  memory: WasmMemory;
  dots(
    xPtr: number,
    yPtr: number,
    outPtr: number,
    ni: number,
    nj: number,
    rowBytes: number,
    ldOutBytes: number,
  ): void;
}

function compileKernel(
  rows: number,
  cols: number,
  precision: KernelPrecision = 'f32',
  accumulate = false,
): object | null {
  return compileWasmModule(kernelBytes(rows, cols, precision, accumulate));
}

/**
 * The default kernel, compiled once when this module loads (a constant, about a millisecond):
 * instances share its optimised machine code, so only the first kNN of a process runs while V8
 * tiers the function up from its baseline compiler.
 */
const DEFAULT_MODULE = compileKernel(KERNEL_ROWS, KERNEL_COLS);
/** The float64 accumulating variant (gram.ts), compiled once likewise. */
const F64_ACCUMULATE_MODULE = compileKernel(KERNEL_ROWS, KERNEL_COLS, 'f64', true);

/**
 * A fresh kernel instance with its own memory, or null where WebAssembly SIMD is missing.
 * `variant` picks the element type and whether results are added to the output.
 */
export function createWasmDotKernel(
  rows = KERNEL_ROWS,
  cols = KERNEL_COLS,
  variant: KernelVariant = {},
): WasmDotKernel | null {
  const precision = variant.precision ?? 'f32';
  const accumulate = variant.accumulate ?? false;
  const standard = rows === KERNEL_ROWS && cols === KERNEL_COLS;
  const module =
    standard && precision === 'f32' && !accumulate
      ? DEFAULT_MODULE
      : standard && precision === 'f64' && accumulate
        ? F64_ACCUMULATE_MODULE
        : compileKernel(rows, cols, precision, accumulate);
  const ex = instantiateWasm(module) as unknown as WasmDotKernel | null;
  return ex ? { memory: ex.memory, dots: ex.dots } : null;
}
