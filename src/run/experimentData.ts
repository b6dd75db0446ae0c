/**
 * The data of an experiment file: the labelled inputs that `data:` describes (a seeded
 * synthetic set, a seeded stratified sample of MNIST or Fashion-MNIST, or .npy/.npz arrays),
 * split into a training and a test part by `stratifiedSplit` (seeded, each class in proportion,
 * both parts shuffled). The same spec gives the same arrays in every process, so jobs rebuild the
 * data where they run instead of shipping it (docs/experiments.md, "data").
 */
import { invalidInput } from '../core/errors.js';
import { stratifiedSplit, subsetRows, type LabelledData } from '../data/labelled.js';
import { loadLabelledArrays } from '../data/loadLabelled.js';
import { afinnSentimentTask } from '../data/language.js';
import { loadFashionMnist, loadMnist } from '../data/mnist.js';
import { parseNpy } from '../data/npy.js';
import { syntheticDataset } from '../data/synthetic.js';
import { readFileSync } from 'node:fs';
import type { DataSpec, SamplingSpec } from './experimentSchema.js';

export interface SplitData {
  train: LabelledData;
  test: LabelledData;
}

/** A seeded stratified sample of `size` samples of `data` (all of it when size >= n). */
function sample(data: LabelledData, size: number, seed: number): LabelledData {
  const n = data.labels.length;
  if (size >= n) return data;
  return stratifiedSplit(data, { testFraction: size / n, seed }).test;
}

function images(spec: DataSpec): LabelledData {
  const ds = spec.dataset === 'mnist' ? loadMnist() : loadFashionMnist();
  const names = ds.classNames;
  const classes = spec.classes ?? names.map((_, i) => i);
  for (const c of classes) {
    if (c >= names.length) {
      throw invalidInput(
        `data.classes: ${spec.dataset} has classes 0..${names.length - 1}, got ${c}`,
      );
    }
  }
  const keep: number[] = [];
  for (let i = 0; i < ds.labels.length; i++) if (classes.includes(ds.labels[i])) keep.push(i);
  const picked = subsetRows(ds, keep);
  const [, h, w, ch] = ds.shape;
  return {
    inputs: {
      data: picked.inputs.data,
      shape: spec.flatten ? [keep.length, h * w * ch] : [keep.length, h, w, ch],
    },
    labels: Int32Array.from(picked.labels, (c) => classes.indexOf(c)),
    classNames: classes.map((c) => names[c]),
    name: spec.classes ? `${spec.dataset}-${classes.join('-')}` : spec.dataset,
  };
}

function arrays(spec: DataSpec): LabelledData {
  if (spec.labels || spec.inputs!.toLowerCase().endsWith('.npz')) {
    return loadLabelledArrays(spec.inputs!, spec.labels);
  }
  const x = parseNpy(readFileSync(spec.inputs!), spec.inputs);
  return {
    inputs: { data: Float32Array.from(x.data), shape: [...x.shape] },
    labels: new Int32Array(x.shape[0]),
    classNames: ['all'],
  };
}

/** Every AFINN-165 word of nonzero valence as 12 character tokens (`afinnSentimentTask`, its
 * own split left out: the experiment's split is the seeded stratified one of every data set). */
function afinnWords(): LabelledData {
  const task = afinnSentimentTask({ maxLength: 12, testFraction: 0 });
  return {
    inputs: { data: task.train.tokens, shape: [task.train.labels.length, task.maxLength] },
    labels: task.train.labels,
    classNames: [...task.classNames],
    name: 'afinn-sentiment',
  };
}

/** The whole data set that `spec` names, before the split. */
export function loadExperimentData(spec: DataSpec): LabelledData {
  if (spec.dataset === 'mnist' || spec.dataset === 'fashion-mnist') {
    return sample(images(spec), spec.size, spec.seed);
  }
  if (spec.dataset === 'arrays') return sample(arrays(spec), spec.size, spec.seed);
  if (spec.dataset === 'afinn-sentiment') return sample(afinnWords(), spec.size, spec.seed);
  const d = syntheticDataset(spec.dataset, { n: spec.size, seed: spec.seed, noise: spec.noise });
  return { inputs: d.inputs, labels: d.labels, classNames: d.classNames, name: spec.dataset };
}

/** The data split into training and test parts (seeded, stratified). */
export function splitExperimentData(spec: DataSpec): SplitData {
  const all = loadExperimentData(spec);
  if (spec.testFraction === 0) {
    return { train: all, test: subsetRows(all, []) };
  }
  const { train, test } = stratifiedSplit(all, {
    testFraction: spec.testFraction,
    seed: spec.seed + 1,
  });
  return { train, test };
}

/** Token ids in the data (the largest id + 1 over both parts), or undefined when the inputs are
 * not int32 tokens: the size of a text Transformer's embedding table. */
export function tokenVocabularySize(split: SplitData): number | undefined {
  let max = -1;
  for (const part of [split.train, split.test]) {
    const d = part.inputs.data;
    if (!(d instanceof Int32Array)) return undefined;
    for (let i = 0; i < d.length; i++) if (d[i] > max) max = d[i];
  }
  return max + 1;
}

/** The inputs a capture runs on: the part `sampling.split` names, at most `sampling.size` of
 * them (a seeded stratified sample). */
export function captureInputs(split: SplitData, sampling: SamplingSpec): LabelledData {
  let part: LabelledData;
  if (sampling.split === 'train') part = split.train;
  else if (sampling.split === 'test') part = split.test;
  else {
    const a = split.train.inputs.data;
    const b = split.test.inputs.data;
    const data =
      a instanceof Int32Array
        ? new Int32Array(a.length + b.length)
        : new Float32Array(a.length + b.length);
    data.set(a);
    data.set(b, a.length);
    part = {
      inputs: {
        data,
        shape: [
          split.train.labels.length + split.test.labels.length,
          ...split.train.inputs.shape.slice(1),
        ],
      },
      labels: Int32Array.from([...split.train.labels, ...split.test.labels]),
      classNames: split.train.classNames,
    };
  }
  return sampling.size ? sample(part, sampling.size, sampling.seed) : part;
}
