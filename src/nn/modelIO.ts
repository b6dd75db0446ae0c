/**
 * Saving and loading tfjs LayersModels as the two files of the tfjs format, model.json and
 * weights.bin, through in-memory IO handlers (no tfjs-node): `saveModel` returns the bytes and the
 * CLI writes them; `loadModel` takes the bytes the CLI read (one or several shards, quantised or
 * not; see ./weightsManifest.ts). `parseModelJson` tells layers models from graph models
 * (./graphModel.ts). Importing this module also registers
 * topolens' custom Transformer layers, so saved Transformers load again.
 */
import * as tf from '@tensorflow/tfjs';
import { TopolensError } from '../core/errors.js';
import {
  checkWeightBytes,
  parseWeightsManifest,
  weightSpecs,
  type WeightsManifestGroup,
} from './weightsManifest.js';
import './architectures/transformerLayers.js';

export interface SavedModel {
  /** The model.json text; its weights manifest points at `weights.bin`. */
  modelJson: string;
  /** The weights bytes: weights.bin, or all shards named in the manifest joined in its order. */
  weights: Uint8Array;
  /** Names of the files the weights were read from (for messages; default `weights.bin`). */
  weightFiles?: string[];
}

/** Name of the weights file that model.json refers to. */
export const WEIGHTS_FILE = 'weights.bin';

function concatWeightData(data: ArrayBuffer | ArrayBuffer[] | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  const total = parts.reduce((s, p) => s + p.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(new Uint8Array(p), offset);
    offset += p.byteLength;
  }
  return out;
}

/** Serialises a model to the model.json text and weights.bin bytes. */
export async function saveModel(model: tf.LayersModel): Promise<SavedModel> {
  let saved: SavedModel | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const json = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      };
      saved = {
        modelJson: JSON.stringify(json),
        weights: concatWeightData(artifacts.weightData as ArrayBuffer | ArrayBuffer[] | undefined),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

/** The two formats of a tfjs model.json. */
export type ModelFormat = 'layers-model' | 'graph-model';

/** A parsed model.json: its format, topology and checked weights manifest. */
export interface ParsedModelJson {
  format: ModelFormat;
  modelTopology: object;
  manifest: WeightsManifestGroup[];
  /** The whole file, for the fields a loader passes on (signature, modelInitializer, ...). */
  json: Record<string, unknown>;
}

/**
 * The format of a model.json: its `format` field where present ('layers-model', 'graph-model');
 * older files without one are told apart by their topology (a GraphDef has a `node` list, a
 * Keras topology a `class_name` or `model_config`).
 */
function formatOf(json: Record<string, unknown>, source: string): ModelFormat {
  const declared = json.format;
  if (declared === 'layers-model' || declared === 'graph-model') return declared;
  if (declared !== undefined && declared !== null) {
    throw new TopolensError(
      'unsupported',
      `${source} has format '${String(declared)}', which topolens does not read`,
      "pass a TensorFlow.js model.json of format 'layers-model' or 'graph-model'",
    );
  }
  const topology = json.modelTopology as Record<string, unknown>;
  return Array.isArray(topology.node) ? 'graph-model' : 'layers-model';
}

/** Parses a model.json text; errors name what is missing. */
export function parseModelJson(text: string, source = 'model.json'): ParsedModelJson {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new TopolensError(
      'parse-error',
      `${source} is not valid JSON (${(err as Error).message})`,
      'pass a model.json written by topolens, by tfjs model.save or by tensorflowjs_converter',
    );
  }
  if (
    !json ||
    typeof json !== 'object' ||
    !json.modelTopology ||
    typeof json.modelTopology !== 'object' ||
    !Array.isArray(json.weightsManifest)
  ) {
    throw new TopolensError(
      'parse-error',
      `${source} is not a TensorFlow.js model (no modelTopology or weightsManifest)`,
      'pass a model.json written by topolens, by tfjs model.save or by tensorflowjs_converter',
    );
  }
  return {
    format: formatOf(json, source),
    modelTopology: json.modelTopology,
    manifest: parseWeightsManifest(json.weightsManifest, source),
    json,
  };
}

/** The weights bytes as an ArrayBuffer of their own (what tfjs' IO handlers take). */
export function weightBuffer(weights: Uint8Array): ArrayBuffer {
  return weights.buffer.slice(
    weights.byteOffset,
    weights.byteOffset + weights.byteLength,
  ) as ArrayBuffer;
}

/** How weight files are named in messages (default `weights.bin`). */
export function weightFilesName(files: string[] = [WEIGHTS_FILE]): string {
  return files.length === 1 ? files[0] : `the ${files.length} weight shards (${files.join(', ')})`;
}

/**
 * Loads a layers model from the model.json text and its weights (all shards joined, in manifest
 * order). Quantised weights (float16, uint8, uint16) are dequantised by tfjs while loading.
 * Errors name what is wrong.
 */
export async function loadModel(saved: SavedModel, source = 'model.json'): Promise<tf.LayersModel> {
  const parsed = parseModelJson(saved.modelJson, source);
  if (parsed.format !== 'layers-model') {
    throw new TopolensError(
      'unsupported',
      `${source} is a graph model (tensorflowjs_converter output), not a layers model`,
      'load it with loadGraphModel (topolens layers and capture read both)',
    );
  }
  const specs = weightSpecs(parsed.manifest);
  checkWeightBytes(specs, saved.weights, source, weightFilesName(saved.weightFiles));
  try {
    return await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: parsed.modelTopology,
        weightSpecs: specs as tf.io.WeightsManifestEntry[],
        weightData: weightBuffer(saved.weights),
      }),
    );
  } catch (err) {
    throw new TopolensError(
      'parse-error',
      `could not build the model in ${source}: ${(err as Error).message}`,
      'the file may come from an incompatible tfjs version or use layers topolens does not know',
    );
  }
}
