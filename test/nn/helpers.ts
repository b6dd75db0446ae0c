/** Small private data helpers for the nn tests (MNIST through `loadMnist`; a 3-D two-class
 * set). */
import { createRng } from '../../src/core/rng.js';
import { loadMnist } from '../../src/data/mnist.js';
import type { ImageDataset } from '../../src/data/images.js';
import type { LabelledData } from '../../src/nn/train.js';

let mnist: { set: ImageDataset; firstOf: number[]; countOf: number[] } | undefined;

/**
 * MNIST digits of the `mnist` package (about 1,000 28x28 images per digit, values in [0, 1]).
 * Samples [offset, offset + perClass) of each digit, interleaved by class; labels are the
 * positions in `digits`.
 */
export function mnistDigits(
  perClass: number,
  offset = 0,
  digits = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
): LabelledData {
  if (!mnist) {
    const set = loadMnist();
    const firstOf = new Array<number>(10).fill(-1);
    const countOf = new Array<number>(10).fill(0);
    set.labels.forEach((d, i) => {
      if (firstOf[d] < 0) firstOf[d] = i;
      countOf[d]++;
    });
    mnist = { set, firstOf, countOf };
  }
  const { set, firstOf, countOf } = mnist;
  const n = perClass * digits.length;
  const images = new Float32Array(n * 784);
  const labels = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < perClass; i++) {
    for (let c = 0; c < digits.length; c++) {
      if (offset + i >= countOf[digits[c]])
        throw new Error(`digit ${digits[c]} has fewer than ${offset + i + 1} samples`);
      const start = (firstOf[digits[c]] + offset + i) * 784;
      images.set(set.images.subarray(start, start + 784), k * 784);
      labels[k++] = c;
    }
  }
  return {
    inputs: { data: images, shape: [n, 28, 28, 1] },
    labels,
    classNames: digits.map(String),
  };
}

/** Two concentric noisy spheres in 3-D (radius 1: class 0, radius 2: class 1), shuffled. */
export function twoShells(n: number, seed: number): LabelledData {
  const rng = createRng(seed);
  const data = new Float32Array(n * 3);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = rng.int(2);
    let x = rng.normal();
    let y = rng.normal();
    let z = rng.normal();
    const r = Math.hypot(x, y, z);
    const radius = (c === 0 ? 1 : 2) + 0.1 * rng.normal();
    x = (x / r) * radius;
    y = (y / r) * radius;
    z = (z / r) * radius;
    data.set([x, y, z], i * 3);
    labels[i] = c;
  }
  return { inputs: { data, shape: [n, 3] }, labels, classNames: ['radius 1', 'radius 2'] };
}

/**
 * max |a - b| over max |b|, over every weight tensor: the relative error the fused paths are
 * held to against the general tfjs path (docs/networks.md).
 */
export function weightsRelErr(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  let num = 0;
  let den = 0;
  a.forEach((w, k) => {
    for (let i = 0; i < w.length; i++) {
      num = Math.max(num, Math.abs(w[i] - b[k][i]));
      den = Math.max(den, Math.abs(b[k][i]));
    }
  });
  return num / den;
}
