import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/nn/backend.js';
import {
  blockNames,
  denseNetwork,
  resnetNetwork,
  ricciNetwork,
  ricciWidths,
  textTransformerNetwork,
  vggNetwork,
  vitNetwork,
} from '../../src/nn/architectures/index.js';
import { trainClassifier, type LabelledData } from '../../src/nn/train.js';
import { loadModel, saveModel } from '../../src/nn/modelIO.js';
import { createRng } from '../../src/core/rng.js';
import { mnistDigits, twoShells } from './helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

function predict(model: tf.LayersModel, x: tf.Tensor): Float32Array {
  return tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
}

/** Binary MNIST (digits a vs b) as 2-class data. */
function mnistPair(a: number, b: number, perClass: number, offset: number): LabelledData {
  return mnistDigits(perClass, offset, [a, b]);
}

describe('dense networks ([B24])', () => {
  it('the paper variants have the right widths and named blocks', () => {
    expect(ricciWidths('wide', 5)).toEqual([50, 50, 50, 50, 50]);
    expect(ricciWidths('narrow', 11)).toEqual(new Array(11).fill(25));
    expect(ricciWidths('bottleneck', 5)).toEqual([50, 25, 25, 25, 50]);
    expect(() => ricciWidths('bottleneck', 2)).toThrow(/depth >= 3/);
    const m = ricciNetwork({ variant: 'narrow', depth: 11, inputDim: 3 });
    expect(blockNames(m)).toEqual(Array.from({ length: 11 }, (_, i) => `block${i + 1}`));
    const out = m.getLayer('output');
    expect(out.outputShape).toEqual([null, 1]);
    expect((out.getConfig() as { activation: string }).activation).toBe('sigmoid');
    expect((m.getLayer('block3').getConfig() as { activation: string }).activation).toBe('relu');
    m.dispose();
  });

  it('wide depth-5 network learns two 3-D shells (held-out accuracy > 0.95)', async () => {
    const data = twoShells(800, 1);
    const test = twoShells(400, 2);
    const m = ricciNetwork({ variant: 'wide', depth: 5, inputDim: 3, seed: 3 });
    const r = await trainClassifier(m, data, { epochs: 30, batchSize: 32, seed: 4, test });
    expect(r.epochsRun).toBe(30);
    expect(r.history[29].loss).toBeLessThan(r.history[0].loss);
    expect(r.testAccuracy).toBeGreaterThan(0.95);
    m.dispose();
  });

  it('same seed gives identical weights; another seed does not', async () => {
    const data = twoShells(200, 5);
    const run = async (seed: number) => {
      const m = denseNetwork({ inputDim: 3, widths: [10, 10], seed });
      await trainClassifier(m, data, { epochs: 2, seed, optimizer: 'adam' });
      const w = m.getWeights().map((t) => Array.from(t.dataSync()));
      m.dispose();
      return w;
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });
});

describe('convolutional networks', () => {
  it('VGG-like names its blocks and reaches > 95% on held-out MNIST digits', async () => {
    const train = mnistDigits(700, 0);
    const test = mnistDigits(80, 760);
    const m = vggNetwork({
      inputShape: [28, 28, 1],
      widths: [8, 16],
      classes: 10,
      convsPerBlock: 1,
      head: 'flatten',
      seed: 1,
    });
    expect(blockNames(m)).toEqual(['block1', 'block2']);
    expect(m.getLayer('block2').outputShape).toEqual([null, 7, 7, 16]);
    const r = await trainClassifier(m, train, {
      optimizer: 'adam',
      learningRate: 2e-3,
      epochs: 4,
      batchSize: 64,
      validationSplit: 0,
      seed: 2,
      test,
    });
    expect(r.testAccuracy).toBeGreaterThan(0.95);
    m.dispose();
  });

  it('ResNet-like names its blocks, has residual shapes, and learns MNIST 0 vs 1', async () => {
    const m = resnetNetwork({
      inputShape: [28, 28, 1],
      widths: [4, 8],
      classes: 2,
      head: 'flatten',
      seed: 1,
    });
    expect(blockNames(m)).toEqual(['block1', 'block2']);
    expect(m.getLayer('block1').outputShape).toEqual([null, 28, 28, 4]);
    expect(m.getLayer('block2').outputShape).toEqual([null, 14, 14, 8]);
    const r = await trainClassifier(m, mnistPair(0, 1, 100, 0), {
      optimizer: 'adam',
      learningRate: 3e-3,
      epochs: 3,
      validationSplit: 0,
      test: mnistPair(0, 1, 50, 500),
    });
    expect(r.testAccuracy).toBeGreaterThan(0.9);
    m.dispose();
  });
});

describe('Transformers', () => {
  it('ViT names its blocks ([batch, tokens + 1, dim]) and learns MNIST 0 vs 1', async () => {
    const m = vitNetwork({
      inputShape: [28, 28, 1],
      patchSize: 7,
      dim: 16,
      depth: 2,
      heads: 2,
      classes: 2,
      seed: 1,
    });
    expect(blockNames(m)).toEqual(['block1', 'block2']);
    expect(m.getLayer('block2').outputShape).toEqual([null, 17, 16]);
    const r = await trainClassifier(m, mnistPair(0, 1, 150, 0), {
      optimizer: 'adam',
      epochs: 4,
      validationSplit: 0,
      test: mnistPair(0, 1, 50, 500),
    });
    expect(r.testAccuracy).toBeGreaterThan(0.9);
    m.dispose();
  });

  it('text Transformer learns whether token 1 occurs in a sequence', async () => {
    const make = (n: number, seed: number): LabelledData => {
      const rng = createRng(seed);
      const data = new Int32Array(n * 8);
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const c = rng.int(2);
        for (let t = 0; t < 8; t++) data[i * 8 + t] = 2 + rng.int(8);
        if (c === 1) data[i * 8 + rng.int(8)] = 1;
        labels[i] = c;
      }
      return { inputs: { data, shape: [n, 8] }, labels, classNames: ['0', '1'] };
    };
    const m = textTransformerNetwork({
      vocabSize: 10,
      sequenceLength: 8,
      dim: 16,
      depth: 2,
      heads: 2,
      classes: 2,
      seed: 1,
    });
    expect(blockNames(m)).toEqual(['block1', 'block2']);
    expect(m.getLayer('block1').outputShape).toEqual([null, 9, 16]);
    const r = await trainClassifier(m, make(600, 1), {
      optimizer: 'adam',
      learningRate: 3e-3,
      epochs: 8,
      validationSplit: 0,
      test: make(200, 2),
    });
    expect(r.testAccuracy).toBeGreaterThan(0.9);
    m.dispose();
  });
});

describe('save and load', () => {
  it('round-trips every architecture (same predictions)', async () => {
    const models: Array<[tf.LayersModel, tf.Tensor]> = [
      [denseNetwork({ inputDim: 3, widths: [5, 4], seed: 1 }), tf.randomNormal([4, 3])],
      [
        resnetNetwork({ inputShape: [8, 8, 2], widths: [3, 4], classes: 3, seed: 1 }),
        tf.randomNormal([2, 8, 8, 2]),
      ],
      [
        vitNetwork({ inputShape: [8, 8, 1], patchSize: 4, dim: 8, depth: 1, classes: 3, seed: 1 }),
        tf.randomNormal([2, 8, 8, 1]),
      ],
      [
        textTransformerNetwork({ vocabSize: 5, sequenceLength: 4, dim: 8, depth: 1, classes: 2 }),
        tf.tensor2d([0, 1, 2, 3, 4, 4, 4, 4], [2, 4], 'int32'),
      ],
    ];
    for (const [m, x] of models) {
      const saved = await saveModel(m);
      expect(JSON.parse(saved.modelJson).weightsManifest[0].paths).toEqual(['weights.bin']);
      const back = await loadModel(saved);
      expect(Array.from(predict(back, x))).toEqual(Array.from(predict(m, x)));
      expect(blockNames(back)).toEqual(blockNames(m));
      m.dispose();
      back.dispose();
    }
  });

  it('corrupt or mismatched files give clear errors', async () => {
    const m = denseNetwork({ inputDim: 3, widths: [5], seed: 1 });
    const saved = await saveModel(m);
    await expect(loadModel({ ...saved, modelJson: '{"oops' })).rejects.toThrow(/not valid JSON/);
    await expect(loadModel({ ...saved, modelJson: '{}' })).rejects.toThrow(
      /not a tfjs layers model/,
    );
    await expect(
      loadModel({ ...saved, weights: saved.weights.subarray(0, saved.weights.length - 4) }),
    ).rejects.toThrow(/weights.bin has \d+ bytes but model.json describes/);
    m.dispose();
  });

  it('training data of the wrong shape or labels is rejected clearly', async () => {
    const m = denseNetwork({ inputDim: 3, widths: [5], seed: 1 });
    const bad = { inputs: { data: new Float32Array(8), shape: [2, 4] }, labels: new Int32Array(2) };
    await expect(trainClassifier(m, bad)).rejects.toThrow(
      /shape \[n, 4\] but the model expects \[n, 3\]/,
    );
    const badLabels = {
      inputs: { data: new Float32Array(6), shape: [2, 3] },
      labels: Int32Array.from([0, 2]),
    };
    await expect(trainClassifier(m, badLabels)).rejects.toThrow(
      /label 2 at sample 1 is outside 0..1/,
    );
    m.dispose();
  });
});
