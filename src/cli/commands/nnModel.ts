/**
 * Shared by `topolens layers` and `topolens capture`: reads a network from disk (an ONNX file, or
 * a tfjs model.json with its weights file beside it) and reads input arrays (.npy).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { TopolensError } from '../../core/errors.js';
import { initBackend, type BackendName } from '../../nn/backend.js';
import { loadModel } from '../../nn/modelIO.js';
import { parseOnnx } from '../../nn/onnx.js';
import { parseNpy } from '../../data/npy.js';
import type { TensorData } from '../../nn/tensorData.js';

export type LoadedNetwork =
  { kind: 'onnx'; model: ReturnType<typeof parseOnnx> } | { kind: 'tfjs'; model: tf.LayersModel };

function readOrFail(path: string, what: string): Uint8Array {
  if (!existsSync(path)) {
    throw new TopolensError('missing-file', `${what} ${path} does not exist`, 'check the path');
  }
  return readFileSync(path);
}

/** Loads `path` (.onnx, or a tfjs model.json whose weights file sits beside it). */
export async function loadNetwork(
  path: string,
  backend: BackendName = 'wasm',
): Promise<LoadedNetwork> {
  const ext = extname(path).toLowerCase();
  if (ext === '.onnx')
    return { kind: 'onnx', model: parseOnnx(readOrFail(path, 'the model'), path) };
  if (ext === '.json') {
    const modelJson = new TextDecoder().decode(readOrFail(path, 'the model'));
    let weightsPath = join(dirname(path), 'weights.bin');
    try {
      const manifest = (JSON.parse(modelJson) as { weightsManifest?: Array<{ paths?: string[] }> })
        .weightsManifest;
      const first = manifest?.[0]?.paths?.[0];
      if (first) weightsPath = join(dirname(path), first);
    } catch {
      // loadModel reports the JSON error
    }
    const weights = existsSync(weightsPath) ? readFileSync(weightsPath) : new Uint8Array(0);
    if (!existsSync(weightsPath) && modelJson.trim().startsWith('{')) {
      throw new TopolensError(
        'missing-file',
        `the weights file ${weightsPath} named by ${path} does not exist`,
        'keep model.json and its weights file in the same folder',
      );
    }
    await initBackend({ backend });
    return { kind: 'tfjs', model: await loadModel({ modelJson, weights }, path) };
  }
  throw new TopolensError(
    'unsupported',
    `cannot read a model from ${path}`,
    'pass an ONNX file (.onnx) or a TensorFlow.js model.json',
  );
}

/** Reads a .npy array as float32, or as int32 when `asInt` (token ids). */
export function readInputs(path: string, asInt = false): TensorData {
  const a = parseNpy(readOrFail(path, 'the inputs file'), path);
  return { data: asInt ? Int32Array.from(a.data) : Float32Array.from(a.data), shape: a.shape };
}
