/**
 * WebAssembly SIMD kernels of the fused dense training step (./fusedDenseWasm.ts). All work on
 * float32 rows padded to a multiple of 4 (one f32x4 vector per 4 units) inside the module's own
 * memory; pointers and strides are in bytes.
 *
 *   listNonzeros(src, inStride, nRows, nUnits, w, wRowBytes, delta, deltaRowBytes, ...)
 *     the entry lists below for one layer's input, by row and by unit (see the function).
 *
 *   combine(out, outStride, init, initStride, nRows, starts, entries, rowBytes, relu)
 *     for each row r: out_r = init_r + sum over entries e in [starts[r], starts[r+1]) of
 *     value_e * row(address_e), then max(., 0) if relu. An entry is 8 bytes: an i32 byte address
 *     of a source row and its f32 coefficient. Both products of a dense layer are this sum over
 *     the nonzero inputs only: the forward product (rows of the batch, sources = rows of W) and
 *     the weight gradient (rows of W, sources = rows of the output gradient).
 *
 *   dots(out, outStride, a, aStride, nA, b, bStride, nB, rowBytes, mask)
 *     out[i][j] = mask[i][j] != 0 ? <a_i, b_j> : 0, with mask laid out as out: the gradient
 *     through a ReLU layer, (delta W^T) masked where the layer's output was 0.
 *
 *   sgd(w, g, nBytes, -lr), rmsprop(w, g, ms, nBytes, lr, rho, 1 - rho, eps),
 *   adam(w, g, m, v, nBytes, -lr, beta1, 1 - beta1, beta2, 1 - beta2, c1, c2, eps)
 *     the optimisers' element-wise updates, in the order of operations of TensorFlow.js's own
 *     optimisers (so the result is the same float32 arithmetic up to the order of sums).
 *
 * Accumulation is in float32 lanes, as the TensorFlow.js kernels do it.
 */
import {
  F32,
  I32,
  V128,
  assembleModule,
  compileWasmModule,
  functionEmitter,
  instantiateWasm,
  op,
  simdOp,
  type AssembledFunction,
  type ValueType,
  type WasmMemory,
} from '../linalg/wasmAssembler.js';

const I32_LE_U = 0x4d;
const V128_ANY_TRUE = 0x53;

function combineFunction(): AssembledFunction {
  const e = functionEmitter([I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const [out, outStride, init, initStride, nRows, starts, entries, rowBytes, relu] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8,
  ];
  const zero = e.local(I32);
  const r = e.local(I32);
  const o = e.local(I32);
  const src = e.local(I32);
  const v = e.local(I32);
  const p = e.local(I32);
  const k = e.local(I32);
  const kEnd = e.local(I32);
  const ent = e.local(I32);
  const coef = e.local(V128);
  const rowAddress = (base: number, stride: number): void => {
    e.get(base);
    e.get(r);
    e.get(stride);
    e.ops(op.i32Mul, op.i32Add);
  };
  e.forRange(r, zero, nRows, 1, () => {
    rowAddress(out, outStride);
    e.set(o);
    rowAddress(init, initStride);
    e.set(src);
    // out_r = init_r
    e.forRange(v, zero, rowBytes, 16, () => {
      e.get(o);
      e.get(v);
      e.ops(op.i32Add);
      e.get(src);
      e.get(v);
      e.ops(op.i32Add);
      e.v128Load();
      e.v128Store();
    });
    // entry range of this row
    e.get(starts);
    e.get(r);
    e.i32(4);
    e.ops(op.i32Mul, op.i32Add);
    e.tee(p);
    e.i32Load(0);
    e.set(k);
    e.get(p);
    e.i32Load(4);
    e.set(kEnd);
    e.forRange(k, k, kEnd, 1, () => {
      e.get(entries);
      e.get(k);
      e.i32(8);
      e.ops(op.i32Mul, op.i32Add);
      e.tee(ent);
      e.i32Load(0);
      e.set(src);
      e.get(ent);
      e.f32Load(4);
      e.simd(simdOp.f32x4Splat);
      e.set(coef);
      e.addScaledRow(o, src, coef, rowBytes, zero, v, p);
    });
    e.get(relu);
    e.ifElse(() => {
      e.forRange(v, zero, rowBytes, 16, () => {
        e.get(o);
        e.get(v);
        e.ops(op.i32Add);
        e.tee(p);
        e.get(p);
        e.v128Load();
        e.v128Zero();
        e.simd(simdOp.f32x4Max);
        e.v128Store();
      });
    });
  });
  return {
    name: 'combine',
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32],
    body: e.finish(),
  };
}

/**
 * listNonzeros(src, inStride, nRows, nUnits, w, wRowBytes, delta, deltaRowBytes, rowStarts,
 *              rowEntries, colStarts, colEntries, colCount, entryUnit)
 * Lists the nonzero values of an nRows x nUnits input (rows `inStride` bytes apart) twice:
 * by row, as entries (w + u wRowBytes, value) for the forward product, and by unit, as entries
 * (delta + row deltaRowBytes, value) for the weight gradient (a counting sort of the first
 * list: `colCount` and `entryUnit` are i32 scratch of nUnits + 1 and nRows nUnits). Runs of four
 * zeros are skipped with one vector test.
 */
function listNonzerosFunction(): AssembledFunction {
  const params = new Array<ValueType>(14).fill(I32);
  const e = functionEmitter(params);
  const [src, inStride, nRows, nUnits, w, wRowBytes, delta, deltaRowBytes] = [
    0, 1, 2, 3, 4, 5, 6, 7,
  ];
  const [rowStarts, rowEntries, colStarts, colEntries, colCount, entryUnit] = [
    8, 9, 10, 11, 12, 13,
  ];
  const zero = e.local(I32);
  const i = e.local(I32);
  const u = e.local(I32);
  const nz = e.local(I32);
  const r0 = e.local(I32);
  const a = e.local(I32);
  const k = e.local(I32);
  const kEnd = e.local(I32);
  const slot = e.local(I32);
  const units1 = e.local(I32);
  const value = e.local(F32);
  /** pushes base + 4 index (i32 array element address) */
  const at4 = (base: number, index: number): void => {
    e.get(base);
    e.get(index);
    e.i32(4);
    e.ops(op.i32Mul, op.i32Add);
  };
  /** pushes base + 8 index (entry address) */
  const at8 = (base: number, index: number): void => {
    e.get(base);
    e.get(index);
    e.i32(8);
    e.ops(op.i32Mul, op.i32Add);
  };
  e.get(nUnits);
  e.i32(1);
  e.ops(op.i32Add);
  e.set(units1);
  // colCount[0..nUnits] = 0
  e.forRange(u, zero, units1, 1, () => {
    at4(colCount, u);
    e.i32(0);
    e.ops(op.i32Store, 2, 0);
  });
  e.i32(0);
  e.set(nz);
  e.forRange(i, zero, nRows, 1, () => {
    at4(rowStarts, i);
    e.get(nz);
    e.ops(op.i32Store, 2, 0);
    e.get(src);
    e.get(i);
    e.get(inStride);
    e.ops(op.i32Mul, op.i32Add);
    e.set(r0);
    e.i32(0);
    e.set(u);
    e.ops(op.block, 0x40, op.loop, 0x40);
    e.get(u);
    e.get(nUnits);
    e.ops(op.i32GeU, op.brIf, 1);
    // four zeros at once: if u + 4 <= nUnits and no bit of the next 16 bytes is set, skip them
    e.get(u);
    e.i32(4);
    e.ops(op.i32Add);
    e.get(nUnits);
    e.ops(I32_LE_U);
    e.ifElse(() => {
      at4(r0, u);
      e.v128Load();
      e.simd(V128_ANY_TRUE);
      e.ops(op.i32Eqz);
      e.ifElse(() => {
        e.inc(u, 4);
        e.ops(op.br, 2);
      });
    });
    at4(r0, u);
    e.f32Load();
    e.tee(value);
    e.f32(0);
    e.ops(op.f32Ne);
    e.ifElse(() => {
      at8(rowEntries, nz);
      e.tee(a);
      e.get(w);
      e.get(u);
      e.get(wRowBytes);
      e.ops(op.i32Mul, op.i32Add);
      e.ops(op.i32Store, 2, 0);
      e.get(a);
      e.get(value);
      e.f32Store(4);
      at4(entryUnit, nz);
      e.get(u);
      e.ops(op.i32Store, 2, 0);
      at4(colCount, u);
      e.tee(a);
      e.get(a);
      e.i32Load(4);
      e.i32(1);
      e.ops(op.i32Add);
      e.ops(op.i32Store, 2, 4);
      e.inc(nz, 1);
    });
    e.inc(u, 1);
    e.ops(op.br, 0, op.end, op.end);
  });
  at4(rowStarts, nRows);
  e.get(nz);
  e.ops(op.i32Store, 2, 0);
  // prefix sums of the counts: colCount[u] = first slot of unit u; colStarts = a copy
  e.forRange(u, zero, nUnits, 1, () => {
    at4(colCount, u);
    e.tee(a);
    e.get(a);
    e.i32Load(4);
    e.get(a);
    e.i32Load(0);
    e.ops(op.i32Add);
    e.ops(op.i32Store, 2, 4);
  });
  e.forRange(u, zero, units1, 1, () => {
    at4(colStarts, u);
    at4(colCount, u);
    e.i32Load(0);
    e.ops(op.i32Store, 2, 0);
  });
  // by unit: each row's entries go to the next free slot of their unit
  e.forRange(i, zero, nRows, 1, () => {
    at4(rowStarts, i);
    e.tee(a);
    e.i32Load(0);
    e.set(k);
    e.get(a);
    e.i32Load(4);
    e.set(kEnd);
    e.forRange(k, k, kEnd, 1, () => {
      // slot = colCount[entryUnit[k]]++
      e.get(colCount);
      at4(entryUnit, k);
      e.i32Load(0);
      e.i32(4);
      e.ops(op.i32Mul, op.i32Add);
      e.tee(a);
      e.i32Load(0);
      e.set(slot);
      e.get(a);
      e.get(slot);
      e.i32(1);
      e.ops(op.i32Add);
      e.ops(op.i32Store, 2, 0);
      at8(colEntries, slot);
      e.tee(a);
      e.get(delta);
      e.get(i);
      e.get(deltaRowBytes);
      e.ops(op.i32Mul, op.i32Add);
      e.ops(op.i32Store, 2, 0);
      e.get(a);
      at8(rowEntries, k);
      e.f32Load(4);
      e.f32Store(4);
    });
  });
  return { name: 'listNonzeros', params, body: e.finish() };
}

function dotsFunction(): AssembledFunction {
  const params = [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32] as const;
  const e = functionEmitter([...params]);
  const [out, outStride, a, aStride, nA, b, bStride, nB, rowBytes, mask] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
  ];
  const zero = e.local(I32);
  const i = e.local(I32);
  const j = e.local(I32);
  const t = e.local(I32);
  const ap = e.local(I32);
  const bp = e.local(I32);
  const cell = e.local(I32); // byte offset of out[i][j] from out (= that of mask[i][j])
  const acc = e.local(V128);
  e.forRange(i, zero, nA, 1, () => {
    e.get(a);
    e.get(i);
    e.get(aStride);
    e.ops(op.i32Mul, op.i32Add);
    e.set(ap);
    e.forRange(j, zero, nB, 1, () => {
      e.get(i);
      e.get(outStride);
      e.ops(op.i32Mul);
      e.get(j);
      e.i32(4);
      e.ops(op.i32Mul, op.i32Add);
      e.set(cell);
      e.get(mask);
      e.get(cell);
      e.ops(op.i32Add);
      e.f32Load();
      e.f32(0);
      e.ops(op.f32Ne);
      e.ifElse(
        () => {
          e.v128Zero();
          e.set(acc);
          e.get(b);
          e.get(j);
          e.get(bStride);
          e.ops(op.i32Mul, op.i32Add);
          e.set(bp);
          e.forRange(t, zero, rowBytes, 16, () => {
            e.get(acc);
            e.get(ap);
            e.get(t);
            e.ops(op.i32Add);
            e.v128Load();
            e.get(bp);
            e.get(t);
            e.ops(op.i32Add);
            e.v128Load();
            e.simd(simdOp.f32x4Mul);
            e.simd(simdOp.f32x4Add);
            e.set(acc);
          });
          e.get(out);
          e.get(cell);
          e.ops(op.i32Add);
          for (let lane = 0; lane < 4; lane++) {
            e.get(acc);
            e.simd(simdOp.f32x4ExtractLane, lane);
            if (lane > 0) e.ops(op.f32Add);
          }
          e.f32Store();
        },
        () => {
          e.get(out);
          e.get(cell);
          e.ops(op.i32Add);
          e.f32(0);
          e.f32Store();
        },
      );
    });
  });
  return { name: 'dots', params: [...params], body: e.finish() };
}

/** An element-wise update over `nBytes` of float32 vectors; `body` computes with the local
 * `t` (byte offset) and the splatted scalar locals. */
function elementwise(
  name: string,
  pointers: number,
  scalars: number,
  body: (e: ReturnType<typeof functionEmitter>, t: number, s: number[], tmp: number[]) => void,
): AssembledFunction {
  const params: ValueType[] = [
    ...new Array<ValueType>(pointers + 1).fill(I32),
    ...new Array<ValueType>(scalars).fill(F32),
  ];
  const e = functionEmitter(params);
  const nBytes = pointers;
  const zero = e.local(I32);
  const t = e.local(I32);
  const splats = Array.from({ length: scalars }, () => e.local(V128));
  const tmp = [e.local(V128), e.local(V128), e.local(V128)];
  splats.forEach((l, k) => {
    e.get(pointers + 1 + k);
    e.simd(simdOp.f32x4Splat);
    e.set(l);
  });
  e.forRange(t, zero, nBytes, 16, () => body(e, t, splats, tmp));
  return { name, params, body: e.finish() };
}

/** pushes load(pointer param `p` + t) */
function loadAt(e: ReturnType<typeof functionEmitter>, p: number, t: number): void {
  e.get(p);
  e.get(t);
  e.ops(op.i32Add);
  e.v128Load();
}

/** pushes the address for a later store at pointer param `p` + t */
function addressAt(e: ReturnType<typeof functionEmitter>, p: number, t: number): void {
  e.get(p);
  e.get(t);
  e.ops(op.i32Add);
}

const W = 0;
const G = 1;

function sgdFunction(): AssembledFunction {
  // w = w + (-lr) g   (tfjs SGD: add(mul(-lr, g), w))
  return elementwise('sgd', 2, 1, (e, t, [negLr]) => {
    addressAt(e, W, t);
    e.get(negLr);
    loadAt(e, G, t);
    e.simd(simdOp.f32x4Mul);
    loadAt(e, W, t);
    e.simd(simdOp.f32x4Add);
    e.v128Store();
  });
}

/**
 * The optimisers' moving averages, in tfjs's order of operations:
 * out = state * decay + term * (1 - decay), stored back into the state at `ptr` + t.
 */
function movingAverage(
  e: ReturnType<typeof functionEmitter>,
  ptr: number,
  t: number,
  decay: number,
  oneMinusDecay: number,
  term: () => void,
  out: number,
): void {
  loadAt(e, ptr, t);
  e.get(decay);
  e.simd(simdOp.f32x4Mul);
  term();
  e.get(oneMinusDecay);
  e.simd(simdOp.f32x4Mul);
  e.simd(simdOp.f32x4Add);
  e.set(out);
  addressAt(e, ptr, t);
  e.get(out);
  e.v128Store();
}

/** pushes g * g */
const square = (e: ReturnType<typeof functionEmitter>, g: number) => (): void => {
  e.get(g);
  e.get(g);
  e.simd(simdOp.f32x4Mul);
};

function rmspropFunction(): AssembledFunction {
  // ms = ms rho + g^2 (1 - rho); w = w - (g lr) / sqrt(ms + eps)
  const MS = 2;
  return elementwise('rmsprop', 3, 4, (e, t, [lr, rho, oneMinusRho, eps], [g, ms]) => {
    loadAt(e, G, t);
    e.set(g);
    movingAverage(e, MS, t, rho, oneMinusRho, square(e, g), ms);
    addressAt(e, W, t);
    loadAt(e, W, t);
    e.get(g);
    e.get(lr);
    e.simd(simdOp.f32x4Mul);
    e.get(ms);
    e.get(eps);
    e.simd(simdOp.f32x4Add);
    e.simd(simdOp.f32x4Sqrt);
    e.simd(simdOp.f32x4Div);
    e.simd(simdOp.f32x4Sub);
    e.v128Store();
  });
}

function adamFunction(): AssembledFunction {
  // m = m b1 + g (1 - b1); v = v b2 + g^2 (1 - b2);
  // w = (m / c1) / (sqrt(v / c2) + eps) (-lr) + w
  const M = 2;
  const V = 3;
  return elementwise(
    'adam',
    4,
    8,
    (e, t, [negLr, b1, oneMinusB1, b2, oneMinusB2, c1, c2, eps], [g, m, v]) => {
      loadAt(e, G, t);
      e.set(g);
      movingAverage(e, M, t, b1, oneMinusB1, () => e.get(g), m);
      movingAverage(e, V, t, b2, oneMinusB2, square(e, g), v);
      addressAt(e, W, t);
      e.get(m);
      e.get(c1);
      e.simd(simdOp.f32x4Div);
      e.get(v);
      e.get(c2);
      e.simd(simdOp.f32x4Div);
      e.simd(simdOp.f32x4Sqrt);
      e.get(eps);
      e.simd(simdOp.f32x4Add);
      e.simd(simdOp.f32x4Div);
      e.get(negLr);
      e.simd(simdOp.f32x4Mul);
      loadAt(e, W, t);
      e.simd(simdOp.f32x4Add);
      e.v128Store();
    },
  );
}

const MODULE = compileWasmModule(
  assembleModule([
    listNonzerosFunction(),
    combineFunction(),
    dotsFunction(),
    sgdFunction(),
    rmspropFunction(),
    adamFunction(),
  ]),
);

export interface DenseKernels {
  memory: WasmMemory;
  listNonzeros(
    src: number,
    inStride: number,
    nRows: number,
    nUnits: number,
    w: number,
    wRowBytes: number,
    delta: number,
    deltaRowBytes: number,
    rowStarts: number,
    rowEntries: number,
    colStarts: number,
    colEntries: number,
    colCount: number,
    entryUnit: number,
  ): void;
  combine(
    out: number,
    outStride: number,
    init: number,
    initStride: number,
    nRows: number,
    starts: number,
    entries: number,
    rowBytes: number,
    relu: number,
  ): void;
  dots(
    out: number,
    outStride: number,
    a: number,
    aStride: number,
    nA: number,
    b: number,
    bStride: number,
    nB: number,
    rowBytes: number,
    mask: number,
  ): void;
  sgd(w: number, g: number, nBytes: number, negLr: number): void;
  rmsprop(
    w: number,
    g: number,
    ms: number,
    nBytes: number,
    lr: number,
    rho: number,
    oneMinusRho: number,
    eps: number,
  ): void;
  adam(
    w: number,
    g: number,
    m: number,
    v: number,
    nBytes: number,
    negLr: number,
    beta1: number,
    oneMinusBeta1: number,
    beta2: number,
    oneMinusBeta2: number,
    c1: number,
    c2: number,
    eps: number,
  ): void;
}

/** A fresh instance with its own memory grown to at least `bytes`, or null where WebAssembly
 * SIMD is unavailable. */
export function createDenseKernels(bytes: number): DenseKernels | null {
  const ex = instantiateWasm(MODULE) as unknown as DenseKernels | null;
  if (!ex) return null;
  const pages = Math.ceil(bytes / 65536);
  const have = ex.memory.buffer.byteLength / 65536;
  if (pages > have) ex.memory.grow(pages - have);
  return ex;
}
