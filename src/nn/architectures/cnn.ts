/**
 * Convolutional networks made of blocks ([M23] compares block outputs of CNNs): a VGG-like stack
 * (3x3 convolutions and max pooling) and a ResNet-like stack (residual blocks with a projection
 * shortcut where the shape changes). Block outputs are named `block1`, `block2`, ...; the head
 * is global average pooling (`gap`), a linear dense layer (`logits`) and the softmax as a layer
 * of its own (`output`). Channels last (NHWC). With `preActivations`, every ReLU convolution
 * `name` becomes a linear convolution `name_pre` followed by a ReLU layer `name` (the same
 * function and weights), so that the outputs before the ReLU can be captured ([P23]; these
 * networks have no batch norm, so the convolution's output is the one before batch norm and
 * ReLU).
 */
import * as tf from '@tensorflow/tfjs';
import { gaussianSeed, seedCounter } from './seeds.js';
import { invalidOption } from '../../core/errors.js';

export interface CnnOptions {
  /** Input shape [height, width, channels], e.g. [28, 28, 1] for MNIST. */
  inputShape: [number, number, number];
  /** Channels of each block, in order; its length is the number of blocks. */
  widths: number[];
  /** Number of classes of the softmax head. */
  classes: number;
  /** Convolutions per block (default 2 for VGG-like, 2 per residual branch for ResNet-like). */
  convsPerBlock?: number;
  /** Seed of the weight initialisers (He normal for convolutions, Glorot uniform for the head). */
  seed?: number;
  /** Head: `'gap'` (default; global average pooling then softmax, [M23]) or `'flatten'`
   * (flatten then softmax; learns faster on small images such as MNIST). */
  head?: 'gap' | 'flatten';
  /** Expose each ReLU convolution's output before the ReLU as a layer `<conv>_pre` (default
   * false; see `preActivationNames`). */
  preActivations?: boolean;
}

function check(options: CnnOptions): void {
  const { inputShape, widths, classes } = options;
  if (inputShape.length !== 3 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw invalidOption(
      `inputShape must be [height, width, channels], got [${inputShape.join(', ')}]`,
    );
  }
  if (widths.length === 0 || widths.some((w) => !Number.isInteger(w) || w < 1)) {
    throw invalidOption(`widths must be positive integers, got [${widths.join(', ')}]`);
  }
  if (!Number.isInteger(classes) || classes < 2) {
    throw invalidOption(`classes must be an integer >= 2, got ${classes}`);
  }
}

/** Suffix of the pre-activation convolution layers (`preActivations: true`). */
export const PRE_ACTIVATION_SUFFIX = '_pre';

/** A 3x3 (or `kernelSize`) convolution applied to `x`; with `split`, a ReLU convolution is a
 * linear one named `<name>_pre` then a ReLU layer named `name`. */
function conv(
  x: tf.SymbolicTensor,
  filters: number,
  strides: number,
  activation: 'relu' | 'linear',
  nextSeed: () => number,
  name: string,
  split = false,
  kernelSize = 3,
): tf.SymbolicTensor {
  const separate = split && activation === 'relu';
  const y = tf.layers
    .conv2d({
      filters,
      kernelSize,
      strides,
      padding: 'same',
      activation: separate ? 'linear' : activation,
      kernelInitializer: tf.initializers.heNormal({ seed: gaussianSeed(nextSeed()) }),
      biasInitializer: 'zeros',
      name: separate ? `${name}${PRE_ACTIVATION_SUFFIX}` : name,
    })
    .apply(x) as tf.SymbolicTensor;
  return separate
    ? (tf.layers.activation({ activation: 'relu', name }).apply(y) as tf.SymbolicTensor)
    : y;
}

/** Names of the pre-activation layers of a model built with `preActivations: true`, in order. */
export function preActivationNames(model: { layers: Array<{ name: string }> }): string[] {
  return model.layers.map((l) => l.name).filter((n) => n.endsWith(PRE_ACTIVATION_SUFFIX));
}

function head(
  x: tf.SymbolicTensor,
  classes: number,
  nextSeed: () => number,
  kind: 'gap' | 'flatten' = 'gap',
): tf.SymbolicTensor {
  const pooled = (
    kind === 'flatten'
      ? tf.layers.flatten({ name: 'flatten' })
      : tf.layers.globalAveragePooling2d({ name: 'gap' })
  ).apply(x) as tf.SymbolicTensor;
  const logits = tf.layers
    .dense({
      units: classes,
      kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed() }),
      name: 'logits',
    })
    .apply(pooled) as tf.SymbolicTensor;
  return tf.layers
    .activation({ activation: 'softmax', name: 'output' })
    .apply(logits) as tf.SymbolicTensor;
}

/** VGG-like: per block, `convsPerBlock` 3x3 ReLU convolutions then 2x2 max pooling (named
 * `blockK`; the last block is not pooled when the image is already 1 pixel wide). */
export function vggNetwork(options: CnnOptions): tf.LayersModel {
  check(options);
  const nextSeed = seedCounter(options.seed ?? 0);
  const convs = options.convsPerBlock ?? 2;
  const split = options.preActivations ?? false;
  const input = tf.input({ shape: options.inputShape, name: 'input' });
  let x: tf.SymbolicTensor = input;
  let size = Math.min(options.inputShape[0], options.inputShape[1]);
  options.widths.forEach((width, b) => {
    for (let c = 0; c < convs; c++) {
      x = conv(x, width, 1, 'relu', nextSeed, `block${b + 1}_conv${c + 1}`, split);
    }
    if (size >= 2) {
      x = tf.layers
        .maxPooling2d({ poolSize: 2, name: `block${b + 1}` })
        .apply(x) as tf.SymbolicTensor;
      size = Math.floor(size / 2);
    } else {
      x = tf.layers
        .activation({ activation: 'linear', name: `block${b + 1}` })
        .apply(x) as tf.SymbolicTensor;
    }
  });
  return tf.model({
    inputs: input,
    outputs: head(x, options.classes, nextSeed, options.head),
    name: 'vgg',
  });
}

/** ResNet-like (He et al. 2016, without batch norm): a 3x3 stem, then per block
 * relu(x' + F(x)) with F = conv3x3-ReLU-conv3x3; blocks after the first halve the resolution
 * (stride 2) and a 1x1 projection shortcut matches the shape. The block output is `blockK`. */
export function resnetNetwork(options: CnnOptions): tf.LayersModel {
  check(options);
  const nextSeed = seedCounter(options.seed ?? 0);
  const split = options.preActivations ?? false;
  const input = tf.input({ shape: options.inputShape, name: 'input' });
  let x = conv(input, options.widths[0], 1, 'relu', nextSeed, 'stem', split);
  let channels = options.widths[0];
  options.widths.forEach((width, b) => {
    const stride = b === 0 ? 1 : 2;
    const p = `block${b + 1}`;
    let f = conv(x, width, stride, 'relu', nextSeed, `${p}_conv1`, split);
    f = conv(f, width, 1, 'linear', nextSeed, `${p}_conv2`);
    const shortcut =
      stride !== 1 || width !== channels
        ? conv(x, width, stride, 'linear', nextSeed, `${p}_shortcut`, false, 1)
        : x;
    const sum = tf.layers.add({ name: `${p}_add` }).apply([f, shortcut]) as tf.SymbolicTensor;
    x = tf.layers.activation({ activation: 'relu', name: p }).apply(sum) as tf.SymbolicTensor;
    channels = width;
  });
  return tf.model({
    inputs: input,
    outputs: head(x, options.classes, nextSeed, options.head),
    name: 'resnet',
  });
}
