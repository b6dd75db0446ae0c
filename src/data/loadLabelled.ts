/**
 * Labelled data from NumPy files (docs/datasets.md): inputs and labels as two `.npy` files, or
 * two arrays of one `.npz` file. Reads files (node:fs); `labelledDataFromArrays` is the pure part.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { TopolensError, invalidInput, invalidOption } from '../core/errors.js';
import { labelledData, type LabelledData } from './labelled.js';
import type { NdArray } from './ndarray.js';
import { parseNpy } from './npy.js';
import { parseNpz, pickArray } from './npz.js';

export interface LabelledArraysOptions {
  /** In an .npz file of inputs: the array to use (default: the only one, or the first of
   * inputs, x, X, data, images that is present). */
  inputsArray?: string;
  /** In an .npz file of labels: the array to use (default: the only one, or the first of
   * labels, y, Y, targets that is present). */
  labelsArray?: string;
  /** Name of each class (default '0', '1', ...). */
  classNames?: string[];
  /** What the data is (default: the inputs file's name without extension). */
  name?: string;
}

const INPUT_NAMES = ['inputs', 'x', 'X', 'data', 'images'];
const LABEL_NAMES = ['labels', 'y', 'Y', 'targets'];

/**
 * A LabelledData from two arrays: `inputs` (first axis = samples; a 1-D array becomes [n, 1]),
 * `labels` (n non-negative integers, shape [n] or [n, 1]). Values become Float32 inputs and
 * Int32 labels.
 */
export function labelledDataFromArrays(
  inputs: NdArray,
  labels: NdArray,
  options: Omit<LabelledArraysOptions, 'inputsArray' | 'labelsArray'> = {},
): LabelledData {
  if (inputs.shape.length === 0) {
    throw invalidInput('the inputs array is a scalar; it needs one row per sample');
  }
  const shape = inputs.shape.length === 1 ? [inputs.shape[0], 1] : inputs.shape.slice();
  const lshape = labels.shape;
  if (!(lshape.length === 1 || (lshape.length === 2 && lshape[1] === 1))) {
    throw invalidInput(
      `the labels array has shape [${lshape.join(', ')}]; it needs one class index per sample, shape [n]`,
      'for one-hot labels save labels.argmax(axis=1) instead',
    );
  }
  const ints = new Int32Array(labels.data.length);
  for (let i = 0; i < ints.length; i++) {
    const v = labels.data[i];
    if (!Number.isInteger(v) || v < 0) {
      throw invalidInput(
        `label ${v} of sample ${i} is not a class index (an integer >= 0); the labels array is ${labels.dtype}`,
        'save integer class indices 0..k-1, e.g. labels.astype("int64")',
      );
    }
    ints[i] = v;
  }
  const data = inputs.data instanceof Float32Array ? inputs.data : Float32Array.from(inputs.data);
  return labelledData({ data, shape }, ints, options);
}

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw new TopolensError('missing-file', `No such file: ${path}.`);
    throw new TopolensError('missing-file', `Cannot read ${path}: ${(err as Error).message}`);
  }
}

function pickNamed(
  arrays: Map<string, NdArray>,
  chosen: string | undefined,
  preferred: string[],
  name: string,
): NdArray {
  if (chosen !== undefined || arrays.size === 1) return pickArray(arrays, chosen, name);
  const found = preferred.find((p) => arrays.has(p));
  if (found) return arrays.get(found)!;
  return pickArray(arrays, undefined, name);
}

function readArrays(path: string): Map<string, NdArray> | NdArray {
  const ext = extname(path).toLowerCase();
  const bytes = readBytes(path);
  if (ext === '.npz') return parseNpz(bytes, basename(path));
  if (ext === '.npy') return parseNpy(bytes, basename(path));
  throw invalidOption(
    `${basename(path)}: loadLabelledArrays reads .npy and .npz files`,
    'save the arrays with numpy.save or numpy.savez',
  );
}

/**
 * Reads labelled data from NumPy files: `loadLabelledArrays('x.npy', 'y.npy')`, or one .npz
 * holding both (`loadLabelledArrays('data.npz')`, arrays chosen as `LabelledArraysOptions` says).
 */
export function loadLabelledArrays(
  inputsPath: string,
  labelsPath?: string,
  options: LabelledArraysOptions = {},
): LabelledData {
  const first = readArrays(inputsPath);
  const second = labelsPath === undefined ? undefined : readArrays(labelsPath);
  if (second === undefined && !(first instanceof Map)) {
    throw invalidOption(
      `${basename(inputsPath)} holds one array; the labels are missing`,
      'pass the labels file too (loadLabelledArrays(inputs, labels)), or one .npz with both arrays',
    );
  }
  let inputs: NdArray;
  let labels: NdArray;
  if (first instanceof Map && second === undefined) {
    const names = [...first.keys()];
    const lbl = options.labelsArray ?? LABEL_NAMES.find((n) => first.has(n));
    const inp =
      options.inputsArray ?? INPUT_NAMES.find((n) => first.has(n) && n !== lbl) ?? undefined;
    if (!lbl || !inp || !first.has(lbl) || !first.has(inp)) {
      throw invalidOption(
        `${basename(inputsPath)} holds ${names.join(', ')}; cannot tell which are the inputs and which the labels`,
        `name them inputs and labels (numpy.savez(f, inputs=x, labels=y)) or pass inputsArray and labelsArray`,
      );
    }
    inputs = first.get(inp)!;
    labels = first.get(lbl)!;
  } else {
    inputs =
      first instanceof Map
        ? pickNamed(first, options.inputsArray, INPUT_NAMES, basename(inputsPath))
        : first;
    labels =
      second instanceof Map
        ? pickNamed(second, options.labelsArray, LABEL_NAMES, basename(labelsPath!))
        : second!;
  }
  if (labels.data.length !== (inputs.shape[0] ?? 0)) {
    throw invalidInput(
      `${basename(inputsPath)} has ${inputs.shape[0] ?? 0} samples (shape [${inputs.shape.join(', ')}]) but the labels have ${labels.data.length} values`,
      'give one label per sample',
    );
  }
  return labelledDataFromArrays(inputs, labels, {
    classNames: options.classNames,
    name: options.name ?? basename(inputsPath, extname(inputsPath)),
  });
}
