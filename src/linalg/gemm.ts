/**
 * Dot-product tiles of a row-major matrix with itself (a block of the Gram matrix X X^T), in
 * plain JavaScript on Float64Array: the fallback where WebAssembly SIMD is missing (see
 * wasmDotKernel.ts for the fast path).
 *
 * The micro-kernel is register-blocked 4 x 4: sixteen scalar accumulators for four rows of
 * the first block against four rows of the second, so each loaded coordinate is used four
 * times. Edges (fewer than 4 rows left) go through a 1 x 1 loop.
 */

/**
 * out[(a) * ldOut + b] = sum_t data[(i0 + a) * d + t] * data[(j0 + b) * d + t]
 * for a < ni, b < nj.
 */
export function gramTile(
  data: Float64Array,
  d: number,
  i0: number,
  ni: number,
  j0: number,
  nj: number,
  out: Float64Array,
  ldOut: number,
): void {
  const ni4 = ni - (ni % 4);
  const nj4 = nj - (nj % 4);
  for (let a = 0; a < ni4; a += 4) {
    const p0 = (i0 + a) * d,
      p1 = p0 + d,
      p2 = p1 + d,
      p3 = p2 + d;
    for (let b = 0; b < nj4; b += 4) {
      const q0 = (j0 + b) * d,
        q1 = q0 + d,
        q2 = q1 + d,
        q3 = q2 + d;
      let c00 = 0,
        c01 = 0,
        c02 = 0,
        c03 = 0,
        c10 = 0,
        c11 = 0,
        c12 = 0,
        c13 = 0,
        c20 = 0,
        c21 = 0,
        c22 = 0,
        c23 = 0,
        c30 = 0,
        c31 = 0,
        c32 = 0,
        c33 = 0;
      for (let t = 0; t < d; t++) {
        const x0 = data[p0 + t],
          x1 = data[p1 + t],
          x2 = data[p2 + t],
          x3 = data[p3 + t];
        const y0 = data[q0 + t],
          y1 = data[q1 + t],
          y2 = data[q2 + t],
          y3 = data[q3 + t];
        c00 += x0 * y0;
        c01 += x0 * y1;
        c02 += x0 * y2;
        c03 += x0 * y3;
        c10 += x1 * y0;
        c11 += x1 * y1;
        c12 += x1 * y2;
        c13 += x1 * y3;
        c20 += x2 * y0;
        c21 += x2 * y1;
        c22 += x2 * y2;
        c23 += x2 * y3;
        c30 += x3 * y0;
        c31 += x3 * y1;
        c32 += x3 * y2;
        c33 += x3 * y3;
      }
      let o = a * ldOut + b;
      out[o] = c00;
      out[o + 1] = c01;
      out[o + 2] = c02;
      out[o + 3] = c03;
      o += ldOut;
      out[o] = c10;
      out[o + 1] = c11;
      out[o + 2] = c12;
      out[o + 3] = c13;
      o += ldOut;
      out[o] = c20;
      out[o + 1] = c21;
      out[o + 2] = c22;
      out[o + 3] = c23;
      o += ldOut;
      out[o] = c30;
      out[o + 1] = c31;
      out[o + 2] = c32;
      out[o + 3] = c33;
    }
  }
  // edges
  for (let a = 0; a < ni; a++) {
    const bStart = a < ni4 ? nj4 : 0;
    const p = (i0 + a) * d;
    for (let b = bStart; b < nj; b++) {
      const q = (j0 + b) * d;
      let s = 0;
      for (let t = 0; t < d; t++) s += data[p + t] * data[q + t];
      out[a * ldOut + b] = s;
    }
  }
}
