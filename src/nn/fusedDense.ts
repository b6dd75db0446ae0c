/**
 * A fused training step for dense stacks (Dense+ReLU hidden layers, one sigmoid unit or a softmax
 * output): forward, backward and the optimiser update with no per-op dispatch, no allocation per
 * step and no autodiff tape. It reproduces the tfjs path (binary / categorical cross-entropy
 * averaged over the batch; tfjs' SGD, Adam and RMSprop update rules with epsilon 1e-7) and skips
 * zero inputs in every layer's products (MNIST pixels are ~80% zero, ReLU outputs about half).
 *
 * Two engines compute the same step: WebAssembly SIMD kernels (./fusedDenseWasm.ts, the default
 * where WebAssembly SIMD exists) and plain JavaScript loops (./fusedDenseJs.ts). This module
 * recognises the models they can train and moves weights in and out of tfjs.
 */
import type * as tf from '@tensorflow/tfjs';
import { createJsFusedDenseTrainer } from './fusedDenseJs.js';
import { createWasmFusedDenseTrainer } from './fusedDenseWasm.js';

export interface DenseLayerParams {
  /** Weights [inputs, units], row-major (the tfjs kernel layout). */
  weights: Float32Array;
  bias: Float32Array;
  inputs: number;
  units: number;
}

export type DenseOptimizer = 'sgd' | 'adam' | 'rmsprop';

/** The layer sizes of a model if it is a plain dense stack this path can train, else null. */
export function denseStackLayers(model: tf.LayersModel): tf.layers.Layer[] | null {
  const all = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  if (all.length < 2 || model.inputs.length !== 1 || model.inputs[0].shape.length !== 2)
    return null;
  // the output activation as a layer of its own after a linear Dense (the built-in `logits`,
  // `output` pair), or inside the last Dense layer
  const tail = all[all.length - 1];
  const split = tail.getClassName() === 'Activation';
  const layers = split ? all.slice(0, -1) : all;
  if (layers.length < 2) return null;
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i];
    if (l.getClassName() !== 'Dense') return null;
    const c = l.getConfig() as { activation?: string; useBias?: boolean };
    if (c.useBias === false) return null;
    const last = i === layers.length - 1;
    const units = (l.outputShape as number[])[1];
    if (!last && c.activation !== 'relu') return null;
    const activation = split
      ? c.activation === 'linear'
        ? (tail.getConfig() as { activation?: string }).activation
        : undefined
      : c.activation;
    if (
      last &&
      !((units === 1 && activation === 'sigmoid') || (units > 1 && activation === 'softmax'))
    )
      return null;
    if (l.inboundNodes.length !== 1) return null;
  }
  // a chain: each layer's input is the previous layer's output
  for (let i = 1; i < all.length; i++) {
    const inbound = all[i].inboundNodes[0]?.inboundLayers ?? [];
    if (all[i].inboundNodes.length !== 1 || inbound.length !== 1 || inbound[0] !== all[i - 1])
      return null;
  }
  return layers;
}

/** Copies a dense stack's weights out of a tfjs model. */
export function readDenseParams(layers: tf.layers.Layer[]): DenseLayerParams[] {
  return layers.map((l) => {
    const [w, b] = l.getWeights();
    return {
      weights: Float32Array.from(w.dataSync()),
      bias: Float32Array.from(b.dataSync()),
      inputs: w.shape[0],
      units: w.shape[1] as number,
    };
  });
}

export interface FusedTrainer {
  /** One optimiser step on a batch (`x` is batch x inputs row-major); returns the mean loss and
   * the number of correct predictions before the update. */
  step(x: Float32Array, labels: Int32Array, batch: number): { loss: number; correct: number };
  /** The forward pass alone over `n` rows of `x` (in batches of at most maxBatch): the mean
   * loss and the number of correct predictions, as `evaluateClassifier` computes them. */
  evaluate(x: Float32Array, labels: Int32Array, n: number): { loss: number; correct: number };
  params: DenseLayerParams[];
}

/**
 * Runs `forwardLoss` on consecutive chunks of at most `maxBatch` rows and combines the chunks'
 * mean losses into the mean over all `n` rows.
 */
export function evaluateInBatches(
  x: Float32Array,
  labels: Int32Array,
  n: number,
  inputs: number,
  maxBatch: number,
  forwardLoss: (
    x: Float32Array,
    labels: Int32Array,
    B: number,
  ) => { loss: number; correct: number },
): { loss: number; correct: number } {
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < n; start += maxBatch) {
    const B = Math.min(maxBatch, n - start);
    const r = forwardLoss(
      x.subarray(start * inputs, (start + B) * inputs),
      labels.subarray(start, start + B),
      B,
    );
    lossSum += r.loss * B;
    correct += r.correct;
  }
  return { loss: n > 0 ? lossSum / n : 0, correct };
}

export interface FusedTrainerOptions {
  optimizer: DenseOptimizer;
  learningRate: number;
  /** Largest batch size that will be passed to `step`. */
  maxBatch: number;
  /** 'auto' (default): WebAssembly SIMD where available, else JavaScript; or force one. */
  engine?: 'auto' | 'wasm' | 'js';
}

/**
 * Creates a trainer owning copies of `params` and the optimiser state: the WebAssembly SIMD
 * engine (./fusedDenseWasm.ts) where WebAssembly SIMD is available, else the JavaScript one
 * (./fusedDenseJs.ts); `o.engine` forces one.
 */
export function createFusedDenseTrainer(
  params: DenseLayerParams[],
  o: FusedTrainerOptions,
): FusedTrainer {
  const engine = o.engine ?? 'auto';
  if (engine !== 'js') {
    const wasm = createWasmFusedDenseTrainer(params, o);
    if (wasm) return wasm;
    if (engine === 'wasm')
      throw new Error('the WebAssembly engine of the fused dense step needs WebAssembly SIMD');
  }
  return createJsFusedDenseTrainer(params, o);
}

/** Writes trained parameters back into the tfjs layers. */
export function writeDenseParams(
  tfjs: typeof tf,
  layers: tf.layers.Layer[],
  params: DenseLayerParams[],
): void {
  layers.forEach((l, i) => {
    const w = tfjs.tensor2d(params[i].weights, [params[i].inputs, params[i].units]);
    const b = tfjs.tensor1d(params[i].bias);
    l.setWeights([w, b]);
    w.dispose();
    b.dispose();
  });
}
