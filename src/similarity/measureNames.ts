/**
 * The names of the similarity and distance measures (./measures.ts), apart from their
 * implementations so that the CLI's option help can list them without loading them.
 */
export const SIMILARITY_MEASURE_NAMES = [
  'cka',
  'cka-rbf',
  'cka-debiased',
  'rsa',
  'rsa-pearson',
  'procrustes',
  'sw',
] as const;
export type SimilarityMeasureName = (typeof SIMILARITY_MEASURE_NAMES)[number];
