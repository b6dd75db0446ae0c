/** Statistics for the studies (docs/studies.md#statistics). */
export * from './normal.js';
export * from './studentT.js';
export * from './quantile.js';
export * from './bootstrap.js';
export * from './permutation.js';
export * from './correlationTests.js';
export * from './leaveOneOut.js';
export * from './holm.js';
