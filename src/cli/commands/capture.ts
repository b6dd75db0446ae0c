/**
 * `topolens capture <model> --layers a,b --inputs x.npy [--strategy auto] --out dir/`: runs the
 * network on the inputs and writes one point cloud per layer as `<dir>/<layer>.npy` (float32,
 * points x features). Strategies are those of docs/networks.md, "Point clouds"
 * (src/nn/pointClouds.ts).
 */
import { join } from 'node:path';
import { invalidInput, invalidOption } from '../../core/errors.js';
import { captureActivations } from '../../nn/capture.js';
import { captureGraphModel } from '../../nn/graphModel.js';
import { captureOnnx, type Layout } from '../../nn/onnx.js';
import {
  POINT_CLOUD_STRATEGIES,
  minMaxScale,
  pointCloud,
  strategyForRank,
  type PointCloudStrategy,
} from '../../nn/pointClouds.js';
import { encodeNpyFloat32 } from '../../nn/npyWrite.js';
import type { FloatTensorData } from '../../nn/tensorData.js';
import { takeRows } from '../../nn/tensorData.js';
import { integerOption, seedOption } from '../numbers.js';
import { checkOutputTargets, writeOutputs, type OutputFile } from '../outputs.js';
import { progressBar } from '../progress.js';
import { loadNetwork, readInputs, readNetworkInputs } from './nnModel.js';

export interface CaptureCommandOptions {
  layers: string;
  inputs: string;
  strategy: string;
  out: string;
  batchSize: string;
  seed: string;
  cap: string;
  mask?: string;
  layout: string;
  inputLayout?: string;
  scale?: boolean;
  backend: string;
  json?: boolean;
}

/** Bounds of --batch-size and --cap (docs/cli.md, "Option bounds"). */
const MAX_BATCH = 65536;
const MAX_CAP = 1e7;

function layout(text: string | undefined, flag: string): Layout | undefined {
  if (text === undefined) return undefined;
  const t = text.toUpperCase();
  if (t !== 'NCHW' && t !== 'NHWC')
    throw invalidOption(`${flag} must be NCHW or NHWC, got '${text}'`);
  return t;
}

/**
 * mask-weighted needs exactly one mask per input: with fewer, the missing ones would read as zero
 * masks (plain average pooling) and the result would silently be another strategy's.
 */
export function checkMaskCount(
  mask: FloatTensorData,
  inputCount: number,
  maskFile: string,
  inputsFile: string,
): void {
  const masks = mask.shape[0] ?? 0;
  if (masks !== inputCount) {
    throw invalidInput(
      `--mask ${maskFile} holds ${masks} mask${masks === 1 ? '' : 's'} but --inputs ${inputsFile} holds ${inputCount} input${inputCount === 1 ? '' : 's'}; mask-weighted needs one mask per input, in the same order.`,
      'Give a mask array of shape [inputs, height, width] (or capture only the inputs that have masks).',
    );
  }
}

/** A file name for a layer or tensor name (ONNX names contain '/', ':' and '.'). */
export function fileNameFor(layer: string): string {
  return layer.replace(/^\/+/, '').replace(/[^A-Za-z0-9_.-]+/g, '_') + '.npy';
}

export interface CaptureSummary {
  layer: string;
  file: string;
  points: number;
  features: number;
  /** The strategy applied to this layer (what auto chose, or the one asked for). */
  strategy: Exclude<PointCloudStrategy, 'auto'>;
}

export async function runCapture(
  model: string,
  o: CaptureCommandOptions,
  showProgress: boolean,
): Promise<CaptureSummary[]> {
  const layers = o.layers
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (layers.length === 0)
    throw invalidOption('--layers is empty', 'name layers as listed by topolens layers <model>');
  const strategy = o.strategy as PointCloudStrategy;
  if (!POINT_CLOUD_STRATEGIES.includes(strategy)) {
    throw invalidOption(
      `unknown --strategy '${o.strategy}'`,
      `use one of ${POINT_CLOUD_STRATEGIES.join(', ')}`,
    );
  }
  // one file per layer in --out, all or none; checked before the network is loaded
  const files = layers.map((layer) => ({ layer, path: join(o.out, fileNameFor(layer)) }));
  checkOutputTargets([
    { path: o.out, flag: '--out', kind: 'folder' },
    ...files.map((f) => ({ path: f.path, flag: `--out (layer ${f.layer})` })),
  ]);
  const batchSize = integerOption(o.batchSize, '--batch-size', {
    min: 1,
    max: MAX_BATCH,
    hint: 'A batch holds every captured activation of its inputs at once; 128 is the default.',
  });
  const seed = seedOption(o.seed);
  const cap = integerOption(o.cap, '--cap', {
    min: 1,
    max: MAX_CAP,
    hint: 'No analysis here scales to more points; 10,000 is the default.',
  });
  const mask = o.mask ? (readInputs(o.mask) as FloatTensorData) : undefined;
  if (strategy === 'mask-weighted' && !mask)
    throw invalidOption('--strategy mask-weighted needs --mask masks.npy');
  const backend = o.backend === 'cpu' ? 'cpu' : o.backend === 'wasm' ? 'wasm' : undefined;
  if (!backend) throw invalidOption(`--backend must be wasm or cpu, got '${o.backend}'`);
  const net = await loadNetwork(model, backend);
  const { first: inputs, all: allInputs } = readNetworkInputs(net, o.inputs);
  const bar = progressBar({ label: 'capture', enabled: showProgress });
  // all-positions subsamples over the whole set, so it runs after capture; the others per batch
  const perBatch = strategy !== 'all-positions';
  // what each layer was reduced with (auto decides per layer, by the rank of its output)
  const applied = new Map<string, Exclude<PointCloudStrategy, 'auto'>>();
  const reduce = (name: string, batch: FloatTensorData, first: number): FloatTensorData => {
    const chosen = strategy === 'auto' ? strategyForRank(batch, name) : strategy;
    applied.set(name, chosen);
    const m = pointCloud(
      batch,
      chosen,
      {
        seed: seed + first,
        mask: mask
          ? (takeRows(
              mask,
              Array.from({ length: batch.shape[0] }, (_, i) => first + i),
            ) as FloatTensorData)
          : undefined,
      },
      name,
    );
    return { data: m.data, shape: [m.rows, m.cols] };
  };
  const onProgress = (done: number, total: number) => bar.update(done / total);
  // before the capture: a missing mask would read as zeros (average pooling)
  if (mask) checkMaskCount(mask, inputs.shape[0], o.mask ?? '', o.inputs);
  let captured: Record<string, FloatTensorData>;
  if (net.kind === 'tfjs') {
    captured = await captureActivations(net.model, inputs, {
      layers,
      batchSize,
      reduce: perBatch ? reduce : undefined,
      onProgress,
    });
    net.model.dispose();
  } else if (net.kind === 'graph') {
    try {
      captured = await captureGraphModel(net.model, allInputs, {
        nodes: layers,
        batchSize,
        reduce: perBatch ? reduce : undefined,
        onProgress,
      });
    } finally {
      net.model.dispose();
    }
  } else {
    captured = await captureOnnx(net.model, inputs, {
      tensors: layers,
      batchSize,
      modelLayout: layout(o.layout, '--layout'),
      inputLayout: layout(o.inputLayout, '--input-layout'),
      reduce: perBatch ? reduce : undefined,
      onProgress,
    });
  }
  bar.done();
  const summary: CaptureSummary[] = [];
  const outputs: OutputFile[] = [];
  for (const layer of layers) {
    let t = captured[layer];
    if (perBatch && t.shape.length !== 2) {
      throw new Error(
        `internal: ${layer} was not reduced to a point cloud (shape [${t.shape.join(', ')}])`,
      );
    }
    let m = perBatch
      ? { data: t.data, rows: t.shape[0], cols: t.shape[1] }
      : pointCloud(t, strategy, { cap, seed }, layer);
    if (o.scale) m = minMaxScale(m);
    t = { data: m.data as Float32Array, shape: [m.rows, m.cols] };
    const file = join(o.out, fileNameFor(layer));
    outputs.push({ path: file, content: encodeNpyFloat32(t.data, t.shape), flag: '--out' });
    summary.push({
      layer,
      file,
      points: m.rows,
      features: m.cols,
      strategy: applied.get(layer) ?? (strategy as Exclude<PointCloudStrategy, 'auto'>),
    });
  }
  writeOutputs(outputs);
  return summary;
}
