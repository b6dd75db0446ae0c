/**
 * Float32 Euclidean distances with Ripser's rounding, in WebAssembly SIMD (f32x4), bit-identical
 * to the scalar loop
 *
 *   s = 0; for t in 0..d-1: diff = f32(x_t - y_t); s = f32(s + f32(diff * diff)); dist = f32(sqrt(s))
 *
 * Each SIMD lane holds one pair (the lanes never mix), so every pair is summed in the same order
 * with the same IEEE single-precision roundings as the scalar loop; f32x4.sqrt is correctly
 * rounded, as is f32(sqrt(s)) for a float32 s (a double square root rounded to float32 equals
 * the float32 square root). WebAssembly arithmetic neither fuses multiply-add nor flushes
 * subnormals, so no rounding differs.
 *
 * Layout in the module's memory: the cloud row-major (the row whose distances are computed is
 * read one coordinate at a time and splatted into the four lanes), and a copy in blocks of four
 * points interleaved by coordinate (block b, coordinate t: the four floats p_{4b..4b+3}[t]), so
 * one v128 load brings the t-th coordinate of four points. Points past n in the last block are
 * zeros (their lanes are computed and dropped).
 *
 *   rowDistances(xPtr, blocksPtr, nBlocks, dBytes, outPtr):
 *     out[4b + l] = dist(x, point 4b + l) for b < nBlocks
 *
 * Two blocks (eight pairs) run at once to hide the latency of the additions; an odd last block
 * runs alone.
 */
import {
  I32,
  V128,
  assembleModule,
  compileWasmModule,
  functionEmitter,
  instantiateWasm,
  op,
  simdOp,
  type WasmMemory,
} from './wasmAssembler.js';

function kernelBytes(): Uint8Array {
  const e = functionEmitter([I32, I32, I32, I32, I32]);
  const [xPtr, blocksPtr, nBlocks, dBytes, outPtr] = [0, 1, 2, 3, 4];
  const b = e.local(I32);
  const t = e.local(I32);
  const p0 = e.local(I32);
  const p1 = e.local(I32);
  const zero = e.local(I32);
  const pairEnd = e.local(I32);
  const blockBytes = e.local(I32);
  const a = e.local(V128);
  const d0 = e.local(V128);
  const d1 = e.local(V128);
  const s0 = e.local(V128);
  const s1 = e.local(V128);

  // blockBytes = 4 * dBytes (four points of d floats); pairEnd = nBlocks & ~1
  e.get(dBytes);
  e.i32(4);
  e.ops(op.i32Mul);
  e.set(blockBytes);
  e.get(nBlocks);
  e.i32(-2);
  e.ops(0x71); // i32.and
  e.set(pairEnd);
  e.i32(0);
  e.set(zero);

  /** acc = acc + diff * diff with diff = a - v128.load(ptr + t * 4) */
  const step = (ptr: number, diff: number, acc: number): void => {
    e.get(a);
    e.get(ptr);
    e.get(t);
    e.i32(4);
    e.ops(op.i32Mul);
    e.ops(op.i32Add);
    e.v128Load();
    e.simd(simdOp.f32x4Sub);
    e.tee(diff);
    e.get(diff);
    e.simd(simdOp.f32x4Mul);
    e.get(acc);
    e.simd(simdOp.f32x4Add);
    e.set(acc);
  };
  /** out[b * 16 + offset] = sqrt(acc) */
  const store = (acc: number, offset: number): void => {
    e.get(outPtr);
    e.get(b);
    e.i32(16);
    e.ops(op.i32Mul);
    e.ops(op.i32Add);
    e.get(acc);
    e.simd(simdOp.f32x4Sqrt);
    e.v128Store(offset);
  };
  /** a = splat(x[t / 4]) (t counts bytes of the row) */
  const splat = (): void => {
    e.sum(xPtr, t);
    e.f32Load();
    e.simd(simdOp.f32x4Splat);
    e.set(a);
  };

  // p0 = blocksPtr; b = 0; while b < pairEnd: two blocks at once
  e.get(blocksPtr);
  e.set(p0);
  e.forRange(b, zero, pairEnd, 2, () => {
    e.sum(p0, blockBytes);
    e.set(p1);
    e.v128Zero();
    e.set(s0);
    e.v128Zero();
    e.set(s1);
    e.forRange(t, zero, dBytes, 4, () => {
      splat();
      step(p0, d0, s0);
      step(p1, d1, s1);
    });
    store(s0, 0);
    store(s1, 16);
    e.sum(p1, blockBytes);
    e.set(p0);
  });
  // an odd last block
  e.get(pairEnd);
  e.get(nBlocks);
  e.ops(op.i32LtU);
  e.ifElse(() => {
    e.v128Zero();
    e.set(s0);
    e.forRange(t, zero, dBytes, 4, () => {
      splat();
      step(p0, d0, s0);
    });
    e.get(pairEnd);
    e.set(b);
    store(s0, 0);
  });
  return assembleModule([
    { name: 'rowDistances', params: [I32, I32, I32, I32, I32], body: e.finish() },
  ]);
}

const MODULE = compileWasmModule(kernelBytes());

interface Exports {
  memory: WasmMemory;
  rowDistances(
    xPtr: number,
    blocksPtr: number,
    nBlocks: number,
    dBytes: number,
    outPtr: number,
  ): void;
}

/**
 * The condensed lower triangle (row i: distances to points 0..i-1) of a float32 cloud with
 * Ripser's float32 rounding, written to `out`. Returns false, writing nothing, where
 * WebAssembly SIMD is missing or the module's memory cannot grow to hold the cloud twice; the
 * caller then uses its scalar loop.
 */
export function euclideanFloat32Wasm(
  data: Float32Array,
  n: number,
  d: number,
  out: Float32Array | Float64Array,
): boolean {
  const ex = instantiateWasm(MODULE) as unknown as Exports | null;
  if (!ex || n < 2 || d === 0) return false;
  const nBlocks = Math.ceil(n / 4);
  const xBytes = n * d * 4;
  const blocksAt = Math.ceil(xBytes / 16) * 16;
  const blocksBytes = nBlocks * 16 * d;
  const outAt = blocksAt + blocksBytes;
  const total = outAt + nBlocks * 16;
  const pages = Math.ceil(total / 65536);
  const have = ex.memory.buffer.byteLength / 65536;
  if (pages > 65536) return false;
  if (pages > have) {
    try {
      ex.memory.grow(pages - have);
    } catch {
      return false;
    }
  }
  const heap = new Float32Array(ex.memory.buffer);
  heap.set(data.subarray(0, n * d), 0);
  const blocks = heap.subarray(blocksAt / 4, outAt / 4);
  for (let p = 0; p < n; p++) {
    const base = (p >> 2) * 4 * d + (p & 3);
    for (let t = 0; t < d; t++) blocks[base + 4 * t] = data[p * d + t];
  }
  const row = heap.subarray(outAt / 4, outAt / 4 + nBlocks * 4);
  let k = 0;
  for (let i = 1; i < n; i++) {
    ex.rowDistances(i * d * 4, blocksAt, Math.ceil(i / 4), d * 4, outAt);
    out.set(row.subarray(0, i), k);
    k += i;
  }
  return true;
}
