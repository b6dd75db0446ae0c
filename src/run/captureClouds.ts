/**
 * The capture step of an experiment: `layerClouds` (src/nn/layerClouds.ts) on the network's
 * source (a tfjs model, an ONNX model, or dumped activations read from .npy files) with the
 * experiment's `layers:` options, then the optional per-cloud min-max scaling. Layer selection
 * is checked here too, before anything runs (an unknown name is refused with the valid ones).
 */
import { readFileSync } from 'node:fs';
import { TopolensError, invalidInput } from '../core/errors.js';
import type { TensorData } from '../core/tensorData.js';
import { parseNpy } from '../data/npy.js';
import type { LabelledData } from '../data/labelled.js';
import { layerClouds, listCloudLayers, selectLayers, type CloudSource } from '../nn/layerClouds.js';
import { minMaxScale } from '../nn/pointClouds.js';
import type { StoredCloud } from './artifacts.js';
import type { LayersSpec } from './experimentSchema.js';

/** Dumped activations as layerClouds reads them (layer order kept), with their labels. */
export function readActivationDump(
  files: { name: string; path: string }[],
  labelsPath?: string,
): { dump: Record<string, TensorData>; labels?: Int32Array } {
  const dump: Record<string, TensorData> = {};
  for (const f of files) {
    const a = parseNpy(readFileSync(f.path), f.path);
    dump[f.name] = { data: Float32Array.from(a.data), shape: [...a.shape] };
  }
  if (!labelsPath) return { dump };
  const y = parseNpy(readFileSync(labelsPath), labelsPath);
  const n = dump[files[0].name].shape[0];
  if (y.data.length !== n) {
    throw invalidInput(
      `the labels ${labelsPath} hold ${y.data.length} values but the dumped layers have ${n} rows`,
      'give one integer class per input',
    );
  }
  return { dump, labels: Int32Array.from(y.data) };
}

/**
 * Checks that `layers` selects existing layers of `source` (and that it has logits when they
 * are asked for); the error names the experiment file, the network and the valid layers.
 */
export function checkLayerSelection(source: CloudSource, layers: LayersSpec, where: string): void {
  try {
    const catalogue = listCloudLayers(source);
    selectLayers(catalogue, layers.select);
    if (layers.includeLogits && !catalogue.logits) {
      throw invalidInput(
        `includeLogits: ${catalogue.noLogits ?? 'the network has no logits layer'}`,
        `name the layer in layers.select instead; valid layers: ${catalogue.layers.map((l) => l.name).join(', ')}`,
      );
    }
  } catch (err) {
    if (err instanceof TopolensError) {
      throw new TopolensError(err.code, `${where}: ${err.message}`);
    }
    throw err;
  }
}

/** Captures the clouds of `source` on `inputs` (null for dumped activations). */
export async function captureClouds(
  source: CloudSource,
  inputs: LabelledData | null,
  layers: LayersSpec,
  seed: number,
  extra: { labels?: Int32Array; layout?: 'NCHW' | 'NHWC' } = {},
): Promise<StoredCloud[]> {
  const clouds = await layerClouds(source, inputs, {
    layers: layers.select,
    includeInput: layers.includeInput,
    includeLogits: layers.includeLogits,
    strategy: layers.strategy,
    strategyOptions: { seed },
    batchSize: layers.batchSize,
    ...(extra.labels ? { labels: extra.labels } : {}),
    ...(extra.layout ? { modelLayout: extra.layout } : {}),
  });
  return clouds.map((c) => ({
    name: c.name,
    index: c.index,
    depth: c.depth,
    points: layers.scale ? minMaxScale(c.points) : c.points,
    ...(c.labels ? { labels: c.labels } : {}),
    strategy: c.strategy,
  }));
}
