/**
 * Orthogonal Procrustes distance (Ding, Denain, Steinhardt 2021), a distance in [0, 2]:
 * with X, Y column-centred and scaled to unit Frobenius norm,
 * d(X, Y) = min over orthogonal Q of ||X Q - Y||_F^2 = 2 - 2 ||X^T Y||_*,
 * the nuclear norm being the sum of the singular values of X^T Y (the square roots of the
 * eigenvalues of the smaller of (X^T Y)(X^T Y)^T and (X^T Y)^T (X^T Y)). Representations of
 * different widths are compared as if padded with zero columns.
 */
import type { Matrix } from '../core/matrix.js';
import { invalidInput } from '../core/errors.js';
import { centredCopy, crossProduct } from '../linalg/gram.js';
import { symmetricEigen } from '../linalg/symmetricEigen.js';
import { checkPair, type SimilarityResult } from './types.js';

function scaleToUnit(A: Float64Array): void {
  let s = 0;
  for (let t = 0; t < A.length; t++) s += A[t] * A[t];
  if (!(s > 0)) {
    throw invalidInput('a representation is constant over the inputs; Procrustes is undefined.');
  }
  const f = 1 / Math.sqrt(s);
  for (let t = 0; t < A.length; t++) A[t] *= f;
}

/** Sum of singular values of a p x q row-major matrix. */
export function nuclearNorm(M: Float64Array, p: number, q: number): number {
  // G = M M^T (p x p) or M^T M (q x q), whichever is smaller
  const small = Math.min(p, q);
  const G = new Float64Array(small * small);
  if (p <= q) {
    for (let a = 0; a < p; a++)
      for (let b = a; b < p; b++) {
        let s = 0;
        for (let t = 0; t < q; t++) s += M[a * q + t] * M[b * q + t];
        G[a * p + b] = s;
        G[b * p + a] = s;
      }
  } else {
    for (let a = 0; a < q; a++)
      for (let b = a; b < q; b++) {
        let s = 0;
        for (let t = 0; t < p; t++) s += M[t * q + a] * M[t * q + b];
        G[a * q + b] = s;
        G[b * q + a] = s;
      }
  }
  const { values } = symmetricEigen(G, small);
  let nuc = 0;
  for (const v of values) nuc += Math.sqrt(Math.max(0, v));
  return nuc;
}

export function procrustesDistance(X: Matrix, Y: Matrix): SimilarityResult {
  checkPair(X, Y);
  const n = X.rows;
  const Xc = centredCopy(X);
  const Yc = centredCopy(Y);
  scaleToUnit(Xc);
  scaleToUnit(Yc);
  const M = crossProduct(Xc, X.cols, Yc, Y.cols, n);
  const value = Math.max(0, 2 - 2 * nuclearNorm(M, X.cols, Y.cols));
  return { measure: 'procrustes', kind: 'distance', value };
}
