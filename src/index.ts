/** topolens: the library API. */
export * from './core/index.js';
export { pairwiseDistances } from './linalg/distances.js';
export type { Metric, PairwiseOptions } from './linalg/distances.js';
export { knn } from './linalg/knn.js';
export type { KnnResult, KnnOptions } from './linalg/knn.js';
export * from './geometry/graph.js';
export * from './geometry/knnGraph.js';
export * from './geometry/shortestPaths.js';
export * from './geometry/forman.js';
export * from './geometry/ollivier.js';
export * from './geometry/transport.js';
export * from './geometry/ricciFlow.js';
export { pearson, spearman, averageRanks } from './linalg/correlation.js';
