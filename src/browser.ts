/**
 * topolens' numeric core without Node built-ins: what a browser bundle of `topolens` gets (the
 * package's `browser` export condition). Node's entry point, ./index.ts, adds the file loaders.
 */
export * from './core/index.js';
export { pairwiseDistances } from './linalg/distances.js';
export type { Metric, PairwiseOptions } from './linalg/distances.js';
export { knn } from './linalg/knn.js';
export type { KnnResult, KnnOptions } from './linalg/knn.js';
export * from './data/index.js';
export * from './homology/diagramFormats.js';
export { ripsPersistence, estimateRipsMemory, squareToCondensed } from './homology/rips.js';
export { RipsMemoryError } from './homology/rips.js';
export type { RipsOptions, RipsResult, RipsStats, RipsInput } from './homology/rips.js';
export * from './geometry/graph.js';
export * from './geometry/knnGraph.js';
export * from './geometry/shortestPaths.js';
export * from './geometry/forman.js';
export * from './geometry/ollivier.js';
export * from './geometry/transport.js';
export * from './geometry/ricciFlow.js';
export { pearson, spearman, averageRanks } from './linalg/correlation.js';
export * from './similarity/types.js';
export * from './similarity/cka.js';
export * from './similarity/rsa.js';
export * from './similarity/procrustes.js';
export * from './similarity/tests.js';
export * from './similarity/measures.js';
export { symmetricEigen } from './linalg/symmetricEigen.js';
export type { SymmetricEigen } from './linalg/symmetricEigen.js';
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
export * from './mapper/index.js';
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
export * from './similarity/layerDistance.js';
export * from './similarity/pairwiseMatrix.js';
// The networks API (TensorFlow.js, onnxruntime-node) is a separate entry point, 'topolens/nn',
// so that importing the numeric core loads neither.
export { collapseEdges } from './homology/edgeCollapse.js';
export type { EdgeCollapseOptions, EdgeCollapseResult } from './homology/edgeCollapse.js';
export { shouldCollapse } from './homology/edgeCollapse.js';
export type { CollapseDecision, ShouldCollapseOptions } from './homology/edgeCollapse.js';
export * from './study/index.js';
export * from './stats/index.js';
