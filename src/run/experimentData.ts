/**
 * The data of an experiment file: builds the labelled inputs that `data:` describes (a seeded
 * synthetic set, a seeded stratified sample of MNIST or Fashion-MNIST, or .npy arrays), split
 * into a training and a test part by a seeded, stratified split (each class in proportion, each
 * part shuffled, so a validation split taken from the end of the training part is not one
 * class). The same spec gives the same arrays in every process, so jobs can rebuild the data
 * where they run instead of shipping it (docs/experiments.md, "data").
 */
import { existsSync, readFileSync } from 'node:fs';
import { TopolensError, invalidInput } from '../core/errors.js';
import { createRng, permutation } from '../core/rng.js';
import { parseNpy } from '../data/npy.js';
import { loadFashionMnist, loadMnist, FASHION_MNIST_CLASSES, MNIST_CLASSES } from '../data/mnist.js';
import {
  blobsInShell,
  circle,
  entangledSpirals3d,
  sinusoidalSheets,
  sphere,
  spirals,
  swissRoll,
  torus,
  type Dataset,
} from '../data/synthetic.js';
import type { TensorData } from '../nn/tensorData.js';
import { takeRows } from '../nn/tensorData.js';
import type { DataSpec, SamplingSpec } from './experimentSchema.js';

/** Inputs (first axis = samples) with one class label each. */
export interface ExperimentData {
  inputs: TensorData;
  labels: Int32Array;
  classNames: string[];
}

export interface SplitData {
  train: ExperimentData;
  test: ExperimentData;
}

function fromSynthetic(d: Dataset, classNames: string[]): ExperimentData {
  const labels = d.labels ?? new Int32Array(d.points.rows);
  return {
    inputs: { data: Float32Array.from(d.points.data), shape: [d.points.rows, d.points.cols] },
    labels,
    classNames,
  };
}

function readNpy(path: string, what: string) {
  if (!existsSync(path)) {
    throw new TopolensError('missing-file', `${what} ${path} does not exist`, 'check the path in the experiment file');
  }
  return parseNpy(readFileSync(path), path);
}

/** Rows of `data` at `indices`, in that order. */
export function subsetData(data: ExperimentData, indices: ArrayLike<number>): ExperimentData {
  return {
    inputs: takeRows(data.inputs, indices),
    labels: Int32Array.from(indices, (i) => data.labels[i]),
    classNames: data.classNames,
  };
}

/**
 * Seeded stratified choice: for each class, a seeded shuffle of its members; the first
 * round(fraction * size) of each class go to `picked`, then both parts are shuffled.
 */
function stratified(labels: Int32Array, fraction: number, seed: number): { picked: number[]; rest: number[] } {
  const byClass = new Map<number, number[]>();
  labels.forEach((c, i) => {
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(i);
  });
  const rng = createRng(seed);
  const picked: number[] = [];
  const rest: number[] = [];
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(c)!;
    const order = permutation(members.length, rng);
    const take = Math.round(fraction * members.length);
    order.forEach((k, r) => (r < take ? picked : rest).push(members[k]));
  }
  const shuffle = (xs: number[]) => Array.from(permutation(xs.length, rng), (k) => xs[k]);
  return { picked: shuffle(picked), rest: shuffle(rest) };
}

/** The whole data set that `spec` names, before the split. */
export function loadExperimentData(spec: DataSpec): ExperimentData {
  const base = { n: spec.size, seed: spec.seed, noise: spec.noise };
  switch (spec.dataset) {
    case 'spirals':
      return fromSynthetic(spirals(base), ['arm 0', 'arm 1']);
    case 'entangled-spirals-3d':
      return fromSynthetic(entangledSpirals3d(base), ['spiral 0', 'spiral 1']);
    case 'blobs-in-shell':
      return fromSynthetic(blobsInShell(base), ['blobs', 'shell']);
    case 'sinusoidal-sheets':
      return fromSynthetic(sinusoidalSheets(base), ['sheet 0', 'sheet 1']);
    case 'circle':
      return fromSynthetic(circle(base), ['all']);
    case 'sphere':
      return fromSynthetic(sphere(base), ['all']);
    case 'torus':
      return fromSynthetic(torus(base), ['all']);
    case 'swiss-roll':
      return fromSynthetic(swissRoll(base), ['all']);
    case 'mnist':
    case 'fashion-mnist': {
      const ds = spec.dataset === 'mnist' ? loadMnist() : loadFashionMnist();
      const names = spec.dataset === 'mnist' ? MNIST_CLASSES : FASHION_MNIST_CLASSES;
      const [n, h, w, ch] = ds.shape;
      const classes = spec.classes ?? names.map((_, i) => i);
      for (const c of classes) {
        if (c >= names.length) {
          throw invalidInput(`data.classes: ${spec.dataset} has classes 0..${names.length - 1}, got ${c}`);
        }
      }
      const keep: number[] = [];
      for (let i = 0; i < n; i++) if (classes.includes(ds.labels[i])) keep.push(i);
      const size = h * w * ch;
      const all: ExperimentData = {
        inputs: {
          data: ds.images,
          shape: spec.flatten ? [n, size] : [n, h, w, ch],
        },
        labels: Int32Array.from(ds.labels, (c) => classes.indexOf(c)),
        classNames: classes.map((c) => names[c]),
      };
      const pool = subsetData(all, keep);
      if (spec.size >= keep.length) return pool;
      return subsetData(pool, stratified(pool.labels, spec.size / keep.length, spec.seed).picked);
    }
    case 'arrays': {
      const x = readNpy(spec.inputs!, 'data.inputs');
      const n = x.shape[0];
      let labels = new Int32Array(n);
      if (spec.labels) {
        const y = readNpy(spec.labels, 'data.labels');
        if (y.data.length !== n) {
          throw invalidInput(
            `data.labels ${spec.labels} holds ${y.data.length} labels but data.inputs ${spec.inputs} has ${n} rows`,
            'pass one integer label per input row',
          );
        }
        labels = Int32Array.from(y.data);
      }
      const k = labels.reduce((m, c) => Math.max(m, c), 0) + 1;
      const all: ExperimentData = {
        inputs: { data: Float32Array.from(x.data), shape: [...x.shape] },
        labels,
        classNames: Array.from({ length: k }, (_, i) => String(i)),
      };
      if (spec.size >= n) return all;
      return subsetData(all, stratified(labels, spec.size / n, spec.seed).picked);
    }
  }
}

/** The data split into training and test parts (seeded, stratified). */
export function splitExperimentData(spec: DataSpec): SplitData {
  const all = loadExperimentData(spec);
  const { picked, rest } = stratified(all.labels, spec.testFraction, spec.seed + 1);
  return { train: subsetData(all, rest), test: subsetData(all, picked) };
}

/** The inputs a capture runs on: the split `sampling.split` names, at most `sampling.size`
 * of them (a seeded stratified sample). */
export function captureInputs(split: SplitData, sampling: SamplingSpec): ExperimentData {
  const part =
    sampling.split === 'train'
      ? split.train
      : sampling.split === 'test'
        ? split.test
        : subsetData(
            {
              inputs: {
                data: concat(split.train.inputs.data, split.test.inputs.data),
                shape: [split.train.labels.length + split.test.labels.length, ...split.train.inputs.shape.slice(1)],
              },
              labels: Int32Array.from([...split.train.labels, ...split.test.labels]),
              classNames: split.train.classNames,
            },
            Array.from({ length: split.train.labels.length + split.test.labels.length }, (_, i) => i),
          );
  const n = part.labels.length;
  if (!sampling.size || sampling.size >= n) return part;
  return subsetData(part, stratified(part.labels, sampling.size / n, sampling.seed).picked);
}

function concat(a: TensorData['data'], b: TensorData['data']): TensorData['data'] {
  const out = a instanceof Int32Array ? new Int32Array(a.length + b.length) : new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
