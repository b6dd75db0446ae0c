import { describe, expect, it } from 'vitest';
import {
  centredCopy,
  centredCrossFrobenius2,
  crossProduct,
  rowGram,
  selfCrossFrobenius2,
} from '../../src/linalg/gram.js';
import { createWasmDotKernel } from '../../src/linalg/wasmDotKernel.js';
import { createRng } from '../../src/core/rng.js';
import type { Matrix } from '../../src/core/matrix.js';

/** n x p Gaussian values with a per-column offset, so that centring matters. */
function randomMatrix(n: number, p: number, seed: number, f32 = false): Matrix {
  const rng = createRng(seed);
  const data = f32 ? new Float32Array(n * p) : new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) data[i * p + a] = rng.normal() + a;
  return { data, rows: n, cols: p };
}

/** The naive triple loop C[a][b] = sum_i X[i][a] Y[i][b], and sum_i |X[i][a] Y[i][b]|. */
function naiveCross(X: ArrayLike<number>, p: number, Y: ArrayLike<number>, q: number, n: number) {
  const C = new Float64Array(p * q);
  const abs = new Float64Array(p * q);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < q; b++) {
      let s = 0;
      let m = 0;
      for (let i = 0; i < n; i++) {
        const v = X[i * p + a] * Y[i * q + b];
        s += v;
        m += Math.abs(v);
      }
      C[a * q + b] = s;
      abs[a * q + b] = m;
    }
  }
  return { C, abs };
}

function frob2(C: Float64Array): number {
  let s = 0;
  for (const v of C) s += v * v;
  return s;
}

/** |got - want| <= 1e-13 * sum |x_i y_i| entrywise (float64 rounding, n <= 1000 terms) */
function expectClose(got: Float64Array, want: Float64Array, abs: Float64Array): void {
  expect(got.length).toBe(want.length);
  let worst = 0; // largest |got - want| / (sum |x_i y_i|) over the entries
  for (let t = 0; t < want.length; t++) {
    const err = Math.abs(got[t] - want[t]);
    worst = Math.max(worst, err === 0 ? 0 : err / abs[t]);
  }
  expect(worst).toBeLessThanOrEqual(1e-13);
}

// Awkward shapes: n odd, below / above / not a multiple of the 256-row chunk; p, q not
// multiples of 4 (register block), some above the 64-column block of the kernel.
const shapes: [number, number, number][] = [
  [1, 1, 1],
  [5, 3, 7],
  [255, 13, 2],
  [257, 66, 5],
  [701, 67, 131],
];

describe('gram.ts products on the WebAssembly SIMD float64 kernel', () => {
  it('has the float64 accumulating kernel in this runtime (so the fast path is what is tested)', () => {
    expect(createWasmDotKernel(4, 2, { precision: 'f64', accumulate: true })).not.toBeNull();
  });

  it.each(shapes)('crossProduct equals the naive triple loop (n=%i, p=%i, q=%i)', (n, p, q) => {
    const X = randomMatrix(n, p, 1 + n + p).data;
    const Y = randomMatrix(n, q, 2 + n + q, true).data;
    const { C, abs } = naiveCross(X, p, Y, q, n);
    expectClose(crossProduct(X, p, Y, q, n), C, abs);
  });

  it.each(shapes)(
    'selfCrossFrobenius2 equals ||X^T X||^2 of the naive loop (n=%i, p=%i)',
    (n, p) => {
      const X = randomMatrix(n, p, 3 + n + p).data;
      const { C, abs } = naiveCross(X, p, X, p, n);
      const got = selfCrossFrobenius2(X, p, n);
      // relative error of a sum of squares: 2 * max relative entry error, with slack
      expect(Math.abs(got - frob2(C))).toBeLessThanOrEqual(4e-13 * frob2(abs));
    },
  );

  it.each(shapes)(
    'centredCrossFrobenius2 equals the naive centred loops (n=%i, p=%i, q=%i)',
    (n, p, q) => {
      const X = randomMatrix(n, p, 4 + n);
      const Y = randomMatrix(n, q, 5 + q, true);
      const Xc = centredCopy(X);
      const Yc = centredCopy(Y);
      const xy = naiveCross(Xc, p, Yc, q, n);
      const xx = naiveCross(Xc, p, Xc, p, n);
      const yy = naiveCross(Yc, q, Yc, q, n);
      const got = centredCrossFrobenius2(X, Y);
      expect(Math.abs(got.xy - frob2(xy.C))).toBeLessThanOrEqual(4e-13 * frob2(xy.abs) + 1e-300);
      expect(Math.abs(got.xx - frob2(xx.C))).toBeLessThanOrEqual(4e-13 * frob2(xx.abs) + 1e-300);
      expect(Math.abs(got.yy - frob2(yy.C))).toBeLessThanOrEqual(4e-13 * frob2(yy.abs) + 1e-300);
    },
  );

  it.each([
    [1, 3],
    [7, 1],
    [131, 5],
    [259, 33],
  ])('rowGram equals the naive triple loop and is symmetric (n=%i, p=%i)', (n, p) => {
    const X = randomMatrix(n, p, 6 + n + p).data;
    // X X^T is the cross product of the transposes
    const Xt = new Float64Array(n * p);
    for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) Xt[a * n + i] = X[i * p + a];
    const { C, abs } = naiveCross(Xt, n, Xt, n, p);
    const K = rowGram(X, n, p);
    expectClose(K, C, abs);
    let asymmetric = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < i; j++) if (K[i * n + j] !== K[j * n + i]) asymmetric++;
    expect(asymmetric).toBe(0);
  });
});
