/** Mapper: lenses, covers, clusterers, nerve, measures, layout and exports. */
export * from './lenses.js';
export { pcaLens } from './pcaLens.js';
export type { PcaLensOptions, PcaLensResult } from './pcaLens.js';
export * from './cover.js';
export { dbscan } from './dbscan.js';
export type { DbscanOptions, DbscanResult } from './dbscan.js';
export { singleLinkage } from './singleLinkage.js';
export type { SingleLinkageOptions, SingleLinkageResult } from './singleLinkage.js';
export { kneeOfSortedCurve } from './knee.js';
export { epsFromCurve, epsMultiple, describeEps } from './chooseEps.js';
export type { EpsRule, ChooseEpsOptions } from './chooseEps.js';
export type { KneeOptions, KneeResult } from './knee.js';
export { buildNerve } from './nerve.js';
export type { Nerve, NerveOptions } from './nerve.js';
export type * from './graph.js';
export { fruchtermanReingold } from './layout.js';
export type { LayoutOptions } from './layout.js';
export {
  graphComponents,
  weightedPurity,
  classSeparation,
  membershipSimilarity,
} from './measures.js';
export type { ClassSeparation } from './measures.js';
export { mapper } from './mapper.js';
export type { MapperOptions, Clusterer } from './mapper.js';
export { mapperStability } from './stability.js';
export type { StabilityOptions, StabilityResult } from './stability.js';
export { toGraphML, toDOT } from './export.js';
