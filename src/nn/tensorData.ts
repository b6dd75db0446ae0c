/** Plain tensors now live in src/core/tensorData.ts (the data model needs them below nn/); this
 * module re-exports them so that existing imports keep working. */
export * from '../core/tensorData.js';
