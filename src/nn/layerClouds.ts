/**
 * From a network to the named point clouds that studies take (docs/networks.md, "From a network
 * to clouds"): one call that selects layers (./cloudLayers.ts), captures them batch by batch,
 * reduces each batch to its cloud rows at once (so a layer's raw output is never held for all
 * inputs when the strategy reduces it), and returns `LayerCloud`s with their depth (l + 1) / L on
 * the common axis.
 *
 * Sources: a tfjs LayersModel, an ONNX model (bytes or parsed), or dumped activations (a record of
 * tensors in layer order).
 */
import { describeValue } from '../core/describe.js';
import { invalidInput, invalidOption } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { createRng, type Rng } from '../core/rng.js';
import { inputsOf, type LabelledInputs } from '../data/labelled.js';
import type { LayerCloud } from '../study/types.js';
import { captureActivations } from './capture.js';
import {
  isLayersModel,
  isModelProto,
  listCloudLayers,
  selectLayers,
  type ActivationDump,
  type CloudLayerInfo,
  type CloudSource,
  type LayerKind,
  type LayerSelection,
  type ModelProto,
} from './cloudLayers.js';
import { captureOnnx, parseOnnx, type Layout } from './onnx.js';
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

export * from './cloudLayers.js';

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
  // ONNX bytes are parsed once, for the catalogue and the capture
  const parsed = source instanceof Uint8Array ? parseOnnx(source) : source;
  const catalogue = listCloudLayers(parsed);
  const dump = !isLayersModel(parsed) && !isModelProto(parsed);
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
  const dumpSource = dump ? (parsed as ActivationDump) : undefined;
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
  if (isLayersModel(parsed)) {
    captured = await captureActivations(parsed, x!, {
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
    captured = await captureOnnx(parsed as ModelProto, x!, {
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
    if (labels && c.strategy !== 'all-positions') cloud.labels = labels;
    return cloud;
  });
}
