/** Intrinsic-dimension estimators (docs/intrinsic-dimension.md). */
export * from './base.js';
export * from './twoNN.js';
export * from './mle.js';
export * from './phDim.js';
export * from './localPca.js';
export * from './participationRatio.js';
