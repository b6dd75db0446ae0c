/**
 * The capture step of an experiment: runs a network on the chosen inputs and turns each chosen
 * layer's output into a point cloud, batch by batch (each batch reduced to its cloud rows at
 * once, so a layer's raw output for all inputs is never held), with the input as layer 0 on
 * request and depth (l + 1) / L on the common axis. The strategy is the one named in
 * `layers.strategy`, or by the output's rank when 'auto': 2-D dense, 3-D tokens class token,
 * 4-D global average pooling, anything else flattened (docs/experiments.md, "layers").
 */
import { readFileSync } from 'node:fs';
import { invalidInput } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { parseNpy } from '../data/npy.js';
import { captureActivations } from '../nn/capture.js';
import { captureOnnx } from '../nn/onnx.js';
import { minMaxScale, pointCloud, type PointCloudStrategy } from '../nn/pointClouds.js';
import type { FloatTensorData } from '../nn/tensorData.js';
import type { StoredCloud } from './artifacts.js';
import type { ExperimentData } from './experimentData.js';
import type { LayersSpec } from './experimentSchema.js';
import type { LoadedModel } from './experimentNetworks.js';

/** The strategy used for an output of shape `shape` (first axis = inputs). */
export function strategyFor(spec: LayersSpec['strategy'], shape: number[]): PointCloudStrategy {
  if (spec !== 'auto') return spec;
  if (shape.length === 2) return 'dense';
  if (shape.length === 3) return 'class-token';
  if (shape.length === 4) return 'gap';
  return 'flatten';
}

function flatten(t: { data: ArrayLike<number>; shape: number[] }): Matrix<Float32Array> {
  const n = t.shape[0];
  const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
  return { data, rows: n, cols: n === 0 ? 0 : data.length / n };
}

function finish(
  named: { name: string; points: Matrix; strategy: string }[],
  layers: LayersSpec,
  labels: Int32Array,
): StoredCloud[] {
  const L = named.length;
  return named.map((c, l) => ({
    name: c.name,
    index: l,
    depth: (l + 1) / L,
    points: layers.scale ? minMaxScale(c.points) : c.points,
    labels,
    strategy: c.strategy,
  }));
}

/** Captures `names` of `model` on `data` as clouds (input first when `layers.includeInput`). */
export async function captureModelClouds(
  model: LoadedModel,
  names: string[],
  data: ExperimentData,
  layers: LayersSpec,
  seed: number,
  onnxLayout?: 'NCHW' | 'NHWC',
): Promise<StoredCloud[]> {
  const used = new Map<string, PointCloudStrategy>();
  const reduce = (name: string, batch: FloatTensorData, first: number): FloatTensorData => {
    const strategy = strategyFor(layers.strategy, batch.shape);
    used.set(name, strategy);
    const m = pointCloud(batch, strategy, { seed: seed + first }, name);
    return { data: m.data, shape: [m.rows, m.cols] };
  };
  const captured =
    model.kind === 'tfjs'
      ? await captureActivations(model.model, data.inputs, {
          layers: names,
          batchSize: layers.batchSize,
          reduce,
        })
      : await captureOnnx(model.model, data.inputs, {
          tensors: names,
          batchSize: layers.batchSize,
          reduce,
          ...(onnxLayout ? { modelLayout: onnxLayout } : {}),
        });
  const named: { name: string; points: Matrix; strategy: string }[] = [];
  if (layers.includeInput) named.push({ name: 'input', points: flatten(data.inputs), strategy: 'flatten' });
  for (const name of names) {
    const t = captured[name];
    named.push({
      name,
      points: { data: t.data, rows: t.shape[0], cols: t.shape[1] ?? 1 },
      strategy: used.get(name) ?? strategyFor(layers.strategy, t.shape),
    });
  }
  return finish(named, layers, data.labels);
}

/** Reads dumped activations (.npy per layer) as clouds. `names`: the chosen layers. */
export function readActivationClouds(
  files: { name: string; path: string }[],
  names: string[],
  labelsPath: string | undefined,
  layers: LayersSpec,
  seed: number,
): { clouds: StoredCloud[]; labels: Int32Array } {
  const byName = new Map(files.map((f) => [f.name, f.path]));
  let n = -1;
  const named = names.map((name) => {
    const a = parseNpy(readFileSync(byName.get(name)!), byName.get(name)!);
    if (n >= 0 && a.shape[0] !== n) {
      throw invalidInput(
        `dumped layer '${name}' has ${a.shape[0]} rows but the layers before it have ${n}`,
        'dump every layer on the same inputs, one row per input',
      );
    }
    n = a.shape[0];
    const t = { data: Float32Array.from(a.data), shape: [...a.shape] };
    const strategy = strategyFor(layers.strategy, t.shape);
    return { name, points: pointCloud(t, strategy, { seed }, name) as Matrix, strategy };
  });
  let labels = new Int32Array(n);
  if (labelsPath) {
    const y = parseNpy(readFileSync(labelsPath), labelsPath);
    if (y.data.length !== n) {
      throw invalidInput(`the labels ${labelsPath} hold ${y.data.length} values but the dumped layers have ${n} rows`);
    }
    labels = Int32Array.from(y.data);
  }
  return { clouds: finish(named, { ...layers, includeInput: false }, labels), labels };
}
