/**
 * Labelled image data without files: the `ImageDataset` type, the MNIST and Fashion-MNIST class
 * names, and [B24]'s binary pairs of any labelled data. Pure (no Node built-ins), so the core entry
 * point can be bundled for a browser; the loaders that read files are in ./mnist.ts.
 */
import { invalidOption } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { checkLabelledData, sampleSize, type LabelledData } from './labelled.js';

/**
 * Images with their classes: a `LabelledData` whose `inputs` are [N, H, W, C] (NHWC), with the
 * same pixels also as `images` and `shape` (one buffer, shared).
 */
export interface ImageDataset extends LabelledData {
  /** N * H * W * C pixel values in [0, 1] (the same array as `inputs.data`). */
  images: Float32Array;
  /** [N, H, W, C] */
  shape: [number, number, number, number];
}

/** An ImageDataset from its pixels, shape and labels (inputs share the pixel buffer). */
export function imageDataset(
  images: Float32Array,
  shape: [number, number, number, number],
  labels: Int32Array,
  classNames: string[],
  name?: string,
): ImageDataset {
  const ds: ImageDataset = {
    inputs: { data: images, shape: [...shape] },
    labels,
    classNames,
    images,
    shape,
  };
  if (name !== undefined) ds.name = name;
  return ds;
}

export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/**
 * A two-class `LabelledData` of flattened samples: `inputs` [n, features] and the same values as
 * the point cloud `points` (one buffer, shared).
 */
export interface LabelledPoints extends LabelledData {
  /** One flattened image per row (the same array as `inputs.data`). */
  points: Matrix<Float32Array>;
  /** 0 for the first class, 1 for the second. */
  labels: Int32Array;
  classNames: [string, string];
}

/**
 * The samples of two classes of any labelled data (e.g. `loadMnist()`), flattened to one row
 * each, labelled 0 (classA) and 1 (classB), in dataset order.
 */
export function binaryPair(ds: LabelledData, classA: number, classB: number): LabelledPoints {
  checkLabelledData(ds, 'binaryPair');
  if (ds.inputs.data instanceof Int32Array) {
    throw invalidOption('binaryPair needs float inputs (images or features), not token ids.');
  }
  const m = ds.classNames.length;
  for (const c of [classA, classB]) {
    if (!Number.isInteger(c) || c < 0 || c >= m) {
      throw invalidOption(
        `Class ${c} does not exist; classes are 0..${m - 1} (${ds.classNames.join(', ')}).`,
      );
    }
  }
  if (classA === classB) throw invalidOption('binaryPair needs two different classes.');
  const size = sampleSize(ds);
  const pixels = ds.inputs.data;
  const keep: number[] = [];
  for (let i = 0; i < ds.labels.length; i++) {
    if (ds.labels[i] === classA || ds.labels[i] === classB) keep.push(i);
  }
  const data = new Float32Array(keep.length * size);
  const labels = new Int32Array(keep.length);
  keep.forEach((i, r) => {
    data.set(pixels.subarray(i * size, (i + 1) * size), r * size);
    labels[r] = ds.labels[i] === classA ? 0 : 1;
  });
  const pair: LabelledPoints = {
    inputs: { data, shape: [keep.length, size] },
    points: { data, rows: keep.length, cols: size },
    labels,
    classNames: [ds.classNames[classA], ds.classNames[classB]],
  };
  if (ds.name !== undefined) pair.name = `${ds.name}-${classA}-${classB}`;
  return pair;
}

/** [B24]'s binary tasks. */
export const BINARY_PAIRS = {
  'mnist-1-7': { dataset: 'mnist', classes: [1, 7] },
  'mnist-6-8': { dataset: 'mnist', classes: [6, 8] },
  'fashion-sandal-ankle-boot': { dataset: 'fashion-mnist', classes: [5, 9] },
  'fashion-shirt-coat': { dataset: 'fashion-mnist', classes: [6, 4] },
} as const;
export type BinaryPairName = keyof typeof BINARY_PAIRS;
