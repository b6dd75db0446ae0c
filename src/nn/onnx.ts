/**
 * Foreign models through ONNX ([DESIGN]: the way to analyse a PyTorch or Keras network). The
 * ModelProto is parsed with `onnx-proto` to list the graph's tensors (every node output); chosen
 * intermediate tensors are made extra graph outputs by editing the ModelProto (adding
 * ValueInfo outputs), which is serialised again and loaded into onnxruntime-node from bytes.
 * Shapes not recorded in the file are found by one probe run on a dummy batch.
 */
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import { TopolensError, invalidInput, invalidOption } from '../core/errors.js';
import {
  concatBatches,
  sizeOf,
  takeRows,
  type FloatTensorData,
  type TensorData,
} from './tensorData.js';
import { inputsOf, type LabelledInputs } from '../data/labelled.js';
import { describeValue } from '../core/describe.js';

const { onnx } = onnxProto;
type ModelProto = InstanceType<typeof onnx.ModelProto>;
type GraphProto = InstanceType<typeof onnx.GraphProto>;
type NodeProto = InstanceType<typeof onnx.NodeProto>;

function graphOf(model: ModelProto): GraphProto {
  return model.graph as GraphProto;
}

/** Channel layout: `'NCHW'` (PyTorch) or `'NHWC'` (TensorFlow/Keras, topolens' point clouds). */
export type Layout = 'NCHW' | 'NHWC';

export interface OnnxTensorInfo {
  /** Tensor name in the graph (what `capture` takes). */
  name: string;
  /** Op that produces it (`Conv`, `Relu`, ...), or `'input'` for a graph input. */
  opType: string;
  /** Name of the producing node. */
  node: string;
  /** Shape, with `null` for a dimension that is not fixed (e.g. the batch); `null` if unknown. */
  shape: (number | null)[] | null;
}

/** Parses ONNX bytes; a clear error if they are not an ONNX model. */
export function parseOnnx(bytes: Uint8Array, source = 'the model'): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new TopolensError(
      'parse-error',
      `${source} is not a valid ONNX file (${(err as Error).message})`,
      'export the network with torch.onnx.export (see docs/networks.md) and pass the .onnx file',
    );
  }
  if (!model.graph || (model.graph.node ?? []).length === 0) {
    throw new TopolensError(
      'parse-error',
      `${source} has no ONNX graph`,
      'pass an exported .onnx model',
    );
  }
  return model;
}

function dimsOf(type: unknown): (number | null)[] | null {
  const t = type as { tensorType?: { shape?: { dim?: Array<{ dimValue?: unknown }> } } } | null;
  const dims = t?.tensorType?.shape?.dim;
  if (!dims) return null;
  return dims.map((d) =>
    d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0
      ? Number(d.dimValue)
      : null,
  );
}

function initializerNames(model: ModelProto): Set<string> {
  return new Set(graphOf(model).initializer.map((t) => t.name ?? ''));
}

/** The model's real inputs (graph inputs that are not weights). */
export function onnxInputs(model: ModelProto): OnnxTensorInfo[] {
  const weights = initializerNames(model);
  return graphOf(model)
    .input.filter((v) => !weights.has(v.name ?? ''))
    .map((v) => ({ name: v.name ?? '', opType: 'input', node: '', shape: dimsOf(v.type) }));
}

/** Every node output of the graph, in graph order, with the shape where the file records it. */
export function listOnnxTensors(model: ModelProto): OnnxTensorInfo[] {
  const g = graphOf(model);
  const known = new Map<string, (number | null)[] | null>();
  for (const v of [...g.valueInfo, ...g.output, ...g.input])
    known.set(v.name ?? '', dimsOf(v.type));
  const out: OnnxTensorInfo[] = [];
  for (const node of g.node as NodeProto[]) {
    for (const name of node.output) {
      if (!name) continue;
      out.push({
        name,
        opType: node.opType ?? '',
        node: node.name ?? '',
        shape: known.get(name) ?? null,
      });
    }
  }
  return out;
}

/** Returns ONNX bytes in which `names` are graph outputs too (the originals stay first). */
export function exposeTensors(model: ModelProto, names: string[]): Uint8Array {
  const g = graphOf(model);
  const produced = new Set(listOnnxTensors(model).map((t) => t.name));
  const present = new Set(g.output.map((o) => o.name));
  for (const name of names) {
    if (!produced.has(name)) {
      const valid = listOnnxTensors(model).map((t) => t.name);
      const shown =
        valid.length > 40
          ? [...valid.slice(0, 40), `... (${valid.length} in all; run topolens layers)`]
          : valid;
      throw invalidOption(
        `the ONNX graph has no tensor named '${name}'`,
        `valid tensors: ${shown.join(', ')}`,
      );
    }
  }
  const typeOf = new Map<string, unknown>();
  for (const v of g.valueInfo) typeOf.set(v.name ?? '', v.type);
  const copy = onnx.ModelProto.decode(onnx.ModelProto.encode(model).finish());
  for (const name of names) {
    if (present.has(name)) continue;
    present.add(name);
    const type = typeOf.get(name) ?? { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } };
    graphOf(copy).output.push(onnx.ValueInfoProto.create({ name, type: type as never }));
  }
  return onnx.ModelProto.encode(copy).finish();
}

function nchwToNhwc(data: Float32Array, [n, c, h, w]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < c; k++)
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++)
          out[((i * h + y) * w + x) * c + k] = data[((i * c + k) * h + y) * w + x];
  return out;
}

function nhwcToNchw(data: Float32Array, [n, h, w, c]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < n; i++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++)
          out[((i * c + k) * h + y) * w + x] = data[((i * h + y) * w + x) * c + k];
  return out;
}

export interface OnnxCaptureOptions {
  /** Tensor names to capture (see `listOnnxTensors`). */
  tensors: string[];
  /** Inputs per run (default 64). */
  batchSize?: number;
  /** Layout of the model's image input: `'NCHW'` (default, PyTorch) or `'NHWC'`. */
  modelLayout?: Layout;
  /** Layout of the inputs given here (default: the model's). NHWC inputs for an NCHW model are
   * transposed before the run. */
  inputLayout?: Layout;
  /** Layout of captured rank-4 tensors (default `'NHWC'`, what the point-cloud strategies
   * expect; `'NCHW'` keeps PyTorch's order). */
  outputLayout?: Layout;
  /** Threads of onnxruntime (default 1). */
  threads?: number;
  /** Applied to each batch's tensor (after the layout conversion) before it is kept, e.g. a
   * point-cloud strategy; must keep one row per input. Default: keep as is. */
  reduce?: (tensor: string, batch: FloatTensorData, firstIndex: number) => FloatTensorData;
  onProgress?: (done: number, total: number) => void;
}

async function createSession(bytes: Uint8Array, threads: number): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'disabled',
    });
  } catch (err) {
    throw new TopolensError(
      'parse-error',
      `onnxruntime could not load the model: ${(err as Error).message}`,
      'check that the file is a complete ONNX export with an opset onnxruntime supports',
    );
  }
}

function convertOut(t: ort.Tensor, opts: OnnxCaptureOptions): FloatTensorData {
  const shape = t.dims.map(Number);
  const data =
    t.data instanceof Float32Array
      ? Float32Array.from(t.data)
      : Float32Array.from(t.data as ArrayLike<number>);
  const modelLayout = opts.modelLayout ?? 'NCHW';
  const outLayout = opts.outputLayout ?? 'NHWC';
  if (shape.length === 4 && modelLayout === 'NCHW' && outLayout === 'NHWC') {
    return { data: nchwToNhwc(data, shape), shape: [shape[0], shape[2], shape[3], shape[1]] };
  }
  if (shape.length === 4 && modelLayout === 'NHWC' && outLayout === 'NCHW') {
    return { data: nhwcToNchw(data, shape), shape: [shape[0], shape[3], shape[1], shape[2]] };
  }
  return { data, shape };
}

/**
 * Runs an ONNX model on `inputs` in batches and returns the named intermediate tensors (one
 * tensor per name, first axis = inputs). The model must have one real input.
 */
export async function captureOnnx(
  model: ModelProto,
  data: TensorData | LabelledInputs,
  options: OnnxCaptureOptions,
): Promise<Record<string, FloatTensorData>> {
  if (!(model instanceof onnx.ModelProto)) {
    throw invalidInput(
      `captureOnnx expects a parsed ONNX model; got ${describeValue(model)}`,
      'parse the file first: parseOnnx(readFileSync("model.onnx")), or use layerClouds, which takes the bytes',
    );
  }
  if (!Array.isArray(options?.tensors) || options.tensors.length === 0)
    throw invalidOption('no tensors to capture', 'name at least one tensor');
  const inputs = inputsOf(data, 'captureOnnx');
  const graphInputs = onnxInputs(model);
  if (graphInputs.length !== 1) {
    throw invalidInput(
      `the ONNX model has ${graphInputs.length} inputs (${graphInputs.map((i) => i.name).join(', ')})`,
      'topolens feeds one input tensor; export the model with a single input',
    );
  }
  const input = graphInputs[0];
  const modelLayout = options.modelLayout ?? 'NCHW';
  const inputLayout = options.inputLayout ?? modelLayout;
  let feedShape = inputs.shape.slice();
  let feedData = inputs.data;
  if (feedShape.length === 4 && inputLayout !== modelLayout) {
    const f = feedData instanceof Float32Array ? feedData : Float32Array.from(feedData);
    if (inputLayout === 'NHWC') {
      feedData = nhwcToNchw(f, feedShape);
      feedShape = [feedShape[0], feedShape[3], feedShape[1], feedShape[2]];
    } else {
      feedData = nchwToNhwc(f, feedShape);
      feedShape = [feedShape[0], feedShape[2], feedShape[3], feedShape[1]];
    }
  }
  if (input.shape) {
    const want = input.shape.slice(1);
    const got = feedShape.slice(1);
    if (want.length !== got.length || want.some((w, i) => w !== null && w !== got[i])) {
      throw invalidInput(
        `inputs have shape [${feedShape.join(', ')}] (${modelLayout}) but the model's input '${input.name}' is [${input.shape.map((d) => d ?? '?').join(', ')}]`,
        'reshape the inputs, or set the layout (NCHW for PyTorch exports)',
      );
    }
  }
  const session = await createSession(exposeTensors(model, options.tensors), options.threads ?? 1);
  const feedTensors: TensorData = { data: feedData, shape: feedShape };
  const n = feedShape[0];
  const batchSize = options.batchSize ?? 64;
  const parts: FloatTensorData[][] = options.tensors.map(() => []);
  try {
    for (let start = 0; start < n; start += batchSize) {
      const count = Math.min(batchSize, n - start);
      const batch = takeRows(
        feedTensors,
        Array.from({ length: count }, (_, i) => start + i),
      );
      const x =
        batch.data instanceof Int32Array
          ? new ort.Tensor(
              'int64',
              BigInt64Array.from(batch.data, (v) => BigInt(v)),
              batch.shape,
            )
          : new ort.Tensor('float32', batch.data, batch.shape);
      let result: ort.InferenceSession.OnnxValueMapType;
      try {
        result = await session.run({ [input.name]: x }, options.tensors);
      } catch (err) {
        throw invalidInput(
          `onnxruntime failed on a batch of shape [${batch.shape.join(', ')}]: ${(err as Error).message}`,
          'check the input shape and layout against topolens layers <model>',
        );
      }
      options.tensors.forEach((name, k) => {
        let out = convertOut(result[name] as ort.Tensor, options);
        if (options.reduce) out = options.reduce(name, out, start);
        if (out.shape[0] !== count) {
          throw invalidOption(
            `the reducer returned ${out.shape[0]} rows for a batch of ${count} inputs`,
          );
        }
        parts[k].push(out);
      });
      options.onProgress?.(start + count, n);
    }
  } finally {
    await session.release();
  }
  const out: Record<string, FloatTensorData> = {};
  options.tensors.forEach((name, k) => (out[name] = concatBatches(parts[k], n)));
  return out;
}

/**
 * Shapes of every node output, found by one run on a batch of `batch` zero inputs (dynamic input
 * dimensions other than the batch must be given in `inputShape`). Shapes are as the model
 * computes them (NCHW for PyTorch exports), without the batch axis.
 */
export async function probeOnnxShapes(
  model: ModelProto,
  inputShape?: number[],
): Promise<OnnxTensorInfo[]> {
  const inputsInfo = onnxInputs(model);
  if (inputsInfo.length !== 1) {
    throw invalidInput(
      `the ONNX model has ${inputsInfo.length} inputs; topolens needs exactly one`,
    );
  }
  const input = inputsInfo[0];
  const dims = inputShape ?? (input.shape ?? []).map((d, i) => (i === 0 ? 1 : d));
  if (dims.length === 0 || dims.some((d) => d === null)) {
    throw invalidInput(
      `the input '${input.name}' has unknown dimensions [${(input.shape ?? []).map((d) => d ?? '?').join(', ')}]`,
      'give the input shape (--input-shape)',
    );
  }
  const tensors = listOnnxTensors(model);
  const session = await createSession(
    exposeTensors(
      model,
      tensors.map((t) => t.name),
    ),
    1,
  );
  try {
    const shape = (dims as number[]).map((d, i) => (i === 0 ? 1 : d));
    const feed = new ort.Tensor('float32', new Float32Array(sizeOf(shape)), shape);
    const result = await session.run(
      { [input.name]: feed },
      tensors.map((t) => t.name),
    );
    return tensors.map((t) => {
      const r = result[t.name] as ort.Tensor | undefined;
      return { ...t, shape: r ? [null, ...r.dims.slice(1).map(Number)] : t.shape };
    });
  } finally {
    await session.release();
  }
}
