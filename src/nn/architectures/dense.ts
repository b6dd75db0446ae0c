/**
 * Dense (fully connected) networks, among them the Ricci-flow paper's ([B24],
 * docs/curvature-and-ricci-flow.md): Dense(width, ReLU) x depth, then one sigmoid unit. Hidden
 * layers are named `block1`, `block2`, ...; the output layer is a linear Dense `logits` followed
 * by its activation (sigmoid or softmax) as a layer of its own, `output`, so the logits can be
 * captured ([M22]); the loss is the same as with the activation inside the Dense layer.
 */
import * as tf from '@tensorflow/tfjs';
import { invalidOption } from '../../core/errors.js';
import { tensorSeed } from './seeds.js';

export interface DenseNetworkOptions {
  /** Number of input features (3 for the synthetic 3-D sets, 784 for MNIST). */
  inputDim: number;
  /** Width of each hidden layer, in order; its length is the depth. */
  widths: number[];
  /** Hidden activation (default `'relu'`, [B24]). */
  activation?: 'relu' | 'tanh' | 'sigmoid' | 'linear';
  /** Output units (default 1: binary classification, [B24]). */
  outputUnits?: number;
  /** Output activation (default `'sigmoid'` for one unit, `'softmax'` otherwise). */
  outputActivation?: 'sigmoid' | 'softmax' | 'linear';
  /** Seed of the weight initialisers (Glorot uniform, zero biases); layer i uses
   * `tensorSeed(seed, i)` (seeds.ts), so no two networks' layers share a seed. */
  seed?: number;
}

/** Builds a dense stack as a tfjs LayersModel (not compiled). */
export function denseNetwork(options: DenseNetworkOptions): tf.LayersModel {
  const { inputDim, widths } = options;
  if (!Number.isInteger(inputDim) || inputDim < 1) {
    throw invalidOption(`inputDim must be a positive integer, got ${inputDim}`);
  }
  if (widths.length === 0 || widths.some((w) => !Number.isInteger(w) || w < 1)) {
    throw invalidOption(`widths must be positive integers, got [${widths.join(', ')}]`);
  }
  const outputUnits = options.outputUnits ?? 1;
  const seed = options.seed ?? 0;
  const model = tf.sequential();
  widths.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: options.activation ?? 'relu',
        inputShape: i === 0 ? [inputDim] : undefined,
        kernelInitializer: tf.initializers.glorotUniform({ seed: tensorSeed(seed, i) }),
        biasInitializer: 'zeros',
        name: `block${i + 1}`,
      }),
    );
  });
  model.add(
    tf.layers.dense({
      units: outputUnits,
      activation: 'linear',
      kernelInitializer: tf.initializers.glorotUniform({ seed: tensorSeed(seed, widths.length) }),
      biasInitializer: 'zeros',
      name: 'logits',
    }),
  );
  model.add(
    tf.layers.activation({
      activation: options.outputActivation ?? (outputUnits === 1 ? 'sigmoid' : 'softmax'),
      name: 'output',
    }),
  );
  return model;
}

/** The [B24] network variants: wide (50) or narrow (25), depth 5 or 11, or the bottleneck. */
export type RicciVariant = 'wide' | 'narrow' | 'bottleneck';

export interface RicciNetworkOptions {
  /** `'wide'` (width 50), `'narrow'` (25) or `'bottleneck'` (50, then 25 in the middle, 50 at
   * the end). */
  variant: RicciVariant;
  /** Number of hidden layers: 5 or 11 in [B24]; any depth >= 1 (>= 3 for the bottleneck). */
  depth: number;
  /** Input features (3 for the synthetic sets, 784 for MNIST). */
  inputDim: number;
  seed?: number;
}

/** Hidden widths of a [B24] variant. The bottleneck keeps 50 at the first and last hidden layer
 * and 25 in between (50, 25, ..., 25, 50). */
export function ricciWidths(variant: RicciVariant, depth: number): number[] {
  if (!Number.isInteger(depth) || depth < 1) {
    throw invalidOption(`depth must be a positive integer, got ${depth}`);
  }
  if (variant === 'wide') return new Array(depth).fill(50);
  if (variant === 'narrow') return new Array(depth).fill(25);
  if (variant === 'bottleneck') {
    if (depth < 3) throw invalidOption(`the bottleneck variant needs depth >= 3, got ${depth}`);
    return Array.from({ length: depth }, (_, i) => (i === 0 || i === depth - 1 ? 50 : 25));
  }
  throw invalidOption(
    `unknown variant '${String(variant)}'`,
    "use 'wide', 'narrow' or 'bottleneck'",
  );
}

/** A [B24] network: Dense(width, ReLU) x depth then one sigmoid unit. */
export function ricciNetwork(options: RicciNetworkOptions): tf.LayersModel {
  return denseNetwork({
    inputDim: options.inputDim,
    widths: ricciWidths(options.variant, options.depth),
    seed: options.seed,
  });
}
