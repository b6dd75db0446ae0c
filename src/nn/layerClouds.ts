/**
 * From a network to the named point clouds that studies take (docs/networks.md, "From a network
 * to clouds"): one call that selects layers, captures them batch by batch, reduces each batch to
 * its cloud rows at once (so a layer's raw output is never held for all inputs when the strategy
 * reduces it), and returns `LayerCloud`s with their depth (l + 1) / L on the common axis.
 *
 * Sources: a tfjs LayersModel, an ONNX model (bytes or parsed), or dumped activations (a record of
 * tensors in layer order).
 */
import type * as tf from '@tensorflow/tfjs';
import onnxProto from 'onnx-proto';
import { describeValue, typedArrayName } from '../core/describe.js';
import { invalidInput, invalidOption } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { createRng, type Rng } from '../core/rng.js';
import { inputsOf, type LabelledInputs } from '../data/labelled.js';
import type { LayerCloud } from '../study/types.js';
import { blockNames } from './architectures/index.js';
import { captureActivations } from './capture.js';
import { captureOnnx, listOnnxTensors, parseOnnx, type Layout } from './onnx.js';
import {
  pointCloud,
  randomInteriorPosition,
  type PointCloudOptions,
  type PointCloudStrategy,
} from './pointClouds.js';
import {
  checkTensorData,
  concatBatches,
  type FloatTensorData,
  type TensorData,
} from './tensorData.js';

const { onnx } = onnxProto;
type ModelProto = InstanceType<typeof onnx.ModelProto>;

/** What a layer computes, for selecting every layer of a kind. */
export type LayerKind =
  'conv' | 'dense' | 'activation' | 'pool' | 'norm' | 'attention' | 'add' | 'embedding' | 'other';

/** Dumped activations: one tensor per layer (first axis = inputs), in layer order. */
export type ActivationDump = Record<string, TensorData>;

/** Where the clouds come from. */
export type CloudSource = tf.LayersModel | Uint8Array | ModelProto | ActivationDump;

/**
 * Which layers: `'blocks'` (default; see `listCloudLayers` for the rule per source), `'all'`,
 * a list of names, a RegExp or a glob pattern string (`'block*'`, `'layer?'`) on the names,
 * or `{ kind }` for every layer of one or more kinds.
 */
export type LayerSelection =
  'blocks' | 'all' | string | string[] | RegExp | { kind: LayerKind | LayerKind[] };

/** A point-cloud strategy, or `'auto'`: by the rank of the layer's output (4-D: 'gap', 3-D
 * tokens: 'class-token', 2-D: 'dense', other ranks: 'flatten'; the input layer: 'flatten'). */
export type StrategyChoice = PointCloudStrategy | 'auto';

export interface LayerCloudsOptions {
  /** Which layers (default 'blocks'). An unknown name is refused with the valid names listed. */
  layers?: LayerSelection;
  /** Add the input itself as layer 0, named 'input' (default false; [B24] counts it). */
  includeInput?: boolean;
  /** Add the logits as the last layer, named 'logits' (default false; [M22]). */
  includeLogits?: boolean;
  /** One strategy for every captured layer, or one per layer name (others 'auto'); default
   * 'auto'. The input layer takes a strategy only by name ('input'). */
  strategy?: StrategyChoice | Record<string, StrategyChoice>;
  /** Options of the strategies (seed, margin, cap, mask, skipClassToken). */
  strategyOptions?: PointCloudOptions;
  /** Inputs per forward pass (default 128): memory is bounded by this many inputs' raw outputs
   * plus the clouds. */
  batchSize?: number;
  /** Class of each input, carried into every cloud (default: the labels of labelled inputs). */
  labels?: Int32Array;
  /** Called after each batch with inputs done and total. */
  onProgress?: (done: number, total: number) => void;
  /** ONNX: layout of the model's image input (default 'NCHW', PyTorch). */
  modelLayout?: Layout;
  /** ONNX: layout of the inputs given here (default: the model's). */
  inputLayout?: Layout;
  /** ONNX: onnxruntime threads (default 1). */
  threads?: number;
}

/** A layer cloud with how it was made. */
export interface CapturedLayerCloud extends LayerCloud {
  /** The strategy that made the points from the layer's output. */
  strategy: PointCloudStrategy;
  /** What was captured: the tfjs layer name, the ONNX tensor name, or the dump's key. */
  source: string;
  kind: LayerKind;
}

/** One layer that can be chosen. */
export interface CloudLayerInfo {
  /** The name clouds get and selections match. */
  name: string;
  /** What is captured (tfjs layer name, ONNX tensor name, dump key). */
  source: string;
  kind: LayerKind;
  /** The op or layer class, e.g. 'Conv2D', 'Relu'. */
  op: string;
  /** Taken by the default selection 'blocks'. */
  block: boolean;
}

/** The layers of a source that `layerClouds` can take, and which of them is the logits. */
export interface CloudLayers {
  layers: CloudLayerInfo[];
  /** The logits layer, when the source has one. */
  logits?: CloudLayerInfo;
  /** Why there is none, when there is none. */
  noLogits?: string;
}

// ---- kinds ----

const TFJS_KINDS: Record<string, LayerKind> = {
  Conv1D: 'conv',
  Conv2D: 'conv',
  Conv3D: 'conv',
  DepthwiseConv2D: 'conv',
  SeparableConv2D: 'conv',
  Conv2DTranspose: 'conv',
  Dense: 'dense',
  Activation: 'activation',
  ReLU: 'activation',
  LeakyReLU: 'activation',
  ELU: 'activation',
  Softmax: 'activation',
  PReLU: 'activation',
  MaxPooling1D: 'pool',
  MaxPooling2D: 'pool',
  AveragePooling1D: 'pool',
  AveragePooling2D: 'pool',
  GlobalAveragePooling1D: 'pool',
  GlobalAveragePooling2D: 'pool',
  GlobalMaxPooling1D: 'pool',
  GlobalMaxPooling2D: 'pool',
  BatchNormalization: 'norm',
  LayerNormalization: 'norm',
  TopolensMultiHeadSelfAttention: 'attention',
  Add: 'add',
  Embedding: 'embedding',
};
/** tfjs layers that only move values around (not taken by 'blocks' on foreign models). */
const TFJS_TRIVIAL = new Set([
  'InputLayer',
  'Flatten',
  'Reshape',
  'Dropout',
  'SpatialDropout1D',
  'Permute',
  'RepeatVector',
  'GaussianNoise',
  'GaussianDropout',
  'AlphaDropout',
]);

const ONNX_KINDS: Record<string, LayerKind> = {
  Conv: 'conv',
  ConvTranspose: 'conv',
  Gemm: 'dense',
  MatMul: 'dense',
  Relu: 'activation',
  Sigmoid: 'activation',
  Tanh: 'activation',
  Gelu: 'activation',
  LeakyRelu: 'activation',
  Elu: 'activation',
  Softmax: 'activation',
  LogSoftmax: 'activation',
  HardSigmoid: 'activation',
  HardSwish: 'activation',
  Clip: 'activation',
  MaxPool: 'pool',
  AveragePool: 'pool',
  GlobalAveragePool: 'pool',
  GlobalMaxPool: 'pool',
  BatchNormalization: 'norm',
  LayerNormalization: 'norm',
  InstanceNormalization: 'norm',
  Add: 'add',
  Sum: 'add',
};
/** ONNX ops that only move or make values (never layers). */
const ONNX_TRIVIAL = new Set([
  'Constant',
  'ConstantOfShape',
  'Shape',
  'Gather',
  'Unsqueeze',
  'Squeeze',
  'Reshape',
  'Flatten',
  'Identity',
  'Cast',
  'Concat',
  'Transpose',
  'Slice',
  'Range',
  'Expand',
  'Dropout',
  'Size',
]);

// ---- sources ----

function isLayersModel(v: unknown): v is tf.LayersModel {
  const m = v as Partial<tf.LayersModel> | null;
  return (
    m !== null &&
    typeof m === 'object' &&
    typeof m.predict === 'function' &&
    Array.isArray(m.layers) &&
    Array.isArray(m.inputs)
  );
}

function isModelProto(v: unknown): v is ModelProto {
  return v instanceof onnx.ModelProto;
}

function isDump(v: unknown): v is ActivationDump {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || typedArrayName(v)) return false;
  const values = Object.values(v as Record<string, unknown>);
  return (
    values.length > 0 &&
    values.every(
      (t) =>
        t !== null &&
        typeof t === 'object' &&
        Array.isArray((t as TensorData).shape) &&
        typedArrayName((t as TensorData).data) !== undefined,
    )
  );
}

function sourceError(source: unknown): Error {
  return invalidInput(
    `layerClouds expects a tfjs LayersModel, ONNX bytes or a parsed ONNX model, or dumped activations {layer: {data, shape}}; got ${describeValue(source)}`,
    'pass e.g. vggNetwork(...), readFileSync("model.onnx"), or {block1: {data, shape: [n, ...]}, ...}',
  );
}

// ---- catalogues ----

function tfjsLayers(model: tf.LayersModel): CloudLayers {
  const outputs = new Set(model.outputs.map((o) => o.sourceLayer.name));
  const blocks = new Set(blockNames(model));
  const all = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const layers: CloudLayerInfo[] = all.map((l) => {
    const op = l.getClassName();
    const trivial = TFJS_TRIVIAL.has(op);
    const isBlock =
      blocks.size > 0
        ? blocks.has(l.name)
        : !trivial && !outputs.has(l.name) && l.name !== 'logits';
    return { name: l.name, source: l.name, kind: TFJS_KINDS[op] ?? 'other', op, block: isBlock };
  });
  const byName = new Map(layers.map((l) => [l.name, l]));
  if (byName.has('logits')) return { layers, logits: byName.get('logits') };
  const last = all[all.length - 1];
  const activation = (last?.getConfig() as { activation?: string } | undefined)?.activation;
  if (last && last.getClassName() === 'Dense' && (activation === 'linear' || !activation)) {
    return { layers, logits: byName.get(last.name) };
  }
  return {
    layers,
    noLogits: `the model has no layer named 'logits' and its last layer '${last?.name}' (${last?.getClassName()}${activation ? `, ${activation}` : ''}) is not linear`,
  };
}

/** 'layer1/layer1.0/conv1' from the PyTorch export's node name '/layer1/layer1.0/conv1/Conv'. */
function onnxLayerName(node: string, opType: string): string {
  const parts = node.replace(/^\//, '').split('/');
  const lastPart = parts[parts.length - 1];
  if (parts.length > 1 && (lastPart === opType || lastPart.startsWith(`${opType}_`))) parts.pop();
  return parts.join('/');
}

function onnxLayers(model: ModelProto): CloudLayers {
  const g = model.graph!;
  const graphOutputs = new Set((g.output ?? []).map((o) => o.name ?? ''));
  // first output of each node that computes something
  const ops = listOnnxTensors(model).filter(
    (t, i, all) =>
      !ONNX_TRIVIAL.has(t.opType) && (i === 0 || all[i - 1].node !== t.node || !t.node),
  );
  const groupOf = (node: string): string | undefined => {
    const parts = node.replace(/^\//, '').split('/');
    return node.startsWith('/') && parts.length >= 2 ? parts[0] : undefined;
  };
  const members = new Map<string, number>();
  const lastOf = new Map<string, number>();
  ops.forEach((t, i) => {
    const grp = groupOf(t.node);
    if (!grp) return;
    members.set(grp, (members.get(grp) ?? 0) + 1);
    lastOf.set(grp, i);
  });
  const composite = [...members.entries()].filter(([, c]) => c >= 2).map(([grp]) => grp);
  const blockAt = new Map<number, string>();
  for (const grp of composite) blockAt.set(lastOf.get(grp)!, grp);

  const used = new Set<string>();
  const layers: CloudLayerInfo[] = [];
  ops.forEach((t, i) => {
    const kind = ONNX_KINDS[t.opType] ?? 'other';
    const grp = blockAt.get(i);
    if (grp !== undefined && !used.has(grp)) {
      used.add(grp);
      layers.push({ name: grp, source: t.name, kind, op: t.opType, block: true });
    }
    let name = t.node ? onnxLayerName(t.node, t.opType) : t.name;
    if (!name || used.has(name)) name = t.name;
    if (used.has(name)) return;
    used.add(name);
    const block = composite.length === 0 && !graphOutputs.has(t.name);
    layers.push({ name, source: t.name, kind, op: t.opType, block });
  });
  // logits: the graph's first output, or the input of a final softmax
  const out = g.output?.[0]?.name ?? '';
  const producer = (g.node ?? []).find((nd) => (nd.output ?? []).includes(out));
  let logitsTensor = out;
  if (producer && (producer.opType === 'Softmax' || producer.opType === 'LogSoftmax')) {
    logitsTensor = producer.input?.[0] ?? out;
  }
  const found = listOnnxTensors(model).find((t) => t.name === logitsTensor);
  if (!found) return { layers, noLogits: `the graph output '${out}' has no producing node` };
  return {
    layers,
    logits: {
      name: 'logits',
      source: logitsTensor,
      kind: ONNX_KINDS[found.opType] ?? 'other',
      op: found.opType,
      block: false,
    },
  };
}

const DUMP_SPECIAL = new Set(['input', 'logits', 'output']);

function dumpLayers(dump: ActivationDump): CloudLayers {
  const layers = Object.keys(dump)
    .filter((k) => k !== 'input' && k !== 'logits')
    .map((k) => ({
      name: k,
      source: k,
      kind: 'other' as LayerKind,
      op: 'dump',
      block: !DUMP_SPECIAL.has(k),
    }));
  return 'logits' in dump
    ? {
        layers,
        logits: { name: 'logits', source: 'logits', kind: 'other', op: 'dump', block: false },
      }
    : { layers, noLogits: "the dumped activations have no key 'logits'" };
}

/**
 * The layers `layerClouds` can take from a source, and which are the default 'blocks':
 * - built-in tfjs architectures: the block outputs `block1`, `block2`, ...;
 * - other tfjs models: every layer except the input, layers that only reshape or drop values
 *   (Flatten, Reshape, Dropout, ...), the logits and the output;
 * - ONNX (PyTorch exports name nodes `/module/submodule/Op`): the output of each top-level
 *   module made of several ops (ResNet's `layer1`..`layer4`), named by the module; when every
 *   top-level module is a single op, every op that computes something (not Reshape, Shape,
 *   Constant, ...) except the graph output;
 * - dumped activations: every key except 'input', 'logits' and 'output', in the given order.
 */
export function listCloudLayers(source: CloudSource): CloudLayers {
  if (isLayersModel(source)) return tfjsLayers(source);
  if (source instanceof Uint8Array) return onnxLayers(parseOnnx(source));
  if (isModelProto(source)) return onnxLayers(source);
  if (isDump(source)) return dumpLayers(source);
  throw sourceError(source);
}

// ---- selection ----

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

function validList(layers: CloudLayerInfo[]): string {
  const names = layers.map((l) => l.name);
  return names.length > 60
    ? `${names.slice(0, 60).join(', ')}, ... (${names.length} in all)`
    : names.join(', ');
}

/** The chosen layers, in the source's layer order. */
export function selectLayers(
  catalogue: CloudLayers,
  selection: LayerSelection = 'blocks',
): CloudLayerInfo[] {
  const { layers } = catalogue;
  const all = layers;
  let chosen: CloudLayerInfo[];
  if (selection === 'blocks') {
    chosen = all.filter((l) => l.block);
    if (chosen.length === 0) {
      throw invalidOption(
        'the model has no block layers to take by default',
        `name the layers (layers: [...], a pattern or {kind}); valid layers: ${validList(all)}`,
      );
    }
    return chosen;
  }
  if (selection === 'all') return all.slice();
  if (selection instanceof RegExp || (typeof selection === 'string' && /[*?]/.test(selection))) {
    const re = selection instanceof RegExp ? selection : globToRegExp(selection);
    chosen = all.filter((l) => re.test(l.name));
    if (chosen.length === 0) {
      throw invalidOption(
        `no layer name matches ${String(selection)}`,
        `valid layers: ${validList(all)}`,
      );
    }
    return chosen;
  }
  if (typeof selection === 'string') return selectLayers(catalogue, [selection]);
  if (Array.isArray(selection)) {
    if (selection.length === 0)
      throw invalidOption('layers is an empty list', 'name at least one layer');
    const wanted = new Set<string>();
    for (const name of selection) {
      const hit = all.find((l) => l.name === name || l.source === name);
      if (!hit) {
        throw invalidOption(
          `the model has no layer named '${String(name)}'`,
          `valid layers: ${validList(all)}`,
        );
      }
      wanted.add(hit.name);
    }
    return all.filter((l) => wanted.has(l.name));
  }
  if (selection && typeof selection === 'object' && 'kind' in selection) {
    const kinds = new Set(Array.isArray(selection.kind) ? selection.kind : [selection.kind]);
    chosen = all.filter((l) => kinds.has(l.kind));
    if (chosen.length === 0) {
      const present = [...new Set(all.map((l) => l.kind))].join(', ');
      throw invalidOption(
        `the model has no layer of kind ${[...kinds].join(' or ')}`,
        `kinds present: ${present}`,
      );
    }
    return chosen;
  }
  throw invalidOption(
    `layers must be 'blocks', 'all', a list of names, a pattern or {kind}; got ${describeValue(selection)}`,
  );
}

// ---- strategies ----

/** The 'auto' strategy for an output of rank `rank` (batch axis included). */
export function autoStrategy(rank: number): PointCloudStrategy {
  if (rank === 4) return 'gap';
  if (rank === 3) return 'class-token';
  if (rank === 2) return 'dense';
  return 'flatten';
}

function chosenStrategy(
  options: LayerCloudsOptions,
  name: string,
  isInput: boolean,
): StrategyChoice {
  const s = options.strategy ?? 'auto';
  if (typeof s === 'string') return isInput ? 'auto' : s;
  if (s === null || typeof s !== 'object') {
    throw invalidOption(
      `strategy must be a strategy name or {layer: strategy}; got ${describeValue(s)}`,
    );
  }
  return s[name] ?? 'auto';
}

/** Strategies that make one row per input from that input's output alone: a batch can be
 * reduced on its own. 'all-positions' samples across all inputs, so it reduces at the end. */
function perInput(strategy: PointCloudStrategy): boolean {
  return strategy !== 'all-positions';
}

interface LayerReducer {
  strategy?: PointCloudStrategy;
  rng?: Rng;
}

function matrixToTensor(m: Matrix<Float32Array>): FloatTensorData {
  return { data: m.data, shape: [m.rows, m.cols] };
}

// ---- the call ----

/**
 * The point clouds of the chosen layers of `source` on `inputs` (a tensor, or labelled data whose
 * labels are carried into the clouds), in layer order, with the input first and the logits last
 * when asked, each with its depth (l + 1) / L among the L clouds returned.
 */
export async function layerClouds(
  source: CloudSource,
  inputs: TensorData | LabelledInputs | null | undefined,
  options: LayerCloudsOptions = {},
): Promise<CapturedLayerCloud[]> {
  const catalogue = listCloudLayers(source);
  const dump = !isLayersModel(source) && !(source instanceof Uint8Array) && !isModelProto(source);
  let x: TensorData | undefined;
  if (inputs !== null && inputs !== undefined) x = inputsOf(inputs, 'layerClouds');
  else if (!dump) {
    throw invalidInput(
      'layerClouds needs inputs to run the model on; got ' + describeValue(inputs),
      'pass a tensor {data, shape} or a LabelledData (e.g. from loadMnist())',
    );
  }
  const batchSize = options.batchSize ?? 128;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw invalidOption(`batchSize must be a positive integer, got ${batchSize}`);
  }
  const chosen = selectLayers(catalogue, options.layers ?? 'blocks');
  const layers: CloudLayerInfo[] = [...chosen];
  let addedLogits: CloudLayerInfo | undefined;
  if (options.includeLogits) {
    if (!catalogue.logits) {
      throw invalidOption(
        `includeLogits: ${catalogue.noLogits ?? 'the model has no logits layer'}`,
        "build the network with topolens' architectures (they have a 'logits' layer), or name the layer in layers",
      );
    }
    if (!layers.some((l) => l.source === catalogue.logits!.source)) {
      layers.push(catalogue.logits);
      addedLogits = catalogue.logits;
    }
  }

  // the number of inputs, and the labels
  const dumpSource = dump ? (source as ActivationDump) : undefined;
  if (dumpSource) {
    for (const [k, t] of Object.entries(dumpSource)) checkTensorData(t, `activation '${k}'`);
  }
  const n = x ? x.shape[0] : dumpSource![layers[0].source].shape[0];
  let labels = options.labels;
  if (labels === undefined && inputs && 'labels' in (inputs as LabelledInputs)) {
    labels = (inputs as LabelledInputs).labels;
  }
  if (labels !== undefined && (!(labels instanceof Int32Array) || labels.length !== n)) {
    throw invalidInput(
      `layerClouds: labels must be an Int32Array of ${n} classes (one per input); got ${describeValue(labels)}`,
    );
  }
  const strategyOptions = options.strategyOptions ?? {};
  if (strategyOptions.mask && strategyOptions.mask.shape[0] !== n) {
    throw invalidInput(
      `the mask has ${strategyOptions.mask.shape[0]} rows but there are ${n} inputs`,
      'give one mask per input',
    );
  }

  // reduce each batch as it comes
  const reducers = new Map<string, LayerReducer>();
  const reduce = (key: string, batch: FloatTensorData, first: number): FloatTensorData => {
    const layer = layers.find((l) => l.source === key)!;
    let r = reducers.get(key);
    if (!r) {
      const choice = chosenStrategy(options, layer.name, false);
      r = { strategy: choice === 'auto' ? autoStrategy(batch.shape.length) : choice };
      if (r.strategy === 'random-position') r.rng = createRng(strategyOptions.seed ?? 0);
      reducers.set(key, r);
    }
    const strategy = r.strategy!;
    if (!perInput(strategy)) return batch;
    if (strategy === 'random-position') {
      return matrixToTensor(randomInteriorPosition(batch, strategyOptions, layer.name, r.rng));
    }
    const count = batch.shape[0];
    const o: PointCloudOptions = { ...strategyOptions };
    if (strategy === 'mask-weighted' && strategyOptions.mask) {
      const m = strategyOptions.mask;
      const per = m.data.length / Math.max(1, m.shape[0]);
      o.mask = {
        data: m.data.subarray(first * per, (first + count) * per),
        shape: [count, ...m.shape.slice(1)],
      };
    }
    return matrixToTensor(pointCloud(batch, strategy, o, layer.name));
  };

  const keys = [...new Set(layers.map((l) => l.source))];
  let captured: Record<string, FloatTensorData>;
  if (isLayersModel(source)) {
    captured = await captureActivations(source, x!, {
      layers: keys,
      batchSize,
      reduce,
      onProgress: options.onProgress,
    });
  } else if (dumpSource) {
    captured = {};
    for (const key of keys) {
      const t = dumpSource[key];
      if (t.shape[0] !== n) {
        throw invalidInput(
          `activation '${key}' has ${t.shape[0]} rows (shape [${t.shape.join(', ')}]) but there are ${n} inputs`,
          'dump every layer on the same inputs, in the same order',
        );
      }
      const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
      const parts: FloatTensorData[] = [];
      const row = n > 0 ? data.length / n : 0;
      for (let start = 0; start < n; start += batchSize) {
        const count = Math.min(batchSize, n - start);
        const batch = {
          data: data.slice(start * row, (start + count) * row),
          shape: [count, ...t.shape.slice(1)],
        };
        parts.push(reduce(key, batch, start));
      }
      captured[key] = concatBatches(parts, n);
    }
  } else {
    const model = source instanceof Uint8Array ? parseOnnx(source) : (source as ModelProto);
    captured = await captureOnnx(model, x!, {
      tensors: keys,
      batchSize,
      modelLayout: options.modelLayout,
      inputLayout: options.inputLayout,
      threads: options.threads,
      reduce,
      onProgress: options.onProgress,
    });
  }

  const clouds: Omit<CapturedLayerCloud, 'index' | 'depth'>[] = [];
  if (options.includeInput) {
    const given = dumpSource?.input;
    const t = given ?? x;
    if (!t) {
      throw invalidInput(
        "includeInput: no inputs were given and the dumped activations have no key 'input'",
        'pass the inputs as the second argument',
      );
    }
    const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
    const tensor: FloatTensorData = { data, shape: t.shape.slice() };
    const choice = chosenStrategy(options, 'input', true);
    const strategy = choice === 'auto' ? (t.shape.length === 2 ? 'dense' : 'flatten') : choice;
    clouds.push({
      name: 'input',
      points: pointCloud(tensor, strategy, strategyOptions, 'input'),
      strategy,
      source: 'input',
      kind: 'other',
    });
  }
  for (const layer of layers) {
    const r = reducers.get(layer.source);
    let strategy = r?.strategy;
    const out = captured[layer.source];
    if (!strategy) {
      // no batch at all (zero inputs)
      const choice = chosenStrategy(options, layer.name, false);
      strategy = choice === 'auto' ? 'flatten' : choice;
    }
    const points: Matrix<Float32Array> = perInput(strategy)
      ? { data: out.data, rows: out.shape[0], cols: out.shape.length > 1 ? out.shape[1] : 0 }
      : pointCloud(out, strategy, strategyOptions, layer.name);
    clouds.push({
      name: layer === addedLogits ? 'logits' : layer.name,
      points,
      strategy,
      source: layer.source,
      kind: layer.kind,
    });
  }
  const total = clouds.length;
  return clouds.map((c, l) => {
    const cloud: CapturedLayerCloud = { ...c, index: l, depth: (l + 1) / total };
    if (labels && c.points.rows === n) cloud.labels = labels;
    return cloud;
  });
}
