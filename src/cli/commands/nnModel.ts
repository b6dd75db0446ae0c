/**
 * Shared by `topolens layers` and `topolens capture`: reads a network from disk (an ONNX file, or
 * a tfjs model.json, layers or graph model, with its weight shards beside it) and reads input
 * arrays (.npy, or .npz with one array per input of a graph model).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve, sep } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { TopolensError, invalidInput } from '../../core/errors.js';
import { initBackend, type BackendName } from '../../nn/backend.js';
import { graphModelInputs, loadGraphModel } from '../../nn/graphModel.js';
import {
  loadModel,
  parseModelJson,
  weightFilesName,
  type ModelFormat,
  type SavedModel,
} from '../../nn/modelIO.js';
import {
  checkWeightBytes,
  joinShards,
  shardPaths,
  storedByteLength,
  weightSpecs,
} from '../../nn/weightsManifest.js';
import { parseOnnx } from '../../nn/onnx.js';
import { parseNpy } from '../../data/npy.js';
import { parseNpz } from '../../data/npz.js';
import type { NdArray } from '../../data/ndarray.js';
import type { TensorData } from '../../nn/tensorData.js';

export type LoadedNetwork =
  | { kind: 'onnx'; model: ReturnType<typeof parseOnnx> }
  | { kind: 'tfjs'; model: tf.LayersModel }
  | { kind: 'graph'; model: tf.GraphModel };

function readOrFail(path: string, what: string): Uint8Array {
  if (!existsSync(path)) {
    throw new TopolensError('missing-file', `${what} ${path} does not exist`, 'check the path');
  }
  return readFileSync(path);
}

/**
 * Reads a tfjs model.json and every weight shard its manifest names (files beside it, joined in
 * manifest order); a missing shard is named.
 */
export function readTfjsModel(path: string): { saved: SavedModel; format: ModelFormat } {
  const modelJson = new TextDecoder().decode(readOrFail(path, 'the model'));
  const parsed = parseModelJson(modelJson, path);
  const folder = resolve(dirname(path));
  const files = shardPaths(parsed.manifest);
  const located = files.map((f) => {
    const full = resolve(folder, f);
    // shards sit beside model.json (or below it); a manifest cannot point elsewhere
    if (isAbsolute(f) || !full.startsWith(folder + sep)) {
      throw new TopolensError(
        'parse-error',
        `${path} names the weights file '${f}', which is outside its folder`,
        'weight shards are named relative to model.json, in its folder',
      );
    }
    return full;
  });
  const missing = located.filter((f) => !existsSync(f));
  if (missing.length > 0) {
    throw new TopolensError(
      'missing-file',
      `the weights file${missing.length > 1 ? 's' : ''} ${missing.join(', ')} named by ${path} ${missing.length > 1 ? 'do' : 'does'} not exist`,
      'keep model.json and every weight shard its weightsManifest names in the same folder',
    );
  }
  const sizes = located.map((f) => {
    const st = statSync(f);
    if (!st.isFile()) {
      throw new TopolensError(
        'parse-error',
        `the weights file ${f} named by ${path} is not a regular file`,
        'weight shards are the .bin files written beside model.json',
      );
    }
    return st.size;
  });
  // sizes first: a wrong shard is reported without reading it (string weights excepted)
  const specs = weightSpecs(parsed.manifest);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (specs.every((w) => w.dtype !== 'string')) {
    const expected = specs.reduce((sum, w) => sum + storedByteLength(w), 0);
    if (total !== expected)
      checkWeightBytes(specs, new Uint8Array(total), path, weightFilesName(files));
  }
  const weights = joinShards(located.map((f) => readFileSync(f)));
  return { saved: { modelJson, weights, weightFiles: files }, format: parsed.format };
}

/**
 * Loads `path`: an .onnx file, or a tfjs model.json (layers model, or graph model as
 * tensorflowjs_converter writes it) whose weight shards sit beside it.
 */
export async function loadNetwork(
  path: string,
  backend: BackendName = 'wasm',
): Promise<LoadedNetwork> {
  const ext = extname(path).toLowerCase();
  if (ext === '.onnx')
    return { kind: 'onnx', model: parseOnnx(readOrFail(path, 'the model'), path) };
  if (ext === '.json') {
    const { saved, format } = readTfjsModel(path);
    await initBackend({ backend });
    if (format === 'graph-model')
      return { kind: 'graph', model: await loadGraphModel(saved, path) };
    return { kind: 'tfjs', model: await loadModel(saved, path) };
  }
  throw new TopolensError(
    'unsupported',
    `cannot read a model from ${path}`,
    'pass an ONNX file (.onnx) or a TensorFlow.js model.json (layers or graph model)',
  );
}

/** Whether the network's (first) input takes integers (token ids) rather than floats. */
export function inputsAreInt(net: LoadedNetwork): boolean {
  if (net.kind === 'tfjs') return net.model.inputs[0]?.dtype === 'int32';
  if (net.kind === 'graph') return graphModelInputs(net.model)[0]?.dtype === 'int32';
  const weights = new Set(net.model.graph?.initializer?.map((t) => t.name) ?? []);
  const input = net.model.graph?.input?.find((v) => !weights.has(v.name ?? ''));
  const type = (input?.type as { tensorType?: { elemType?: number } } | null)?.tensorType?.elemType;
  return type === 7; // INT64: token ids (topolens feeds them as int64)
}

function toTensorData(a: NdArray, asInt: boolean, what: string): TensorData {
  if (!asInt) return { data: Float32Array.from(a.data), shape: a.shape };
  const bad = Array.prototype.findIndex.call(a.data, (v: number) => !Number.isInteger(v));
  if (bad >= 0) {
    throw invalidInput(
      `${what} holds ${a.data[bad]} at flat index ${bad} but the model takes integers (token ids)`,
      'save the token ids as integers',
    );
  }
  return { data: Int32Array.from(a.data), shape: a.shape };
}

/** Reads a .npy array as float32, or as int32 when `asInt` (token ids). */
export function readInputs(path: string, asInt = false): TensorData {
  return toTensorData(parseNpy(readOrFail(path, 'the inputs file'), path), asInt, path);
}

/**
 * The inputs of `net` from `path`: a .npy array (a one-input network), or an .npz holding one
 * array per input of a graph model, named after the input (numpy.savez(path, ids=..., mask=...)).
 * `first` is the array of the first input (the rows every input shares); `all` what the capture
 * takes.
 */
export function readNetworkInputs(
  net: LoadedNetwork,
  path: string,
): { first: TensorData; all: TensorData | Record<string, TensorData> } {
  if (extname(path).toLowerCase() !== '.npz') {
    const t = readInputs(path, inputsAreInt(net));
    return { first: t, all: t };
  }
  const arrays = parseNpz(readOrFail(path, 'the inputs file'), path);
  const names = [...arrays.keys()];
  const graphInputs = net.kind === 'graph' ? graphModelInputs(net.model) : [];
  if (graphInputs.length <= 1) {
    if (arrays.size !== 1) {
      throw invalidInput(
        `${path} holds ${arrays.size} arrays (${names.join(', ')}) but the model takes one input`,
        'save the one input array (.npy, or an .npz with one array)',
      );
    }
    const t = toTensorData(arrays.get(names[0])!, inputsAreInt(net), `${path}:${names[0]}`);
    return { first: t, all: t };
  }
  const all: Record<string, TensorData> = {};
  for (const name of names) {
    const input = graphInputs.find((i) => i.name === name || i.signatureKey === name);
    all[name] = toTensorData(arrays.get(name)!, input?.dtype === 'int32', `${path}:${name}`);
  }
  const [head] = graphInputs;
  const first = all[head.name] ?? (head.signatureKey ? all[head.signatureKey] : undefined);
  return { first: first ?? all[names[0]], all };
}
