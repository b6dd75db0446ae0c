/**
 * A labelled square matrix: every pairwise matrix topolens produces (layer distances, layer
 * similarities, diagram distance matrices) has this one type, so that studies, the store and the
 * report treat them alike.
 */
import { invalidInput } from './errors.js';

/** 'similarity': larger means more alike (CKA, RSA); 'distance': smaller means more alike. */
export type MatrixKind = 'similarity' | 'distance';

export interface LabelledMatrix {
  /** The measure that filled it, e.g. 'sw-h1', 'cka', 'bottleneck-h0'. */
  measure: string;
  kind: MatrixKind;
  /** One name per row (and column): layer names, or `network/layer` across networks. */
  names: string[];
  /** names.length x names.length values, row-major. */
  values: Float64Array;
}

/** Builds a labelled matrix, checking that the values fill names.length squared. */
export function labelledMatrix(
  measure: string,
  kind: MatrixKind,
  names: string[],
  values: Float64Array,
): LabelledMatrix {
  const n = names.length;
  if (values.length !== n * n) {
    throw invalidInput(
      `a ${n} x ${n} matrix needs ${n * n} values, got ${values.length} (measure ${measure}).`,
    );
  }
  return { measure, kind, names: [...names], values };
}

/** The value at (row i, column j). */
export function matrixValue(m: LabelledMatrix, i: number, j: number): number {
  return m.values[i * m.names.length + j];
}
