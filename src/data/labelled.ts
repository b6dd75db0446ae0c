/**
 * The one labelled-data type of topolens (docs/datasets.md, "The data model"): every dataset
 * loader returns a `LabelledData`, and training, capture, attacks and studies accept it as is.
 * Pure: no Node built-ins, so the browser viewer can use it.
 */
import { describeValue, typedArrayName } from '../core/describe.js';
import { invalidInput, invalidOption } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { createRng, permutation } from '../core/rng.js';
import { checkTensorData, sizeOf, takeRows, type TensorData } from '../core/tensorData.js';

/** Labelled samples: inputs (first axis = samples), one class per sample, the class names. */
export interface LabelledData {
  /** Inputs, first axis = samples: [n, features], images [n, height, width, channels] (NHWC),
   * or int32 token ids [n, tokens]. */
  inputs: TensorData;
  /** Class of each sample, 0..classNames.length-1. */
  labels: Int32Array;
  /** Name of each class, by label. */
  classNames: string[];
  /** What the data is, e.g. 'mnist', 'mnist-1-7', 'entangled-spirals-3d'. */
  name?: string;
}

/**
 * What training, evaluation, capture and attacks read: a `LabelledData`, or just inputs and
 * labels (class names and name are not needed there).
 */
export type LabelledInputs = Pick<LabelledData, 'inputs' | 'labels'> &
  Partial<Pick<LabelledData, 'classNames' | 'name'>>;

const NEEDED = '{inputs: TensorData, labels: Int32Array}';
const WAY_OUT =
  'pass a LabelledData, e.g. from loadMnist(), syntheticDataset(...), stratifiedSplit(...) or toLabelledData(...)';

/**
 * Checks at run time that `value` is labelled data: `inputs` a tensor, `labels` an Int32Array of
 * one non-negative class per sample (and `classNames`, when present, naming every class). `where`
 * names the caller in the message, e.g. 'trainClassifier'.
 */
export function checkLabelledData(value: unknown, where: string): asserts value is LabelledInputs {
  const v = value as Record<string, unknown> | null | undefined;
  if (v === null || typeof v !== 'object' || !('inputs' in v) || !('labels' in v)) {
    throw invalidInput(`${where} expects ${NEEDED}; got ${describeValue(value)}`, WAY_OUT);
  }
  checkTensorData(v.inputs as TensorData, `${where}: inputs`);
  const inputs = v.inputs as TensorData;
  if (inputs.shape.length < 2) {
    throw invalidInput(
      `${where}: inputs have shape [${inputs.shape.join(', ')}]; the first axis must be the samples and each sample at least one value, e.g. [n, features]`,
      'reshape a 1-D array of n values to [n, 1]',
    );
  }
  if (!(v.labels instanceof Int32Array)) {
    const what = typedArrayName(v.labels) ?? describeValue(v.labels);
    throw invalidInput(
      `${where}: labels must be an Int32Array of class indices; got ${what}`,
      'convert with Int32Array.from(labels)',
    );
  }
  const labels = v.labels;
  const n = inputs.shape[0];
  if (labels.length !== n) {
    throw invalidInput(
      `${where}: ${n} inputs (shape [${inputs.shape.join(', ')}]) but ${labels.length} labels; one label per sample is needed`,
    );
  }
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0) {
      throw invalidInput(
        `${where}: label ${labels[i]} of sample ${i} is negative; classes are 0, 1, 2, ...`,
        'map the classes to 0..k-1 and put their names in classNames',
      );
    }
  }
  if (v.classNames !== undefined) {
    const names = v.classNames;
    if (!Array.isArray(names) || names.some((s) => typeof s !== 'string')) {
      throw invalidInput(
        `${where}: classNames must be an array of strings; got ${describeValue(names)}`,
      );
    }
    const top = maxLabel(labels);
    if (top >= names.length) {
      throw invalidInput(
        `${where}: labels go up to ${top} but classNames has ${names.length} names (${names.join(', ')})`,
        'give one name per class',
      );
    }
  }
}

function maxLabel(labels: Int32Array): number {
  let top = -1;
  for (let i = 0; i < labels.length; i++) if (labels[i] > top) top = labels[i];
  return top;
}

/** '0', '1', ... up to the largest label. */
export function defaultClassNames(labels: Int32Array): string[] {
  return Array.from({ length: maxLabel(labels) + 1 }, (_, c) => String(c));
}

export interface LabelledDataOptions {
  /** Name of each class (default '0', '1', ... up to the largest label). */
  classNames?: string[];
  /** What the data is. */
  name?: string;
}

function matrixToTensor(m: Matrix): TensorData {
  const data = m.data instanceof Float32Array ? m.data : Float32Array.from(m.data);
  return { data, shape: [m.rows, m.cols] };
}

function isMatrix(v: unknown): v is Matrix {
  const m = v as Matrix | null;
  return (
    m !== null &&
    typeof m === 'object' &&
    (m.data instanceof Float32Array || m.data instanceof Float64Array) &&
    Number.isInteger(m.rows) &&
    Number.isInteger(m.cols)
  );
}

/**
 * Builds a checked `LabelledData` from inputs (a tensor, or a point-cloud Matrix whose rows are
 * the samples; Float64 values become Float32) and labels (an Int32Array, or an array of
 * non-negative integers).
 */
export function labelledData(
  inputs: TensorData | Matrix,
  labels: Int32Array | ArrayLike<number>,
  options: LabelledDataOptions = {},
): LabelledData {
  const tensor = isMatrix(inputs) ? matrixToTensor(inputs) : (inputs as TensorData);
  let ints: Int32Array;
  if (labels instanceof Int32Array) ints = labels;
  else if (labels && typeof (labels as ArrayLike<number>).length === 'number') {
    const arr = labels as ArrayLike<number>;
    for (let i = 0; i < arr.length; i++) {
      if (!Number.isInteger(arr[i])) {
        throw invalidInput(
          `labelledData: label ${String(arr[i])} of sample ${i} is not an integer class index`,
          'map the classes to 0..k-1 and put their names in classNames',
        );
      }
    }
    ints = Int32Array.from(arr);
  } else {
    throw invalidInput(
      `labelledData: labels must be an Int32Array or an array of class indices; got ${describeValue(labels)}`,
    );
  }
  const out: LabelledData = {
    inputs: tensor,
    labels: ints,
    classNames: options.classNames ? [...options.classNames] : defaultClassNames(ints),
  };
  if (options.name !== undefined) out.name = options.name;
  checkLabelledData(out, 'labelledData');
  return out;
}

/**
 * Turns labelled data in any of the shapes topolens or a user may hold into a `LabelledData`:
 * `{inputs, labels}`, `{points: Matrix, labels}` (a point cloud), `{images, shape, labels}`, or
 * `{tokens, labels}` with `maxLength` or a 2-D shape. Extra fields (classNames, name) are kept.
 * Values are shared, not copied, where their type already fits.
 */
export function toLabelledData(value: unknown, options: LabelledDataOptions = {}): LabelledData {
  const v = value as Record<string, unknown> | null | undefined;
  if (v === null || typeof v !== 'object' || !('labels' in v)) {
    throw invalidInput(
      `toLabelledData expects an object with labels and one of inputs, points, images or tokens; got ${describeValue(value)}`,
    );
  }
  const labels = v.labels as Int32Array;
  const o: LabelledDataOptions = {
    classNames: options.classNames ?? (v.classNames as string[] | undefined),
    name: options.name ?? (v.name as string | undefined),
  };
  if (v.inputs !== undefined) return labelledData(v.inputs as TensorData, labels, o);
  if (isMatrix(v.points)) return labelledData(v.points, labels, o);
  if (v.images instanceof Float32Array && Array.isArray(v.shape)) {
    return labelledData({ data: v.images, shape: v.shape as number[] }, labels, o);
  }
  if (v.tokens instanceof Int32Array) {
    const n = (labels as ArrayLike<number>)?.length ?? 0;
    const t = n > 0 ? v.tokens.length / n : 0;
    return labelledData({ data: v.tokens, shape: [n, t] }, labels, o);
  }
  throw invalidInput(
    `toLabelledData: ${describeValue(value)} has labels but none of inputs (a tensor), points (a Matrix), images (+ shape) or tokens`,
  );
}

/**
 * The samples `indices` (in that order) of `data` as a new `LabelledData`, with the same class
 * names (default '0', '1', ... from the labels of the whole data) and name. Only inputs, labels,
 * classNames and name are carried over.
 */
export function subsetRows(data: LabelledInputs, indices: ArrayLike<number>): LabelledData {
  checkLabelledData(data, 'subsetRows');
  const n = data.labels.length;
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (!Number.isInteger(k) || k < 0 || k >= n) {
      throw invalidOption(
        `subsetRows: index ${k} (position ${i}) is outside 0..${n - 1}`,
        'give sample indices of the data',
      );
    }
  }
  const out: LabelledData = {
    inputs: takeRows(data.inputs, indices),
    labels: Int32Array.from(indices, (k) => data.labels[k]),
    classNames: data.classNames ? [...data.classNames] : defaultClassNames(data.labels),
  };
  if (data.name !== undefined) out.name = data.name;
  return out;
}

export interface StratifiedSplitOptions {
  /** Fraction of the samples that goes to the test part, in [0, 1] (default 0.2; 1 puts every
   * sample in the test part, e.g. to draw a stratified sample of a given size). */
  testFraction?: number;
  /** Seed of the shuffles (default 0). */
  seed?: number;
}

export interface StratifiedSplit {
  train: LabelledData;
  test: LabelledData;
  /** Positions in the original data of the train samples, in their order in `train`. */
  trainIndices: Int32Array;
  /** Positions in the original data of the test samples, in their order in `test`. */
  testIndices: Int32Array;
}

/**
 * How many samples of each class go to the test part: round(n testFraction) in all, each class
 * its share n_c testFraction rounded down or up (largest remainders get the extra ones, ties to
 * the smaller class index), so no class is off its share by one sample or more.
 */
export function stratifiedTestCounts(counts: number[], testFraction: number): number[] {
  const n = counts.reduce((a, b) => a + b, 0);
  const total = Math.round(n * testFraction);
  const quota = counts.map((c) => c * testFraction);
  // floating-point noise (7 x 0.2 = 1.4000000000000001) must not break ties or floors
  const take = quota.map((q) => Math.floor(q + 1e-9));
  let left = total - take.reduce((a, b) => a + b, 0);
  const order = quota
    .map((q, c) => ({ c, r: Math.round(Math.max(0, q - take[c]) * 1e9) / 1e9 }))
    .filter(({ c }) => take[c] < counts[c])
    .sort((a, b) => b.r - a.r || a.c - b.c);
  for (const { c } of order) {
    if (left <= 0) break;
    take[c]++;
    left--;
  }
  return take;
}

/**
 * A seeded, stratified train/test split: each class is shuffled and split in proportion
 * (see `stratifiedTestCounts`), then both parts are shuffled, so that neither is grouped by
 * class (a validation split taken from the end of `train` holds every class). The same seed
 * gives the same split.
 */
export function stratifiedSplit(
  data: LabelledInputs,
  options: StratifiedSplitOptions = {},
): StratifiedSplit {
  checkLabelledData(data, 'stratifiedSplit');
  const f = options.testFraction ?? 0.2;
  if (!(f >= 0 && f <= 1)) {
    throw invalidOption(
      `stratifiedSplit: testFraction must be in [0, 1], got ${f}`,
      'use e.g. 0.2 to hold out a fifth',
    );
  }
  const rng = createRng(options.seed ?? 0);
  const byClass: number[][] = [];
  data.labels.forEach((c, i) => (byClass[c] ??= []).push(i));
  const members = byClass.map((m) => m ?? []);
  const take = stratifiedTestCounts(
    members.map((m) => m.length),
    f,
  );
  const train: number[] = [];
  const test: number[] = [];
  members.forEach((m, c) => {
    const order = permutation(m.length, rng);
    for (let k = 0; k < m.length; k++) (k < take[c] ? test : train).push(m[order[k]]);
  });
  const shuffle = (idx: number[]): Int32Array => {
    const p = permutation(idx.length, rng);
    return Int32Array.from(p, (k) => idx[k]);
  };
  const trainIndices = shuffle(train);
  const testIndices = shuffle(test);
  return {
    train: subsetRows(data, trainIndices),
    test: subsetRows(data, testIndices),
    trainIndices,
    testIndices,
  };
}

/** Number of samples of each class, by label (length: the largest label + 1). */
export function classCounts(labels: Int32Array): number[] {
  const counts = new Array<number>(maxLabel(labels) + 1).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/** Values per sample (the product of the inputs' shape after the first axis). */
export function sampleSize(data: LabelledInputs): number {
  return sizeOf(data.inputs.shape.slice(1));
}

/**
 * The input tensor of `value`: the `inputs` of labelled data, or `value` itself when it is a
 * tensor. For functions that take either (capture, layerClouds); `where` names the caller.
 */
export function inputsOf(value: TensorData | LabelledInputs, where: string): TensorData {
  const v = value as unknown as Record<string, unknown> | null | undefined;
  if (v !== null && typeof v === 'object' && 'inputs' in v && 'labels' in v) {
    checkLabelledData(v, where);
    return v.inputs as TensorData;
  }
  if (v !== null && typeof v === 'object' && 'inputs' in v) {
    checkTensorData(v.inputs as TensorData, `${where}: inputs`);
    return v.inputs as TensorData;
  }
  checkTensorData(value as TensorData, `${where}: inputs`);
  return value as TensorData;
}

export interface SampleEachClassOptions {
  /** At most this many samples of each class (default 250, [M22]; 300 in [M23]). */
  perClass?: number;
  /** Seed of the draw (default 0). */
  seed?: number;
}

/**
 * At most `perClass` samples of each class, drawn without replacement (seeded), in a shuffled
 * order: the inputs to run a network on when its clouds are to hold K points per class ([M22],
 * [M23]), so that no more inputs are captured than are used.
 */
export function sampleEachClass(
  data: LabelledInputs,
  options: SampleEachClassOptions = {},
): LabelledData {
  checkLabelledData(data, 'sampleEachClass');
  const perClass = options.perClass ?? 250;
  if (!Number.isInteger(perClass) || perClass < 1) {
    throw invalidOption(`sampleEachClass: perClass must be an integer >= 1, got ${perClass}`);
  }
  const rng = createRng(options.seed ?? 0);
  const byClass: number[][] = [];
  data.labels.forEach((c, i) => (byClass[c] ??= []).push(i));
  const picked: number[] = [];
  for (const members of byClass) {
    if (!members) continue;
    const order = permutation(members.length, rng);
    const k = Math.min(perClass, members.length);
    for (let j = 0; j < k; j++) picked.push(members[order[j]]);
  }
  const shuffle = permutation(picked.length, rng);
  return subsetRows(
    data,
    Int32Array.from(shuffle, (j) => picked[j]),
  );
}
