import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/nn/backend.js';
import {
  captureGraphModel,
  graphModelInputs,
  listGraphNodes,
  loadGraphModel,
  probeGraphShapes,
} from '../../src/nn/graphModel.js';
import { loadModel } from '../../src/nn/modelIO.js';
import { captureActivations } from '../../src/nn/capture.js';
import { quantizationErrorBound } from '../../src/nn/weightsManifest.js';
import { createRng } from '../../src/core/rng.js';
import type { TensorData } from '../../src/nn/tensorData.js';
// a graph model written by tensorflowjs_converter (converted Keras model), shipped in tfjs-converter
import { STRUCTURED_OUTPUTS_MODEL } from '@tensorflow/tfjs-converter/dist/executor/test_data/structured_outputs_model_loader.js';
import { HASH_TABLE_MODEL_V2 } from '@tensorflow/tfjs-converter/dist/executor/test_data/hash_table_v2_model_loader.js';
import {
  cnnGraphDef,
  cnnNamedWeights,
  cnnWeights,
  fusedCnnModelJson,
  graphModelFiles,
  savedFrom,
  tokenGraphDef,
  twoInputGraphDef,
  type CnnWeights,
  type Encoding,
} from './graphFixtures.js';

const H = 6;
const W = 6;
const C = 2;
const N = 7;
const rng = createRng(3);
const params: CnnWeights = cnnWeights(() => rng.next(), H, W, C);
const named = cnnNamedWeights(params, H, W, C);
const x = Float32Array.from({ length: N * H * W * C }, () => rng.next());

/** Per-weight error bound of an encoding, as the manifest states it (0 for float32). */
function epsilons(values: Float32Array, encoding: Encoding): Float64Array {
  if (encoding === 'float32') return new Float64Array(values.length);
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const q =
    encoding === 'float16'
      ? { dtype: 'float16' as const }
      : { dtype: encoding, scale: (max - min) / (encoding === 'uint8' ? 255 : 65535), min };
  return Float64Array.from(values, (v) => quantizationErrorBound(q, v));
}

interface Layer {
  v: Float64Array; // value computed in float64 with the original weights
  b: Float64Array; // bound on |quantised-model value - v|
  m: Float64Array; // magnitude sum |w||x| + |b| (scale of the float32 rounding)
}

/**
 * The CNN by hand in float64 with the original weights, with, per value, a bound on how far the
 * model with quantised weights can be: for y = sum w x + c, |y' - y| <= sum (|w| + e_w) |x' - x|
 * + sum e_w |x| + e_c (exact, since |w'| <= |w| + e_w); ReLU and max pooling do not increase it.
 */
function handForward(encoding: Encoding): Record<string, Layer> {
  const e = {
    conv: epsilons(params.conv, encoding),
    convBias: epsilons(params.convBias, encoding),
    dense: epsilons(params.dense, encoding),
    denseBias: epsilons(params.denseBias, encoding),
    logits: epsilons(params.logits, encoding),
    logitsBias: epsilons(params.logitsBias, encoding),
  };
  const conv: Layer = {
    v: new Float64Array(N * H * W * 4),
    b: new Float64Array(N * H * W * 4),
    m: new Float64Array(N * H * W * 4),
  };
  for (let n = 0; n < N; n++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++)
        for (let o = 0; o < 4; o++) {
          let v = params.convBias[o];
          let b = e.convBias[o];
          let m = Math.abs(params.convBias[o]);
          for (let di = 0; di < 3; di++)
            for (let dj = 0; dj < 3; dj++)
              for (let c = 0; c < C; c++) {
                const ii = i + di - 1;
                const jj = j + dj - 1;
                if (ii < 0 || jj < 0 || ii >= H || jj >= W) continue;
                const xv = x[((n * H + ii) * W + jj) * C + c];
                const k = ((di * 3 + dj) * C + c) * 4 + o;
                v += xv * params.conv[k];
                b += e.conv[k] * Math.abs(xv);
                m += Math.abs(xv * params.conv[k]);
              }
          const at = ((n * H + i) * W + j) * 4 + o;
          conv.v[at] = Math.max(0, v);
          conv.b[at] = b;
          conv.m[at] = m;
        }
  const h2 = H / 2;
  const w2 = W / 2;
  const pool: Layer = {
    v: new Float64Array(N * h2 * w2 * 4),
    b: new Float64Array(N * h2 * w2 * 4),
    m: new Float64Array(N * h2 * w2 * 4),
  };
  for (let n = 0; n < N; n++)
    for (let i = 0; i < h2; i++)
      for (let j = 0; j < w2; j++)
        for (let o = 0; o < 4; o++) {
          const at = ((n * h2 + i) * w2 + j) * 4 + o;
          pool.v[at] = -Infinity;
          for (let di = 0; di < 2; di++)
            for (let dj = 0; dj < 2; dj++) {
              const from = ((n * H + 2 * i + di) * W + 2 * j + dj) * 4 + o;
              pool.v[at] = Math.max(pool.v[at], conv.v[from]);
              pool.b[at] = Math.max(pool.b[at], conv.b[from]);
              pool.m[at] = Math.max(pool.m[at], conv.m[from]);
            }
        }
  const dense = (
    input: Layer,
    inDim: number,
    outDim: number,
    w: Float32Array,
    bias: Float32Array,
    ew: Float64Array,
    eb: Float64Array,
    relu: boolean,
  ): Layer => {
    const out: Layer = {
      v: new Float64Array(N * outDim),
      b: new Float64Array(N * outDim),
      m: new Float64Array(N * outDim),
    };
    for (let n = 0; n < N; n++)
      for (let o = 0; o < outDim; o++) {
        let v = bias[o];
        let b = eb[o];
        let m = Math.abs(bias[o]);
        for (let i = 0; i < inDim; i++) {
          const xv = input.v[n * inDim + i];
          const k = i * outDim + o;
          v += xv * w[k];
          b += (Math.abs(w[k]) + ew[k]) * input.b[n * inDim + i] + ew[k] * Math.abs(xv);
          m += Math.abs(w[k]) * input.m[n * inDim + i] + Math.abs(bias[o]);
        }
        out.v[n * outDim + o] = relu ? Math.max(0, v) : v;
        out.b[n * outDim + o] = b;
        out.m[n * outDim + o] = m;
      }
    return out;
  };
  const flat = h2 * w2 * 4;
  const d1 = dense(pool, flat, 5, params.dense, params.denseBias, e.dense, e.denseBias, true);
  const lg = dense(d1, 5, 3, params.logits, params.logitsBias, e.logits, e.logitsBias, false);
  return {
    'conv1/Relu': conv,
    'pool1/MaxPool': pool,
    'flatten/Reshape': pool,
    'dense1/Relu': d1,
    'logits/BiasAdd': lg,
  };
}

const CAPTURED = [
  'conv1/Relu',
  'pool1/MaxPool',
  'flatten/Reshape',
  'dense1/Relu',
  'logits/BiasAdd',
];
// float32 arithmetic of the model: a few rounding errors of 2^-24 relative to the magnitude
const ROUNDING = 2 ** -24 * 64;

async function graphModel(encoding: Encoding, shardBytes = 1 << 22, groups: number[] = []) {
  const g = graphModelFiles(cnnGraphDef(named, H, W, C), named, encoding, shardBytes, groups);
  return loadGraphModel(savedFrom(g.modelJson, g.files), 'cnn/model.json');
}

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('graph models (tensorflowjs_converter format)', () => {
  it('lists nodes without weights, inputs with open batch, shapes from a probe', async () => {
    const model = await graphModel('float32');
    expect(graphModelInputs(model)).toEqual([
      { name: 'x', shape: [null, H, W, C], dtype: 'float32' },
    ]);
    const nodes = listGraphNodes(model);
    expect(nodes.map((n) => n.name)).toEqual([
      'x',
      'conv1/Conv2D',
      'conv1/BiasAdd',
      'conv1/Relu',
      'pool1/MaxPool',
      'flatten/Reshape',
      'dense1/MatMul',
      'dense1/BiasAdd',
      'dense1/Relu',
      'logits/MatMul',
      'logits/BiasAdd',
      'probs',
      'Identity',
    ]);
    expect(nodes[2]).toEqual({
      name: 'conv1/BiasAdd',
      op: 'BiasAdd',
      inputs: ['conv1/Conv2D', 'conv1/bias'],
      shape: null,
    });
    const probed = await probeGraphShapes(model);
    const shapes = Object.fromEntries(probed.map((n) => [n.name, n.shape]));
    expect(shapes['x']).toEqual([null, H, W, C]);
    expect(shapes['conv1/Relu']).toEqual([null, H, W, 4]);
    expect(shapes['pool1/MaxPool']).toEqual([null, 3, 3, 4]);
    expect(shapes['flatten/Reshape']).toEqual([null, 36]);
    expect(shapes['Identity']).toEqual([null, 3]);
    model.dispose();
  });

  it('captures intermediate nodes equal to the computation by hand (float64, to float32 rounding)', async () => {
    const model = await graphModel('float32');
    const got = await captureGraphModel(
      model,
      { data: x, shape: [N, H, W, C] },
      {
        nodes: CAPTURED,
        batchSize: 3,
      },
    );
    const ref = handForward('float32');
    for (const name of CAPTURED) {
      const g = got[name].data;
      expect(g.length).toBe(ref[name].v.length);
      for (let i = 0; i < g.length; i++)
        expect(Math.abs(g[i] - ref[name].v[i])).toBeLessThanOrEqual(
          ROUNDING * ref[name].m[i] + 1e-30,
        );
    }
    expect(got['flatten/Reshape'].shape).toEqual([N, 36]);
    expect(got['conv1/Relu'].shape).toEqual([N, H, W, 4]);
    model.dispose();
  });

  it('captures the same as an equivalent layers model', async () => {
    const model = await graphModel('float32');
    const seq = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [H, W, C],
          filters: 4,
          kernelSize: 3,
          padding: 'same',
          activation: 'relu',
          name: 'conv',
        }),
        tf.layers.maxPooling2d({ poolSize: 2, name: 'pool' }),
        tf.layers.flatten({ name: 'flat' }),
        tf.layers.dense({ units: 5, activation: 'relu', name: 'd1' }),
        tf.layers.dense({ units: 3, name: 'logits' }),
      ],
    });
    seq.setWeights([
      tf.tensor(params.conv, [3, 3, C, 4]),
      tf.tensor(params.convBias, [4]),
      tf.tensor(params.dense, [36, 5]),
      tf.tensor(params.denseBias, [5]),
      tf.tensor(params.logits, [5, 3]),
      tf.tensor(params.logitsBias, [3]),
    ]);
    const inputs = { data: x, shape: [N, H, W, C] };
    const a = await captureActivations(seq, inputs, { layers: ['conv', 'flat', 'd1', 'logits'] });
    const b = await captureGraphModel(model, inputs, {
      nodes: ['conv1/Relu', 'flatten/Reshape', 'dense1/Relu', 'logits/BiasAdd'],
    });
    const pairs: [string, string][] = [
      ['conv', 'conv1/Relu'],
      ['flat', 'flatten/Reshape'],
      ['d1', 'dense1/Relu'],
      ['logits', 'logits/BiasAdd'],
    ];
    for (const [l, n] of pairs) {
      expect(b[n].shape).toEqual(a[l].shape);
      a[l].data.forEach((v, i) => expect(b[n].data[i]).toBeCloseTo(v, 5));
    }
    seq.dispose();
    model.dispose();
  });

  it.each(['float16', 'uint16', 'uint8'] as const)(
    '%s-quantised weights in several shards and groups: capture within the propagated quantisation bound',
    async (encoding) => {
      // shards of 100 bytes split weights across files; two groups as the converter may write
      const model = await graphModel(encoding, 100, [3]);
      const got = await captureGraphModel(
        model,
        { data: x, shape: [N, H, W, C] },
        { nodes: CAPTURED },
      );
      const ref = handForward(encoding);
      let worst = 0;
      let largest = 0;
      for (const name of CAPTURED) {
        const g = got[name].data;
        for (let i = 0; i < g.length; i++) {
          const err = Math.abs(g[i] - ref[name].v[i]);
          const bound = ref[name].b[i] + ROUNDING * ref[name].m[i];
          expect(err).toBeLessThanOrEqual(bound);
          worst = Math.max(worst, err / bound);
          largest = Math.max(largest, err);
        }
      }
      // the quantisation did change the activations, and the bound is not vacuous
      expect(largest).toBeGreaterThan(0);
      expect(worst).toBeGreaterThan(0.2);
      model.dispose();
    },
  );

  it.each(['float16', 'uint16', 'uint8'] as const)(
    '%s: each weight as tfjs dequantises it is within quantizationErrorBound, and the bound is reached',
    async (encoding) => {
      const model = await graphModel(encoding, 64);
      const loaded = model.weights;
      const originals: [string, Float32Array][] = [
        ['conv1/kernel', params.conv],
        ['dense1/kernel', params.dense],
        ['logits/kernel', params.logits],
      ];
      let worst = 0;
      for (const [name, values] of originals) {
        const got = loaded[name][0].dataSync();
        const eps = epsilons(values, encoding);
        for (let i = 0; i < values.length; i++) {
          const err = Math.abs(got[i] - values[i]);
          expect(err).toBeLessThanOrEqual(eps[i]);
          worst = Math.max(worst, err / eps[i]);
        }
      }
      // rounding to the nearest code comes within 10% of half a step somewhere
      expect(worst).toBeGreaterThan(0.9);
      // the int32 Reshape target is stored unquantised
      expect(Array.from(loaded['flatten/shape'][0].dataSync())).toEqual([-1, 36]);
      model.dispose();
    },
  );

  it('a converter-style model (fused ops, signature, StatefulPartitionedCall names) captures as by hand', async () => {
    const f = fusedCnnModelJson(named, H, W, C);
    const g = graphModelFiles(f.topology, f.weights, 'float32', 1 << 22, [], {
      signature: f.signature,
    });
    const model = await loadGraphModel(savedFrom(g.modelJson, g.files));
    expect(graphModelInputs(model)).toEqual([
      { name: 'input_1', shape: [null, H, W, C], dtype: 'float32', signatureKey: 'image' },
    ]);
    const p = 'StatefulPartitionedCall/sequential/';
    const ops = Object.fromEntries(listGraphNodes(model).map((n) => [n.name, n.op]));
    expect(ops[p + 'conv1/Relu']).toBe('_FusedConv2D');
    const ref = handForward('float32');
    const inputs = { data: x, shape: [N, H, W, C] };
    expect(model.inputNodes).toEqual(['image']);
    // one array, or a record keyed by the node name or the signature's key
    const givens: (TensorData | Record<string, TensorData>)[] = [
      inputs,
      { input_1: inputs },
      { image: inputs },
    ];
    for (const given of givens) {
      const got = await captureGraphModel(model, given, {
        nodes: [p + 'conv1/Relu', p + 'dense1/Relu', p + 'logits/BiasAdd'],
      });
      for (const name of ['conv1/Relu', 'dense1/Relu', 'logits/BiasAdd']) {
        const data = got[p + name].data;
        for (let i = 0; i < data.length; i++)
          expect(Math.abs(data[i] - ref[name].v[i])).toBeLessThanOrEqual(ROUNDING * ref[name].m[i]);
      }
    }
    const probed = await probeGraphShapes(model);
    expect(probed.find((n) => n.name === p + 'dense1/Relu')?.shape).toEqual([null, 5]);
    model.dispose();
  });

  it("a model tensorflowjs_converter wrote (tfjs-converter's own test data: Keras, three inputs, a signature)", async () => {
    const M = STRUCTURED_OUTPUTS_MODEL;
    const modelJson = JSON.stringify({
      format: M.format,
      generatedBy: M.generatedBy,
      convertedBy: M.convertedBy,
      modelTopology: M.modelTopology,
      signature: M.signature,
      userDefinedMetadata: M.userDefinedMetadata,
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: M.weightSpecs }],
    });
    const bytes = new Uint8Array(M.weightData);
    const model = await loadGraphModel({
      modelJson,
      weights: bytes,
      weightFiles: ['group1-shard1of1.bin'],
    });
    expect(
      graphModelInputs(model)
        .map((i) => [i.name, i.shape])
        .sort(),
    ).toEqual([
      ['input1', [null, 1]],
      ['input2', [null, 1]],
      ['input3', [null, 1]],
    ]);
    const wa = new Float32Array(bytes.buffer.slice(4, 12)); // a: Dense(1) on concat(input1, input3)
    const wb = new Float32Array(bytes.buffer.slice(12, 16)); // b: Dense(1) on input2
    const n = 4;
    const col = (k: number) => ({
      data: Float32Array.from({ length: n }, (_, i) => i + k / 10),
      shape: [n, 1],
    });
    const inputs = { input1: col(1), input2: col(2), input3: col(3) };
    const p = 'StatefulPartitionedCall/model/';
    const got = await captureGraphModel(model, inputs, {
      nodes: [p + 'concatenate/concat', p + 'a/MatMul', p + 'b/MatMul', p + 'c/mul'],
      batchSize: 3,
    });
    expect(got[p + 'concatenate/concat'].shape).toEqual([n, 2]);
    for (let i = 0; i < n; i++) {
      const [x1, x2, x3] = [inputs.input1.data[i], inputs.input2.data[i], inputs.input3.data[i]];
      const a = x1 * wa[0] + x3 * wa[1];
      const b = x2 * wb[0];
      expect(Array.from(got[p + 'concatenate/concat'].data.subarray(2 * i, 2 * i + 2))).toEqual([
        Math.fround(x1),
        Math.fround(x3),
      ]);
      expect(got[p + 'a/MatMul'].data[i]).toBeCloseTo(a, 6);
      expect(got[p + 'b/MatMul'].data[i]).toBeCloseTo(b, 6);
      expect(got[p + 'c/mul'].data[i]).toBeCloseTo(a * b, 6);
    }
    model.dispose();
  });

  it('a converter-written model with string weights and a string input loads, and capture says what it feeds', async () => {
    const M = HASH_TABLE_MODEL_V2;
    const modelJson = JSON.stringify({
      format: 'graph-model',
      modelTopology: M.modelTopology,
      signature: M.signature,
      modelInitializer: M.modelInitializer,
      weightsManifest: [{ paths: ['w.bin'], weights: M.weightSpecs }],
    });
    const weights = new Uint8Array(M.weightData);
    const model = await loadGraphModel({ modelJson, weights });
    expect(graphModelInputs(model).find((i) => i.name === 'input')?.dtype).toBe('string');
    await expect(
      captureGraphModel(
        model,
        { input: { data: new Float32Array(2), shape: [2] } },
        { nodes: ['Identity'] },
      ),
    ).rejects.toThrow(/input 'input' is of type string[\s\S]*float32 arrays .* and int32 arrays/);
    model.dispose();
    // the string weight's length prefixes are read: one byte short is an error naming it
    await expect(
      loadGraphModel({ modelJson, weights: weights.subarray(0, weights.length - 1) }),
    ).rejects.toThrow(/ends inside weight '116'/);
  });

  it('a fixed batch axis runs in batches of that size (the last padded) and keeps every row', async () => {
    const fixed = cnnGraphDef(named, H, W, C, 4);
    const g = graphModelFiles(fixed, named, 'float32');
    const model = await loadGraphModel(savedFrom(g.modelJson, g.files));
    const got = await captureGraphModel(
      model,
      { data: x, shape: [N, H, W, C] },
      {
        nodes: ['dense1/Relu'],
        batchSize: 64,
      },
    );
    const ref = handForward('float32')['dense1/Relu'];
    expect(got['dense1/Relu'].shape).toEqual([N, 5]);
    got['dense1/Relu'].data.forEach((v, i) => expect(v).toBeCloseTo(ref.v[i], 5));
    model.dispose();
  });

  it('token ids (int32 input): embedding lookup and mean pooling captured as computed by hand', async () => {
    const { topology, weights } = tokenGraphDef(4, 10, 3);
    const g = graphModelFiles(topology, weights, 'float32');
    const model = await loadGraphModel(savedFrom(g.modelJson, g.files));
    expect(graphModelInputs(model)).toEqual([{ name: 'ids', shape: [null, 4], dtype: 'int32' }]);
    const ids = Int32Array.from([0, 1, 2, 3, 9, 9, 9, 9, 5, 0, 5, 0]);
    const table = weights[0].values;
    // float ids are accepted when they are integers (the .npy reader gives floats)
    for (const data of [ids, Float32Array.from(ids)]) {
      const got = await captureGraphModel(
        model,
        { data, shape: [3, 4] },
        { nodes: ['pooled', 'out'] },
      );
      expect(got.pooled.shape).toEqual([3, 3]);
      for (let n = 0; n < 3; n++)
        for (let d = 0; d < 3; d++) {
          let mean = 0;
          for (let t = 0; t < 4; t++) mean += table[ids[n * 4 + t] * 3 + d] / 4;
          expect(got.pooled.data[n * 3 + d]).toBeCloseTo(mean, 6);
          expect(got.out.data[n * 3 + d]).toBeCloseTo(Math.max(0, mean), 6);
        }
    }
    await expect(
      captureGraphModel(
        model,
        { data: Float32Array.from({ length: 12 }, () => 0.5), shape: [3, 4] },
        { nodes: ['out'] },
      ),
    ).rejects.toThrow(/holds 0.5 but the model's input is int32/);
    const shapes = await probeGraphShapes(model);
    expect(shapes.map((n) => [n.name, n.shape])).toEqual([
      ['ids', [null, 4]],
      ['embed', [null, 4, 3]],
      ['pooled', [null, 3]],
      ['out', [null, 3]],
    ]);
    model.dispose();
  });

  it('several inputs: one array per input name; one array for two inputs is a clear error', async () => {
    const { topology, weights } = twoInputGraphDef();
    const g = graphModelFiles(topology, weights, 'float32');
    const model = await loadGraphModel(savedFrom(g.modelJson, g.files));
    const a = { data: Float32Array.from([1, -2, 3, 0, 0, 1]), shape: [2, 3] };
    const b = { data: Float32Array.from([1, 1, -4, 2, -1, 0]), shape: [2, 3] };
    const got = await captureGraphModel(model, { a, b }, { nodes: ['sum', 'out'], batchSize: 1 });
    expect(Array.from(got.sum.data)).toEqual([2, -1, -1, 2, -1, 1]);
    expect(Array.from(got.out.data)).toEqual([2, 0, 0, 2, 0, 1]);
    await expect(captureGraphModel(model, a, { nodes: ['out'] })).rejects.toThrow(
      /has 2 inputs \(a \[\?, 3\] float32, b \[\?, 3\] float32\) but one array was given/,
    );
    await expect(
      captureGraphModel(
        model,
        { a, b: { data: b.data.subarray(0, 3), shape: [1, 3] } },
        { nodes: ['out'] },
      ),
    ).rejects.toThrow(/different numbers of rows \(a: 2, b: 1\)/);
    await expect(captureGraphModel(model, { a, b, c: a }, { nodes: ['out'] })).rejects.toThrow(
      /no input named 'c'/,
    );
    model.dispose();
  });

  it('a graph with a dynamic op runs through executeAsync', async () => {
    const { topology, weights } = twoInputGraphDef();
    topology.node.push({
      name: 'where',
      op: 'Where',
      input: ['out'],
      attr: { T: { type: 'DT_FLOAT' } },
    } as never);
    const g = graphModelFiles(topology, weights, 'float32');
    const model = await loadGraphModel(savedFrom(g.modelJson, g.files));
    expect(() => model.execute({ a: tf.zeros([1, 3]), b: tf.zeros([1, 3]) }, ['where'])).toThrow(
      /executeAsync/,
    );
    const probed = await probeGraphShapes(model);
    // zero inputs: no true element, so Where gives [0, 2] (not a batch axis: kept whole)
    expect(probed.find((n) => n.name === 'where')?.shape).toEqual([0, 2]);
    const a = { data: Float32Array.from([1, 0, 3]), shape: [1, 3] };
    const b = { data: Float32Array.from([0, 0, 0]), shape: [1, 3] };
    // one input row, two non-zero positions: [2, 2] is not one row per input
    await expect(captureGraphModel(model, { a, b }, { nodes: ['where'] })).rejects.toThrow(
      /node 'where' has shape \[2, 2\], whose first axis is not the batch of 1 inputs/,
    );
    model.dispose();
  });

  it('an op the wasm backend lacks (Einsum, as converted attention layers use) names --backend cpu; it runs on cpu', async () => {
    const w = { name: 'w', shape: [3, 2], dtype: 'float32' as const, values: [1, 2, 3, 4, 5, 6] };
    const topology = {
      node: [
        {
          name: 'a',
          op: 'Placeholder',
          attr: {
            dtype: { type: 'DT_FLOAT' },
            shape: { shape: { dim: [{ size: '-1' }, { size: '3' }] } },
          },
        },
        {
          name: 'w',
          op: 'Const',
          attr: {
            value: {
              tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '3' }, { size: '2' }] } },
            },
            dtype: { type: 'DT_FLOAT' },
          },
        },
        {
          name: 'proj',
          op: 'Einsum',
          input: ['a', 'w'],
          attr: {
            equation: { s: Buffer.from('ij,jk->ik').toString('base64') },
            N: { i: '2' },
            T: { type: 'DT_FLOAT' },
          },
        },
      ],
      versions: {},
    };
    const g = graphModelFiles(topology, [w], 'float32');
    const a = { data: Float32Array.from([1, 0, -1, 2, 1, 0]), shape: [2, 3] };
    const onWasm = await loadGraphModel(savedFrom(g.modelJson, g.files));
    await expect(captureGraphModel(onWasm, a, { nodes: ['proj'] })).rejects.toThrow(
      /Kernel 'Einsum' not registered for backend 'wasm'[\s\S]*--backend cpu/,
    );
    onWasm.dispose();
    await initBackend({ backend: 'cpu' });
    try {
      const onCpu = await loadGraphModel(savedFrom(g.modelJson, g.files));
      const got = await captureGraphModel(onCpu, a, { nodes: ['proj'] });
      // [1, 0, -1] w = [1 - 5, 2 - 6]; [2, 1, 0] w = [2 + 3, 4 + 4]
      expect(Array.from(got.proj.data)).toEqual([-4, -4, 5, 8]);
      onCpu.dispose();
    } finally {
      await initBackend({ backend: 'wasm' });
    }
  });

  it('bad input: unknown node lists valid ones; wrong shape; layers/graph loaders refuse the other format; truncated shards', async () => {
    const model = await graphModel('float32');
    const inputs = { data: x, shape: [N, H, W, C] };
    await expect(captureGraphModel(model, inputs, { nodes: ['conv9'] })).rejects.toThrow(
      /no node named 'conv9'[\s\S]*valid nodes: x, conv1\/Conv2D/,
    );
    await expect(
      captureGraphModel(
        model,
        { data: new Float32Array(N * 5 * 5 * C), shape: [N, 5, 5, C] },
        { nodes: ['probs'] },
      ),
    ).rejects.toThrow(/shape \[7, 5, 5, 2\] but the model expects \[\?, 6, 6, 2\]/);
    await expect(captureGraphModel(model, { y: inputs }, { nodes: ['probs'] })).rejects.toThrow(
      /no array for the graph model's input 'x'/,
    );
    model.dispose();
    const g = graphModelFiles(cnnGraphDef(named, H, W, C), named, 'float16', 100);
    const saved = savedFrom(g.modelJson, g.files);
    await expect(loadModel(saved)).rejects.toThrow(/is a graph model/);
    const cut = { ...saved, weights: saved.weights.subarray(0, saved.weights.length - 3) };
    await expect(loadGraphModel(cut)).rejects.toThrow(
      /ends inside weight 'logits\/bias'[\s\S]*7 weights \(6 float16-quantised\)/,
    );
    const long = { ...saved, weights: new Uint8Array(saved.weights.length + 2) };
    await expect(loadGraphModel(long)).rejects.toThrow(/hold \d+ bytes but model.json describes/);
  });
});
