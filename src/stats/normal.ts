/**
 * The standard normal distribution: cdf and quantile to near double precision, for Fisher-z
 * intervals and the BCa bootstrap (docs/studies.md#statistics).
 * - cdf: Phi(x) = erfc(-x / sqrt 2) / 2, erfc from its Taylor series (|z| < 2.5) or its
 *   continued fraction (|z| >= 2.5), both to ~1e-15 relative;
 * - quantile: Acklam's rational approximation, polished by two Newton steps on the cdf (lower
 *   half; the upper half by symmetry).
 */
import { invalidOption } from '../core/errors.js';

const SQRT_PI = Math.sqrt(Math.PI);

/** erfc(z) for z >= 0. */
function erfcNonNegative(z: number): number {
  if (z < 2.5) {
    // erf(z) = 2/sqrt(pi) sum_n (-1)^n z^(2n+1) / (n! (2n+1))
    let term = z;
    let sum = z;
    const z2 = z * z;
    for (let n = 1; n < 200; n++) {
      term *= -z2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / SQRT_PI) * sum;
  }
  // erfc(z) = exp(-z^2)/sqrt(pi) * 1/(z + 1/2/(z + 1/(z + 3/2/(z + ...)))), modified Lentz
  const tiny = 1e-300;
  let f = z;
  let C = z;
  let D = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    D = z + a * D;
    D = D === 0 ? tiny : 1 / D;
    C = z + a / C;
    if (C === 0) C = tiny;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-z * z) / SQRT_PI / f;
}

/** erfc(z) for any real z. */
export function erfc(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return z >= 0 ? erfcNonNegative(z) : 2 - erfcNonNegative(-z);
}

/** P(Z <= x) for a standard normal Z. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2,
  -3.066479806614716e1, 2.506628277459239,
];
const B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1,
  -1.328068155288572e1,
];
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734,
  4.374664141464968, 2.938163982698783,
];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** x with P(Z <= x) = p, for 0 < p < 1 (-Infinity at 0, Infinity at 1). */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw invalidOption(`a probability must lie in [0, 1], got ${p}.`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  // the upper half by symmetry: 1 - p is exact there, and the Newton steps on the lower tail
  // keep full relative precision
  if (p > 0.5) return -normalQuantile(1 - p);
  let x: number;
  const plow = 0.02425;
  if (p < plow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  } else if (p <= 1 - plow) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
      (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
  }
  // Newton steps on Phi(x) - p (Phi' = density)
  for (let i = 0; i < 2; i++) {
    const e = normalCdf(x) - p;
    const density = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    if (density > 0) x -= e / density;
  }
  return x;
}
