import { invalidInput, invalidOption } from './errors.js';
import type { Matrix } from './matrix.js';

/**
 * Throws a clear error naming the first NaN or infinite entry of a matrix:
 * "NaN in row 17, column 3 of layer `block3`".
 */
export function assertFiniteMatrix(m: Matrix, name = 'the input'): void {
  const { data, cols } = m;
  for (let k = 0; k < data.length; k++) {
    const v = data[k];
    if (v - v !== 0) {
      const what = Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
      const r = Math.floor(k / cols);
      const c = k - r * cols;
      throw invalidInput(
        `${what} in row ${r}, column ${c} of ${name} (rows and columns count from 0).`,
        'Remove or impute that row before the analysis.',
      );
    }
  }
}

export function assertPositiveInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw invalidOption(`${name} must be a positive integer, got ${value}.`);
  }
}

export function assertNonNegativeInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw invalidOption(`${name} must be a non-negative integer, got ${value}.`);
  }
}

export function assertInRange(value: number, lo: number, hi: number, name: string): void {
  if (!(value >= lo && value <= hi)) {
    throw invalidOption(`${name} must lie in [${lo}, ${hi}], got ${value}.`);
  }
}

export function isPrime(p: number): boolean {
  if (!Number.isInteger(p) || p < 2) return false;
  for (let q = 2; q * q <= p; q++) if (p % q === 0) return false;
  return true;
}
