/** Readers of files into arrays, point clouds and distance matrices; load.ts (and the dataset loaders) use node:fs, the rest is pure. */
export * from './ndarray.js';
export * from './npy.js';
export * from './npz.js';
export * from './safetensors.js';
export * from './text.js';
export * from './distanceText.js';
export * from './jsonInput.js';
export * from './input.js';
export * from './load.js';
export * from './idx.js';
export * from './synthetic.js';
export * from './mnist.js';
export * from './imageFolder.js';
export * from './language.js';
export * from './labelled.js';
export * from './loadLabelled.js';
