/**
 * Readers of bytes and text into arrays, point clouds and distance matrices, synthetic and labelled
 * data: all pure, so that the core entry point bundles for a browser. The readers of files and the
 * bundled datasets' loaders (node:fs) are in ./node.ts, exported by the Node entry point.
 */
export * from './ndarray.js';
export * from './npy.js';
export * from './npz.js';
export * from './safetensors.js';
export * from './text.js';
export * from './distanceText.js';
export * from './jsonInput.js';
export * from './input.js';
export * from './idx.js';
export * from './synthetic.js';
export * from './images.js';
export * from './language.js';
export * from './labelled.js';
