/** The studies (docs/studies.md): pure functions from named clouds to plain records. */
export type * from './types.js';
export * from './layerProfile.js';
export type { DescriptorName, DescriptorOptions } from './descriptors.js';
export * from './layerComparison.js';
export * from './mapperStudy.js';
export * from './ricciFlowStudy.js';
export * from './generalization.js';
export * from './adversarial.js';
export * from './populationComparison.js';
export * from './architectureComparison.js';
