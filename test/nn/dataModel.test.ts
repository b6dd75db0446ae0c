import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { stratifiedSplit, subsetRows, type LabelledData } from '../../src/data/labelled.js';
import { loadLabelledArrays } from '../../src/data/loadLabelled.js';
import { loadImageFolder } from '../../src/data/imageFolder.js';
import { afinnSentimentTask } from '../../src/data/language.js';
import { loadBinaryPair, loadMnist } from '../../src/data/mnist.js';
import { circle, syntheticDataset } from '../../src/data/synthetic.js';
import { initBackend } from '../../src/nn/backend.js';
import {
  denseNetwork,
  textTransformerNetwork,
  vggNetwork,
} from '../../src/nn/architectures/index.js';
import { attack } from '../../src/nn/attacks.js';
import { captureActivations } from '../../src/nn/capture.js';
import { layerClouds } from '../../src/nn/layerClouds.js';
import { captureOnnx } from '../../src/nn/onnx.js';
import { minMaxScale, perClassSample } from '../../src/nn/pointClouds.js';
import { evaluateClassifier, trainClassifier, validationSplitIndices } from '../../src/nn/train.js';
import { PYTHON, requireTool } from '../helpers/oracles.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const quick = { epochs: 1, batchSize: 16, validationSplit: 0 };

describe('a dataset from each loader trains and captures as is', () => {
  it('synthetic: a [B24] set trains a [B24] network and gives its clouds', async () => {
    const ds = syntheticDataset('entangled-spirals-3d', { n: 64, seed: 1 });
    const m = denseNetwork({ inputDim: 3, widths: [8, 8], seed: 1 });
    const r = await trainClassifier(m, ds, { ...quick, validationSplit: 0.25 });
    expect(r.epochsRun).toBe(1);
    const clouds = await layerClouds(m, ds, { includeInput: true });
    expect(clouds.map((c) => c.name)).toEqual(['input', 'block1', 'block2']);
    expect(clouds[1].labels).toBe(ds.labels);
    m.dispose();
  });

  it('MNIST: a stratified split of the grouped digits trains a CNN; its binary pair a dense net', async () => {
    const mnist = loadMnist();
    // 200 digits, 20 of each class, then a stratified 75/25 split
    const { test: sample } = stratifiedSplit(mnist, { testFraction: 0.02, seed: 0 });
    const { train, test } = stratifiedSplit(sample, { testFraction: 0.25, seed: 1 });
    const cnn = vggNetwork({
      inputShape: [28, 28, 1],
      widths: [4],
      classes: 10,
      convsPerBlock: 1,
      seed: 1,
    });
    const r = await trainClassifier(cnn, train, { ...quick, test });
    expect(r.testAccuracy).toBeGreaterThanOrEqual(0);
    const clouds = await layerClouds(cnn, test, { includeLogits: true, batchSize: 16 });
    expect(clouds.map((c) => [c.name, c.points.rows, c.points.cols])).toEqual([
      ['block1', 50, 4],
      ['logits', 50, 10],
    ]);
    expect(clouds[0].labels).toBe(test.labels);
    cnn.dispose();

    const pair = loadBinaryPair('mnist-1-7');
    const small = subsetRows(pair, stratifiedSplit(pair, { testFraction: 0.05 }).testIndices);
    const dense = denseNetwork({ inputDim: 784, widths: [10], seed: 2 });
    await trainClassifier(dense, small, quick);
    const captured = await captureActivations(dense, small, { layers: ['block1'] });
    expect(captured.block1.shape).toEqual([small.labels.length, 10]);
    const [att] = await attack(dense, small, { epsilons: [0.05] });
    expect(att.predictions.length).toBe(small.labels.length);
    dense.dispose();
  });

  it('Fashion-MNIST binary pair (Debian IDX files)', async (ctx) => {
    requireTool(ctx, 'fashionmnist');
    const pair = loadBinaryPair('fashion-sandal-ankle-boot');
    const small = subsetRows(pair, stratifiedSplit(pair, { testFraction: 0.02 }).testIndices);
    const m = denseNetwork({ inputDim: 784, widths: [6], seed: 3 });
    await trainClassifier(m, small, quick);
    const clouds = await layerClouds(m, small);
    expect(clouds[0].points.rows).toBe(small.labels.length);
    m.dispose();
  });

  it('an image folder and a text task', async () => {
    const root = mkdtempSync(join(tmpdir(), 'topolens-folder-'));
    try {
      for (const [c, shade] of [
        ['dark', 30],
        ['light', 220],
      ] as const) {
        mkdirSync(join(root, c));
        for (let k = 0; k < 4; k++) {
          const p = new PNG({ width: 4, height: 4 });
          for (let q = 0; q < 16; q++) p.data.set([shade + k, shade, shade, 255], 4 * q);
          writeFileSync(join(root, c, `${k}.png`), PNG.sync.write(p));
        }
      }
      const images = loadImageFolder(root, { mode: 'grayscale' });
      const cnn = vggNetwork({ inputShape: [4, 4, 1], widths: [2], classes: 2, seed: 1 });
      await trainClassifier(cnn, images, quick);
      const clouds = await layerClouds(cnn, images);
      expect(clouds[0].labels).toBe(images.labels);
      cnn.dispose();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    const task = afinnSentimentTask({ maxLength: 6 });
    const words = subsetRows(
      task.train,
      Array.from({ length: 48 }, (_, i) => i),
    );
    const t = textTransformerNetwork({
      vocabSize: task.vocabulary.length,
      sequenceLength: task.maxLength,
      dim: 8,
      depth: 1,
      classes: 2,
      seed: 1,
    });
    await trainClassifier(t, words, quick);
    const clouds = await layerClouds(t, words, { includeLogits: true });
    expect(clouds.map((c) => [c.name, c.strategy])).toEqual([
      ['block1', 'class-token'],
      ['logits', 'dense'],
    ]);
    t.dispose();
  });

  it('arrays saved by NumPy', async (ctx) => {
    requireTool(ctx, 'numpy');
    const dir = mkdtempSync(join(tmpdir(), 'topolens-npz-'));
    try {
      execFileSync(PYTHON, [
        '-c',
        `import numpy as np, sys
rng = np.random.default_rng(0)
np.savez(sys.argv[1] + '/d.npz', x=rng.normal(size=(40, 4)), y=rng.integers(0, 3, 40))`,
        dir,
      ]);
      const data = loadLabelledArrays(join(dir, 'd.npz'));
      const m = denseNetwork({ inputDim: 4, widths: [5], outputUnits: 3, seed: 1 });
      await trainClassifier(m, data, quick);
      const clouds = await layerClouds(m, data, { includeLogits: true });
      expect(clouds.map((c) => c.points.cols)).toEqual([5, 3]);
      m.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('run-time shape checks of the networks API', () => {
  it('names what was got and what is needed', async () => {
    const m = denseNetwork({ inputDim: 2, widths: [3], seed: 1 });
    const c = circle({ n: 8 });
    const old = { points: c.points, labels: c.labels };
    await expect(trainClassifier(m, old as never)).rejects.toThrow(
      /trainClassifier expects \{inputs: TensorData, labels: Int32Array\}; got an object with keys points, labels[\s\S]*pass a LabelledData, e\.g\. from loadMnist\(\)[\s\S]*toLabelledData/,
    );
    await expect(
      trainClassifier(m, { inputs: c.inputs, labels: Array.from(c.labels) } as never),
    ).rejects.toThrow(
      /trainClassifier: labels must be an Int32Array of class indices; got an array of 8 entries/,
    );
    await expect(trainClassifier({} as never, c)).rejects.toThrow(
      /trainClassifier expects a tfjs LayersModel; got an object with no keys/,
    );
    await expect(trainClassifier(m, c, { test: { inputs: c.inputs } as never })).rejects.toThrow(
      /trainClassifier \(options.test\) expects \{inputs: TensorData, labels: Int32Array\}; got an object with keys inputs/,
    );
    await expect(evaluateClassifier(m, c.points as never)).rejects.toThrow(
      /evaluateClassifier expects .*; got an object with keys data, rows, cols/,
    );
    await expect(
      captureActivations(m, c.inputs.data as never, { layers: ['block1'] }),
    ).rejects.toThrow(
      /captureActivations: inputs must be a tensor \{data: Float32Array \| Int32Array, shape: number\[\]\}; got a Float32Array of 16 values/,
    );
    await expect(attack(m, { images: 1, labels: c.labels } as never)).rejects.toThrow(
      /attack expects \{inputs: TensorData, labels: Int32Array\}; got an object with keys images, labels/,
    );
    expect(() => perClassSample(c as never)).toThrow(
      /perClassSample expects the labels as an Int32Array; got an object with keys points, inputs, labels/,
    );
    expect(() => minMaxScale(c.inputs as never)).toThrow(
      /minMaxScale expects a point cloud \{data, rows, cols\}.*; got a tensor of shape \[8, 2\]/,
    );
    await expect(captureOnnx(new Uint8Array(4) as never, c, { tensors: ['x'] })).rejects.toThrow(
      /captureOnnx expects a parsed ONNX model; got a Uint8Array of 4 values[\s\S]*parseOnnx/,
    );
    // the old plain {inputs, labels} still works (class names are not needed to train)
    await trainClassifier(m, { inputs: c.inputs, labels: c.labels }, quick);
    m.dispose();
  });
});

describe("trainClassifier's validation split on class-grouped data", () => {
  const grouped = (n: number): LabelledData => {
    const data = new Float32Array(n * 2);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i < n / 2 ? 0 : 1;
      data[2 * i] = labels[i] === 0 ? -1 + i / n : 1 - i / n;
      data[2 * i + 1] = Math.sin(i);
    }
    return { inputs: { data, shape: [n, 2] }, labels, classNames: ['left', 'right'] };
  };

  it('the tail of a seeded shuffle holds both classes; the plain tail only the last', () => {
    const d = grouped(100);
    const tail = validationSplitIndices(100, 0.2, { order: 'tail' });
    expect(new Set(Array.from(tail.validation, (i) => d.labels[i]))).toEqual(new Set([1]));
    const s = validationSplitIndices(100, 0.2, { seed: 4 });
    expect(new Set(Array.from(s.validation, (i) => d.labels[i]))).toEqual(new Set([0, 1]));
    expect([...s.train, ...s.validation].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
    expect(s.validation.length).toBe(20);
    expect(Array.from(validationSplitIndices(100, 0.2, { seed: 4 }).validation)).toEqual(
      Array.from(s.validation),
    );
    expect(Array.from(validationSplitIndices(100, 0.2, { seed: 5 }).validation)).not.toEqual(
      Array.from(s.validation),
    );
  });

  it('is the split training validates on (fused run against evaluateClassifier)', async () => {
    const d = grouped(120);
    const m = denseNetwork({ inputDim: 2, widths: [6], seed: 2 });
    const r = await trainClassifier(m, d, {
      epochs: 2,
      batchSize: 16,
      validationSplit: 0.25,
      seed: 7,
    });
    const { validation } = validationSplitIndices(120, 0.25, { seed: 7 });
    const v = await evaluateClassifier(m, subsetRows(d, validation));
    const last = r.history[r.history.length - 1];
    expect(last.valAccuracy).toBe(v.accuracy);
    expect(last.valLoss!).toBeCloseTo(v.loss, 6);
    m.dispose();
  });
});
