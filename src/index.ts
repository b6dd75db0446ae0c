/** topolens: the library API. */
export * from './core/index.js';
export { pairwiseDistances } from './linalg/distances.js';
export type { Metric, PairwiseOptions } from './linalg/distances.js';
export { knn } from './linalg/knn.js';
export type { KnnResult, KnnOptions } from './linalg/knn.js';
export * from './data/index.js';
export * from './homology/diagramFormats.js';
export { ripsPersistence, estimateRipsMemory, squareToCondensed } from './homology/rips.js';
export type { RipsOptions, RipsResult, RipsStats, RipsInput } from './homology/rips.js';
