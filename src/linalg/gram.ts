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
 * gamma_{n/2 + n/CHUNK + 1} sum_t |x_t y_t|, u = 2^-53).
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
/** rows and columns of one output tile of the row Gram matrix */
const GRAM_TILE = 128;

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

/** Copies rows r0 .. r0 + rows - 1 of X (n x p) transposed into out (pPad x CHUNK, zero-padded). */
function packChunk(
  X: ArrayLike<number>,
  p: number,
  r0: number,
  rows: number,
  out: Float64Array,
): void {
  out.fill(0);
  for (let t = 0; t < rows; t++) {
    const base = (r0 + t) * p;
    for (let a = 0; a < p; a++) out[a * CHUNK + t] = X[base + a];
  }
}

/**
 * C = X^T Y (p x q) with the SIMD kernel; with `symmetric` (Y is X) only entries C[a][b] with
 * a <= b are guaranteed (other entries of the returned array may be partial). Null when the
 * kernel is unavailable.
 */
function crossProductWasm(
  X: ArrayLike<number>,
  p: number,
  Y: ArrayLike<number>,
  q: number,
  n: number,
  symmetric: boolean,
): { C: Float64Array; ld: number } | null {
  const pPad = roundUp(p, KERNEL_ROWS);
  const qPad = symmetric ? pPad : roundUp(q, KERNEL_COLS);
  const cBytes = pPad * qPad * 8;
  const xBytes = pPad * CHUNK * 8;
  const yBytes = symmetric ? 0 : qPad * CHUNK * 8;
  const kernel = f64Kernel(cBytes + xBytes + yBytes);
  if (!kernel) return null;
  const { buffer } = kernel.memory;
  const cPtr = 0;
  const xPtr = cBytes;
  const yPtr = symmetric ? xPtr : xPtr + xBytes;
  new Float64Array(buffer, cPtr, pPad * qPad).fill(0);
  const xPack = new Float64Array(buffer, xPtr, pPad * CHUNK);
  const yPack = symmetric ? xPack : new Float64Array(buffer, yPtr, qPad * CHUNK);
  const rowBytes = CHUNK * 8;
  const ldOut = qPad * 8;
  for (let r0 = 0; r0 < n; r0 += CHUNK) {
    const rows = Math.min(CHUNK, n - r0);
    packChunk(X, p, r0, rows, xPack);
    if (!symmetric) packChunk(Y, q, r0, rows, yPack);
    for (let j0 = 0; j0 < qPad; j0 += COL_BLOCK) {
      const nj = Math.min(COL_BLOCK, qPad - j0);
      // symmetric: rows a < j0 + nj cover every a <= b of this column block
      const ni = symmetric ? Math.min(pPad, j0 + nj) : pPad;
      kernel.dots(xPtr, yPtr + j0 * rowBytes, cPtr + j0 * 8, ni, nj, rowBytes, ldOut);
    }
  }
  return { C: new Float64Array(buffer, cPtr, pPad * qPad), ld: qPad };
}

/** Column-centred Float64 copy (each feature minus its mean over the rows). */
export function centredCopy(X: Matrix): Float64Array {
  const { data, rows: n, cols: p } = X;
  const mean = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) mean[a] += data[i * p + a];
  for (let a = 0; a < p; a++) mean[a] /= n;
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
  const fast = crossProductWasm(X, p, Y, q, n, false);
  if (fast) {
    const C = new Float64Array(p * q);
    for (let a = 0; a < p; a++) C.set(fast.C.subarray(a * fast.ld, a * fast.ld + q), a * q);
    return C;
  }
  return crossProductJS(X, p, Y, q, n);
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
  const fast = crossProductWasm(X, p, X, p, n, true);
  if (!fast) return selfCrossFrobenius2JS(X, p, n);
  const { C, ld } = fast;
  let s = 0;
  for (let a = 0; a < p; a++) {
    s += C[a * ld + a] ** 2;
    for (let b = a + 1; b < p; b++) s += 2 * C[a * ld + b] ** 2;
  }
  return s;
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
 * rowGram with the SIMD kernel: rows padded to an even length (two doubles per lane step),
 * GRAM_TILE x GRAM_TILE tiles of the upper triangle, each mirrored. Null without the kernel.
 */
function rowGramWasm(X: ArrayLike<number>, n: number, p: number): Float64Array | null {
  const pPad = roundUp(Math.max(p, 1), 2);
  const nPad = roundUp(n, GRAM_TILE);
  const rowBytes = pPad * 8;
  const dataBytes = nPad * rowBytes;
  const tilePtr = dataBytes;
  const kernel = f64Kernel(dataBytes + GRAM_TILE * GRAM_TILE * 8);
  if (!kernel) return null;
  const { buffer } = kernel.memory;
  const rowsData = new Float64Array(buffer, 0, nPad * pPad);
  rowsData.fill(0);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) rowsData[i * pPad + a] = X[i * p + a];
  }
  const tile = new Float64Array(buffer, tilePtr, GRAM_TILE * GRAM_TILE);
  const K = new Float64Array(n * n);
  for (let i0 = 0; i0 < n; i0 += GRAM_TILE) {
    for (let j0 = i0; j0 < n; j0 += GRAM_TILE) {
      tile.fill(0);
      kernel.dots(
        i0 * rowBytes,
        j0 * rowBytes,
        tilePtr,
        GRAM_TILE,
        GRAM_TILE,
        rowBytes,
        GRAM_TILE * 8,
      );
      const ni = Math.min(GRAM_TILE, n - i0);
      const nj = Math.min(GRAM_TILE, n - j0);
      for (let a = 0; a < ni; a++) {
        for (let b = 0; b < nj; b++) {
          const v = tile[a * GRAM_TILE + b];
          K[(i0 + a) * n + j0 + b] = v;
          K[(j0 + b) * n + i0 + a] = v;
        }
      }
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
