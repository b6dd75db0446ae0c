/**
 * Exact k nearest neighbours (Euclidean), self excluded. Ties are broken by the smaller index.
 *
 * Result layout: row i's neighbours are indices[i*k .. i*k+k), nearest first, with their
 * distances in the same positions of `distances`.
 *
 * Method (`method: 'blocked'`, the default above a few hundred points):
 * 1. centre the cloud (distances do not change; norms shrink, so less cancellation);
 * 2. squared distances as |x|^2 + |y|^2 - 2 x.y, the dot products by a cache-blocked Gram
 *    kernel over tiles of 128 x 128 rows, only for tiles on or above the diagonal (each pair
 *    once). The kernel is WebAssembly SIMD in single precision (wasmDotKernel.ts) where
 *    available, else the JavaScript 4 x 4 register-blocked kernel in double precision (gemm.ts);
 * 3. per row a bounded max-heap keeps the k + margin smallest approximate distances;
 * 4. exact refinement: with E_i a rigorous bound on the error of the approximate squared
 *    distances of row i, every true neighbour has approximate distance <= D~_(k) + 2 E_i; these
 *    candidates get their distance recomputed from coordinate differences in double precision
 *    (the formula of the naive reference) and the k smallest are kept. When the heap is too
 *    small to hold all candidates (near-ties, duplicates) that row is redone by brute force.
 * The result is therefore identical to the naive O(n^2 d) reference (`method: 'naive'`).
 *
 * `approximate: true` uses NN-descent instead (approximateKnn.ts): not exact, for very large
 * clouds.
 */
import type { FloatArray, Matrix } from '../core/matrix.js';
import { assertFiniteMatrix } from '../core/validate.js';
import { invalidOption } from '../core/errors.js';
import { gramTile } from './gemm.js';
import { createWasmDotKernel, UNROLL } from './wasmDotKernel.js';
import { naiveKnn, naiveKnnRow, squaredDistanceRows } from './knnNaive.js';
import { nnDescent } from './approximateKnn.js';

export interface KnnResult {
  k: number;
  n: number;
  indices: Int32Array;
  distances: Float64Array;
}

export interface KnnOptions {
  /** name used in error messages */
  name?: string;
  /**
   * 'auto' (default): 'naive' below 2e6 n^2 d operations, else 'blocked';
   * 'blocked': Gram-kernel candidates + exact refinement (identical result to 'naive');
   * 'naive': brute force from coordinate differences.
   */
  method?: 'auto' | 'blocked' | 'naive';
  /**
   * Kernel of the blocked method: 'wasm' (WebAssembly SIMD, single precision, default where
   * available) or 'js' (JavaScript, double precision). The result is the same; only speed
   * differs.
   */
  kernel?: 'wasm' | 'js';
  /** Approximate neighbours by NN-descent (Dong et al. 2011) instead of exact. Default false. */
  approximate?: boolean;
  /** Seed of NN-descent's random initial graph (approximate only). Default 0. */
  seed?: number;
  /** Called with the fraction done, between 0 and 1. */
  onProgress?: (fraction: number) => void;
}

export function knn(cloud: Matrix, k: number, options: KnnOptions = {}): KnnResult {
  const { data, rows: n, cols: d } = cloud;
  const name = options.name ?? 'the point cloud';
  if (!Number.isInteger(k) || k < 1) throw invalidOption(`k must be a positive integer, got ${k}.`);
  if (k >= n) {
    throw invalidOption(
      `k = ${k} needs more than ${k} points, but ${name} has ${n}.`,
      `Use k <= ${n - 1}.`,
    );
  }
  assertFiniteMatrix(cloud, name);
  if (options.approximate) {
    return nnDescent(cloud, k, { seed: options.seed ?? 0, onProgress: options.onProgress });
  }
  const method = options.method ?? 'auto';
  if (method === 'naive' || (method === 'auto' && n * n * d < 2e6)) {
    const { indices, distances } = naiveKnn(data, n, d, k);
    options.onProgress?.(1);
    return { k, n, indices, distances };
  }
  if (method !== 'blocked' && method !== 'auto') {
    throw invalidOption(`unknown kNN method '${String(method)}'`, 'Use auto, blocked or naive.');
  }
  return blockedKnn(data, n, d, k, options);
}

const BLOCK = 128;

interface GramSource {
  /** squared norms of the centred rows as the kernel sees them */
  norms: Float64Array;
  /** |D~ - D| <= errorFactor * (norm_i + norm_j) */
  errorFactor: number;
  /** fills `tile` (ldTile = BLOCK) with dot products of rows i0.. and j0.. */
  compute(i0: number, ni: number, j0: number, nj: number): void;
  tile: Float32Array | Float64Array;
}

function centredMean(data: FloatArray, n: number, d: number): Float64Array {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let t = 0; t < d; t++) mean[t] += data[i * d + t];
  for (let t = 0; t < d; t++) mean[t] /= n;
  return mean;
}

function wasmSource(data: FloatArray, n: number, d: number): GramSource | null {
  const kernel = createWasmDotKernel();
  if (!kernel) return null;
  const dPad = Math.ceil(d / (4 * UNROLL)) * 4 * UNROLL;
  const nPad = Math.ceil(n / BLOCK) * BLOCK;
  const rowBytes = dPad * 4;
  const dataBytes = nPad * rowBytes;
  const tilePtr = dataBytes;
  const total = dataBytes + BLOCK * BLOCK * 4;
  try {
    const have = kernel.memory.buffer.byteLength;
    if (total > have) kernel.memory.grow(Math.ceil((total - have) / 65536));
  } catch {
    return null; // too large for the WebAssembly heap: use the JavaScript kernel
  }
  const mean = centredMean(data, n, d);
  const f32 = new Float32Array(kernel.memory.buffer, 0, nPad * dPad);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const v = Math.fround(data[i * d + t] - mean[t]);
      f32[i * dPad + t] = v;
      s += v * v;
    }
    norms[i] = s;
  }
  const tile = new Float32Array(kernel.memory.buffer, tilePtr, BLOCK * BLOCK);
  // gamma_m for m = dPad/4 + 3 products per lane, times 2 (the -2 x.y), plus 4.1u for the
  // rounding of the centred coordinates to single precision, with a factor 2 of slack.
  const u = 2 ** -24;
  const errorFactor = 2 * (2 * (dPad / 4 + 3) * u + 4.1 * u) + 1e-12;
  return {
    norms,
    errorFactor,
    tile,
    compute(i0, ni, j0, nj) {
      // ni, nj are multiples of 4 because nPad is a multiple of BLOCK
      kernel.dots(i0 * rowBytes, j0 * rowBytes, tilePtr, ni, nj, rowBytes, BLOCK * 4);
    },
  };
}

function jsSource(data: FloatArray, n: number, d: number): GramSource {
  const mean = centredMean(data, n, d);
  const c = new Float64Array(n * d);
  const norms = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let t = 0; t < d; t++) {
      const v = data[i * d + t] - mean[t];
      c[i * d + t] = v;
      s += v * v;
    }
    norms[i] = s;
  }
  const tile = new Float64Array(BLOCK * BLOCK);
  const u = 2 ** -53;
  return {
    norms,
    errorFactor: 2 * (2 * (d + 3) * u + 8 * u) + 1e-15,
    tile,
    compute(i0, ni, j0, nj) {
      gramTile(c, d, i0, ni, j0, nj, tile, BLOCK);
    },
  };
}

function blockedKnn(
  data: FloatArray,
  n: number,
  d: number,
  k: number,
  options: KnnOptions,
): KnnResult {
  const source =
    (options.kernel ?? 'wasm') === 'wasm'
      ? (wasmSource(data, n, d) ?? jsSource(data, n, d))
      : jsSource(data, n, d);
  const { norms, tile } = source;
  const cap = Math.min(n - 1, k + Math.max(8, k));
  const heapD = new Float64Array(n * cap);
  const heapI = new Int32Array(n * cap);
  const size = new Int32Array(n);
  const top = new Float64Array(n).fill(Infinity); // heap maximum once full, else Infinity

  const push = (i: number, dist: number, j: number): void => {
    const base = i * cap;
    let s = size[i];
    if (s < cap) {
      // sift up
      let p = s;
      size[i] = ++s;
      while (p > 0) {
        const parent = (p - 1) >> 1;
        if (heapD[base + parent] >= dist) break;
        heapD[base + p] = heapD[base + parent];
        heapI[base + p] = heapI[base + parent];
        p = parent;
      }
      heapD[base + p] = dist;
      heapI[base + p] = j;
      if (s === cap) top[i] = heapD[base];
      return;
    }
    // replace the root, sift down
    let p = 0;
    while (true) {
      const l = 2 * p + 1;
      if (l >= cap) break;
      const r = l + 1;
      const c = r < cap && heapD[base + r] > heapD[base + l] ? r : l;
      if (heapD[base + c] <= dist) break;
      heapD[base + p] = heapD[base + c];
      heapI[base + p] = heapI[base + c];
      p = c;
    }
    heapD[base + p] = dist;
    heapI[base + p] = j;
    top[i] = heapD[base];
  };

  const nBlocks = Math.ceil(n / BLOCK);
  const totalTiles = (nBlocks * (nBlocks + 1)) / 2;
  let doneTiles = 0;
  for (let bi = 0; bi < nBlocks; bi++) {
    const i0 = bi * BLOCK;
    const ni = Math.min(BLOCK, n - i0);
    const niK = Math.ceil(ni / 4) * 4;
    for (let bj = bi; bj < nBlocks; bj++) {
      const j0 = bj * BLOCK;
      const nj = Math.min(BLOCK, n - j0);
      const njK = Math.ceil(nj / 4) * 4;
      source.compute(i0, niK, j0, njK);
      for (let a = 0; a < ni; a++) {
        const i = i0 + a;
        const ni2 = norms[i];
        const rowOff = a * BLOCK;
        let topI = top[i];
        for (let b = bi === bj ? a + 1 : 0; b < nj; b++) {
          const j = j0 + b;
          const dist = ni2 + norms[j] - 2 * tile[rowOff + b];
          if (dist < topI) {
            push(i, dist, j);
            topI = top[i];
          }
          if (dist < top[j]) push(j, dist, i);
        }
      }
      doneTiles++;
    }
    options.onProgress?.((0.95 * doneTiles) / totalTiles);
  }

  // exact refinement
  let normMax = 0;
  for (let i = 0; i < n; i++) if (norms[i] > normMax) normMax = norms[i];
  const indices = new Int32Array(n * k);
  const distances = new Float64Array(n * k);
  const order = new Int32Array(cap);
  const candD = new Float64Array(cap);
  const candI = new Int32Array(cap);
  const exactD = new Float64Array(cap);
  const exactI = new Int32Array(cap);
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const base = i * cap;
    const cnt = size[i];
    for (let t = 0; t < cnt; t++) {
      candD[t] = heapD[base + t];
      candI[t] = heapI[base + t];
      order[t] = t;
    }
    const ord = order.subarray(0, cnt).sort((x, y) => candD[x] - candD[y]);
    const errorBound = source.errorFactor * (norms[i] + normMax);
    const bound = candD[ord[k - 1]] + 2 * errorBound;
    const complete = cap === n - 1 || candD[ord[cnt - 1]] > bound;
    if (!complete) {
      naiveKnnRow(data, n, d, k, i, indices, distances, bestD, bestI);
      continue;
    }
    let m = 0;
    for (let t = 0; t < cnt && candD[ord[t]] <= bound; t++) {
      const j = candI[ord[t]];
      exactI[m] = j;
      exactD[m] = squaredDistanceRows(data, d, i, j);
      m++;
    }
    selectK(exactD, exactI, m, k, bestD, bestI);
    for (let t = 0; t < k; t++) {
      indices[i * k + t] = bestI[t];
      distances[i * k + t] = Math.sqrt(bestD[t]);
    }
  }
  options.onProgress?.(1);
  return { k, n, indices, distances };
}

/** The k smallest of (dist, index) pairs, ordered by distance then index. */
function selectK(
  dist: Float64Array,
  idx: Int32Array,
  m: number,
  k: number,
  bestD: Float64Array,
  bestI: Int32Array,
): void {
  let count = 0;
  for (let t = 0; t < m; t++) {
    const s = dist[t];
    const j = idx[t];
    if (count === k && (s > bestD[k - 1] || (s === bestD[k - 1] && j > bestI[k - 1]))) continue;
    let p = count < k ? count++ : k - 1;
    while (p > 0 && (bestD[p - 1] > s || (bestD[p - 1] === s && bestI[p - 1] > j))) {
      bestD[p] = bestD[p - 1];
      bestI[p] = bestI[p - 1];
      p--;
    }
    bestD[p] = s;
    bestI[p] = j;
  }
}
