/**
 * The networks of an experiment as TensorFlow.js or ONNX models: builds a network of the
 * training grid for the data's input shape and classes, loads a model file (a TF.js model.json
 * with its weights beside it, or an ONNX file).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { TopolensError, invalidInput } from '../core/errors.js';
import {
  denseNetwork,
  resnetNetwork,
  textTransformerNetwork,
  vggNetwork,
  vitNetwork,
} from '../nn/architectures/index.js';
import { loadModel } from '../nn/modelIO.js';
import { parseOnnx } from '../nn/onnx.js';
import type { NetworkSpec } from './experimentSchema.js';

export type TrainedSpec = Extract<NetworkSpec, { source: 'trained' }>;

/** The ViT's patch size for an h x w image: the largest p <= 7 that divides both (7 for MNIST's
 * 28 x 28: 16 patches). */
export function vitPatchSize(h: number, w: number): number {
  for (let p = 7; p > 1; p--) if (h % p === 0 && w % p === 0) return p;
  return 1;
}

/** Builds (untrained) the network `spec` for inputs of shape [n, ...inputShape]; `vocabSize`
 * (the token ids in the data, `tokenVocabularySize`) is needed by the text Transformer. */
export function buildNetwork(
  spec: TrainedSpec,
  inputShape: number[],
  classes: number,
  vocabSize?: number,
): tf.LayersModel {
  if (spec.architecture === 'transformer') {
    if (inputShape.length !== 1 || vocabSize === undefined) {
      throw invalidInput(
        `network '${spec.name}': a transformer needs int32 token sequences [n, tokens], but the data has shape [n, ${inputShape.join(', ')}]${vocabSize === undefined ? ' and is not tokens' : ''}`,
        "use a text data set (dataset: afinn-sentiment); for images use architecture 'vit'",
      );
    }
    return textTransformerNetwork({
      vocabSize: Math.max(2, vocabSize),
      sequenceLength: inputShape[0],
      dim: spec.widths[0],
      depth: spec.widths.length,
      classes: Math.max(2, classes),
      seed: spec.seed,
    });
  }
  if (spec.architecture === 'dense' || spec.architecture === 'ricci') {
    if (inputShape.length !== 1) {
      throw invalidInput(
        `network '${spec.name}': a ${spec.architecture} network needs flat inputs, but the data has shape [n, ${inputShape.join(', ')}]`,
        'set data.flatten: true (images become 784 features)',
      );
    }
    return denseNetwork({
      inputDim: inputShape[0],
      widths: spec.widths,
      activation: spec.activation,
      outputUnits: classes <= 2 ? 1 : classes,
      seed: spec.seed,
    });
  }
  if (inputShape.length !== 3) {
    throw invalidInput(
      `network '${spec.name}': a ${spec.architecture} network needs images [n, height, width, channels], but the data has shape [n, ${inputShape.join(', ')}]`,
      'set data.flatten: false for mnist or fashion-mnist',
    );
  }
  const options = {
    inputShape: inputShape as [number, number, number],
    widths: spec.widths,
    classes: Math.max(2, classes),
    seed: spec.seed,
  };
  if (spec.architecture === 'vit') {
    const [h, w] = inputShape;
    return vitNetwork({
      inputShape: options.inputShape,
      patchSize: vitPatchSize(h, w),
      dim: spec.widths[0],
      depth: spec.widths.length,
      classes: options.classes,
      seed: spec.seed,
    });
  }
  return spec.architecture === 'vgg' ? vggNetwork(options) : resnetNetwork(options);
}

function readOrFail(path: string, what: string): Uint8Array {
  if (!existsSync(path)) {
    throw new TopolensError(
      'missing-file',
      `${what} ${path} does not exist`,
      'check the path in the experiment file',
    );
  }
  return readFileSync(path);
}

export type LoadedModel =
  { kind: 'tfjs'; model: tf.LayersModel } | { kind: 'onnx'; model: ReturnType<typeof parseOnnx> };

/** Loads a model file: `.onnx`, or a TF.js `model.json` whose weights file sits beside it. */
export async function loadModelFile(path: string): Promise<LoadedModel> {
  if (path.toLowerCase().endsWith('.onnx')) {
    return { kind: 'onnx', model: parseOnnx(readOrFail(path, 'the model'), path) };
  }
  if (!path.toLowerCase().endsWith('.json')) {
    throw new TopolensError(
      'unsupported',
      `cannot read a model from ${path}`,
      'pass an ONNX file (.onnx) or a TensorFlow.js model.json',
    );
  }
  const modelJson = new TextDecoder().decode(readOrFail(path, 'the model'));
  let weightsFile = 'weights.bin';
  try {
    const m = (JSON.parse(modelJson) as { weightsManifest?: Array<{ paths?: string[] }> })
      .weightsManifest;
    weightsFile = m?.[0]?.paths?.[0] ?? weightsFile;
  } catch {
    // loadModel names the JSON error
  }
  const weights = readOrFail(
    join(dirname(path), weightsFile),
    `the weights file named by ${path},`,
  );
  return { kind: 'tfjs', model: await loadModel({ modelJson, weights }, path) };
}

/** Frees a loaded model's memory. */
export function disposeModel(m: LoadedModel): void {
  if (m.kind === 'tfjs') m.model.dispose();
}
