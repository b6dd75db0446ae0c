/**
 * Test-only writers of TensorFlow.js model files, independent of the code under test: a GraphDef
 * in the JSON form tensorflowjs_converter emits (a small CNN), weights encoded as float32, float16
 * (our own round-to-nearest-even encoder) or uint8/uint16 (affine, round to nearest), and split
 * into shards and groups as the converter does. Decoding is TensorFlow.js' own.
 */
import type { SavedModel } from '../../src/nn/modelIO.js';
import type { WeightSpec, WeightsManifestGroup } from '../../src/nn/weightsManifest.js';

export type Encoding = 'float32' | 'float16' | 'uint8' | 'uint16';

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** IEEE half-float bits of `x` (round to nearest even; overflow to infinity). */
export function float16Bits(x: number): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (Number.isNaN(x)) return 0x7e00;
  if (a < 2 ** -14) return sign | roundHalfEven(a / 2 ** -24); // subnormal (1024 = smallest normal)
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  let mant = roundHalfEven((a / 2 ** e - 1) * 1024);
  if (mant === 1024) {
    mant = 0;
    e++;
  }
  if (e + 15 >= 31) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | mant;
}

export interface NamedWeight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: ArrayLike<number>;
}

/** Encodes weights one after another; float32 weights in `encoding`, int32 weights as is. */
export function encodeWeights(
  weights: NamedWeight[],
  encoding: Encoding,
): { specs: WeightSpec[]; bytes: Uint8Array } {
  const chunks: Uint8Array[] = [];
  const specs: WeightSpec[] = [];
  for (const w of weights) {
    const n = w.values.length;
    if (w.dtype === 'int32' || encoding === 'float32') {
      const arr = w.dtype === 'int32' ? Int32Array.from(w.values) : Float32Array.from(w.values);
      chunks.push(new Uint8Array(arr.buffer));
      specs.push({ name: w.name, shape: w.shape, dtype: w.dtype });
    } else if (encoding === 'float16') {
      const arr = new Uint16Array(n);
      for (let i = 0; i < n; i++) arr[i] = float16Bits(w.values[i]);
      chunks.push(new Uint8Array(arr.buffer));
      specs.push({
        name: w.name,
        shape: w.shape,
        dtype: 'float32',
        quantization: { dtype: 'float16' },
      });
    } else {
      const levels = encoding === 'uint8' ? 255 : 65535;
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < n; i++) {
        min = Math.min(min, w.values[i]);
        max = Math.max(max, w.values[i]);
      }
      const scale = max > min ? (max - min) / levels : 1;
      const arr = encoding === 'uint8' ? new Uint8Array(n) : new Uint16Array(n);
      for (let i = 0; i < n; i++)
        arr[i] = Math.min(levels, Math.max(0, Math.round((w.values[i] - min) / scale)));
      chunks.push(new Uint8Array(arr.buffer));
      specs.push({
        name: w.name,
        shape: w.shape,
        dtype: 'float32',
        quantization: { dtype: encoding, scale, min },
      });
    }
  }
  const bytes = new Uint8Array(chunks.reduce((s, c) => s + c.byteLength, 0));
  let o = 0;
  for (const c of chunks) {
    bytes.set(c, o);
    o += c.byteLength;
  }
  return { specs, bytes };
}

/**
 * Splits encoded weights into groups (`groupSizes[g]` weights each, the last takes the rest) and
 * each group into shards of at most `shardBytes`, named as the converter names them.
 */
export function shard(
  specs: WeightSpec[],
  bytes: Uint8Array,
  shardBytes: number,
  groupSizes: number[] = [],
): { manifest: WeightsManifestGroup[]; files: Record<string, Uint8Array> } {
  const sizes = [...groupSizes, specs.length - groupSizes.reduce((a, b) => a + b, 0)];
  const manifest: WeightsManifestGroup[] = [];
  const files: Record<string, Uint8Array> = {};
  let first = 0;
  let offset = 0;
  sizes.forEach((count, g) => {
    const weights = specs.slice(first, first + count);
    first += count;
    const length = weights.reduce((s, w) => s + byteLength(w), 0);
    const group = bytes.subarray(offset, offset + length);
    offset += length;
    const parts = Math.max(1, Math.ceil(length / shardBytes));
    const paths: string[] = [];
    for (let p = 0; p < parts; p++) {
      const path = `group${g + 1}-shard${p + 1}of${parts}.bin`;
      files[path] = group.slice(p * shardBytes, Math.min(length, (p + 1) * shardBytes));
      paths.push(path);
    }
    manifest.push({ paths, weights });
  });
  return { manifest, files };
}

function byteLength(w: WeightSpec): number {
  const n = w.shape.reduce((a, b) => a * b, 1);
  const q = w.quantization?.dtype;
  return n * (q === 'uint8' ? 1 : q === 'uint16' || q === 'float16' ? 2 : 4);
}

/** The files' bytes joined in manifest order, as the CLI reads them. */
export function joinedWeights(
  manifest: WeightsManifestGroup[],
  files: Record<string, Uint8Array>,
): Uint8Array {
  const paths = manifest.flatMap((g) => g.paths);
  const out = new Uint8Array(paths.reduce((s, p) => s + files[p].byteLength, 0));
  let o = 0;
  for (const p of paths) {
    out.set(files[p], o);
    o += files[p].byteLength;
  }
  return out;
}

// ---- a GraphDef in tensorflowjs_converter's JSON form --------------------------------------

const b64 = (s: string) => Buffer.from(s).toString('base64');
const T = { type: 'DT_FLOAT' };
const ints = (xs: number[]) => ({ list: { i: xs.map(String) } });
const dims = (shape: number[]) => ({ dim: shape.map((d) => ({ size: String(d) })) });

function constNode(w: NamedWeight) {
  const dt = w.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT';
  return {
    name: w.name,
    op: 'Const',
    attr: { value: { tensor: { dtype: dt, tensorShape: dims(w.shape) } }, dtype: { type: dt } },
  };
}

/** Weights of the small CNN below, drawn from `rand` (uniform in [-1, 1) scaled). */
export interface CnnWeights {
  conv: Float32Array; // [3, 3, cin, 4]
  convBias: Float32Array; // [4]
  dense: Float32Array; // [(h/2)(w/2)4, 5]
  denseBias: Float32Array; // [5]
  logits: Float32Array; // [5, 3]
  logitsBias: Float32Array; // [3]
}

export function cnnWeights(rand: () => number, h: number, w: number, cin: number): CnnWeights {
  const draw = (n: number, s: number) =>
    Float32Array.from({ length: n }, () => s * (2 * rand() - 1));
  const flat = (h / 2) * (w / 2) * 4;
  return {
    conv: draw(9 * cin * 4, 0.5),
    convBias: draw(4, 0.1),
    dense: draw(flat * 5, 0.3),
    denseBias: draw(5, 0.1),
    logits: draw(15, 0.5),
    logitsBias: draw(3, 0.1),
  };
}

/** The CNN's weights as named graph constants (plus the Reshape target, int32). */
export function cnnNamedWeights(p: CnnWeights, h: number, w: number, cin: number): NamedWeight[] {
  const flat = (h / 2) * (w / 2) * 4;
  return [
    { name: 'conv1/kernel', shape: [3, 3, cin, 4], dtype: 'float32', values: p.conv },
    { name: 'conv1/bias', shape: [4], dtype: 'float32', values: p.convBias },
    { name: 'flatten/shape', shape: [2], dtype: 'int32', values: [-1, flat] },
    { name: 'dense1/kernel', shape: [flat, 5], dtype: 'float32', values: p.dense },
    { name: 'dense1/bias', shape: [5], dtype: 'float32', values: p.denseBias },
    { name: 'logits/kernel', shape: [5, 3], dtype: 'float32', values: p.logits },
    { name: 'logits/bias', shape: [3], dtype: 'float32', values: p.logitsBias },
  ];
}

/**
 * The GraphDef of x [?, h, w, cin] -> Conv2D 3x3 SAME + BiasAdd -> Relu (`conv1/Relu`) -> MaxPool
 * 2x2 (`pool1/MaxPool`) -> Reshape (`flatten/Reshape`) -> MatMul + BiasAdd -> Relu (`dense1/Relu`)
 * -> MatMul + BiasAdd (`logits/BiasAdd`) -> Softmax (`probs`) -> Identity (`Identity`).
 */
export function cnnGraphDef(weights: NamedWeight[], h: number, w: number, cin: number, batch = -1) {
  const node = (name: string, op: string, input: string[], attr: object = { T }) => ({
    name,
    op,
    input,
    attr,
  });
  return {
    node: [
      {
        name: 'x',
        op: 'Placeholder',
        attr: { dtype: T, shape: { shape: dims([batch, h, w, cin]) } },
      },
      ...weights.map(constNode),
      node('conv1/Conv2D', 'Conv2D', ['x', 'conv1/kernel'], {
        T,
        strides: ints([1, 1, 1, 1]),
        padding: { s: b64('SAME') },
        data_format: { s: b64('NHWC') },
        dilations: ints([1, 1, 1, 1]),
      }),
      node('conv1/BiasAdd', 'BiasAdd', ['conv1/Conv2D', 'conv1/bias'], {
        T,
        data_format: { s: b64('NHWC') },
      }),
      node('conv1/Relu', 'Relu', ['conv1/BiasAdd']),
      node('pool1/MaxPool', 'MaxPool', ['conv1/Relu'], {
        T,
        ksize: ints([1, 2, 2, 1]),
        strides: ints([1, 2, 2, 1]),
        padding: { s: b64('VALID') },
        data_format: { s: b64('NHWC') },
      }),
      node('flatten/Reshape', 'Reshape', ['pool1/MaxPool', 'flatten/shape'], {
        T,
        Tshape: { type: 'DT_INT32' },
      }),
      node('dense1/MatMul', 'MatMul', ['flatten/Reshape', 'dense1/kernel'], {
        T,
        transpose_a: { b: false },
        transpose_b: { b: false },
      }),
      node('dense1/BiasAdd', 'BiasAdd', ['dense1/MatMul', 'dense1/bias']),
      node('dense1/Relu', 'Relu', ['dense1/BiasAdd']),
      node('logits/MatMul', 'MatMul', ['dense1/Relu', 'logits/kernel'], {
        T,
        transpose_a: { b: false },
        transpose_b: { b: false },
      }),
      node('logits/BiasAdd', 'BiasAdd', ['logits/MatMul', 'logits/bias']),
      node('probs', 'Softmax', ['logits/BiasAdd']),
      node('Identity', 'Identity', ['probs']),
    ],
    library: {},
    versions: { producer: 1482 },
  };
}

/** A graph-model model.json and its shard files. */
export function graphModelFiles(
  topology: object,
  weights: NamedWeight[],
  encoding: Encoding,
  shardBytes = 1 << 22,
  groupSizes: number[] = [],
  extra: Record<string, unknown> = {},
): { modelJson: string; files: Record<string, Uint8Array> } {
  const { specs, bytes } = encodeWeights(weights, encoding);
  const { manifest, files } = shard(specs, bytes, shardBytes, groupSizes);
  const modelJson = JSON.stringify({
    format: 'graph-model',
    generatedBy: '2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: topology,
    weightsManifest: manifest,
    ...extra,
  });
  return { modelJson, files };
}

/** The SavedModel (joined shards) of a model.json and its files. */
export function savedFrom(modelJson: string, files: Record<string, Uint8Array>): SavedModel {
  const manifest = (JSON.parse(modelJson) as { weightsManifest: WeightsManifestGroup[] })
    .weightsManifest;
  return {
    modelJson,
    weights: joinedWeights(manifest, files),
    weightFiles: manifest.flatMap((g) => g.paths),
  };
}

/** A layers-model model.json re-encoded: its float32 weights quantised and sharded. */
export function requantiseLayersModel(
  saved: SavedModel,
  encoding: Encoding,
  shardBytes: number,
): { modelJson: string; files: Record<string, Uint8Array> } {
  const json = JSON.parse(saved.modelJson) as { weightsManifest: WeightsManifestGroup[] };
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const view = new DataView(saved.weights.buffer, saved.weights.byteOffset);
  let o = 0;
  const weights: NamedWeight[] = specs.map((s) => {
    const n = s.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = view.getFloat32(o + 4 * i, true);
    o += 4 * n;
    return { name: s.name, shape: s.shape, dtype: 'float32', values };
  });
  const enc = encodeWeights(weights, encoding);
  const { manifest, files } = shard(enc.specs, enc.bytes, shardBytes);
  return { modelJson: JSON.stringify({ ...json, weightsManifest: manifest }), files };
}

/**
 * Token ids [?, length] (int32) -> GatherV2 from an embedding [vocab, dim] (`embed`) -> Mean over
 * the tokens (`pooled`) -> Relu (`out`).
 */
export function tokenGraphDef(length: number, vocab: number, dim: number) {
  const weights: NamedWeight[] = [
    {
      name: 'embedding',
      shape: [vocab, dim],
      dtype: 'float32',
      values: Float32Array.from({ length: vocab * dim }, (_, i) => Math.sin(i + 1)),
    },
    { name: 'gather/axis', shape: [], dtype: 'int32', values: [0] },
    { name: 'mean/axis', shape: [1], dtype: 'int32', values: [1] },
  ];
  const topology = {
    node: [
      {
        name: 'ids',
        op: 'Placeholder',
        attr: { dtype: { type: 'DT_INT32' }, shape: { shape: dims([-1, length]) } },
      },
      ...weights.map(constNode),
      {
        name: 'embed',
        op: 'GatherV2',
        input: ['embedding', 'ids', 'gather/axis'],
        attr: {
          Tparams: T,
          Tindices: { type: 'DT_INT32' },
          Taxis: { type: 'DT_INT32' },
          batch_dims: { i: '0' },
        },
      },
      {
        name: 'pooled',
        op: 'Mean',
        input: ['embed', 'mean/axis'],
        attr: { T, Tidx: { type: 'DT_INT32' }, keep_dims: { b: false } },
      },
      { name: 'out', op: 'Relu', input: ['pooled'], attr: { T } },
    ],
    library: {},
    versions: { producer: 1482 },
  };
  return { topology, weights };
}

/** Two float inputs a, b [?, 3] -> AddV2 (`sum`) -> Relu (`out`); one weight-free graph. */
export function twoInputGraphDef() {
  const input = (name: string) => ({
    name,
    op: 'Placeholder',
    attr: { dtype: T, shape: { shape: dims([-1, 3]) } },
  });
  return {
    topology: {
      node: [
        input('a'),
        input('b'),
        { name: 'sum', op: 'AddV2', input: ['a', 'b'], attr: { T } },
        { name: 'out', op: 'Relu', input: ['sum'], attr: { T } },
      ],
      library: {},
      versions: { producer: 1482 },
    },
    weights: [] as NamedWeight[],
  };
}

/**
 * The same CNN as `cnnGraphDef` as tensorflowjs_converter writes a converted Keras model: conv,
 * bias and ReLU fused into one `_FusedConv2D`, dense layers as `_FusedMatMul`, node names under
 * `StatefulPartitionedCall/`, the input node `input_1` and a serving signature naming it `image`.
 */
export function fusedCnnModelJson(
  weights: NamedWeight[],
  h: number,
  w: number,
  cin: number,
): { topology: object; signature: object; weights: NamedWeight[] } {
  const p = 'StatefulPartitionedCall/sequential/';
  const renamed = weights.map((x) => ({ ...x, name: p + x.name }));
  const fused = (ops: string[]) => ({
    fused_ops: { list: { s: ops.map(b64) } },
    num_args: { i: '1' },
    epsilon: { f: 0 },
  });
  const topology = {
    node: [
      {
        name: 'input_1',
        op: 'Placeholder',
        attr: { dtype: T, shape: { shape: dims([-1, h, w, cin]) } },
      },
      ...renamed.map(constNode),
      {
        name: p + 'conv1/Relu',
        op: '_FusedConv2D',
        input: ['input_1', p + 'conv1/kernel', p + 'conv1/bias'],
        attr: {
          T,
          strides: ints([1, 1, 1, 1]),
          padding: { s: b64('SAME') },
          data_format: { s: b64('NHWC') },
          dilations: ints([1, 1, 1, 1]),
          ...fused(['BiasAdd', 'Relu']),
        },
      },
      {
        name: p + 'pool1/MaxPool',
        op: 'MaxPool',
        input: [p + 'conv1/Relu'],
        attr: {
          T,
          ksize: ints([1, 2, 2, 1]),
          strides: ints([1, 2, 2, 1]),
          padding: { s: b64('VALID') },
          data_format: { s: b64('NHWC') },
        },
      },
      {
        name: p + 'flatten/Reshape',
        op: 'Reshape',
        input: [p + 'pool1/MaxPool', p + 'flatten/shape'],
        attr: { T, Tshape: { type: 'DT_INT32' } },
      },
      {
        name: p + 'dense1/Relu',
        op: '_FusedMatMul',
        input: [p + 'flatten/Reshape', p + 'dense1/kernel', p + 'dense1/bias'],
        attr: {
          T,
          transpose_a: { b: false },
          transpose_b: { b: false },
          ...fused(['BiasAdd', 'Relu']),
        },
      },
      {
        name: p + 'logits/BiasAdd',
        op: '_FusedMatMul',
        input: [p + 'dense1/Relu', p + 'logits/kernel', p + 'logits/bias'],
        attr: { T, transpose_a: { b: false }, transpose_b: { b: false }, ...fused(['BiasAdd']) },
      },
      { name: p + 'probs', op: 'Softmax', input: [p + 'logits/BiasAdd'], attr: { T } },
      { name: 'Identity', op: 'Identity', input: [p + 'probs'], attr: { T } },
    ],
    library: {},
    versions: { producer: 1482 },
  };
  const signature = {
    inputs: {
      image: { name: 'input_1:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, h, w, cin]) },
    },
    outputs: { probs: { name: 'Identity:0', dtype: 'DT_FLOAT', tensorShape: dims([-1, 3]) } },
  };
  return { topology, signature, weights: renamed };
}
