/** topolens: the library API. */
export * from './core/index.js';
export { pairwiseDistances } from './linalg/distances.js';
export type { Metric, PairwiseOptions } from './linalg/distances.js';
export { knn } from './linalg/knn.js';
export type { KnnResult, KnnOptions } from './linalg/knn.js';
export { collapseEdges } from './homology/edgeCollapse.js';
export type { EdgeCollapseOptions, EdgeCollapseResult } from './homology/edgeCollapse.js';
export { shouldCollapse } from './homology/edgeCollapse.js';
export type { CollapseDecision, ShouldCollapseOptions } from './homology/edgeCollapse.js';
