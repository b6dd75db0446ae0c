/**
 * Eigen-decomposition of a real symmetric matrix by the cyclic Jacobi method (rotations until
 * the off-diagonal mass is below 1e-14 of the total). O(d^3) per sweep, typically 6-10 sweeps:
 * accurate to machine precision, meant for the d <= ~1,000 matrices of similarity measures
 * (Gram matrices of features).
 */
import { invalidInput } from '../core/errors.js';

export interface SymmetricEigen {
  /** eigenvalues, descending */
  values: Float64Array;
  /** eigenvectors as columns of a row-major d x d matrix (column t belongs to values[t]) */
  vectors: Float64Array;
  d: number;
}

export function symmetricEigen(a: ArrayLike<number>, d: number, maxSweeps = 60): SymmetricEigen {
  if (a.length !== d * d) throw invalidInput(`symmetricEigen: ${a.length} values for ${d} x ${d}.`);
  const A = Float64Array.from(a);
  const V = new Float64Array(d * d);
  for (let i = 0; i < d; i++) V[i * d + i] = 1;
  let total = 0;
  for (let t = 0; t < d * d; t++) total += A[t] * A[t];
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += 2 * A[p * d + q] ** 2;
    if (off <= 1e-28 * total || off === 0) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = A[p * d + q];
        if (Math.abs(apq) < 1e-300) continue;
        const app = A[p * d + p];
        const aqq = A[q * d + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // rotate rows/columns p and q
        for (let k = 0; k < d; k++) {
          const akp = A[k * d + p];
          const akq = A[k * d + q];
          A[k * d + p] = c * akp - s * akq;
          A[k * d + q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = A[p * d + k];
          const aqk = A[q * d + k];
          A[p * d + k] = c * apk - s * aqk;
          A[q * d + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = V[k * d + p];
          const vkq = V[k * d + q];
          V[k * d + p] = c * vkp - s * vkq;
          V[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((x, y) => A[y * d + y] - A[x * d + x]);
  const values = new Float64Array(d);
  const vectors = new Float64Array(d * d);
  order.forEach((src, t) => {
    values[t] = A[src * d + src];
    for (let k = 0; k < d; k++) vectors[k * d + t] = V[k * d + src];
  });
  return { values, vectors, d };
}
