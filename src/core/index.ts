export * from './errors.js';
export * from './matrix.js';
export * from './rng.js';
export * from './validate.js';
export * from './diagram.js';
export * from './distances.js';
export * from './labelledMatrix.js';
