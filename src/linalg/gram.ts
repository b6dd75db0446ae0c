/**
 * Dense products for similarity measures: centring, cross products X^T Y of two n-row
 * matrices (feature space), and row Gram matrices X X^T (sample space), all in float64.
 *
 * Fast path: the WebAssembly SIMD dot kernel of wasmDotKernel.ts in its float64 variant
 * (f64x2 lanes, 4 x 2 register block, results added to the output). For X^T Y the summation
 * index (the n rows) is cut into chunks of CHUNK rows; each chunk of X and of Y is packed
 * transposed (one feature per row, CHUNK doubles long, 2 KiB: four of them stay in L1) and
 * the kernel adds the chunk's p x q dot products into C, a column block of at most COL_BLOCK
 * features of Y at a time (128 KiB, in L2). X^T X is symmetric: only the column blocks'
 * upper part is computed, about half the work. Each entry is a sum of n products taken in
 * two interleaved double-precision partial sums (per chunk, then added chunk by chunk), so
 * the rounding error is of the same order as a sequential float64 loop (|error| <=
 * gamma_{n/2 + n/CHUNK + 1} sum_t |x_t y_t|, u = 2^-53). Linear CKA's three products share one
 * pass (centredCrossFrobenius2: each chunk packed once, centred while packed). X X^T is the
 * symmetric product of the transpose and takes the same path. Measured (bench/cka.ts): the
 * kernel runs at about 20 GFLOP/s per core; CKA of two 10,000 x 512 clouds about 2-2.6x
 * NumPy/OpenBLAS's CPU time. A float32 kernel would not meet the 1e-10 agreement with NumPy.
 *
 * Fallback (no WebAssembly SIMD, or a too-large heap): the JavaScript loops below, four rows
 * at a time so that each pass over the output row does four multiply-adds per load.
 */
import type { Matrix } from '../core/matrix.js';
import {
  createWasmDotKernel,
  KERNEL_COLS,
  KERNEL_ROWS,
  type WasmDotKernel,
} from './wasmDotKernel.js';

/** rows of X and Y summed per kernel call (the length of a packed, transposed feature row) */
const CHUNK = 256;
/** features of Y (columns of C) per kernel call, so that their packed rows stay in L2 */
const COL_BLOCK = 64;

function roundUp(v: number, m: number): number {
  return Math.ceil(v / m) * m;
}

/** A float64 accumulating kernel whose memory holds at least `bytes`, or null. */
function f64Kernel(bytes: number): WasmDotKernel | null {
  const kernel = createWasmDotKernel(KERNEL_ROWS, KERNEL_COLS, {
    precision: 'f64',
    accumulate: true,
  });
  if (!kernel) return null;
  try {
    const have = kernel.memory.buffer.byteLength;
    if (bytes > have) kernel.memory.grow(Math.ceil((bytes - have) / 65536));
  } catch {
    return null; // too large for the WebAssembly heap: the caller uses the JavaScript loops
  }
  return kernel;
}

/**
 * Copies rows r0 .. r0 + rows - 1 of X (n x p), minus `mean` when given, transposed into out
 * (pPad x CHUNK). Eight rows at a time, so that both the reads (eight row streams) and the
 * writes (eight consecutive doubles, one cache line) are sequential. Entries past `rows` or
 * past p are left as they are (zero: the caller clears the buffer for a short last chunk).
 */
function packChunk(
  X: ArrayLike<number>,
  p: number,
  r0: number,
  rows: number,
  out: Float64Array,
  mean: Float64Array | null,
): void {
  for (let t0 = 0; t0 < rows; t0 += 8) {
    const tEnd = Math.min(t0 + 8, rows);
    for (let a = 0; a < p; a++) {
      const m = mean ? mean[a] : 0;
      const o = a * CHUNK;
      for (let t = t0; t < tEnd; t++) out[o + t] = X[(r0 + t) * p + a] - m;
    }
  }
}

/** A product computed by the SIMD path: C (rows of stride ld), of which a <= b is exact. */
interface PaddedProduct {
  C: Float64Array;
  ld: number;
}

/**
 * X^T Y, X^T X and Y^T Y (whichever `want` names) with the SIMD kernel, from one pass over
 * the rows: each chunk of X and Y is packed (minus the means when given) once and serves all
 * products. For the symmetric X^T X and Y^T Y only entries C[a][b] with a <= b are exact (the
 * others may be partial). Null when the kernel is unavailable.
 */
function wasmProducts(
  X: ArrayLike<number>,
  p: number,
  Y: ArrayLike<number>,
  q: number,
  n: number,
  want: { xy: boolean; xx: boolean; yy: boolean },
  meanX: Float64Array | null = null,
  meanY: Float64Array | null = null,
): { xy?: PaddedProduct; xx?: PaddedProduct; yy?: PaddedProduct } | null {
  const pPad = roundUp(p, KERNEL_ROWS);
  const needY = want.xy || want.yy;
  const qPad = needY ? roundUp(q, KERNEL_ROWS) : 0;
  const xPtr = 0;
  const yPtr = xPtr + pPad * CHUNK * 8;
  const xyPtr = yPtr + qPad * CHUNK * 8;
  const xxPtr = xyPtr + (want.xy ? pPad * qPad * 8 : 0);
  const yyPtr = xxPtr + (want.xx ? pPad * pPad * 8 : 0);
  const total = yyPtr + (want.yy ? qPad * qPad * 8 : 0);
  const kernel = f64Kernel(total);
  if (!kernel) return null;
  const { buffer } = kernel.memory;
  new Float64Array(buffer, 0, total / 8).fill(0);
  const xPack = new Float64Array(buffer, xPtr, pPad * CHUNK);
  const yPack = new Float64Array(buffer, yPtr, qPad * CHUNK);
  const rowBytes = CHUNK * 8;
  /** C (aPad x bPad at cPtr) += A^T B for the packed chunks at aPtr, bPtr */
  const accumulate = (
    aPtr: number,
    aPad: number,
    bPtr: number,
    bPad: number,
    cPtr: number,
    symmetric: boolean,
  ): void => {
    for (let j0 = 0; j0 < bPad; j0 += COL_BLOCK) {
      const nj = Math.min(COL_BLOCK, bPad - j0);
      // symmetric: rows a < j0 + nj cover every a <= b of this column block
      const ni = symmetric ? Math.min(aPad, j0 + nj) : aPad;
      kernel.dots(aPtr, bPtr + j0 * rowBytes, cPtr + j0 * 8, ni, nj, rowBytes, bPad * 8);
    }
  };
  for (let r0 = 0; r0 < n; r0 += CHUNK) {
    const rows = Math.min(CHUNK, n - r0);
    if (rows < CHUNK) {
      xPack.fill(0);
      yPack.fill(0);
    }
    packChunk(X, p, r0, rows, xPack, meanX);
    if (needY) packChunk(Y, q, r0, rows, yPack, meanY);
    if (want.xy) accumulate(xPtr, pPad, yPtr, qPad, xyPtr, false);
    if (want.xx) accumulate(xPtr, pPad, xPtr, pPad, xxPtr, true);
    if (want.yy) accumulate(yPtr, qPad, yPtr, qPad, yyPtr, true);
  }
  const product = (ptr: number, ld: number, rows: number): PaddedProduct => ({
    C: new Float64Array(buffer, ptr, rows * ld),
    ld,
  });
  return {
    xy: want.xy ? product(xyPtr, qPad, pPad) : undefined,
    xx: want.xx ? product(xxPtr, pPad, pPad) : undefined,
    yy: want.yy ? product(yyPtr, qPad, qPad) : undefined,
  };
}

/** The leading p x q block of a padded product, as a dense p x q array. */
function unpad(P: PaddedProduct, p: number, q: number): Float64Array {
  const C = new Float64Array(p * q);
  for (let a = 0; a < p; a++) C.set(P.C.subarray(a * P.ld, a * P.ld + q), a * q);
  return C;
}

function frobenius2(C: Float64Array): number {
  let s = 0;
  for (let t = 0; t < C.length; t++) s += C[t] * C[t];
  return s;
}

/**
 * The three squared Frobenius norms of linear CKA for column-centred X_c, Y_c:
 * xy = ||X_c^T Y_c||_F^2, xx = ||X_c^T X_c||_F^2, yy = ||Y_c^T Y_c||_F^2. Centres on the fly
 * while the SIMD path packs its chunks (no centred n x p copies) and reads X and Y once for
 * all three products; the same values as the products of centredCopy(X), centredCopy(Y).
 */
export function centredCrossFrobenius2(
  X: Matrix,
  Y: Matrix,
): { xy: number; xx: number; yy: number } {
  const n = X.rows;
  const p = X.cols;
  const q = Y.cols;
  const want = { xy: true, xx: true, yy: true };
  const fast = wasmProducts(X.data, p, Y.data, q, n, want, columnMeans(X), columnMeans(Y));
  if (fast && fast.xy && fast.xx && fast.yy) {
    return {
      xy: frobenius2(unpad(fast.xy, p, q)),
      xx: upperFrobenius2(fast.xx.C, fast.xx.ld, p),
      yy: upperFrobenius2(fast.yy.C, fast.yy.ld, q),
    };
  }
  const Xc = centredCopy(X);
  const Yc = centredCopy(Y);
  return {
    xy: frobenius2(crossProductJS(Xc, p, Yc, q, n)),
    xx: selfCrossFrobenius2JS(Xc, p, n),
    yy: selfCrossFrobenius2JS(Yc, q, n),
  };
}

/** Column means of X (p values). */
export function columnMeans(X: Matrix): Float64Array {
  const { data, rows: n, cols: p } = X;
  const mean = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) mean[a] += data[i * p + a];
  for (let a = 0; a < p; a++) mean[a] /= n;
  return mean;
}

/** Squared Frobenius norm of a symmetric p x p matrix from its upper triangle (stride ld). */
function upperFrobenius2(C: Float64Array, ld: number, p: number): number {
  let s = 0;
  for (let a = 0; a < p; a++) {
    s += C[a * ld + a] ** 2;
    for (let b = a + 1; b < p; b++) s += 2 * C[a * ld + b] ** 2;
  }
  return s;
}

/** Column-centred Float64 copy (each feature minus its mean over the rows). */
export function centredCopy(X: Matrix): Float64Array {
  const { data, rows: n, cols: p } = X;
  const mean = columnMeans(X);
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < p; a++) out[i * p + a] = data[i * p + a] - mean[a];
  return out;
}

/** C = X^T Y, p x q row-major (X: n x p, Y: n x q, both row-major). */
export function crossProduct(
  X: ArrayLike<number>,
  p: number,
  Y: ArrayLike<number>,
  q: number,
  n: number,
): Float64Array {
  const fast = wasmProducts(X, p, Y, q, n, { xy: true, xx: false, yy: false });
  return fast?.xy ? unpad(fast.xy, p, q) : crossProductJS(X, p, Y, q, n);
}

/** The JavaScript fallback of crossProduct (also the reference in the tests). */
export function crossProductJS(
  X: ArrayLike<number>,
  p: number,
  Y: ArrayLike<number>,
  q: number,
  n: number,
): Float64Array {
  const C = new Float64Array(p * q);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const x0 = i * p;
    const x1 = x0 + p;
    const x2 = x1 + p;
    const x3 = x2 + p;
    const y0 = i * q;
    const y1 = y0 + q;
    const y2 = y1 + q;
    const y3 = y2 + q;
    for (let a = 0; a < p; a++) {
      const a0 = X[x0 + a];
      const a1 = X[x1 + a];
      const a2 = X[x2 + a];
      const a3 = X[x3 + a];
      const o = a * q;
      for (let b = 0; b < q; b++) {
        C[o + b] += a0 * Y[y0 + b] + a1 * Y[y1 + b] + a2 * Y[y2 + b] + a3 * Y[y3 + b];
      }
    }
  }
  for (; i < n; i++) {
    for (let a = 0; a < p; a++) {
      const av = X[i * p + a];
      const o = a * q;
      for (let b = 0; b < q; b++) C[o + b] += av * Y[i * q + b];
    }
  }
  return C;
}

/** Squared Frobenius norm of X^T X computed from its upper triangle only (X: n x p). */
export function selfCrossFrobenius2(X: ArrayLike<number>, p: number, n: number): number {
  const fast = wasmProducts(X, p, X, 0, n, { xy: false, xx: true, yy: false });
  return fast?.xx ? upperFrobenius2(fast.xx.C, fast.xx.ld, p) : selfCrossFrobenius2JS(X, p, n);
}

/** The JavaScript fallback of selfCrossFrobenius2. */
export function selfCrossFrobenius2JS(X: ArrayLike<number>, p: number, n: number): number {
  // Block the columns so the triangle of the product stays in cache.
  const C = new Float64Array(p * p);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const x0 = i * p;
    const x1 = x0 + p;
    const x2 = x1 + p;
    const x3 = x2 + p;
    for (let a = 0; a < p; a++) {
      const a0 = X[x0 + a];
      const a1 = X[x1 + a];
      const a2 = X[x2 + a];
      const a3 = X[x3 + a];
      const o = a * p;
      for (let b = a; b < p; b++) {
        C[o + b] += a0 * X[x0 + b] + a1 * X[x1 + b] + a2 * X[x2 + b] + a3 * X[x3 + b];
      }
    }
  }
  for (; i < n; i++) {
    for (let a = 0; a < p; a++) {
      const av = X[i * p + a];
      for (let b = a; b < p; b++) C[a * p + b] += av * X[i * p + b];
    }
  }
  let s = 0;
  for (let a = 0; a < p; a++) {
    s += C[a * p + a] ** 2;
    for (let b = a + 1; b < p; b++) s += 2 * C[a * p + b] ** 2;
  }
  return s;
}

/** Row Gram matrix K = X X^T (n x n, row-major) of an n x p row-major array. */
export function rowGram(X: ArrayLike<number>, n: number, p: number): Float64Array {
  return rowGramWasm(X, n, p) ?? rowGramJS(X, n, p);
}

/**
 * rowGram with the SIMD kernel: X X^T is (X^T)^T (X^T), the symmetric product of the p x n
 * transpose, so it runs on the chunked path of wasmProducts (the p coordinates are the
 * summation index, cut into cache-sized chunks); the upper triangle is mirrored. Null without
 * the kernel.
 */
function rowGramWasm(X: ArrayLike<number>, n: number, p: number): Float64Array | null {
  const Xt = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) Xt[a * n + i] = X[i * p + a];
  const fast = wasmProducts(Xt, n, Xt, 0, p, { xy: false, xx: true, yy: false });
  if (!fast?.xx) return null;
  const { C, ld } = fast.xx;
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    K[i * n + i] = C[i * ld + i];
    for (let j = i + 1; j < n; j++) {
      const v = C[i * ld + j];
      K[i * n + j] = v;
      K[j * n + i] = v;
    }
  }
  return K;
}

/** The JavaScript fallback of rowGram. */
export function rowGramJS(X: ArrayLike<number>, n: number, p: number): Float64Array {
  const K = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let a = 0; a < p; a++) s += X[i * p + a] * X[j * p + a];
      K[i * n + j] = s;
      K[j * n + i] = s;
    }
  }
  return K;
}
