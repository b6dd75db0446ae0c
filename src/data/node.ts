/** The data loaders that read files (node:fs): point clouds and labelled arrays from files, the
 * bundled MNIST, Debian's Fashion-MNIST, image folders. Exported by the Node entry point only. */
export * from './load.js';
export {
  loadMnist,
  loadFashionMnist,
  loadBinaryPair,
  FASHION_MNIST_DIR,
  type FashionMnistOptions,
} from './mnist.js';
export * from './imageFolder.js';
export * from './loadLabelled.js';
