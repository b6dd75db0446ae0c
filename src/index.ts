/** topolens: the library API. */
export * from './core/index.js';
export { pairwiseDistances } from './linalg/distances.js';
export type { Metric, PairwiseOptions } from './linalg/distances.js';
export { knn } from './linalg/knn.js';
export type { KnnResult, KnnOptions } from './linalg/knn.js';
export { nnDescent } from './linalg/approximateKnn.js';
export type { NnDescentOptions, ApproximateKnnResult } from './linalg/approximateKnn.js';
export { covarianceSpectrum, symmetricEigenvaluesQL } from './linalg/pca.js';
export {
  minimumSpanningTree,
  minimumSpanningTreeLengths,
  h0Diagram,
  mstWeight,
} from './homology/mst.js';
export type { MstEdges, MstInput } from './homology/mst.js';
export * from './geometry/intrinsicDimension/index.js';
