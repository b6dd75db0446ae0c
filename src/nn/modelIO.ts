/**
 * Saving and loading tfjs LayersModels as the two files of the tfjs format, model.json and
 * weights.bin, through in-memory IO handlers (no tfjs-node): `saveModel` returns the bytes and the
 * CLI writes them; `loadModel` takes the bytes the CLI read. Importing this module also registers
 * topolens' custom Transformer layers, so saved Transformers load again.
 */
import * as tf from '@tensorflow/tfjs';
import { TopolensError } from '../core/errors.js';
import './architectures/transformerLayers.js';

export interface SavedModel {
  /** The model.json text; its weights manifest points at `weights.bin`. */
  modelJson: string;
  /** The weights.bin bytes. */
  weights: Uint8Array;
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

interface ModelJson {
  modelTopology?: unknown;
  weightsManifest?: Array<{ weights: tf.io.WeightsManifestEntry[] }>;
}

/** Loads a model from the model.json text and weights.bin bytes. Errors name what is wrong. */
export async function loadModel(saved: SavedModel, source = 'model.json'): Promise<tf.LayersModel> {
  let json: ModelJson;
  try {
    json = JSON.parse(saved.modelJson) as ModelJson;
  } catch (err) {
    throw new TopolensError(
      'parse-error',
      `${source} is not valid JSON (${(err as Error).message})`,
      'pass a model.json written by topolens or by tfjs model.save',
    );
  }
  if (
    !json ||
    typeof json !== 'object' ||
    !json.modelTopology ||
    !Array.isArray(json.weightsManifest)
  ) {
    throw new TopolensError(
      'parse-error',
      `${source} is not a tfjs layers model (no modelTopology or weightsManifest)`,
      'pass a model.json written by topolens or by tfjs model.save (a graph model is not supported)',
    );
  }
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const expected = specs.reduce(
    (s, w) =>
      s +
      w.shape.reduce((a, b) => a * b, 1) * (w.dtype === 'float32' || w.dtype === 'int32' ? 4 : 1),
    0,
  );
  if (saved.weights.byteLength !== expected) {
    throw new TopolensError(
      'parse-error',
      `${WEIGHTS_FILE} has ${saved.weights.byteLength} bytes but ${source} describes ${expected}`,
      `the weights file does not belong to this model.json or is truncated`,
    );
  }
  const weightData = saved.weights.buffer.slice(
    saved.weights.byteOffset,
    saved.weights.byteOffset + saved.weights.byteLength,
  ) as ArrayBuffer;
  try {
    return await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology as tf.io.ModelArtifacts['modelTopology'],
        weightSpecs: specs,
        weightData,
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
