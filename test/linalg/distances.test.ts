import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { euclideanFloat32Js, pairwiseDistances } from '../../src/linalg/distances.js';
import { euclideanFloat32Wasm } from '../../src/linalg/wasmEuclideanKernel.js';
import { knn } from '../../src/linalg/knn.js';
import { fromRows } from '../../src/core/matrix.js';
import { enclosingRadius } from '../../src/core/distances.js';

describe('pairwiseDistances', () => {
  it('computes Euclidean distances in lower-triangle order', () => {
    const X = fromRows([
      [0, 0],
      [3, 4],
      [6, 8],
    ]);
    const D = pairwiseDistances(X, { precision: 'float64' });
    expect(Array.from(D.data)).toEqual([5, 10, 5]);
    expect(enclosingRadius(D)).toBe(5);
  });

  it('keeps relative accuracy for large coordinates', () => {
    const X = fromRows([
      [1e8, 1e8],
      [1e8 + 1, 1e8],
    ]);
    expect(pairwiseDistances(X, { precision: 'float64' }).data[0]).toBe(1);
  });

  it('names the row and column of a NaN', () => {
    const X = fromRows([
      [0, 0],
      [1, NaN],
    ]);
    expect(() => pairwiseDistances(X)).toThrow(/NaN in row 1, column 1/);
  });

  it('cosine distance of parallel vectors is 0 and of orthogonal is 1', () => {
    const X = fromRows([
      [1, 0],
      [2, 0],
      [0, 3],
    ]);
    const D = pairwiseDistances(X, { metric: 'cosine', precision: 'float64' });
    expect(D.data[0]).toBeCloseTo(0, 12);
    expect(D.data[1]).toBeCloseTo(1, 12);
  });
});

describe('knn', () => {
  it('finds nearest neighbours on a line, self excluded', () => {
    const X = fromRows([[0], [1], [3], [7]]);
    const r = knn(X, 2);
    expect(Array.from(r.indices.subarray(0, 2))).toEqual([1, 2]);
    expect(Array.from(r.indices.subarray(6, 8))).toEqual([2, 1]);
    expect(Array.from(r.distances.subarray(6, 8))).toEqual([4, 6]);
  });

  it('refuses k >= n with a clear message', () => {
    expect(() => knn(fromRows([[0], [1]]), 2)).toThrow(/k = 2 needs more than 2 points/);
  });
});

describe('pairwiseDistances in float32 (Ripser arithmetic)', () => {
  it('equals a pair-by-pair float32 reference bit for bit, for every remainder of i mod 4', () => {
    const f = Math.fround;
    const n = 23;
    const d = 7;
    const data = new Float32Array(n * d);
    for (let k = 0; k < data.length; k++) data[k] = f(Math.sin(k * 12.9898) * 43.758);
    const D = pairwiseDistances({ data, rows: n, cols: d });
    let k = 0;
    for (let i = 1; i < n; i++) {
      for (let j = 0; j < i; j++, k++) {
        let s = 0;
        for (let t = 0; t < d; t++) {
          const diff = f(data[i * d + t] - data[j * d + t]);
          s = f(s + f(diff * diff));
        }
        expect(D.data[k]).toBe(f(Math.sqrt(s)));
      }
    }
  });
});

/** The plain float32 reference loop (Ripser's euclidean_distance_matrix), pair by pair. */
function referenceFloat32(data: Float32Array, n: number, d: number): Float32Array {
  const f = Math.fround;
  const out = new Float32Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = f(data[i * d + t] - data[j * d + t]);
        s = f(s + f(diff * diff));
      }
      out[k++] = f(Math.sqrt(s));
    }
  }
  return out;
}

/** index of the first differing bit pattern, or -1 */
function firstBitDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let k = 0; k < ua.length; k++) if (ua[k] !== ub[k]) return k;
  return -1;
}

describe('float32 Euclidean kernels against the plain loop, bit for bit (property)', () => {
  // clouds of odd sizes and dimensions 1..70; coordinates at several scales (subnormal squares,
  // cancellation between close points, large values) so every rounding step is exercised
  const cloud = fc
    .record({
      n: fc.integer({ min: 2, max: 41 }),
      d: fc.integer({ min: 1, max: 70 }),
      scale: fc.constantFrom(1e-22, 1e-3, 1, 37.5, 1e6, 1e18),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      clustered: fc.boolean(),
    })
    .map(({ n, d, scale, seed, clustered }) => {
      const data = new Float32Array(n * d);
      let state = seed >>> 0;
      const next = (): number => {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        return state / 2 ** 32 - 0.5;
      };
      for (let p = 0; p < n; p++)
        for (let t = 0; t < d; t++)
          data[p * d + t] = clustered ? scale * (1 + 1e-4 * next()) : scale * next();
      return { n, d, data };
    });

  it('the WebAssembly kernel (the default path) and the JavaScript fallback', () => {
    fc.assert(
      fc.property(cloud, ({ n, d, data }) => {
        const want = referenceFloat32(data, n, d);
        const viaApi = pairwiseDistances({ data, rows: n, cols: d }).data as Float32Array;
        const wasm = new Float32Array(want.length);
        const wasmRan = euclideanFloat32Wasm(data, n, d, wasm);
        const js = new Float32Array(want.length);
        euclideanFloat32Js(data, n, d, js);
        return (
          wasmRan &&
          firstBitDifference(viaApi, want) === -1 &&
          firstBitDifference(wasm, want) === -1 &&
          firstBitDifference(js, want) === -1
        );
      }),
      { numRuns: 120 },
    );
  });

  it('n not a multiple of 4, float64 input rounded to float32 first', () => {
    for (const [n, d] of [
      [5, 1],
      [7, 70],
      [13, 3],
      [30, 64],
    ]) {
      const x = new Float64Array(n * d);
      for (let k = 0; k < x.length; k++) x[k] = Math.sin(k * 1.7) * 3.3;
      const got = pairwiseDistances({ data: x, rows: n, cols: d }).data as Float32Array;
      expect(firstBitDifference(got, referenceFloat32(Float32Array.from(x), n, d))).toBe(-1);
    }
  });
});
