/** The similarity and distance measures by name (for the CLI and studies). */
import type { Matrix } from '../core/matrix.js';
import { debiasedCKA, linearCKA, rbfCKA } from './cka.js';
import { procrustesDistance } from './procrustes.js';
import { rsa } from './rsa.js';
import { persistenceLayerDistance } from './layerDistance.js';
import type { MeasureKind, SimilarityResult } from './types.js';
import type { SimilarityMeasureName } from './measureNames.js';

export interface NamedMeasure {
  kind: MeasureKind;
  compute: (X: Matrix, Y: Matrix) => SimilarityResult;
}

/** One entry per name of ./measureNames.ts, no more (the type checks both ways). */
const measures: Record<SimilarityMeasureName, NamedMeasure> = {
  cka: { kind: 'similarity', compute: linearCKA },
  'cka-rbf': { kind: 'similarity', compute: (X, Y) => rbfCKA(X, Y) },
  'cka-debiased': { kind: 'similarity', compute: (X, Y) => debiasedCKA(X, Y) },
  rsa: { kind: 'similarity', compute: (X, Y) => rsa(X, Y) },
  'rsa-pearson': { kind: 'similarity', compute: (X, Y) => rsa(X, Y, { correlation: 'pearson' }) },
  procrustes: { kind: 'distance', compute: procrustesDistance },
  sw: { kind: 'distance', compute: (X, Y) => persistenceLayerDistance(X, Y) },
};

export const similarityMeasures: Record<string, NamedMeasure> = measures;
