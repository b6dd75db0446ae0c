/** Results of representational similarity measures, docs/similarity.md. */
import type { Matrix } from '../core/matrix.js';
import { invalidInput, TopolensError } from '../core/errors.js';
import { assertFiniteMatrix } from '../core/validate.js';

/** 'similarity': larger means more alike (CKA, RSA); 'distance': smaller means more alike. */
export type MeasureKind = 'similarity' | 'distance';

export interface SimilarityResult {
  /** the measure's name, e.g. 'cka-linear' */
  measure: string;
  kind: MeasureKind;
  value: number;
}

/** A measure between two representations of the same n inputs. */
export type MeasureFunction = (X: Matrix, Y: Matrix) => number;

/** Checks two representations of the same inputs: equal row counts, >= 2 rows, finite. */
export function checkPair(X: Matrix, Y: Matrix, minRows = 2): void {
  if (X.rows !== Y.rows) {
    throw invalidInput(
      `the two representations have ${X.rows} and ${Y.rows} points; they must describe the same inputs in the same order.`,
      'Capture both layers on one input set.',
    );
  }
  if (X.rows < minRows) {
    throw invalidInput(`a similarity measure needs at least ${minRows} points, got ${X.rows}.`);
  }
  assertFiniteMatrix(X, 'the first representation');
  assertFiniteMatrix(Y, 'the second representation');
}

/** Refuses n x n work above a size that would not fit comfortably in memory. */
export function checkSampleSpaceSize(n: number, what: string, limit = 6000): void {
  if (n > limit) {
    throw new TopolensError(
      'too-large',
      `${what} builds ${n} x ${n} matrices (${((n * n * 8) / 2 ** 30).toFixed(1)} GiB each); the limit is ${limit} points.`,
      'Subsample the inputs, or use linear CKA, which works in feature space.',
    );
  }
}
