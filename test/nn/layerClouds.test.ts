import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { initBackend } from '../../src/nn/backend.js';
import {
  denseNetwork,
  preActivationNames,
  resnetNetwork,
  vggNetwork,
} from '../../src/nn/architectures/index.js';
import { captureActivations } from '../../src/nn/capture.js';
import { layerClouds, listCloudLayers } from '../../src/nn/layerClouds.js';
import { randomInteriorPosition } from '../../src/nn/pointClouds.js';
import type { TensorData } from '../../src/nn/tensorData.js';
import { PYTHON, hasTool, requireTool } from '../helpers/oracles.js';
import { twoShells } from './helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

function random(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

/** Per input, the mean over positions of each channel of an NHWC tensor (written out here, not
 * the library's globalAveragePooling). */
function meanOverPositions(t: { data: Float32Array; shape: number[] }): number[] {
  const [n, h, w, c] = t.shape;
  const out: number[] = [];
  for (let i = 0; i < n; i++)
    for (let k = 0; k < c; k++) {
      let s = 0;
      for (let p = 0; p < h * w; p++) s += t.data[(i * h * w + p) * c + k];
      out.push(s / (h * w));
    }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('layerClouds on built-in networks', () => {
  it('dense network: input as layer 0, blocks, logits last, depths (l+1)/L, labels carried', async () => {
    const m = denseNetwork({ inputDim: 3, widths: [5, 4, 3], seed: 1 });
    const data = twoShells(20, 1);
    const clouds = await layerClouds(m, data, { includeInput: true, includeLogits: true });
    expect(clouds.map((c) => c.name)).toEqual(['input', 'block1', 'block2', 'block3', 'logits']);
    expect(clouds.map((c) => c.index)).toEqual([0, 1, 2, 3, 4]);
    expect(clouds.map((c) => c.depth)).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    expect(clouds.map((c) => c.strategy)).toEqual(['dense', 'dense', 'dense', 'dense', 'dense']);
    expect(clouds.map((c) => c.points.cols)).toEqual([3, 5, 4, 3, 1]);
    for (const c of clouds) expect(c.labels).toBe(data.labels);
    expect(Array.from(clouds[0].points.data)).toEqual(Array.from(data.inputs.data));
    // the logits are the output before its sigmoid
    const p = (m.predict(tf.tensor(data.inputs.data, data.inputs.shape)) as tf.Tensor).dataSync();
    const logits = clouds[4].points.data;
    logits.forEach((z, i) => expect(1 / (1 + Math.exp(-z))).toBeCloseTo(p[i], 5));
    // hidden layers equal the capture of the same layers
    const raw = await captureActivations(m, data.inputs, { layers: ['block2'] });
    expect(Array.from(clouds[2].points.data)).toEqual(Array.from(raw.block2.data));
    m.dispose();
  });

  it('CNN: GAP by rank, kinds and patterns, pre-activations, bounded memory equals one shot', async () => {
    const opts = {
      inputShape: [8, 8, 1] as [number, number, number],
      widths: [3, 4],
      classes: 3,
      convsPerBlock: 1,
      seed: 2,
    };
    const m = vggNetwork({ ...opts, preActivations: true });
    const plain = vggNetwork(opts);
    const n = 11;
    const x: TensorData = { data: random(n * 64, 3), shape: [n, 8, 8, 1] };
    // the same function with and without the split ReLU
    const px = tf.tensor(x.data, x.shape);
    const a = (m.predict(px) as tf.Tensor).dataSync();
    const b = (plain.predict(px) as tf.Tensor).dataSync();
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-6);
    px.dispose();
    expect(preActivationNames(m)).toEqual(['block1_conv1_pre', 'block2_conv1_pre']);

    const clouds = await layerClouds(m, x, { includeLogits: true });
    expect(clouds.map((c) => c.name)).toEqual(['block1', 'block2', 'logits']);
    expect(clouds.map((c) => c.strategy)).toEqual(['gap', 'gap', 'dense']);
    expect(clouds.map((c) => c.depth)).toEqual([1 / 3, 2 / 3, 1]);
    expect(clouds[0].labels).toBeUndefined();
    const raw = await captureActivations(m, x, {
      layers: ['block1', 'block2', 'block1_conv1_pre', 'block1_conv1', 'output'],
    });
    expect(maxAbsDiff(clouds[0].points.data, meanOverPositions(raw.block1))).toBeLessThan(1e-6);
    expect(maxAbsDiff(clouds[1].points.data, meanOverPositions(raw.block2))).toBeLessThan(1e-6);
    // softmax(logits) = output
    const probs = raw.output.data;
    for (let i = 0; i < n; i++) {
      const z = Array.from(clouds[2].points.data.subarray(i * 3, i * 3 + 3));
      const e = z.map((v) => Math.exp(v - Math.max(...z)));
      const s = e.reduce((u, v) => u + v, 0);
      e.forEach((v, k) => expect(v / s).toBeCloseTo(probs[i * 3 + k], 5));
    }
    // ReLU of the pre-activation output is the post-activation output
    const pre = raw.block1_conv1_pre.data;
    const post = raw.block1_conv1.data;
    expect(pre.some((v) => v < 0)).toBe(true);
    expect(
      maxAbsDiff(
        Float32Array.from(pre, (v) => Math.max(0, v)),
        post,
      ),
    ).toBe(0);

    // every conv layer, a glob and a RegExp select the same layers
    const convs = await layerClouds(m, x, { layers: { kind: 'conv' }, strategy: 'top-l2' });
    expect(convs.map((c) => c.name)).toEqual(['block1_conv1_pre', 'block2_conv1_pre']);
    expect(convs.map((c) => c.strategy)).toEqual(['top-l2', 'top-l2']);
    const glob = await layerClouds(m, x, { layers: 'block*_pre', strategy: 'top-l2' });
    const re = await layerClouds(m, x, { layers: /_pre$/, strategy: 'top-l2' });
    expect(glob.map((c) => Array.from(c.points.data))).toEqual(
      convs.map((c) => Array.from(c.points.data)),
    );
    expect(re.map((c) => c.name)).toEqual(convs.map((c) => c.name));

    // batch by batch (3 inputs a pass, reduced at once) equals everything in one pass, for a
    // per-input strategy and for the seeded random position
    for (const strategy of ['gap', 'random-position', 'flatten'] as const) {
      const o = { layers: ['block1', 'block1_conv1_pre'], strategy, includeInput: true };
      const small = await layerClouds(m, x, { ...o, batchSize: 3 });
      const big = await layerClouds(m, x, { ...o, batchSize: 100 });
      expect(small.map((c) => Array.from(c.points.data))).toEqual(
        big.map((c) => Array.from(c.points.data)),
      );
    }
    const rp = await layerClouds(m, x, {
      layers: ['block1'],
      strategy: 'random-position',
      batchSize: 4,
    });
    const whole = randomInteriorPosition(raw.block1);
    expect(Array.from(rp[0].points.data)).toEqual(Array.from(whole.data));
    // strategy by layer name; the input takes 'flatten' under 'auto'
    const mixed = await layerClouds(m, x, {
      layers: ['block1', 'block2'],
      includeInput: true,
      strategy: { block2: 'all-positions' },
      strategyOptions: { cap: 50 },
    });
    expect(mixed.map((c) => c.strategy)).toEqual(['flatten', 'gap', 'all-positions']);
    expect([mixed[0].points.rows, mixed[0].points.cols]).toEqual([n, 64]);
    expect(mixed[2].points.rows).toBe(Math.min(50, n * 2 * 2));
    m.dispose();
    plain.dispose();
  });

  it('ResNet pre-activations: the same network, ReLU inputs exposed', async () => {
    const opts = {
      inputShape: [8, 8, 1] as [number, number, number],
      widths: [2, 3],
      classes: 2,
      seed: 4,
    };
    const split = resnetNetwork({ ...opts, preActivations: true });
    const plain = resnetNetwork(opts);
    expect(preActivationNames(split)).toEqual(['stem_pre', 'block1_conv1_pre', 'block2_conv1_pre']);
    expect(preActivationNames(plain)).toEqual([]);
    const x = tf.tensor(random(5 * 64, 8), [5, 8, 8, 1]);
    const a = (split.predict(x) as tf.Tensor).dataSync();
    const b = (plain.predict(x) as tf.Tensor).dataSync();
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-6);
    x.dispose();
    split.dispose();
    plain.dispose();
  });

  it('refuses unknown layers, an empty selection and a missing logits layer with the names', async () => {
    const m = denseNetwork({ inputDim: 3, widths: [4, 4], seed: 1 });
    const x = { data: random(6, 1), shape: [2, 3] };
    await expect(layerClouds(m, x, { layers: ['block9'] })).rejects.toThrow(
      /the model has no layer named 'block9'[\s\S]*valid layers: block1, block2, logits, output/,
    );
    await expect(layerClouds(m, x, { layers: 'conv*' })).rejects.toThrow(
      /no layer name matches conv\*[\s\S]*valid layers: block1/,
    );
    await expect(layerClouds(m, x, { layers: { kind: 'conv' } })).rejects.toThrow(
      /no layer of kind conv[\s\S]*kinds present: dense, activation/,
    );
    await expect(layerClouds(m, { points: 1 } as never)).rejects.toThrow(
      /layerClouds: inputs must be a tensor[\s\S]*got an object with keys points/,
    );
    await expect(layerClouds({ layers: 3 } as never, x)).rejects.toThrow(
      /layerClouds expects a tfjs LayersModel, ONNX bytes or a parsed ONNX model, or dumped activations/,
    );
    // a foreign model whose softmax sits inside its last Dense layer has no logits
    const foreign = tf.sequential({
      layers: [
        tf.layers.dense({ units: 4, inputShape: [3], activation: 'relu', name: 'hidden' }),
        tf.layers.dropout({ rate: 0.1, name: 'drop' }),
        tf.layers.dense({ units: 2, activation: 'softmax', name: 'probs' }),
      ],
    });
    const cat = listCloudLayers(foreign);
    expect(cat.layers.filter((l) => l.block).map((l) => l.name)).toEqual(['hidden']);
    await expect(layerClouds(foreign, x, { includeLogits: true })).rejects.toThrow(
      /no layer named 'logits' and its last layer 'probs' \(Dense, softmax\) is not linear/,
    );
    m.dispose();
    foreign.dispose();
  });
});

describe('layerClouds on dumped activations', () => {
  it('strategy by rank, input from the inputs, labels from labelled data, depth', async () => {
    const n = 5;
    const dump = {
      conv: { data: random(n * 2 * 3 * 4, 1), shape: [n, 2, 3, 4] },
      tokens: { data: random(n * 3 * 2, 2), shape: [n, 3, 2] },
      dense: { data: random(n * 6, 3), shape: [n, 6] },
      logits: { data: random(n * 2, 4), shape: [n, 2] },
    };
    const inputs = {
      inputs: { data: random(n * 2, 5), shape: [n, 2] },
      labels: Int32Array.from([0, 1, 0, 1, 1]),
      classNames: ['a', 'b'],
    };
    const clouds = await layerClouds(dump, inputs, {
      includeInput: true,
      includeLogits: true,
      batchSize: 2,
    });
    expect(clouds.map((c) => c.name)).toEqual(['input', 'conv', 'tokens', 'dense', 'logits']);
    expect(clouds.map((c) => c.strategy)).toEqual([
      'dense',
      'gap',
      'class-token',
      'dense',
      'dense',
    ]);
    expect(clouds.map((c) => c.depth)).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    expect(maxAbsDiff(clouds[1].points.data, meanOverPositions(dump.conv))).toBeLessThan(1e-6);
    // class token = token 0 of each input
    for (let i = 0; i < n; i++) {
      expect(Array.from(clouds[2].points.data.subarray(2 * i, 2 * i + 2))).toEqual(
        Array.from(dump.tokens.data.subarray(6 * i, 6 * i + 2)),
      );
    }
    expect(Array.from(clouds[3].points.data)).toEqual(Array.from(dump.dense.data));
    expect(clouds[1].labels).toBe(inputs.labels);
    // all-positions rows are positions, not inputs: no labels, even when there are n of them
    const positions = await layerClouds(dump, inputs, {
      layers: ['conv'],
      strategy: 'all-positions',
      strategyOptions: { cap: n },
    });
    expect(positions[0].points.rows).toBe(n);
    expect(positions[0].labels).toBeUndefined();
    const noInputs = await layerClouds(dump, null, { layers: ['dense'] });
    expect(noInputs[0].depth).toBe(1);
    await expect(layerClouds(dump, null, { layers: ['fc7'] })).rejects.toThrow(
      /no layer named 'fc7'[\s\S]*valid layers: conv, tokens, dense/,
    );
    await expect(
      layerClouds({ a: dump.dense, b: { data: random(4, 1), shape: [2, 2] } }, null, {
        layers: 'all',
      }),
    ).rejects.toThrow(/activation 'b' has 2 rows \(shape \[2, 2\]\) but there are 5 inputs/);
  });
});

// Exports two small PyTorch models (random weights) and records, for fixed inputs, the GAP of
// the outputs of their top-level modules and the logits, computed by PyTorch.
const EXPORT = String.raw`
import sys, json, torch
out = sys.argv[1]
torch.manual_seed(0)
class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU())
        self.body = torch.nn.Sequential(torch.nn.Conv2d(4, 6, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2))
        self.fc = torch.nn.Linear(6, 3)
    def forward(self, x):
        return self.fc(self.body(self.stem(x)).mean((2, 3)))
net = Net().eval()
x = torch.randn(7, 1, 8, 8)
with torch.no_grad():
    s = net.stem(x); b = net.body(s); z = net.fc(b.mean((2, 3)))
torch.onnx.export(net, x, f'{out}/net.onnx', input_names=['input'], output_names=['output'],
                  opset_version=13, dynamic_axes={'input': {0: 'batch'}})
flat = torch.nn.Sequential(torch.nn.Linear(5, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2)).eval()
torch.onnx.export(flat, torch.randn(2, 5), f'{out}/flat.onnx', input_names=['input'],
                  output_names=['output'], opset_version=13, dynamic_axes={'input': {0: 'batch'}})
print(json.dumps({'x': x.flatten().tolist(), 'stem': s.mean((2, 3)).flatten().tolist(),
                  'body': b.mean((2, 3)).flatten().tolist(), 'logits': z.flatten().tolist()}))
`;

describe('layerClouds on ONNX models exported by PyTorch', () => {
  let dir = '';
  let ref: Record<string, number[]> = {};
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'topolens-clouds-onnx-'));
    if (hasTool('torch')) {
      const { stdout } = await promisify(execFile)(PYTHON, ['-c', EXPORT, dir], {
        maxBuffer: 1 << 26,
      });
      ref = JSON.parse(stdout);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('blocks are the top-level modules; GAP and logits match PyTorch', async (ctx) => {
    requireTool(ctx, 'torch');
    const bytes = readFileSync(join(dir, 'net.onnx'));
    const x = { data: Float32Array.from(ref.x), shape: [7, 1, 8, 8] };
    const cat = listCloudLayers(bytes);
    expect(cat.layers.filter((l) => l.block).map((l) => l.name)).toEqual(['stem', 'body']);
    expect(cat.layers.map((l) => l.name)).toContain('stem/stem.0');
    const labels = Int32Array.from([0, 1, 2, 0, 1, 2, 0]);
    const clouds = await layerClouds(bytes, x, {
      includeInput: true,
      includeLogits: true,
      batchSize: 3,
      labels,
    });
    expect(clouds.map((c) => c.name)).toEqual(['input', 'stem', 'body', 'logits']);
    expect(clouds.map((c) => c.strategy)).toEqual(['flatten', 'gap', 'gap', 'dense']);
    expect(clouds.map((c) => c.depth)).toEqual([0.25, 0.5, 0.75, 1]);
    expect(maxAbsDiff(clouds[1].points.data, ref.stem)).toBeLessThan(1e-5);
    expect(maxAbsDiff(clouds[2].points.data, ref.body)).toBeLessThan(1e-5);
    expect(maxAbsDiff(clouds[3].points.data, ref.logits)).toBeLessThan(1e-5);
    expect(clouds[3].labels).toBe(labels);
    // a list of names, by layer name or by tensor name
    const conv = cat.layers.find((l) => l.name === 'body/body.0')!;
    const picked = await layerClouds(bytes, x, { layers: [conv.source, 'stem'] });
    expect(picked.map((c) => c.name)).toEqual(['stem', 'body/body.0']);
    await expect(layerClouds(bytes, x, { layers: ['layer9'] })).rejects.toThrow(
      /no layer named 'layer9'[\s\S]*valid layers: stem\/stem.0, stem\/stem.1, stem, body\/body.0/,
    );
  });

  it('a flat model: every op that computes something except the output', async (ctx) => {
    requireTool(ctx, 'torch');
    const bytes = readFileSync(join(dir, 'flat.onnx'));
    const cat = listCloudLayers(bytes);
    expect(cat.layers.filter((l) => l.block).map((l) => l.name)).toEqual(['0', '1']);
    const x = { data: random(4 * 5, 9), shape: [4, 5] };
    const clouds = await layerClouds(bytes, x, { includeLogits: true });
    expect(clouds.map((c) => c.name)).toEqual(['0', '1', 'logits']);
    expect(clouds[1].kind).toBe('activation');
    // Tanh output within (-1, 1), logits 2 wide
    expect(clouds[1].points.data.every((v) => Math.abs(v) < 1)).toBe(true);
    expect(clouds[2].points.cols).toBe(2);
  });
});
