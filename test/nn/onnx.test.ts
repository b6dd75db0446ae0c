import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PYTHON, hasTool, requireTool } from '../helpers/oracles.js';
import {
  captureOnnx,
  exposeTensors,
  listOnnxTensors,
  parseOnnx,
  probeOnnxShapes,
} from '../../src/nn/onnx.js';

const { onnx } = onnxProto;

function maxRelErr(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

function readF32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

// Exports a custom CNN and torchvision's resnet18 (random weights, no download) and records
// PyTorch forward-hook outputs, all NCHW float32 raw files.
const EXPORT = String.raw`
import sys, json, torch, torchvision
out = sys.argv[1] if len(sys.argv) > 1 else sys.stdin.read().strip()
torch.manual_seed(0)
class Small(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.relu1 = torch.nn.ReLU()
        self.pool = torch.nn.MaxPool2d(2)
        self.conv2 = torch.nn.Conv2d(4, 6, 3, stride=2)
        self.relu2 = torch.nn.ReLU()
        self.fc = torch.nn.Linear(6 * 2 * 2, 5)
    def forward(self, x):
        x = self.relu2(self.conv2(self.pool(self.relu1(self.conv1(x)))))
        return self.fc(torch.flatten(x, 1))
meta = {}
def run(name, model, modules, x):
    model.eval()
    got = {}
    for m in modules:
        getattr(model, m).register_forward_hook(lambda mod, i, o, m=m: got.__setitem__(m, o.detach()))
    with torch.no_grad():
        model(x)
    torch.onnx.export(model, x, f'{out}/{name}.onnx', input_names=['input'], output_names=['output'],
                      opset_version=13, dynamic_axes={'input': {0: 'batch'}})
    x.numpy().astype('float32').tofile(f'{out}/{name}_x.bin')
    meta[name] = {'x': list(x.shape)}
    for m in modules:
        got[m].numpy().astype('float32').tofile(f'{out}/{name}_{m}.bin')
        meta[name][m] = list(got[m].shape)
run('small', Small(), ['relu1', 'relu2', 'fc'], torch.randn(4, 3, 12, 12))
run('resnet18', torchvision.models.resnet18(weights=None), ['layer1', 'layer2', 'layer3', 'layer4'], torch.randn(3, 3, 64, 64))
print(json.dumps(meta))
`;

let dir = '';
let meta: Record<string, Record<string, number[]>> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'topolens-onnx-'));
  if (hasTool('torch') && hasTool('torchvision')) {
    // asynchronous, so that the test worker stays responsive during the export (tens of seconds)
    const { stdout } = await promisify(execFile)(PYTHON, ['-c', EXPORT, dir], {
      maxBuffer: 1 << 26,
    });
    meta = JSON.parse(stdout);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function nthOutput(model: ReturnType<typeof parseOnnx>, op: string, k: number): string {
  return listOnnxTensors(model).filter((t) => t.opType === op)[k].name;
}

describe('ONNX capture against PyTorch forward hooks', () => {
  it('custom CNN: relu1, relu2 and the linear layer, NCHW and NHWC', async (ctx) => {
    requireTool(ctx, 'torch');
    requireTool(ctx, 'torchvision');
    const model = parseOnnx(readFileSync(join(dir, 'small.onnx')));
    const names = [
      nthOutput(model, 'Relu', 0),
      nthOutput(model, 'Relu', 1),
      nthOutput(model, 'Gemm', 0),
    ];
    const x = { data: readF32(join(dir, 'small_x.bin')), shape: meta.small.x };
    const got = await captureOnnx(model, x, { tensors: names, batchSize: 3, outputLayout: 'NCHW' });
    ['relu1', 'relu2', 'fc'].forEach((m, k) => {
      expect(got[names[k]].shape).toEqual(meta.small[m]);
      expect(maxRelErr(got[names[k]].data, readF32(join(dir, `small_${m}.bin`)))).toBeLessThan(
        1e-5,
      );
    });
    // NHWC inputs and outputs: the same numbers, transposed
    const [n, c, h, w] = meta.small.x;
    const nhwc = new Float32Array(x.data.length);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < c; k++)
        for (let y = 0; y < h; y++)
          for (let z = 0; z < w; z++)
            nhwc[((i * h + y) * w + z) * c + k] = x.data[((i * c + k) * h + y) * w + z];
    const got2 = await captureOnnx(
      model,
      { data: nhwc, shape: [n, h, w, c] },
      { tensors: [names[0]], inputLayout: 'NHWC' },
    );
    const [, c1, h1, w1] = meta.small.relu1;
    expect(got2[names[0]].shape).toEqual([n, h1, w1, c1]);
    const ref = got[names[0]].data;
    expect(got2[names[0]].data[((1 * h1 + 2) * w1 + 3) * c1 + 2]).toBe(
      ref[((1 * c1 + 2) * h1 + 2) * w1 + 3],
    );
  });

  it('torchvision resnet18 (random weights): layer1..layer4 outputs', async (ctx) => {
    requireTool(ctx, 'torch');
    requireTool(ctx, 'torchvision');
    const model = parseOnnx(readFileSync(join(dir, 'resnet18.onnx')));
    // the last ReLU of each stage: the stem ReLU, then two per BasicBlock, two blocks per stage
    const names = [4, 8, 12, 16].map((k) => nthOutput(model, 'Relu', k));
    const x = { data: readF32(join(dir, 'resnet18_x.bin')), shape: meta.resnet18.x };
    const got = await captureOnnx(model, x, { tensors: names, batchSize: 2, outputLayout: 'NCHW' });
    ['layer1', 'layer2', 'layer3', 'layer4'].forEach((m, k) => {
      expect(got[names[k]].shape).toEqual(meta.resnet18[m]);
      expect(maxRelErr(got[names[k]].data, readF32(join(dir, `resnet18_${m}.bin`)))).toBeLessThan(
        1e-5,
      );
    });
    const shapes = await probeOnnxShapes(model, [1, 3, 64, 64]);
    expect(shapes.find((t) => t.name === names[3])!.shape).toEqual([null, 512, 2, 2]);
  });
});

describe('ONNX model built with onnx-proto', () => {
  // y = Relu(x W + b), x: [batch, 3], W: 3x2
  const W = [1, -1, 2, 0.5, -3, 1];
  const b = [0.5, -0.25];
  function build(): Uint8Array {
    const { TensorProto } = onnx;
    const f = TensorProto.DataType.FLOAT;
    const vi = (name: string, dims: Array<number | string>) =>
      onnx.ValueInfoProto.create({
        name,
        type: {
          tensorType: {
            elemType: f,
            shape: {
              dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })),
            },
          },
        },
      });
    const model = onnx.ModelProto.create({
      irVersion: 7,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'tiny',
        node: [
          { name: 'mm', opType: 'MatMul', input: ['x', 'W'], output: ['xw'] },
          { name: 'add', opType: 'Add', input: ['xw', 'b'], output: ['pre'] },
          { name: 'relu', opType: 'Relu', input: ['pre'], output: ['y'] },
        ],
        initializer: [
          { name: 'W', dataType: f, dims: [3, 2], floatData: W },
          { name: 'b', dataType: f, dims: [2], floatData: b },
        ],
        input: [vi('x', ['batch', 3])],
        output: [vi('y', ['batch', 2])],
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  it('lists tensors and captures the pre-activation exactly', async () => {
    const model = parseOnnx(build());
    expect(listOnnxTensors(model).map((t) => [t.name, t.opType])).toEqual([
      ['xw', 'MatMul'],
      ['pre', 'Add'],
      ['y', 'Relu'],
    ]);
    const x = Float32Array.from([1, 2, 3, -1, 0, 1]);
    const got = await captureOnnx(model, { data: x, shape: [2, 3] }, { tensors: ['pre', 'y'] });
    const pre = [
      1 * 1 + 2 * 2 + 3 * -3 + 0.5,
      1 * -1 + 2 * 0.5 + 3 * 1 - 0.25,
      -1 + -3 + 0.5,
      1 + 1 - 0.25,
    ];
    Array.from(got.pre.data).forEach((v, i) => expect(v).toBeCloseTo(pre[i], 6));
    Array.from(got.y.data).forEach((v, i) => expect(v).toBeCloseTo(Math.max(0, pre[i]), 6));
    const shapes = await probeOnnxShapes(model, [1, 3]);
    expect(shapes.map((s) => s.shape)).toEqual([
      [null, 2],
      [null, 2],
      [null, 2],
    ]);
  });

  it('bad input: corrupt bytes, unknown tensor (lists valid names), wrong input shape', async () => {
    expect(() => parseOnnx(Uint8Array.from([1, 2, 3, 250, 251]), 'm.onnx')).toThrow(
      /m.onnx is not a valid ONNX file/,
    );
    const model = parseOnnx(build());
    expect(() => exposeTensors(model, ['nope'])).toThrow(
      /no tensor named 'nope'[\s\S]*valid tensors: xw, pre, y/,
    );
    await expect(
      captureOnnx(model, { data: new Float32Array(8), shape: [2, 4] }, { tensors: ['y'] }),
    ).rejects.toThrow(/inputs have shape \[2, 4\] .* input 'x' is \[\?, 3\]/);
  });
});
