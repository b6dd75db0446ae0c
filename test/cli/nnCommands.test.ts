import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { initBackend } from '../../src/nn/backend.js';
import { vggNetwork } from '../../src/nn/architectures/index.js';
import { saveModel } from '../../src/nn/modelIO.js';
import { captureActivations } from '../../src/nn/capture.js';
import { globalAveragePooling } from '../../src/nn/pointClouds.js';
import { encodeNpyFloat32 } from '../../src/nn/npyWrite.js';
import { parseNpy } from '../../src/data/npy.js';
import { layersOf } from '../../src/cli/commands/layers.js';
import { runCapture } from '../../src/cli/commands/capture.js';
import { createRng } from '../../src/core/rng.js';

const { onnx } = onnxProto;
let dir = '';
const rng = createRng(1);
const x = Float32Array.from({ length: 6 * 8 * 8 }, () => rng.next());

const base = {
  strategy: 'gap',
  batchSize: '4',
  seed: '0',
  cap: '10000',
  layout: 'NCHW',
  backend: 'wasm',
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'topolens-nncli-'));
  await initBackend({ backend: 'wasm' });
  const m = vggNetwork({ inputShape: [8, 8, 1], widths: [3, 5], classes: 2, seed: 4 });
  const saved = await saveModel(m);
  writeFileSync(join(dir, 'model.json'), saved.modelJson);
  writeFileSync(join(dir, 'weights.bin'), saved.weights);
  writeFileSync(join(dir, 'x.npy'), encodeNpyFloat32(x, [6, 8, 8, 1]));
  m.dispose();
  // a one-node ONNX graph: y = Relu(x), x: [batch, 2]
  const f = onnx.TensorProto.DataType.FLOAT;
  const vi = (name: string) =>
    onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: { elemType: f, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 2 }] } },
      },
    });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'g',
      node: [
        { name: 'neg', opType: 'Neg', input: ['x'], output: ['/neg/out:0'] },
        { name: 'relu', opType: 'Relu', input: ['/neg/out:0'], output: ['y'] },
      ],
      input: [vi('x')],
      output: [vi('y')],
    },
  });
  writeFileSync(join(dir, 'tiny.onnx'), onnx.ModelProto.encode(model).finish());
  // a 4-D graph: y = Relu(x), x: [batch, 2, 2, 3] (NCHW: 2 channels of 2 x 3)
  const v4 = (name: string) =>
    onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: f,
          shape: {
            dim: [{ dimParam: 'batch' }, { dimValue: 2 }, { dimValue: 2 }, { dimValue: 3 }],
          },
        },
      },
    });
  const conv = onnx.ModelProto.create({
    irVersion: 7,
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'g4',
      node: [{ name: 'relu', opType: 'Relu', input: ['x'], output: ['r'] }],
      input: [v4('x')],
      output: [v4('r')],
    },
  });
  writeFileSync(join(dir, 'conv.onnx'), onnx.ModelProto.encode(conv).finish());
  writeFileSync(
    join(dir, 'pairs.npy'),
    encodeNpyFloat32(Float32Array.from([1, -2, 3, -4]), [2, 2]),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('topolens layers / capture', () => {
  it('.npy writer round-trips through the .npy reader', () => {
    const a = parseNpy(encodeNpyFloat32(Float32Array.from([1.5, -2, 3]), [3]));
    expect(a.shape).toEqual([3]);
    expect(Array.from(a.data)).toEqual([1.5, -2, 3]);
    const bytes = encodeNpyFloat32(new Float32Array(6), [2, 3]);
    expect((bytes.length - 6 * 4) % 64).toBe(0);
  });

  it('layers lists a tfjs model and an ONNX graph with shapes', async () => {
    const rows = await layersOf(join(dir, 'model.json'));
    expect(rows.find((r) => r.name === 'block2')).toEqual({
      name: 'block2',
      type: 'MaxPooling2D',
      shape: [2, 2, 5],
    });
    const o = await layersOf(join(dir, 'tiny.onnx'));
    expect(o).toEqual([
      { name: '/neg/out:0', type: 'Neg', shape: [2] },
      { name: 'y', type: 'Relu', shape: [2] },
    ]);
  });

  it('capture writes one GAP point cloud per layer equal to the library capture', async () => {
    const out = join(dir, 'out');
    const summary = await runCapture(
      join(dir, 'model.json'),
      { ...base, layers: 'block1,block2', inputs: join(dir, 'x.npy'), out },
      false,
    );
    expect(summary.map((s) => [s.layer, s.points, s.features])).toEqual([
      ['block1', 6, 3],
      ['block2', 6, 5],
    ]);
    const { loadModel } = await import('../../src/nn/modelIO.js');
    const m = await loadModel({
      modelJson: readFileSync(join(dir, 'model.json'), 'utf8'),
      weights: readFileSync(join(dir, 'weights.bin')),
    });
    const ref = await captureActivations(
      m,
      { data: x, shape: [6, 8, 8, 1] },
      { layers: ['block2'] },
    );
    const written = parseNpy(readFileSync(join(out, 'block2.npy')));
    expect(written.shape).toEqual([6, 5]);
    const gap = globalAveragePooling(ref.block2).data;
    Array.from(written.data).forEach((v, i) => expect(v).toBeCloseTo(gap[i], 6));
    m.dispose();
  });

  it('capture from ONNX names files after sanitised tensor names', async () => {
    const out = join(dir, 'onnx-out');
    await runCapture(
      join(dir, 'tiny.onnx'),
      { ...base, strategy: 'dense', layers: '/neg/out:0,y', inputs: join(dir, 'pairs.npy'), out },
      false,
    );
    expect(Array.from(parseNpy(readFileSync(join(out, 'neg_out_0.npy'))).data)).toEqual([
      -1, 2, -3, 4,
    ]);
    expect(Array.from(parseNpy(readFileSync(join(out, 'y.npy'))).data)).toEqual([0, 2, 0, 4]);
  });

  it('capture from a 4-D NCHW ONNX tensor: GAP over positions per channel', async () => {
    const out = join(dir, 'onnx-gap');
    // input 0: channel 0 = 1..6, channel 1 = -1 (ReLU -> 0); input 1: channel 0 = 0, channel 1 = 2
    const xs = Float32Array.from([
      1, 2, 3, 4, 5, 6, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2,
    ]);
    writeFileSync(join(dir, 'nchw.npy'), encodeNpyFloat32(xs, [2, 2, 2, 3]));
    await runCapture(
      join(dir, 'conv.onnx'),
      { ...base, layers: 'r', inputs: join(dir, 'nchw.npy'), out },
      false,
    );
    const got = parseNpy(readFileSync(join(out, 'r.npy')));
    expect(got.shape).toEqual([2, 2]);
    expect(Array.from(got.data)).toEqual([3.5, 0, 0, 2]);
  });

  it('capture by default (auto) chooses per layer: gap for conv outputs, dense for 2-D', async () => {
    const out = join(dir, 'auto');
    const opts = { ...base, strategy: 'auto', inputs: join(dir, 'x.npy'), out };
    const summary = await runCapture(
      join(dir, 'model.json'),
      { ...opts, layers: 'block2,output' },
      false,
    );
    expect(summary.map((s) => [s.layer, s.strategy, s.points, s.features])).toEqual([
      ['block2', 'gap', 6, 5],
      ['output', 'dense', 6, 2],
    ]);
    const dense = await runCapture(
      join(dir, 'tiny.onnx'),
      { ...opts, layers: 'y', inputs: join(dir, 'pairs.npy'), out: join(dir, 'auto-onnx') },
      false,
    );
    expect(dense[0].strategy).toBe('dense');
    expect(Array.from(parseNpy(readFileSync(join(dir, 'auto-onnx', 'y.npy'))).data)).toEqual([
      0, 2, 0, 4,
    ]);
  });

  it("a strategy that does not fit names the layer's own shape, not the batch's", async () => {
    // y is [batch, 2]; with --batch-size 4 and 2 inputs the batch tensor is [2, 2]
    await expect(
      runCapture(
        join(dir, 'tiny.onnx'),
        { ...base, layers: 'y', inputs: join(dir, 'pairs.npy'), out: join(dir, 'no') },
        false,
      ),
    ).rejects.toThrow(
      /gap strategy .*needs a convolutional output .*layer 'y' outputs \[2\] per input[\s\S]*auto/,
    );
  });

  it('bad input: unknown layer lists valid names; wrong input shape; missing and corrupt model files', async () => {
    const opts = { ...base, inputs: join(dir, 'x.npy'), out: join(dir, 'bad') };
    await expect(
      runCapture(join(dir, 'model.json'), { ...opts, layers: 'block7' }, false),
    ).rejects.toThrow(/no layer named 'block7'[\s\S]*valid layers: input, block1_conv1/);
    writeFileSync(
      join(dir, 'wrong.npy'),
      encodeNpyFloat32(new Float32Array(2 * 9 * 9), [2, 9, 9, 1]),
    );
    await expect(
      runCapture(
        join(dir, 'model.json'),
        { ...opts, layers: 'block1', inputs: join(dir, 'wrong.npy') },
        false,
      ),
    ).rejects.toThrow(/shape \[2, 9, 9, 1\] but the model expects \[n, 8, 8, 1\]/);
    await expect(layersOf(join(dir, 'nothing.onnx'))).rejects.toThrow(/does not exist/);
    writeFileSync(join(dir, 'corrupt.onnx'), Uint8Array.from([8, 255, 255, 255, 255, 255, 255]));
    await expect(layersOf(join(dir, 'corrupt.onnx'))).rejects.toThrow(/not a valid ONNX file/);
    writeFileSync(join(dir, 'corrupt.json'), '{"modelTopology": ');
    await expect(layersOf(join(dir, 'corrupt.json'))).rejects.toThrow(/not valid JSON/);
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  });

  it('end to end: exit code 2 and one clear message on a bad layer, JSON on success', async () => {
    const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
    const run = promisify(execFile);
    const ok = await run(tsx, ['src/cli/main.ts', 'layers', join(dir, 'tiny.onnx'), '--json']);
    expect(JSON.parse(ok.stdout).layers[1]).toEqual({ name: 'y', type: 'Relu', shape: [2] });
    const args = ['src/cli/main.ts', 'capture', join(dir, 'tiny.onnx'), '--layers', 'z'];
    args.push('--inputs', join(dir, 'pairs.npy'), '--out', join(dir, 'o2'));
    const bad = await run(tsx, args).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no tensor named 'z'/);
  });
});
