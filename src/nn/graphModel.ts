/**
 * TensorFlow.js graph models: the `"format": "graph-model"` model.json that tensorflowjs_converter
 * writes for TF SavedModels, frozen graphs, TF Hub modules and converted Keras models (most
 * published tfjs models). The topology is a GraphDef in JSON (`modelTopology.node[]`: name, op,
 * inputs, attributes); weights are the `Const` nodes, stored in the shards of the weights manifest,
 * possibly quantised (./weightsManifest.ts). Any node can be captured: the graph model's
 * `execute` takes node names as outputs and runs only what they need (`executeAsync` for graphs
 * with control flow or dynamic shapes). Loading works in memory, like ./modelIO.ts; the CLI reads
 * the files (docs/networks.md, "Graph models and quantised weights").
 */
import * as tf from '@tensorflow/tfjs';
import { TopolensError, invalidInput, invalidOption } from '../core/errors.js';
import { parseModelJson, weightBuffer, weightFilesName, type SavedModel } from './modelIO.js';
import { concatBatches, sizeOf, type FloatTensorData, type TensorData } from './tensorData.js';
import { checkWeightBytes, weightSpecs } from './weightsManifest.js';

/** A graph input (a `Placeholder`, or a signature input of a converted SavedModel). */
export interface GraphInputInfo {
  /** Node name, the key of the input in `captureGraphModel`'s record of inputs. */
  name: string;
  /** Shape with `null` where not fixed (usually the batch axis); `null` if unknown. */
  shape: (number | null)[] | null;
  /** `'float32'`, `'int32'` (token ids), `'bool'` or `'string'`. */
  dtype: string;
  /** The signature key of a converted SavedModel, where it differs from the node name; inputs
   * may be keyed by it too. */
  signatureKey?: string;
}

/** A node of the graph that can be captured. */
export interface GraphNodeInfo {
  /** Node name (what `captureGraphModel` takes; `name:1` is its second output). */
  name: string;
  /** TensorFlow op (`Conv2D`, `Relu`, `MatMul`, `Placeholder`, ...). */
  op: string;
  /** Names of the nodes it reads (weights included). */
  inputs: string[];
  /** Output shape with `null` for the batch axis; `null` where not probed. */
  shape: (number | null)[] | null;
}

interface GraphNodeDef {
  name?: string;
  op?: string;
  input?: string[];
}

/**
 * Loads a graph model from the model.json text and its weights (all shards joined in manifest
 * order). Quantised weights are dequantised by tfjs while loading. Errors name what is wrong.
 */
export async function loadGraphModel(
  saved: SavedModel,
  source = 'model.json',
): Promise<tf.GraphModel> {
  const parsed = parseModelJson(saved.modelJson, source);
  if (parsed.format !== 'graph-model') {
    throw new TopolensError(
      'unsupported',
      `${source} is a layers model, not a graph model`,
      'load it with loadModel (topolens layers and capture read both)',
    );
  }
  const topology = parsed.modelTopology as { node?: unknown; versions?: unknown };
  if (!Array.isArray(topology.node)) {
    throw new TopolensError(
      'parse-error',
      `${source} is a graph model without a node list (modelTopology.node)`,
      'pass the model.json that tensorflowjs_converter wrote',
    );
  }
  const specs = weightSpecs(parsed.manifest);
  checkWeightBytes(specs, saved.weights, source, weightFilesName(saved.weightFiles));
  const { json } = parsed;
  const artifacts: tf.io.ModelArtifacts = {
    // tfjs reads versions.producer; old files may lack the record
    modelTopology: { versions: {}, ...topology },
    format: 'graph-model',
    weightSpecs: specs as tf.io.WeightsManifestEntry[],
    weightData: weightBuffer(saved.weights),
    signature: json.signature as object | undefined,
    userDefinedMetadata: json.userDefinedMetadata as tf.io.ModelArtifacts['userDefinedMetadata'],
    modelInitializer: json.modelInitializer as object | undefined,
    initializerSignature: json.initializerSignature as object | undefined,
  };
  try {
    return await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  } catch (err) {
    throw new TopolensError(
      'parse-error',
      `could not build the graph model in ${source}: ${(err as Error).message}`,
      'the graph may use ops TensorFlow.js does not implement, or its weights do not match',
    );
  }
}

/** The inputs a caller feeds, each with its signature key (the node name where none). */
function feedableInputs(model: tf.GraphModel): { info: GraphInputInfo; key: string }[] {
  const keys = model.inputNodes; // aligned with model.inputs
  return model.inputs
    .map((t, i) => ({
      info: {
        name: t.name,
        shape: t.shape ? t.shape.map((d) => (d >= 0 ? d : null)) : null,
        dtype: t.dtype,
      },
      key: keys[i] ?? t.name,
    }))
    .filter((e) => e.info.dtype !== null && e.info.dtype !== undefined);
}

/**
 * The inputs the model is fed, in the order of `model.inputs`; resource placeholders (hash tables
 * of a converted SavedModel, which the model feeds itself) are left out.
 */
export function graphModelInputs(model: tf.GraphModel): GraphInputInfo[] {
  return feedableInputs(model).map((e) =>
    e.key === e.info.name ? e.info : { ...e.info, signatureKey: e.key },
  );
}

function nodeDefs(model: tf.GraphModel): GraphNodeDef[] {
  // tfjs keeps the loaded artifacts; their topology is the file's GraphDef (public format)
  const artifacts = (model as unknown as { artifacts?: tf.io.ModelArtifacts }).artifacts;
  const nodes = (artifacts?.modelTopology as { node?: GraphNodeDef[] } | undefined)?.node;
  if (!Array.isArray(nodes)) {
    throw invalidInput(
      'this graph model has no node list to read',
      'load it with loadGraphModel (from tfjs, tf.loadGraphModel with a model.json of format graph-model)',
    );
  }
  return nodes;
}

/**
 * Every node of the graph except the weights (`Const`), in file order, without shapes (see
 * `probeGraphShapes`).
 */
export function listGraphNodes(model: tf.GraphModel): GraphNodeInfo[] {
  return nodeDefs(model)
    .filter((n) => n.op !== 'Const' && typeof n.name === 'string')
    .map((n) => ({ name: n.name!, op: n.op ?? '', inputs: n.input ?? [], shape: null }));
}

function baseName(node: string): string {
  const colon = node.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(node.slice(colon + 1)) ? node.slice(0, colon) : node;
}

function checkNodeNames(model: tf.GraphModel, names: string[]): void {
  if (names.length === 0) throw invalidOption('no nodes to capture', 'name at least one node');
  const valid = listGraphNodes(model);
  const known = new Set(valid.map((n) => n.name));
  for (const name of names) {
    if (!known.has(baseName(name))) {
      const list = valid.map((n) => n.name);
      const shown =
        list.length > 40
          ? [...list.slice(0, 40), `... (${list.length} in all; run topolens layers)`]
          : list;
      throw invalidOption(
        `the graph model has no node named '${name}'`,
        `valid nodes: ${shown.join(', ')}`,
      );
    }
  }
}

function shapeText(shape: (number | null)[] | null): string {
  return shape ? `[${shape.map((d) => d ?? '?').join(', ')}]` : '[unknown]';
}

/** The record of inputs, keyed by node name, checked against the model's inputs. */
function namedInputs(
  model: tf.GraphModel,
  inputs: TensorData | Record<string, TensorData>,
): { info: GraphInputInfo; data: TensorData }[] {
  const entries = feedableInputs(model);
  const infos = entries.map((e) => e.info);
  const describe = () => infos.map((i) => `${i.name} ${shapeText(i.shape)} ${i.dtype}`).join(', ');
  const single = 'data' in inputs && 'shape' in inputs && ArrayBuffer.isView(inputs.data);
  if (single) {
    if (infos.length !== 1) {
      throw invalidInput(
        `the graph model has ${infos.length} inputs (${describe()}) but one array was given`,
        'pass one array per input, keyed by input name (the CLI reads them from an .npz whose array names are the input names)',
      );
    }
    return [{ info: infos[0], data: inputs as TensorData }];
  }
  const record = inputs as Record<string, TensorData>;
  // signature keys of a converted SavedModel name the inputs too
  const signatureKeys = entries.map((e) => e.key);
  const out = infos.map((info, i) => {
    const data = record[info.name] ?? record[signatureKeys[i]];
    if (!data) {
      throw invalidInput(
        `no array for the graph model's input '${info.name}' (given: ${Object.keys(record).join(', ') || 'none'})`,
        `the model's inputs: ${describe()}`,
      );
    }
    return { info, data };
  });
  const known = new Set([...infos.map((i) => i.name), ...signatureKeys]);
  const extra = Object.keys(record).filter((k) => !known.has(k));
  if (extra.length > 0) {
    throw invalidInput(
      `the graph model has no input named '${extra[0]}'`,
      `the model's inputs: ${describe()}`,
    );
  }
  return out;
}

function checkInput(info: GraphInputInfo, t: TensorData): void {
  if (sizeOf(t.shape) !== t.data.length) {
    throw invalidInput(
      `the array for input '${info.name}' has ${t.data.length} values but shape [${t.shape.join(', ')}]`,
    );
  }
  if (info.dtype !== 'float32' && info.dtype !== 'int32') {
    throw new TopolensError(
      'unsupported',
      `the graph model's input '${info.name}' is of type ${info.dtype}`,
      'topolens feeds float32 arrays (images, tabular rows) and int32 arrays (token ids)',
    );
  }
  const want = info.shape;
  if (!want) return;
  const got = t.shape;
  if (want.length !== got.length || want.some((w, i) => i > 0 && w !== null && w !== got[i])) {
    throw invalidInput(
      `the array for input '${info.name}' has shape [${got.join(', ')}] but the model expects ${shapeText([null, ...want.slice(1)])}`,
      'reshape the inputs to match (images are NHWC for TensorFlow models: [n, height, width, channels]; token ids [n, length])',
    );
  }
}

export interface GraphCaptureOptions {
  /** Node names to capture (see `listGraphNodes`; `name:k` for output k of a node). */
  nodes: string[];
  /** Inputs per run (default 64). A model whose inputs fix the batch axis runs in batches of
   * that size, the last one padded with zeros (the padding rows are dropped). */
  batchSize?: number;
  /** Applied to each batch's tensor before it is kept (e.g. a point-cloud strategy); must keep
   * one row per input. Default: keep as is. */
  reduce?: (node: string, batch: FloatTensorData, firstIndex: number) => FloatTensorData;
  onProgress?: (done: number, total: number) => void;
}

/** A failed run, with the way out: a kernel the backend lacks, or inputs that do not fit. */
function runFailure(err: Error, what: string): TopolensError {
  const missingKernel = /not registered for backend '([^']+)'/.exec(err.message);
  if (missingKernel) {
    return new TopolensError(
      'unsupported',
      `the graph model failed on ${what}: ${err.message}`,
      missingKernel[1] === 'wasm'
        ? 'run it on the CPU backend (--backend cpu; initBackend({backend: "cpu"})), which has every kernel'
        : 'TensorFlow.js does not implement this op on this backend',
    );
  }
  return invalidInput(
    `the graph model failed on ${what}: ${err.message}`,
    'check the input shapes and types against topolens layers <model> (--input-shape for open dimensions)',
  );
}

/** Runs the graph on one batch; `execute` where it can, `executeAsync` for dynamic graphs. */
async function runGraph(
  model: tf.GraphModel,
  feed: tf.NamedTensorMap,
  names: string[],
  state: { async: boolean },
): Promise<tf.Tensor[]> {
  if (!state.async) {
    try {
      const out = model.execute(feed, names);
      return Array.isArray(out) ? out : [out];
    } catch (err) {
      if (!/executeAsync/.test((err as Error).message)) throw err;
      state.async = true; // control flow or dynamic shapes: tfjs needs the async executor
    }
  }
  const out = await model.executeAsync(feed, names);
  return Array.isArray(out) ? out : [out];
}

function fixedBatch(inputs: { info: GraphInputInfo }[]): number | null {
  const fixed = inputs.map((i) => i.info.shape?.[0] ?? null).filter((d): d is number => d !== null);
  if (fixed.length === 0) return null;
  if (fixed.some((d) => d !== fixed[0])) {
    throw invalidInput(
      `the graph model's inputs fix different batch sizes (${fixed.join(', ')})`,
      'topolens runs every input with the same batch',
    );
  }
  return fixed[0];
}

/** Rows [start, start + count) of `t`, zero-padded to `size` rows, as a tensor of `dtype`. */
function batchTensor(
  t: TensorData,
  start: number,
  count: number,
  size: number,
  dtype: string,
): tf.Tensor {
  const row = sizeOf(t.shape.slice(1));
  const data = dtype === 'int32' ? new Int32Array(size * row) : new Float32Array(size * row);
  const part = t.data.subarray(start * row, (start + count) * row);
  if (dtype === 'int32' && !(part instanceof Int32Array)) {
    for (let i = 0; i < part.length; i++) {
      if (!Number.isInteger(part[i])) {
        throw invalidInput(
          `input row ${start + Math.floor(i / row)} holds ${part[i]} but the model's input is int32 (token ids)`,
          'pass integer ids',
        );
      }
    }
  }
  data.set(part);
  return tf.tensor(data, [size, ...t.shape.slice(1)], dtype as 'int32' | 'float32');
}

/**
 * Runs the graph model on `inputs` in batches and returns the named nodes' outputs (one tensor per
 * name, first axis = inputs; conv outputs NHWC as TensorFlow computes them). `inputs` is one
 * array for a one-input model, or a record keyed by input name (`graphModelInputs`); int32 inputs
 * (token ids) take integer values.
 */
export async function captureGraphModel(
  model: tf.GraphModel,
  inputs: TensorData | Record<string, TensorData>,
  options: GraphCaptureOptions,
): Promise<Record<string, FloatTensorData>> {
  const names = [...new Set(options.nodes)];
  checkNodeNames(model, names);
  const feeds = namedInputs(model, inputs);
  for (const f of feeds) checkInput(f.info, f.data);
  const n = feeds[0].data.shape[0];
  if (feeds.some((f) => f.data.shape[0] !== n)) {
    throw invalidInput(
      `the input arrays have different numbers of rows (${feeds.map((f) => `${f.info.name}: ${f.data.shape[0]}`).join(', ')})`,
      'pass the same inputs, row by row, for every model input',
    );
  }
  const fixed = fixedBatch(feeds);
  const batchSize = fixed ?? options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw invalidOption(`batchSize must be >= 1, got ${batchSize}`);
  const parts: FloatTensorData[][] = names.map(() => []);
  const state = { async: false };
  for (let start = 0; start < n; start += batchSize) {
    const count = Math.min(batchSize, n - start);
    const size = fixed ?? count;
    const feed: tf.NamedTensorMap = {};
    let outs: tf.Tensor[] = [];
    try {
      for (const f of feeds)
        feed[f.info.name] = batchTensor(f.data, start, count, size, f.info.dtype);
      try {
        outs = await runGraph(model, feed, names, state);
      } catch (err) {
        if (err instanceof TopolensError) throw err;
        throw runFailure(err as Error, `a batch of ${size} inputs`);
      }
      for (let k = 0; k < names.length; k++) {
        const t = outs[k];
        if (t.shape[0] !== size) {
          throw invalidInput(
            `node '${names[k]}' has shape [${t.shape.join(', ')}], whose first axis is not the batch of ${size} inputs`,
            'capture nodes that keep one row per input (not shape, reduction or weight nodes)',
          );
        }
        const values = Float32Array.from((await t.data()) as ArrayLike<number>);
        const rowSize = sizeOf(t.shape.slice(1));
        let out: FloatTensorData = {
          data: size === count ? values : values.slice(0, count * rowSize),
          shape: [count, ...t.shape.slice(1)],
        };
        if (options.reduce) out = options.reduce(names[k], out, start);
        if (out.shape[0] !== count) {
          throw invalidOption(
            `the reducer returned ${out.shape[0]} rows for a batch of ${count} inputs`,
          );
        }
        parts[k].push(out);
      }
    } finally {
      tf.dispose(Object.values(feed));
      tf.dispose(outs);
    }
    options.onProgress?.(start + count, n);
  }
  const result: Record<string, FloatTensorData> = {};
  names.forEach((name, k) => (result[name] = concatBatches(parts[k], n)));
  return result;
}

/**
 * Every node of `listGraphNodes` with its output shape, found by one run on zero inputs: a batch
 * of 2 (or the batch the model fixes). Input dimensions the model leaves open other than the
 * batch must be given in `inputShapes` (per input name, batch axis included or not: a shape of
 * the input's rank minus one omits it). A node whose first axis is the probe batch gets `null`
 * there; others (shape computations) keep their whole shape.
 */
export async function probeGraphShapes(
  model: tf.GraphModel,
  inputShapes: Record<string, number[]> = {},
): Promise<GraphNodeInfo[]> {
  const infos = graphModelInputs(model);
  const fixed = fixedBatch(infos.map((info) => ({ info })));
  const batch = fixed ?? 2;
  const feeds: Record<string, TensorData> = {};
  for (const info of infos) {
    const given = inputShapes[info.name];
    let dims: (number | null)[] | null = info.shape;
    if (given)
      dims = given.length === (info.shape?.length ?? given.length) ? given : [null, ...given];
    if (!dims || dims.slice(1).some((d) => d === null)) {
      throw invalidInput(
        `the graph model's input '${info.name}' has open dimensions ${shapeText(info.shape)}`,
        'give the input shape (--input-shape, without or with the batch axis)',
      );
    }
    const shape = [batch, ...(dims.slice(1) as number[])];
    const data =
      info.dtype === 'int32' ? new Int32Array(sizeOf(shape)) : new Float32Array(sizeOf(shape));
    feeds[info.name] = { data, shape };
  }
  const nodes = listGraphNodes(model);
  const names = nodes.map((node) => node.name);
  const feedList = namedInputs(model, feeds);
  for (const f of feedList) checkInput(f.info, f.data);
  const feed: tf.NamedTensorMap = {};
  let outs: tf.Tensor[] = [];
  try {
    for (const f of feedList)
      feed[f.info.name] = batchTensor(f.data, 0, batch, batch, f.info.dtype);
    try {
      outs = await runGraph(model, feed, names, { async: false });
    } catch (err) {
      throw runFailure(err as Error, `the shape probe (a zero batch of ${batch})`);
    }
    return nodes.map((node, k) => {
      const s = outs[k]?.shape;
      if (!s) return node;
      return { ...node, shape: s.length > 0 && s[0] === batch ? [null, ...s.slice(1)] : s.slice() };
    });
  } finally {
    tf.dispose(Object.values(feed));
    tf.dispose(outs);
  }
}
