/** topolens: the library API. */
export * from './core/index.js';
export { pairwiseDistances } from './linalg/distances.js';
export type { Metric, PairwiseOptions } from './linalg/distances.js';
export { knn } from './linalg/knn.js';
export type { KnnResult, KnnOptions } from './linalg/knn.js';
// Persistence-diagram toolkit (descriptors, vectorisations, distances).
export * from './homology/grid.js';
export * from './homology/lifespan.js';
export * from './homology/entropy.js';
export * from './homology/betti.js';
export * from './homology/landscape.js';
export * from './homology/silhouette.js';
export * from './homology/persistenceImage.js';
export * from './homology/heatKernel.js';
export * from './homology/amplitude.js';
export * from './homology/bottleneck.js';
export * from './homology/wasserstein.js';
export * from './homology/slicedWasserstein.js';
export * from './homology/vectorDistances.js';
export * from './homology/diagramDistanceMatrix.js';
export * from './homology/summary.js';
export type { DiagramMatching } from './homology/matching.js';
export type { InfiniteBars } from './homology/diagramParts.js';
