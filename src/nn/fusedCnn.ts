/**
 * A fused training step for the built-in VGG-like convolutional networks (docs/networks.md,
 * "Fused CNN step"): stride-1 'same' convolutions with odd square-or-not kernels (+ bias, with or
 * without ReLU, the ReLU inside the layer or as a layer of its own), max pooling ('valid'
 * padding), flatten or global average pooling, and one dense head with a softmax (or one
 * sigmoid unit) output. Forward, backward and the optimiser update run on buffers allocated
 * once, with no per-op dispatch and no autodiff tape; the convolutions run on WebAssembly SIMD
 * kernels (./convKernels.ts) where SIMD exists, else on plain JavaScript loops
 * (./fusedCnnTrainer.ts). The arithmetic reproduces the tfjs path to float rounding.
 *
 * Not supported (training falls back to the general tfjs path): batch normalisation, dropout,
 * residual connections (the ResNet-like built-in: its `add` layers), strided or dilated or
 * 'valid' convolutions, average pooling windows, more than one dense layer, channels-first data,
 * and any layer not listed above.
 */
import type * as tf from '@tensorflow/tfjs';

/** One stage of the network, in order. Weights are in the tfjs layouts. */
export type CnnStage =
  | {
      kind: 'conv';
      /** input height, width and channels; output channels */
      height: number;
      width: number;
      inChannels: number;
      outChannels: number;
      filterHeight: number;
      filterWidth: number;
      relu: boolean;
      /** [fh, fw, ci, co] */
      weights: Float32Array;
      bias: Float32Array;
    }
  | {
      kind: 'maxPool';
      height: number;
      width: number;
      channels: number;
      poolHeight: number;
      poolWidth: number;
      strideHeight: number;
      strideWidth: number;
    }
  | { kind: 'globalAverage'; height: number; width: number; channels: number }
  | {
      kind: 'dense';
      inputs: number;
      units: number;
      /** [inputs, units] */
      weights: Float32Array;
      bias: Float32Array;
    };

export interface CnnPlan {
  /** [height, width, channels] of one input image (NHWC) */
  inputShape: [number, number, number];
  stages: CnnStage[];
}

type Config = Record<string, unknown>;

const pair = (v: unknown): [number, number] =>
  Array.isArray(v) ? [Number(v[0]), Number(v[1] ?? v[0])] : [Number(v), Number(v)];

/**
 * The tfjs layers holding weights (convolutions and the dense head, in order) and the plan of a
 * model this path can train, or null (then training uses tfjs).
 */
export function cnnStackLayers(
  model: tf.LayersModel,
): { layers: tf.layers.Layer[]; plan: CnnPlan } | null {
  const all = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  if (model.inputs.length !== 1 || model.inputs[0].shape.length !== 4 || all.length < 2)
    return null;
  const inShape = model.inputs[0].shape.slice(1) as number[];
  if (inShape.some((d) => d === null || !(d > 0))) return null;
  // a chain: each layer's input is the previous layer's output
  for (let i = 1; i < all.length; i++) {
    const inbound = all[i].inboundNodes[0]?.inboundLayers ?? [];
    if (all[i].inboundNodes.length !== 1 || inbound.length !== 1 || inbound[0] !== all[i - 1])
      return null;
  }
  if (all[0].inboundNodes.length !== 1) return null;
  const stages: CnnStage[] = [];
  const layers: tf.layers.Layer[] = [];
  let [h, w, c] = inShape;
  let flat = false; // after flatten / global average pooling
  let outputDone = false;
  for (const l of all) {
    if (outputDone) return null;
    const cls = l.getClassName();
    const cfg = l.getConfig() as Config;
    const last = stages[stages.length - 1];
    if (cls === 'Conv2D') {
      if (flat || cfg.useBias === false) return null;
      if ((cfg.dataFormat ?? 'channelsLast') !== 'channelsLast' || cfg.padding !== 'same')
        return null;
      const [fh, fw] = pair(cfg.kernelSize);
      const [sh, sw] = pair(cfg.strides ?? 1);
      const [dh, dw] = pair(cfg.dilationRate ?? 1);
      if (sh !== 1 || sw !== 1 || dh !== 1 || dw !== 1 || fh % 2 !== 1 || fw % 2 !== 1) return null;
      if (cfg.activation !== 'relu' && cfg.activation !== 'linear') return null;
      const co = Number(cfg.filters);
      stages.push({
        kind: 'conv',
        height: h,
        width: w,
        inChannels: c,
        outChannels: co,
        filterHeight: fh,
        filterWidth: fw,
        relu: cfg.activation === 'relu',
        weights: new Float32Array(0),
        bias: new Float32Array(0),
      });
      layers.push(l);
      c = co;
    } else if (cls === 'Activation') {
      const a = cfg.activation;
      if (a === 'linear') continue;
      if (a === 'relu' && last?.kind === 'conv' && !last.relu) last.relu = true;
      else if (
        (a === 'softmax' || a === 'sigmoid') &&
        last?.kind === 'dense' &&
        (a === 'softmax' ? last.units > 1 : last.units === 1)
      )
        outputDone = true;
      else return null;
    } else if (cls === 'MaxPooling2D') {
      if (flat || cfg.padding !== 'valid') return null;
      if ((cfg.dataFormat ?? 'channelsLast') !== 'channelsLast') return null;
      const [ph, pw] = pair(cfg.poolSize);
      const [sh, sw] = pair(cfg.strides ?? cfg.poolSize);
      if (ph > h || pw > w) return null;
      stages.push({
        kind: 'maxPool',
        height: h,
        width: w,
        channels: c,
        poolHeight: ph,
        poolWidth: pw,
        strideHeight: sh,
        strideWidth: sw,
      });
      h = Math.floor((h - ph) / sh) + 1;
      w = Math.floor((w - pw) / sw) + 1;
    } else if (cls === 'Flatten') {
      if (flat) return null;
      flat = true;
      c = h * w * c;
      h = w = 1;
    } else if (cls === 'GlobalAveragePooling2D') {
      if (flat || (cfg.dataFormat ?? 'channelsLast') !== 'channelsLast') return null;
      stages.push({ kind: 'globalAverage', height: h, width: w, channels: c });
      flat = true;
      h = w = 1;
    } else if (cls === 'Dense') {
      if (!flat || last?.kind === 'dense' || cfg.useBias === false) return null;
      const units = Number(cfg.units);
      stages.push({
        kind: 'dense',
        inputs: c,
        units,
        weights: new Float32Array(0),
        bias: new Float32Array(0),
      });
      layers.push(l);
      if (cfg.activation === 'softmax' || cfg.activation === 'sigmoid') {
        if (cfg.activation === 'softmax' ? units < 2 : units !== 1) return null;
        outputDone = true;
      } else if (cfg.activation !== 'linear') return null;
    } else return null;
  }
  if (!outputDone || !stages.some((s) => s.kind === 'conv')) return null;
  const plan: CnnPlan = { inputShape: inShape as [number, number, number], stages };
  readCnnParams(layers, plan);
  return { layers, plan };
}

/** Copies the weights of `layers` (the convolutions and the dense head) into `plan`. */
export function readCnnParams(layers: tf.layers.Layer[], plan: CnnPlan): void {
  let k = 0;
  for (const s of plan.stages) {
    if (s.kind !== 'conv' && s.kind !== 'dense') continue;
    const [wt, b] = layers[k++].getWeights();
    s.weights = Float32Array.from(wt.dataSync());
    s.bias = Float32Array.from(b.dataSync());
  }
}

/** Writes the weights of `plan`'s convolutions and dense head back into the tfjs layers. */
export function writeCnnParams(tfjs: typeof tf, layers: tf.layers.Layer[], plan: CnnPlan): void {
  let k = 0;
  for (const s of plan.stages) {
    if (s.kind !== 'conv' && s.kind !== 'dense') continue;
    const l = layers[k++];
    const [w0, b0] = l.getWeights();
    const w = tfjs.tensor(s.weights, w0.shape);
    const b = tfjs.tensor(s.bias, b0.shape);
    l.setWeights([w, b]);
    w.dispose();
    b.dispose();
  }
}
