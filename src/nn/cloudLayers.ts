/**
 * The layers `layerClouds` can take from a source (docs/networks.md, "From a network to
 * clouds"): what each computes (its kind), which are the default 'blocks', which is the logits,
 * and the selection of layers by name, list, pattern or kind. Sources: a tfjs LayersModel, an ONNX
 * model (bytes or parsed), or dumped activations.
 */
import type * as tf from '@tensorflow/tfjs';
import onnxProto from 'onnx-proto';
import { describeValue, typedArrayName } from '../core/describe.js';
import { invalidInput, invalidOption } from '../core/errors.js';
import { blockNames } from './architectures/index.js';
import { listOnnxTensors, parseOnnx } from './onnx.js';
import type { TensorData } from './tensorData.js';

const { onnx } = onnxProto;
/** A parsed ONNX model (`parseOnnx`). */
export type ModelProto = InstanceType<typeof onnx.ModelProto>;

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

/** Whether `v` is a tfjs LayersModel (by shape: predict, layers, inputs). */
export function isLayersModel(v: unknown): v is tf.LayersModel {
  const m = v as Partial<tf.LayersModel> | null;
  return (
    m !== null &&
    typeof m === 'object' &&
    typeof m.predict === 'function' &&
    Array.isArray(m.layers) &&
    Array.isArray(m.inputs)
  );
}

/** Whether `v` is a parsed ONNX model. */
export function isModelProto(v: unknown): v is ModelProto {
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
    let name = t.node ? onnxLayerName(t.node, t.opType) : t.name;
    if (!name || used.has(name)) name = t.name;
    if (!used.has(name)) {
      used.add(name);
      const block = composite.length === 0 && !graphOutputs.has(t.name);
      layers.push({ name, source: t.name, kind, op: t.opType, block });
    }
    // a module's output comes right after its last op (the same tensor, by the module's name)
    const grp = blockAt.get(i);
    if (grp !== undefined && !used.has(grp)) {
      used.add(grp);
      layers.push({ name: grp, source: t.name, kind, op: t.opType, block: true });
    }
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
