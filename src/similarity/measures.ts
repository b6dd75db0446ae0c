/** The similarity and distance measures by name (for the CLI and studies). */
import type { Matrix } from '../core/matrix.js';
import { debiasedCKA, linearCKA, rbfCKA } from './cka.js';
import { procrustesDistance } from './procrustes.js';
import { rsa } from './rsa.js';
import type { MeasureKind, SimilarityResult } from './types.js';

export interface NamedMeasure {
  kind: MeasureKind;
  compute: (X: Matrix, Y: Matrix) => SimilarityResult;
}

export const similarityMeasures: Record<string, NamedMeasure> = {
  cka: { kind: 'similarity', compute: linearCKA },
  'cka-rbf': { kind: 'similarity', compute: (X, Y) => rbfCKA(X, Y) },
  'cka-debiased': { kind: 'similarity', compute: (X, Y) => debiasedCKA(X, Y) },
  rsa: { kind: 'similarity', compute: (X, Y) => rsa(X, Y) },
  'rsa-pearson': { kind: 'similarity', compute: (X, Y) => rsa(X, Y, { correlation: 'pearson' }) },
  procrustes: { kind: 'distance', compute: procrustesDistance },
};
