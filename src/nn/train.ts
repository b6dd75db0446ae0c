/**
 * Training of classification networks with a seeded, reproducible loop: the batch order comes
 * from a seeded permutation each epoch (tfjs' own `fit` shuffles with Math.random), the
 * validation split is the last fraction of the training set after a seeded shuffle (Keras takes
 * the tail as is, which for class-grouped data such as MNIST holds only the last classes;
 * `validationOrder: 'tail'` keeps Keras' way), early stopping watches the validation loss. Same
 * seed, same backend: identical weights. Data is a `LabelledData` (docs/datasets.md).
 */
import * as tf from '@tensorflow/tfjs';
import { invalidInput, invalidOption } from '../core/errors.js';
import { createRng, permutation } from '../core/rng.js';
import { describeValue } from '../core/describe.js';
import { checkLabelledData, type LabelledInputs } from '../data/labelled.js';
import { takeRows, type TensorData } from './tensorData.js';
import {
  createFusedDenseTrainer,
  denseStackLayers,
  readDenseParams,
  writeDenseParams,
  type FusedTrainer,
} from './fusedDense.js';
import { cnnStackLayers, writeCnnParams } from './fusedCnn.js';
import { checkThreads, createThreadedCnnTrainer } from './fusedCnnThreads.js';

/** The one labelled-data type (src/data/labelled.ts), re-exported for the networks API. */
export type { LabelledData, LabelledInputs } from '../data/labelled.js';

export interface EpochProgress {
  epoch: number;
  epochs: number;
  loss: number;
  accuracy: number;
  valLoss?: number;
  valAccuracy?: number;
}

export interface EarlyStoppingOptions {
  /** Epochs without improvement of the validation loss before stopping (default 5). */
  patience?: number;
  /** Smallest decrease that counts as improvement (default 0). */
  minDelta?: number;
  /** Put back the weights of the best epoch when stopping (default true). */
  restoreBestWeights?: boolean;
}

export interface TrainOptions {
  /** Optimiser (default `'rmsprop'`, [B24]). */
  optimizer?: 'sgd' | 'adam' | 'rmsprop';
  /** Learning rate (default 1e-3, [B24]). */
  learningRate?: number;
  /** Epochs (default 50, [B24]). */
  epochs?: number;
  /** Batch size (default 32, [B24]). */
  batchSize?: number;
  /** Fraction of the training set held out for validation (default 0.2, [B24]); 0 for none.
   * It is the last fraction of the samples in the order `validationOrder` gives. */
  validationSplit?: number;
  /**
   * `'shuffled'` (default): the samples are put in a seeded random order (from `seed`) before
   * the validation tail is taken, so class-grouped data (MNIST comes grouped by digit) gets a
   * validation set of every class. `'tail'`: the last samples as given (Keras' way).
   */
  validationOrder?: 'shuffled' | 'tail';
  /** Stop when the validation loss stops improving (off by default). */
  earlyStopping?: EarlyStoppingOptions | false;
  /** Seed of the batch order (default 0). Weight initialisation is seeded by the architecture. */
  seed?: number;
  /** Held-out set whose accuracy is recorded after training. */
  test?: LabelledInputs;
  /** Called after every epoch. */
  onProgress?: (p: EpochProgress) => void;
  /**
   * Train plain dense stacks (ReLU hidden layers, sigmoid or softmax output) with the fused
   * step of ./fusedDense.ts instead of tfjs (default true; WebAssembly SIMD, about 18x faster
   * than `trainOnBatch` and 2x faster than PyTorch on [B24]'s network; the same arithmetic to
   * float rounding), which also evaluates the validation split. The built-in VGG-like CNNs
   * (convolutions, max pooling, flatten or global average pooling, one dense softmax head) train
   * with the fused CNN step of ./fusedCnn.ts the same way. Other models always use tfjs.
   */
  fused?: boolean;
  /**
   * Threads of the fused CNN step (default 1; an integer >= 1): above 1, the chunks of each
   * batch (8 images each) are computed in parallel by this thread and worker threads
   * (./fusedCnnThreads.ts) and their gradients summed in chunk order before one optimiser
   * update. The same numbers on every run and for any count >= 2; they agree with one thread's
   * to float rounding (the gradient sums run in another order). Dense stacks and the tfjs path
   * ignore it. The experiment runner already runs jobs in parallel and keeps it at 1 unless
   * asked.
   */
  threads?: number;
}

export interface TrainResult {
  history: EpochProgress[];
  /** Epochs actually run (fewer than `epochs` after early stopping). */
  epochsRun: number;
  testAccuracy?: number;
  testLoss?: number;
}

function outputUnits(model: tf.LayersModel): number {
  const shape = model.outputs[0].shape;
  return shape[shape.length - 1] as number;
}

/** Targets for the loss: the labels as a column (one sigmoid unit) or one-hot. */
function targets(labels: Int32Array, units: number): tf.Tensor {
  if (units === 1) return tf.tensor2d(Float32Array.from(labels), [labels.length, 1]);
  return tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), units).toFloat());
}

function toTensor(t: TensorData): tf.Tensor {
  return tf.tensor(t.data, t.shape, t.data instanceof Int32Array ? 'int32' : 'float32');
}

/** Checks at run time that `model` is a tfjs LayersModel; `where` names the caller. */
export function checkLayersModel(model: unknown, where: string): asserts model is tf.LayersModel {
  const m = model as Partial<tf.LayersModel> | null | undefined;
  if (
    m === null ||
    typeof m !== 'object' ||
    typeof m.predict !== 'function' ||
    !Array.isArray(m.layers) ||
    !Array.isArray(m.inputs)
  ) {
    throw invalidInput(
      `${where} expects a tfjs LayersModel; got ${describeValue(model)}`,
      'build one with denseNetwork(...), vggNetwork(...), resnetNetwork(...) or loadModel(...); ONNX models go through captureOnnx or layerClouds',
    );
  }
}

function checkData(model: tf.LayersModel, d: LabelledInputs, where: string): void {
  checkLabelledData(d, where);
  const expected = model.inputs[0].shape.slice(1);
  const got = d.inputs.shape.slice(1);
  if (expected.length !== got.length || expected.some((e, i) => e !== null && e !== got[i])) {
    throw invalidInput(
      `${where}: inputs have shape [n, ${got.join(', ')}] but the model expects [n, ${expected.join(', ')}]`,
      'reshape the inputs (images are NHWC: [n, height, width, channels])',
    );
  }
  const units = outputUnits(model);
  const classes = units === 1 ? 2 : units;
  for (let i = 0; i < d.labels.length; i++) {
    if (d.labels[i] < 0 || d.labels[i] >= classes) {
      throw invalidInput(
        `${where}: label ${d.labels[i]} at sample ${i} is outside 0..${classes - 1}, the classes of a model with ${units} output unit${units === 1 ? ' (sigmoid)' : 's'}`,
      );
    }
  }
}

function makeOptimizer(name: string, lr: number): tf.Optimizer {
  if (name === 'sgd') return tf.train.sgd(lr);
  if (name === 'adam') return tf.train.adam(lr);
  if (name === 'rmsprop') return tf.train.rmsprop(lr);
  throw invalidOption(`unknown optimizer '${name}'`, "use 'sgd', 'adam' or 'rmsprop'");
}

/** Compiles `model` for classification with the chosen optimiser (binary cross-entropy for one
 * sigmoid unit, categorical cross-entropy for a softmax). */
export function compileClassifier(
  model: tf.LayersModel,
  optimizer = 'rmsprop',
  learningRate = 1e-3,
): void {
  model.compile({
    optimizer: makeOptimizer(optimizer, learningRate),
    loss: outputUnits(model) === 1 ? 'binaryCrossentropy' : 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
}

/** Loss and accuracy of `model` on `data`, in batches. */
export async function evaluateClassifier(
  model: tf.LayersModel,
  data: LabelledInputs,
  batchSize = 256,
): Promise<{ loss: number; accuracy: number }> {
  checkLayersModel(model, 'evaluateClassifier');
  checkData(model, data, 'evaluateClassifier');
  const units = outputUnits(model);
  const n = data.labels.length;
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < n; start += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, n - start) }, (_, i) => start + i);
    const batch = takeRows(data.inputs, idx);
    const labels = data.labels.subarray(start, start + idx.length);
    const [loss, pred] = tf.tidy(() => {
      const x = toTensor(batch);
      const p = model.predict(x) as tf.Tensor;
      const y = targets(labels, units);
      const l =
        units === 1
          ? tf.metrics.binaryCrossentropy(y, p)
          : tf.metrics.categoricalCrossentropy(y, p);
      const cls = units === 1 ? tf.greater(p.reshape([-1]), 0.5).toInt() : tf.argMax(p, -1);
      return [tf.sum(l), cls];
    });
    lossSum += (await loss.data())[0];
    const c = await pred.data();
    for (let i = 0; i < c.length; i++) if (c[i] === labels[i]) correct++;
    loss.dispose();
    pred.dispose();
  }
  return { loss: lossSum / n, accuracy: correct / n };
}

/** Seed of the validation shuffle derived from the training seed (a stream apart from the
 * batch order's, so the batch order draws the same numbers whichever order is chosen). */
function validationSeed(seed: number): number {
  return (seed ^ 0x5bd1e995) >>> 0;
}

/**
 * Which samples `trainClassifier` trains on and which it validates on: the last
 * floor(n * fraction) samples of the order `order` gives ('shuffled': a permutation seeded by the
 * training `seed`; 'tail': the samples as given), the rest for training, each in that order.
 */
export function validationSplitIndices(
  n: number,
  fraction: number,
  options: { order?: 'shuffled' | 'tail'; seed?: number } = {},
): { train: Int32Array; validation: Int32Array } {
  const nVal = Math.floor(n * fraction);
  const order =
    (options.order ?? 'shuffled') === 'shuffled' && nVal > 0
      ? permutation(n, createRng(validationSeed(options.seed ?? 0)))
      : Int32Array.from({ length: n }, (_, i) => i);
  return { train: order.slice(0, n - nVal), validation: order.slice(n - nVal) };
}

/** Trains a classifier (compiling it if it is not compiled yet) and returns its history. */
export async function trainClassifier(
  model: tf.LayersModel,
  data: LabelledInputs,
  options: TrainOptions = {},
): Promise<TrainResult> {
  checkLayersModel(model, 'trainClassifier');
  checkData(model, data, 'trainClassifier');
  const epochs = options.epochs ?? 50;
  const batchSize = options.batchSize ?? 32;
  const split = options.validationSplit ?? 0.2;
  if (!Number.isInteger(epochs) || epochs < 1)
    throw invalidOption(`epochs must be >= 1, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw invalidOption(`batchSize must be >= 1, got ${batchSize}`);
  }
  const threads = checkThreads(options.threads ?? 1, 'trainClassifier');
  if (!(split >= 0 && split < 1))
    throw invalidOption(`validationSplit must be in [0, 1), got ${split}`);
  if (options.test) checkData(model, options.test, 'trainClassifier (options.test)');
  const validationOrder = options.validationOrder ?? 'shuffled';
  if (validationOrder !== 'shuffled' && validationOrder !== 'tail') {
    throw invalidOption(
      `validationOrder must be 'shuffled' or 'tail', got ${String(validationOrder)}`,
    );
  }
  compileClassifier(model, options.optimizer ?? 'rmsprop', options.learningRate ?? 1e-3);

  const n = data.labels.length;
  const nVal = Math.floor(n * split);
  const nTrain = n - nVal;
  if (nTrain < 1)
    throw invalidInput(`no training samples left after a validation split of ${split}`);
  const { train: trainIdx, validation: valIdx } = validationSplitIndices(n, split, {
    order: validationOrder,
    seed: options.seed ?? 0,
  });
  const train: LabelledInputs = {
    inputs: takeRows(data.inputs, trainIdx),
    labels: Int32Array.from(trainIdx, (i) => data.labels[i]),
  };
  const val: LabelledInputs | undefined =
    nVal > 0
      ? {
          inputs: takeRows(data.inputs, valIdx),
          labels: Int32Array.from(valIdx, (i) => data.labels[i]),
        }
      : undefined;
  const units = outputUnits(model);
  const rng = createRng(options.seed ?? 0);
  const es = options.earlyStopping ? options.earlyStopping : undefined;
  const patience = es?.patience ?? 5;
  const minDelta = es?.minDelta ?? 0;
  let best = Infinity;
  let bestWeights: tf.Tensor[] | undefined;
  let wait = 0;
  const history: EpochProgress[] = [];
  const stack =
    options.fused === false || data.inputs.data instanceof Int32Array
      ? null
      : denseStackLayers(model);
  const cnn =
    options.fused === false || data.inputs.data instanceof Int32Array || stack
      ? null
      : cnnStackLayers(model);
  let fused: Pick<FusedTrainer, 'step' | 'evaluate'> | undefined;
  /** writes the fused trainer's weights into the tfjs model */
  let writeBack = (): void => {};
  /** ends the fused trainer's worker threads (with `threads` > 1) */
  let close = (): void => {};
  const fusedOptions = {
    optimizer: options.optimizer ?? 'rmsprop',
    learningRate: options.learningRate ?? 1e-3,
    maxBatch: batchSize,
  } as const;
  if (stack) {
    const dense = createFusedDenseTrainer(readDenseParams(stack), fusedOptions);
    fused = dense;
    writeBack = () => writeDenseParams(tf, stack, dense.params);
  } else if (cnn) {
    const trainer = createThreadedCnnTrainer(cnn.plan, { ...fusedOptions, threads });
    fused = trainer;
    writeBack = () => writeCnnParams(tf, cnn.layers, trainer.plan);
    close = () => trainer.close();
  }
  const rowSize = train.inputs.data.length / Math.max(1, nTrain);
  const xBuffer = new Float32Array(batchSize * rowSize);
  const yBuffer = new Int32Array(batchSize);

  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const order = permutation(nTrain, rng);
      let lossSum = 0;
      let accSum = 0;
      for (let start = 0; start < nTrain; start += batchSize) {
        const idx = order.subarray(start, Math.min(start + batchSize, nTrain));
        if (fused) {
          for (let i = 0; i < idx.length; i++) {
            const r = idx[i] * rowSize;
            xBuffer.set(train.inputs.data.subarray(r, r + rowSize), i * rowSize);
            yBuffer[i] = train.labels[idx[i]];
          }
          const s = fused.step(xBuffer, yBuffer, idx.length);
          lossSum += s.loss * idx.length;
          accSum += s.correct;
          // a CNN step takes milliseconds: let timers and I/O run during long epochs, as below
          if (cnn && (start / batchSize) % 20 === 19) await new Promise((r) => setTimeout(r, 0));
          continue;
        }
        const xb = toTensor(takeRows(train.inputs, idx));
        const yb = targets(
          Int32Array.from(idx, (i) => train.labels[i]),
          units,
        );
        const [loss, acc] = (await model.trainOnBatch(xb, yb)) as number[];
        xb.dispose();
        yb.dispose();
        lossSum += loss * idx.length;
        // let timers and I/O run during long epochs (the wasm kernels are synchronous)
        if ((start / batchSize) % 20 === 19) await new Promise((r) => setTimeout(r, 0));
        accSum += acc * idx.length;
      }
      if (fused) writeBack();
      const progress: EpochProgress = {
        epoch,
        epochs,
        loss: lossSum / nTrain,
        accuracy: accSum / nTrain,
      };
      if (val) {
        // the fused trainer evaluates with its own forward pass (no tfjs dispatch)
        const v = fused
          ? fused.evaluate(val.inputs.data as Float32Array, val.labels, val.labels.length)
          : await evaluateClassifier(model, val);
        const nVal = val.labels.length;
        progress.valLoss = v.loss;
        progress.valAccuracy = 'correct' in v ? v.correct / nVal : v.accuracy;
      }
      history.push(progress);
      options.onProgress?.(progress);
      if (es && val) {
        if (progress.valLoss! < best - minDelta) {
          best = progress.valLoss!;
          wait = 0;
          if (es.restoreBestWeights ?? true) {
            bestWeights?.forEach((t) => t.dispose());
            bestWeights = model.getWeights().map((w) => w.clone());
          }
        } else if (++wait >= patience) {
          break;
        }
      }
    }
  } finally {
    close();
  }
  if (bestWeights) {
    if (history[history.length - 1].valLoss! > best) model.setWeights(bestWeights);
    bestWeights.forEach((t) => t.dispose());
  }
  const result: TrainResult = { history, epochsRun: history.length };
  if (options.test) {
    const t = await evaluateClassifier(model, options.test);
    result.testAccuracy = t.accuracy;
    result.testLoss = t.loss;
  }
  return result;
}
