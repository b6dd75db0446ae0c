import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import onnxProto from 'onnx-proto';
import { initBackend } from '../../src/nn/backend.js';
import { vggNetwork } from '../../src/nn/architectures/index.js';
import { saveModel } from '../../src/nn/modelIO.js';
import { captureGraphModel } from '../../src/nn/graphModel.js';
import { globalAveragePooling } from '../../src/nn/pointClouds.js';
import { encodeNpyFloat32 } from '../../src/nn/npyWrite.js';
import { parseNpy } from '../../src/data/npy.js';
import { layersOf } from '../../src/cli/commands/layers.js';
import { runCapture } from '../../src/cli/commands/capture.js';
import { loadNetwork } from '../../src/cli/commands/nnModel.js';
import { createRng } from '../../src/core/rng.js';
import {
  cnnGraphDef,
  cnnNamedWeights,
  cnnWeights,
  graphModelFiles,
  requantiseLayersModel,
  tokenGraphDef,
  twoInputGraphDef,
} from '../nn/graphFixtures.js';

let dir = '';
const rng = createRng(11);
const N = 5;
const x = Float32Array.from({ length: N * 6 * 6 * 2 }, () => rng.next());
const base = {
  strategy: 'gap',
  batchSize: '2',
  seed: '0',
  cap: '10000',
  layout: 'NCHW',
  backend: 'wasm',
};

function writeModel(
  folder: string,
  model: { modelJson: string; files: Record<string, Uint8Array> },
) {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'model.json'), model.modelJson);
  for (const [name, bytes] of Object.entries(model.files)) writeFileSync(join(folder, name), bytes);
  return join(folder, 'model.json');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'topolens-graphcli-'));
  await initBackend({ backend: 'wasm' });
  const named = cnnNamedWeights(
    cnnWeights(() => rng.next(), 6, 6, 2),
    6,
    6,
    2,
  );
  writeModel(join(dir, 'cnn'), graphModelFiles(cnnGraphDef(named, 6, 6, 2), named, 'float16', 200));
  writeFileSync(join(dir, 'x.npy'), encodeNpyFloat32(x, [N, 6, 6, 2]));
  const vgg = vggNetwork({ inputShape: [6, 6, 2], widths: [3, 4], classes: 2, seed: 1 });
  writeModel(join(dir, 'vgg'), requantiseLayersModel(await saveModel(vgg), 'uint8', 128));
  vgg.dispose();
  const tokens = tokenGraphDef(4, 10, 3);
  writeModel(join(dir, 'tokens'), graphModelFiles(tokens.topology, tokens.weights, 'uint8'));
  writeFileSync(
    join(dir, 'ids.npy'),
    encodeNpyFloat32(Float32Array.from([1, 2, 3, 4, 0, 0, 9, 9]), [2, 4]),
  );
  const two = twoInputGraphDef();
  writeModel(join(dir, 'two'), graphModelFiles(two.topology, two.weights, 'float32'));
  writeFileSync(join(dir, 'rows.npy'), encodeNpyFloat32(new Float32Array(6), [2, 3]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('topolens layers / capture on graph models and quantised layers models', () => {
  it('layers lists a float16 graph model in 3 shards: nodes (not weights) with probed shapes', async () => {
    const rows = await layersOf(join(dir, 'cnn', 'model.json'));
    expect(rows.map((r) => r.name)).not.toContain('conv1/kernel');
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(byName['conv1/Relu']).toEqual({ name: 'conv1/Relu', type: 'Relu', shape: [6, 6, 4] });
    expect(byName['flatten/Reshape']).toEqual({
      name: 'flatten/Reshape',
      type: 'Reshape',
      shape: [36],
    });
    expect(byName['x']).toEqual({ name: 'x', type: 'Placeholder', shape: [6, 6, 2] });
  });

  it('layers on a graph input with open dimensions: no shapes, or shapes for --input-shape', async () => {
    // x [?, ?, 3] -> Relu: the probe cannot run without a length
    const single = {
      node: [
        {
          name: 'a',
          op: 'Placeholder',
          attr: {
            dtype: { type: 'DT_FLOAT' },
            shape: { shape: { dim: [{ size: '-1' }, { size: '-1' }, { size: '3' }] } },
          },
        },
        { name: 'r', op: 'Relu', input: ['a'], attr: { T: { type: 'DT_FLOAT' } } },
      ],
      versions: {},
    };
    const path = writeModel(join(dir, 'open'), graphModelFiles(single, [], 'float32'));
    expect(await layersOf(path)).toEqual([
      { name: 'a', type: 'Placeholder', shape: null },
      { name: 'r', type: 'Relu', shape: null },
    ]);
    expect((await layersOf(path, [1, 7, 3]))[1]).toEqual({
      name: 'r',
      type: 'Relu',
      shape: [7, 3],
    });
    expect((await layersOf(path, [7, 3]))[1]).toEqual({ name: 'r', type: 'Relu', shape: [7, 3] });
  });

  it('capture writes GAP and dense clouds equal to the library capture', async () => {
    const out = join(dir, 'out');
    const summary = await runCapture(
      join(dir, 'cnn', 'model.json'),
      { ...base, layers: 'conv1/Relu', inputs: join(dir, 'x.npy'), out },
      false,
    );
    expect(summary).toEqual([
      {
        layer: 'conv1/Relu',
        file: join(out, 'conv1_Relu.npy'),
        points: N,
        features: 4,
        strategy: 'gap',
      },
    ]);
    await runCapture(
      join(dir, 'cnn', 'model.json'),
      { ...base, strategy: 'dense', layers: 'dense1/Relu', inputs: join(dir, 'x.npy'), out },
      false,
    );
    const net = await loadNetwork(join(dir, 'cnn', 'model.json'));
    if (net.kind !== 'graph') throw new Error(`loaded as ${net.kind}`);
    const ref = await captureGraphModel(
      net.model,
      { data: x, shape: [N, 6, 6, 2] },
      {
        nodes: ['conv1/Relu', 'dense1/Relu'],
      },
    );
    net.model.dispose();
    const gap = globalAveragePooling(ref['conv1/Relu']).data;
    const written = parseNpy(readFileSync(join(out, 'conv1_Relu.npy')));
    expect(written.shape).toEqual([N, 4]);
    Array.from(written.data).forEach((v, i) => expect(v).toBeCloseTo(gap[i], 6));
    const dense = parseNpy(readFileSync(join(out, 'dense1_Relu.npy')));
    expect(dense.shape).toEqual([N, 5]);
    expect(Array.from(dense.data)).toEqual(Array.from(ref['dense1/Relu'].data));
  });

  it('a uint8-quantised layers model in several shards is listed and captured (it was refused)', async () => {
    const rows = await layersOf(join(dir, 'vgg', 'model.json'));
    expect(rows.find((r) => r.name === 'block2')).toEqual({
      name: 'block2',
      type: 'MaxPooling2D',
      shape: [1, 1, 4],
    });
    const out = join(dir, 'vgg-out');
    const summary = await runCapture(
      join(dir, 'vgg', 'model.json'),
      { ...base, layers: 'block1', inputs: join(dir, 'x.npy'), out },
      false,
    );
    expect(summary.map((s) => [s.points, s.features])).toEqual([[N, 3]]);
  });

  it('token ids from a float .npy feed an int32 graph input', async () => {
    const out = join(dir, 'tok-out');
    const summary = await runCapture(
      join(dir, 'tokens', 'model.json'),
      { ...base, strategy: 'dense', layers: 'pooled', inputs: join(dir, 'ids.npy'), out },
      false,
    );
    expect(summary.map((s) => [s.points, s.features])).toEqual([[2, 3]]);
    const got = parseNpy(readFileSync(join(out, 'pooled.npy'))).data;
    // row 1: ids 0, 0, 9, 9 -> mean of embedding rows 0 and 9 (uint8-quantised table sin(i + 1))
    const table = (i: number, d: number) => Math.sin(i * 3 + d + 1);
    for (let d = 0; d < 3; d++) expect(got[3 + d]).toBeCloseTo((table(0, d) + table(9, d)) / 2, 2);
  });

  it('several inputs from an .npz with one array per input name', async () => {
    const a = encodeNpyFloat32(Float32Array.from([1, -2, 3, 0, 0, 1]), [2, 3]);
    const b = encodeNpyFloat32(Float32Array.from([1, 1, -4, 2, -1, 0]), [2, 3]);
    writeFileSync(join(dir, 'ab.npz'), zipSync({ 'a.npy': a, 'b.npy': b }));
    const out = join(dir, 'ab-out');
    await runCapture(
      join(dir, 'two', 'model.json'),
      { ...base, strategy: 'dense', layers: 'sum,out', inputs: join(dir, 'ab.npz'), out },
      false,
    );
    expect(Array.from(parseNpy(readFileSync(join(out, 'sum.npy'))).data)).toEqual([
      2, -1, -1, 2, -1, 1,
    ]);
    expect(Array.from(parseNpy(readFileSync(join(out, 'out.npy'))).data)).toEqual([
      2, 0, 0, 2, 0, 1,
    ]);
    // a one-input model given two arrays; token ids that are not integers
    const opts = { ...base, layers: 'conv1/Relu', out: join(dir, 'bad-npz') };
    await expect(
      runCapture(join(dir, 'cnn', 'model.json'), { ...opts, inputs: join(dir, 'ab.npz') }, false),
    ).rejects.toThrow(/holds 2 arrays \(a, b\) but the model takes one input/);
    writeFileSync(
      join(dir, 'half.npy'),
      encodeNpyFloat32(Float32Array.from([1, 2, 3, 0.5]), [1, 4]),
    );
    await expect(
      runCapture(
        join(dir, 'tokens', 'model.json'),
        { ...opts, layers: 'pooled', inputs: join(dir, 'half.npy') },
        false,
      ),
    ).rejects.toThrow(/holds 0.5 at flat index 3 but the model takes integers/);
  });

  it('an ONNX model with an int64 input (token ids) is fed integers', async () => {
    const { onnx } = onnxProto;
    const vi = (name: string, elemType: number) =>
      onnx.ValueInfoProto.create({
        name,
        type: {
          tensorType: { elemType, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 3 }] } },
        },
      });
    const T = onnx.TensorProto.DataType;
    const model = onnx.ModelProto.create({
      irVersion: 7,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'ids',
        node: [
          {
            name: 'cast',
            opType: 'Cast',
            input: ['ids'],
            output: ['f'],
            attribute: [{ name: 'to', type: 2, i: T.FLOAT }],
          },
          { name: 'neg', opType: 'Neg', input: ['f'], output: ['y'] },
        ],
        input: [vi('ids', T.INT64)],
        output: [vi('y', T.FLOAT)],
      },
    });
    writeFileSync(join(dir, 'ids.onnx'), onnx.ModelProto.encode(model).finish());
    writeFileSync(
      join(dir, 'ids3.npy'),
      encodeNpyFloat32(Float32Array.from([1, 2, 3, 7, 8, 9]), [2, 3]),
    );
    const out = join(dir, 'ids-out');
    await runCapture(
      join(dir, 'ids.onnx'),
      { ...base, strategy: 'dense', layers: 'y', inputs: join(dir, 'ids3.npy'), out },
      false,
    );
    expect(Array.from(parseNpy(readFileSync(join(out, 'y.npy'))).data)).toEqual([
      -1, -2, -3, -7, -8, -9,
    ]);
  });

  it('clear errors: a missing shard is named; two inputs from one array; unknown node', async () => {
    const opts = { ...base, inputs: join(dir, 'rows.npy'), out: join(dir, 'bad') };
    await expect(
      runCapture(join(dir, 'two', 'model.json'), { ...opts, layers: 'out' }, false),
    ).rejects.toThrow(/the graph model has 2 inputs \(a \[\?, 3\] float32, b \[\?, 3\] float32\)/);
    await expect(
      runCapture(join(dir, 'cnn', 'model.json'), { ...opts, layers: 'conv2/Relu' }, false),
    ).rejects.toThrow(/no node named 'conv2\/Relu'/);
    // shards outside the folder, not files, or of the wrong size are refused before reading
    const tiny = twoInputGraphDef();
    const files = graphModelFiles(tiny.topology, [], 'float32');
    const json = JSON.parse(files.modelJson) as { weightsManifest: { paths: string[] }[] };
    json.weightsManifest = [{ paths: ['../x.npy'], weights: [] } as never];
    const outside = writeModel(join(dir, 'outside'), {
      modelJson: JSON.stringify(json),
      files: {},
    });
    await expect(layersOf(outside)).rejects.toThrow(
      /names the weights file '..\/x.npy', which is outside its folder/,
    );
    json.weightsManifest = [{ paths: ['sub'], weights: [] } as never];
    const folder = writeModel(join(dir, 'folder'), { modelJson: JSON.stringify(json), files: {} });
    mkdirSync(join(dir, 'folder', 'sub'));
    await expect(layersOf(folder)).rejects.toThrow(
      /weights file .*sub named by .* is not a regular file/,
    );
    const vggJson = JSON.parse(readFileSync(join(dir, 'vgg', 'model.json'), 'utf8')) as {
      weightsManifest: { paths: string[] }[];
    };
    const shard1 = vggJson.weightsManifest[0].paths[0];
    writeFileSync(join(dir, 'vgg', shard1), new Uint8Array(1 << 20));
    await expect(layersOf(join(dir, 'vgg', 'model.json'))).rejects.toThrow(
      /weight shards \(.*\) hold \d+ bytes but .*model.json describes \d+ \(\d+ weights \(\d+ uint8-quantised\)\)/,
    );
    const second = readdirSync(join(dir, 'vgg')).find((f) => f.startsWith('group1-shard2of'))!;
    unlinkSync(join(dir, 'vgg', second));
    await expect(layersOf(join(dir, 'vgg', 'model.json'))).rejects.toThrow(
      new RegExp(
        `weights file .*${second.replace('.', '\\.')} named by .*model.json does not exist`,
      ),
    );
  });

  it('end to end: topolens layers --json on a graph model', async () => {
    const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
    const run = promisify(execFile);
    const ok = await run(tsx, [
      'src/cli/main.ts',
      'layers',
      join(dir, 'cnn', 'model.json'),
      '--json',
    ]);
    const rows = JSON.parse(ok.stdout).layers as { name: string; shape: number[] }[];
    expect(rows.find((r) => r.name === 'pool1/MaxPool')?.shape).toEqual([3, 3, 4]);
  });
});
