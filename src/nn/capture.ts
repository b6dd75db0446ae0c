/**
 * Activation capture: the outputs of named layers of a tfjs model on a set of inputs, computed in
 * batches; each batch's tensors are disposed before the next, and an optional per-batch reducer
 * (e.g. global average pooling) keeps only the point cloud, so memory stays bounded by
 * batch size x layer size plus the reduced outputs.
 */
import * as tf from '@tensorflow/tfjs';
import { invalidInput, invalidOption } from '../core/errors.js';
import {
  checkTensorData,
  concatBatches,
  takeRows,
  type FloatTensorData,
  type TensorData,
} from './tensorData.js';
import { inputsOf, type LabelledInputs } from '../data/labelled.js';
import { checkLayersModel } from './train.js';

export interface LayerInfo {
  name: string;
  /** The tfjs layer class (Dense, Conv2D, ...). */
  className: string;
  /** Output shape without the batch axis. */
  outputShape: number[];
}

/** Every layer of a model with its output shape (batch axis dropped). */
export function listLayers(model: tf.LayersModel): LayerInfo[] {
  checkLayersModel(model, 'listLayers');
  return model.layers.map((l) => {
    const s = l.outputShape;
    const shape = (
      Array.isArray(s[0]) || s[0] === undefined ? ((s[0] as number[]) ?? []) : (s as number[])
    ).slice(1);
    return { name: l.name, className: l.getClassName(), outputShape: shape as number[] };
  });
}

export interface CaptureOptions {
  /** Names of the layers to capture (see `listLayers`). */
  layers: string[];
  /** Inputs per forward pass (default 128). */
  batchSize?: number;
  /**
   * Applied to each batch's output of each layer before it is kept (e.g. a point-cloud strategy
   * such as global average pooling); must return one row per input. Default: keep as is.
   */
  reduce?: (layer: string, batch: FloatTensorData, firstIndex: number) => FloatTensorData;
  /** Called after each batch with the number of inputs done and the total. */
  onProgress?: (done: number, total: number) => void;
}

function checkLayerNames(model: tf.LayersModel, layers: string[]): void {
  if (layers.length === 0) throw invalidOption('no layers to capture', 'name at least one layer');
  const valid = model.layers.map((l) => l.name);
  const known = new Set(valid);
  for (const name of layers) {
    if (!known.has(name)) {
      throw invalidOption(
        `the model has no layer named '${name}'`,
        `valid layers: ${valid.join(', ')}`,
      );
    }
  }
}

/** Checks inputs against the model's input shape (batch axis free). */
export function checkModelInputs(
  expected: (number | null)[],
  inputs: TensorData,
  name = 'inputs',
): void {
  checkTensorData(inputs, name);
  const want = expected.slice(1);
  const got = inputs.shape.slice(1);
  if (want.length !== got.length || want.some((w, i) => w !== null && w !== got[i])) {
    throw invalidInput(
      `${name} have shape [${inputs.shape.join(', ')}] but the model expects [n, ${want.map((w) => w ?? '?').join(', ')}]`,
      'reshape the inputs to match (images are NHWC for tfjs models: [n, height, width, channels])',
    );
  }
}

/** Captures the outputs of `options.layers` on `inputs` (a tensor, or labelled data whose
 * inputs are taken); returns one tensor per layer. */
export async function captureActivations(
  model: tf.LayersModel,
  data: TensorData | LabelledInputs,
  options: CaptureOptions,
): Promise<Record<string, FloatTensorData>> {
  checkLayersModel(model, 'captureActivations');
  const inputs = inputsOf(data, 'captureActivations');
  checkLayerNames(model, options?.layers ?? []);
  checkModelInputs(model.inputs[0].shape, inputs);
  const batchSize = options.batchSize ?? 128;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw invalidOption(`batchSize must be >= 1, got ${batchSize}`);
  const outputs = options.layers.map((l) => model.getLayer(l).output as tf.SymbolicTensor);
  const probe = tf.model({ inputs: model.inputs, outputs });
  const n = inputs.shape[0];
  const parts: FloatTensorData[][] = options.layers.map(() => []);
  try {
    for (let start = 0; start < n; start += batchSize) {
      const count = Math.min(batchSize, n - start);
      const batch = takeRows(
        inputs,
        Array.from({ length: count }, (_, i) => start + i),
      );
      const x = tf.tensor(
        batch.data,
        batch.shape,
        batch.data instanceof Int32Array ? 'int32' : 'float32',
      );
      let ys: tf.Tensor | tf.Tensor[] = [];
      try {
        ys = probe.predict(x) as tf.Tensor | tf.Tensor[];
        const list = Array.isArray(ys) ? ys : [ys];
        for (let k = 0; k < list.length; k++) {
          const values = (await list[k].data()) as Float32Array;
          let out: FloatTensorData = {
            data: Float32Array.from(values),
            shape: list[k].shape.slice(),
          };
          if (options.reduce) out = options.reduce(options.layers[k], out, start);
          if (out.shape[0] !== count) {
            throw invalidOption(
              `the reducer returned ${out.shape[0]} rows for a batch of ${count} inputs`,
            );
          }
          parts[k].push(out);
        }
      } finally {
        x.dispose();
        tf.dispose(ys);
      }
      options.onProgress?.(start + count, n);
    }
  } finally {
    // the probe shares its layers (and weights) with `model`; nothing of its own to dispose
  }
  const result: Record<string, FloatTensorData> = {};
  options.layers.forEach((name, k) => (result[name] = concatBatches(parts[k], n)));
  return result;
}
