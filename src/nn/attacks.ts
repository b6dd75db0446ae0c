/**
 * Adversarial attacks on tfjs classifiers ([M22], METHODS.md section 10): FGSM (Goodfellow et al.
 * 2015), targeted or not, and PGD (Madry et al. 2018), both in the L-infinity ball, over a list
 * of eps. Per eps: accuracy and macro-F1 against the true labels, and the attacked inputs.
 */
import * as tf from '@tensorflow/tfjs';
import { invalidOption } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import { checkModelInputs } from './capture.js';
import { checkLabelledData, type LabelledInputs } from '../data/labelled.js';
import { checkLayersModel } from './train.js';
import { takeRows, type FloatTensorData } from './tensorData.js';

export interface AttackOptions {
  /** `'fgsm'` (default, one signed-gradient step of size eps) or `'pgd'` (iterated steps
   * projected back onto the eps ball). */
  method?: 'fgsm' | 'pgd';
  /** Perturbation sizes (default 0.005, 0.015, ..., 0.095: [M22]'s range). */
  epsilons?: number[];
  /** Targeted attack: push towards `targets` instead of away from the true label (default
   * false). */
  targeted?: boolean;
  /** Target class per input for a targeted attack (default (label + 1) mod classes). */
  targets?: Int32Array;
  /** PGD steps (default 10). */
  steps?: number;
  /** PGD step size as a fraction of eps (default 2.5 / steps, Madry et al.). */
  stepFraction?: number;
  /** PGD starts from a uniform random point of the eps ball (default true), seeded. */
  randomStart?: boolean;
  /** Valid input range; attacked inputs are clipped to it (default [0, 1], images). */
  clip?: [number, number];
  /** Inputs per gradient batch (default 128). */
  batchSize?: number;
  /** Seed of the PGD random start (default 0). */
  seed?: number;
  /** Called after each eps. */
  onProgress?: (done: number, total: number) => void;
}

export interface AttackResult {
  epsilon: number;
  /** Accuracy of the model on the attacked inputs, against the true labels. */
  accuracy: number;
  /** Macro-averaged F1 against the true labels (classes present in labels or predictions). */
  macroF1: number;
  /** The attacked inputs (same shape as the inputs). */
  adversarial: FloatTensorData;
  /** Predicted class per attacked input. */
  predictions: Int32Array;
}

export const DEFAULT_EPSILONS = Array.from(
  { length: 10 },
  (_, i) => Math.round((0.005 + 0.01 * i) * 1000) / 1000,
);

/** Macro-F1: the mean over classes (present in `truth` or `predicted`) of 2TP / (2TP + FP + FN). */
export function macroF1(truth: Int32Array, predicted: Int32Array): number {
  const classes = new Set<number>([...truth, ...predicted]);
  let sum = 0;
  for (const c of classes) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < truth.length; i++) {
      if (predicted[i] === c && truth[i] === c) tp++;
      else if (predicted[i] === c) fp++;
      else if (truth[i] === c) fn++;
    }
    sum += (2 * tp) / (2 * tp + fp + fn);
  }
  return classes.size === 0 ? 0 : sum / classes.size;
}

function units(model: tf.LayersModel): number {
  const s = model.outputs[0].shape;
  return s[s.length - 1] as number;
}

function lossFn(model: tf.LayersModel, y: tf.Tensor): (x: tf.Tensor) => tf.Scalar {
  const binary = units(model) === 1;
  return (x: tf.Tensor) => {
    const p = model.apply(x) as tf.Tensor;
    return (
      binary ? tf.metrics.binaryCrossentropy(y, p) : tf.metrics.categoricalCrossentropy(y, p)
    ).sum() as tf.Scalar;
  };
}

function predictClasses(model: tf.LayersModel, x: tf.Tensor): Int32Array {
  return tf.tidy(() => {
    const p = model.predict(x) as tf.Tensor;
    const c =
      units(model) === 1 ? tf.greater(p.reshape([-1]), 0.5).toInt() : tf.argMax(p, -1).toInt();
    return c.dataSync() as Int32Array;
  });
}

/** Runs the attack at every eps; returns one result per eps, in the given order. */
export async function attack(
  model: tf.LayersModel,
  data: LabelledInputs,
  options: AttackOptions = {},
): Promise<AttackResult[]> {
  checkLayersModel(model, 'attack');
  checkLabelledData(data, 'attack');
  checkModelInputs(model.inputs[0].shape, data.inputs);
  if (data.inputs.data instanceof Int32Array) {
    throw invalidOption('attacks need float inputs (token ids cannot be perturbed)');
  }
  const method = options.method ?? 'fgsm';
  if (method !== 'fgsm' && method !== 'pgd')
    throw invalidOption(`unknown attack '${String(method)}'`, "use 'fgsm' or 'pgd'");
  const epsilons = options.epsilons ?? DEFAULT_EPSILONS;
  if (epsilons.some((e) => !(e >= 0))) throw invalidOption('every eps must be >= 0');
  const [lo, hi] = options.clip ?? [0, 1];
  const steps = method === 'pgd' ? (options.steps ?? 10) : 1;
  const stepFraction = method === 'pgd' ? (options.stepFraction ?? 2.5 / steps) : 1;
  const randomStart = method === 'pgd' && (options.randomStart ?? true);
  const batchSize = options.batchSize ?? 128;
  const k = units(model);
  const classes = k === 1 ? 2 : k;
  const n = data.labels.length;
  const goal = options.targeted
    ? (options.targets ?? Int32Array.from(data.labels, (l) => (l + 1) % classes))
    : data.labels;
  if (goal.length !== n) throw invalidOption(`targets has ${goal.length} entries for ${n} inputs`);
  const sign = options.targeted ? -1 : 1;
  const results: AttackResult[] = [];
  for (const [e, eps] of epsilons.entries()) {
    const rng = createRng(options.seed ?? 0);
    const adv = new Float32Array(data.inputs.data.length);
    const predictions = new Int32Array(n);
    for (let start = 0; start < n; start += batchSize) {
      const count = Math.min(batchSize, n - start);
      const idx = Array.from({ length: count }, (_, i) => start + i);
      const batch = takeRows(data.inputs, idx) as FloatTensorData;
      const target = goal.subarray(start, start + count);
      const x0 = tf.tensor(batch.data, batch.shape);
      const y = tf.tidy(() =>
        k === 1
          ? tf.tensor2d(Float32Array.from(target), [count, 1])
          : tf.oneHot(tf.tensor1d(target, 'int32'), k).toFloat(),
      );
      let x = x0.clone();
      if (randomStart && eps > 0) {
        const noise = Float32Array.from(
          { length: batch.data.length },
          () => (2 * rng.next() - 1) * eps,
        );
        const next = tf.tidy(() =>
          tf.clipByValue(tf.add(x0, tf.tensor(noise, batch.shape)), lo, hi),
        );
        x.dispose();
        x = next;
      }
      const grad = tf.grad(lossFn(model, y));
      for (let s = 0; s < steps && eps > 0; s++) {
        const next = tf.tidy(() => {
          const g = grad(x);
          const stepped = tf.add(x, tf.mul(tf.sign(g), sign * eps * stepFraction));
          const projected = tf.clipByValue(tf.sub(stepped, x0), -eps, eps);
          return tf.clipByValue(tf.add(x0, projected), lo, hi);
        });
        x.dispose();
        x = next;
      }
      adv.set(x.dataSync() as Float32Array, start * (batch.data.length / count));
      predictions.set(predictClasses(model, x), start);
      tf.dispose([x, x0, y]);
      await new Promise((r) => setTimeout(r, 0));
    }
    let correct = 0;
    for (let i = 0; i < n; i++) if (predictions[i] === data.labels[i]) correct++;
    results.push({
      epsilon: eps,
      accuracy: correct / n,
      macroF1: macroF1(data.labels, predictions),
      adversarial: { data: adv, shape: data.inputs.shape.slice() },
      predictions,
    });
    options.onProgress?.(e + 1, epsilons.length);
  }
  return results;
}
