/** Intrinsic-dimension estimators (METHODS.md section 3). */
export * from './base.js';
export * from './twoNN.js';
export * from './mle.js';
export * from './phDim.js';
export * from './localPca.js';
export * from './participationRatio.js';
