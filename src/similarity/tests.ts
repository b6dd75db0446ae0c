/**
 * Sanity tests of a layer-comparison measure (Ding, Denain, Steinhardt 2021; [P23]),
 * generic over any measure function (X, Y) => number.
 *
 * - Sensitivity: remove the top-k principal directions of X (right singular vectors of the
 *   uncentred X, as in Ding et al.) and measure X against the result, for k = 0, step, 2 step,
 *   ... (step 4 by default). A useful distance grows with k (a similarity falls).
 * - Specificity: given the same network trained from several seeds, the same layer across two
 *   seeds should be closer than different layers. For each pair of seeds (a, b), layer l and
 *   other layer m != l, the comparison "measure(X_a^l, X_b^l) closer than measure(X_a^l, X_b^m)"
 *   is counted; the fraction that holds is the specificity score.
 *
 * The measure may return a plain number or a SimilarityResult record (linearCKA, rsa,
 * procrustesDistance, persistenceLayerDistance ... as they are): the record's value is used,
 * and its kind when the caller gives none.
 */
import type { Matrix } from '../core/matrix.js';
import { invalidInput, invalidOption } from '../core/errors.js';
import { crossProduct } from '../linalg/gram.js';
import { symmetricEigen } from '../linalg/symmetricEigen.js';
import type { MeasureKind, SimilarityResult } from './types.js';
import { spearman } from '../linalg/correlation.js';

/** A measure between two representations: a number, or a record with its kind. */
export type ComparableMeasure = (X: Matrix, Y: Matrix) => number | SimilarityResult;

/** The value and, for a record, the kind of one evaluation of a measure. */
function evaluate(
  measure: ComparableMeasure,
  X: Matrix,
  Y: Matrix,
): { value: number; kind?: MeasureKind } {
  const v = measure(X, Y);
  return typeof v === 'number' ? { value: v } : { value: v.value, kind: v.kind };
}

export interface SensitivityOptions {
  /** spacing of k, default 4 */
  step?: number;
  /** largest k, default min(cols - 1, 8 x step) */
  maxK?: number;
}

/** X with its top-k right singular directions (uncentred) projected out. */
export function removeTopDirections(X: Matrix, k: number): Matrix<Float64Array> {
  const { rows: n, cols: p, data } = X;
  if (!Number.isInteger(k) || k < 0 || k > p) {
    throw invalidOption(`k must be an integer in 0..${p}, got ${k}.`);
  }
  const out = Float64Array.from(data);
  if (k === 0) return { data: out, rows: n, cols: p };
  const G = crossProduct(data, p, data, p, n);
  const { vectors } = symmetricEigen(G, p);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < k; t++) {
      let s = 0;
      for (let a = 0; a < p; a++) s += data[i * p + a] * vectors[a * p + t];
      for (let a = 0; a < p; a++) out[i * p + a] -= s * vectors[a * p + t];
    }
  }
  return { data: out, rows: n, cols: p };
}

export interface SensitivityResult {
  ks: number[];
  values: number[];
  /** the measure's kind, when it returned records */
  kind?: MeasureKind;
  /**
   * Spearman correlation of the values with k, signed so that +1 means the measure moves the
   * right way (a distance grows, a similarity falls) at every step; present when the kind is
   * known and there are at least 3 values.
   */
  trend?: number;
}

export function sensitivityTest(
  X: Matrix,
  measure: ComparableMeasure,
  options: SensitivityOptions & { kind?: MeasureKind } = {},
): SensitivityResult {
  const step = options.step ?? 4;
  if (!Number.isInteger(step) || step < 1) throw invalidOption(`step must be a positive integer.`);
  const maxK = options.maxK ?? Math.min(X.cols - 1, 8 * step);
  const ks: number[] = [];
  const values: number[] = [];
  let kind = options.kind;
  for (let k = 0; k <= maxK; k += step) {
    ks.push(k);
    const e = evaluate(measure, X, removeTopDirections(X, k));
    values.push(e.value);
    kind ??= e.kind;
  }
  const out: SensitivityResult = { ks, values };
  if (kind) {
    out.kind = kind;
    if (values.length >= 3) out.trend = (kind === 'distance' ? 1 : -1) * spearman(ks, values);
  }
  return out;
}

export interface SpecificityResult {
  /** fraction of comparisons where the same layer across seeds is closer */
  score: number;
  comparisons: number;
  /** mean measure between the same layer of different seeds, per layer */
  sameLayerMean: number[];
  /** mean measure between different layers of different seeds, per layer */
  otherLayerMean: number[];
}

/**
 * clouds[seed][layer]; `kind` says whether larger values mean closer ('similarity'). It may be
 * left out when the measure returns records, which carry their kind.
 */
export function specificityTest(
  clouds: readonly (readonly Matrix[])[],
  measure: ComparableMeasure,
  kind?: MeasureKind,
): SpecificityResult {
  const S = clouds.length;
  if (S < 2) throw invalidInput(`specificity needs at least 2 seeds, got ${S}.`);
  const Lc = clouds[0].length;
  if (Lc < 2 || clouds.some((c) => c.length !== Lc)) {
    throw invalidInput('every seed must give the same number (>= 2) of layers.');
  }
  let resolved = kind;
  const value = (X: Matrix, Y: Matrix) => {
    const e = evaluate(measure, X, Y);
    resolved ??= e.kind;
    if (!resolved) {
      throw invalidInput(
        'specificity: the measure returned a plain number and no kind was given.',
        "Pass kind 'distance' or 'similarity', or a measure that returns a SimilarityResult.",
      );
    }
    return e.value;
  };
  const closer = (same: number, other: number) =>
    resolved === 'distance' ? same < other : same > other;
  let hits = 0;
  let comparisons = 0;
  const sameSum = new Float64Array(Lc);
  const sameCount = new Float64Array(Lc);
  const otherSum = new Float64Array(Lc);
  const otherCount = new Float64Array(Lc);
  for (let a = 0; a < S; a++) {
    for (let b = 0; b < S; b++) {
      if (a === b) continue;
      for (let l = 0; l < Lc; l++) {
        const same = value(clouds[a][l], clouds[b][l]);
        sameSum[l] += same;
        sameCount[l]++;
        for (let m = 0; m < Lc; m++) {
          if (m === l) continue;
          const other = value(clouds[a][l], clouds[b][m]);
          otherSum[l] += other;
          otherCount[l]++;
          comparisons++;
          if (closer(same, other)) hits++;
        }
      }
    }
  }
  return {
    score: hits / comparisons,
    comparisons,
    sameLayerMean: Array.from(sameSum, (s, l) => s / sameCount[l]),
    otherLayerMean: Array.from(otherSum, (s, l) => s / otherCount[l]),
  };
}
