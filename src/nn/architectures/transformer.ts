/**
 * Small Transformers ([M23] compares their block outputs with CNNs'): a Vision Transformer
 * (Dosovitskiy et al. 2021: patch embedding, class token, position embedding, pre-norm blocks)
 * and a text Transformer (token embedding, class token, the same blocks). Each block is
 * x + MHSA(LN(x)), then x + MLP(LN(x)); its output is named `blockK` ([batch, tokens, dim]).
 * The head reads the class token (`cls`) through a final layer norm, a linear layer (`logits`)
 * and the softmax as a layer of its own (`output`).
 */
import * as tf from '@tensorflow/tfjs';
import { gaussianSeed, seedCounter } from './seeds.js';
import { invalidOption } from '../../core/errors.js';
import {
  ClassToken,
  MultiHeadSelfAttention,
  PositionEmbedding,
  SelectToken,
} from './transformerLayers.js';

export interface TransformerBlockOptions {
  /** Token width (model dimension). */
  dim: number;
  /** Number of blocks. */
  depth: number;
  /** Attention heads per block; must divide `dim` (default 2). */
  heads?: number;
  /** Hidden width of the MLP (default 2 x dim). */
  mlpDim?: number;
  /** Number of classes of the softmax head. */
  classes: number;
  /** Seed of every initialiser. */
  seed?: number;
}

export interface VitOptions extends TransformerBlockOptions {
  /** Input image [height, width, channels]. */
  inputShape: [number, number, number];
  /** Side of the square patches; must divide height and width. */
  patchSize: number;
}

export interface TextTransformerOptions extends TransformerBlockOptions {
  /** Vocabulary size (token ids are 0..vocabSize-1). */
  vocabSize: number;
  /** Sequence length (tokens per input). */
  sequenceLength: number;
}

function checkBlocks(o: TransformerBlockOptions): void {
  const heads = o.heads ?? 2;
  if (!Number.isInteger(o.dim) || o.dim < 1 || o.dim % heads !== 0) {
    throw invalidOption(`dim (${o.dim}) must be a positive multiple of heads (${heads})`);
  }
  if (!Number.isInteger(o.depth) || o.depth < 1) {
    throw invalidOption(`depth must be a positive integer, got ${o.depth}`);
  }
  if (!Number.isInteger(o.classes) || o.classes < 2) {
    throw invalidOption(`classes must be an integer >= 2, got ${o.classes}`);
  }
}

function blocksAndHead(
  tokens: tf.SymbolicTensor,
  o: TransformerBlockOptions,
  nextSeed: () => number,
): tf.SymbolicTensor {
  const heads = o.heads ?? 2;
  const mlpDim = o.mlpDim ?? 2 * o.dim;
  let x = new ClassToken({ seed: nextSeed(), name: 'class_token' }).apply(
    tokens,
  ) as tf.SymbolicTensor;
  x = new PositionEmbedding({ seed: nextSeed(), name: 'position' }).apply(x) as tf.SymbolicTensor;
  for (let b = 1; b <= o.depth; b++) {
    const p = `block${b}`;
    const n1 = tf.layers.layerNormalization({ name: `${p}_norm1` }).apply(x) as tf.SymbolicTensor;
    const att = new MultiHeadSelfAttention({
      heads,
      seed: nextSeed(),
      name: `${p}_attention`,
    }).apply(n1) as tf.SymbolicTensor;
    const x1 = tf.layers.add({ name: `${p}_add1` }).apply([x, att]) as tf.SymbolicTensor;
    const n2 = tf.layers.layerNormalization({ name: `${p}_norm2` }).apply(x1) as tf.SymbolicTensor;
    const h = tf.layers
      .dense({
        units: mlpDim,
        activation: 'gelu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
        name: `${p}_mlp1`,
      })
      .apply(n2) as tf.SymbolicTensor;
    const m = tf.layers
      .dense({
        units: o.dim,
        kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
        name: `${p}_mlp2`,
      })
      .apply(h) as tf.SymbolicTensor;
    x = tf.layers.add({ name: p }).apply([x1, m]) as tf.SymbolicTensor;
  }
  const normed = tf.layers.layerNormalization({ name: 'final_norm' }).apply(x) as tf.SymbolicTensor;
  const cls = new SelectToken({ index: 0, name: 'cls' }).apply(normed) as tf.SymbolicTensor;
  const logits = tf.layers
    .dense({
      units: o.classes,
      kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
      name: 'logits',
    })
    .apply(cls) as tf.SymbolicTensor;
  return tf.layers
    .activation({ activation: 'softmax', name: 'output' })
    .apply(logits) as tf.SymbolicTensor;
}

/** A small Vision Transformer on NHWC images. */
export function vitNetwork(o: VitOptions): tf.LayersModel {
  checkBlocks(o);
  const [h, w, c] = o.inputShape;
  if (!Number.isInteger(o.patchSize) || o.patchSize < 1 || h % o.patchSize || w % o.patchSize) {
    throw invalidOption(`patchSize ${o.patchSize} must divide the image size ${h}x${w}`);
  }
  const nextSeed = seedCounter(o.seed ?? 0);
  const input = tf.input({ shape: [h, w, c], name: 'input' });
  const patches = tf.layers
    .conv2d({
      filters: o.dim,
      kernelSize: o.patchSize,
      strides: o.patchSize,
      padding: 'valid',
      kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
      name: 'patch_embedding',
    })
    .apply(input) as tf.SymbolicTensor;
  const count = (h / o.patchSize) * (w / o.patchSize);
  const tokens = tf.layers
    .reshape({ targetShape: [count, o.dim], name: 'patch_tokens' })
    .apply(patches) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: blocksAndHead(tokens, o, nextSeed), name: 'vit' });
}

/** A small text Transformer on integer token sequences [batch, sequenceLength]. */
export function textTransformerNetwork(o: TextTransformerOptions): tf.LayersModel {
  checkBlocks(o);
  if (!Number.isInteger(o.vocabSize) || o.vocabSize < 2) {
    throw invalidOption(`vocabSize must be an integer >= 2, got ${o.vocabSize}`);
  }
  const nextSeed = seedCounter(o.seed ?? 0);
  const input = tf.input({ shape: [o.sequenceLength], name: 'input', dtype: 'int32' });
  const tokens = tf.layers
    .embedding({
      inputDim: o.vocabSize,
      outputDim: o.dim,
      embeddingsInitializer: tf.initializers.randomNormal({
        stddev: 0.02,
        seed: gaussianSeed(nextSeed()),
      }),
      name: 'token_embedding',
    })
    .apply(input) as tf.SymbolicTensor;
  return tf.model({
    inputs: input,
    outputs: blocksAndHead(tokens, o, nextSeed),
    name: 'text_transformer',
  });
}
