import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/nn/backend.js';
import { captureActivations, listLayers } from '../../src/nn/capture.js';
import { denseNetwork, vggNetwork } from '../../src/nn/architectures/index.js';
import { globalAveragePooling } from '../../src/nn/pointClouds.js';
import { createRng } from '../../src/core/rng.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

function random(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n }, () => rng.normal());
}

describe('activation capture', () => {
  it('equals a hand-computed forward pass of a dense network, in any batch size', async () => {
    const m = denseNetwork({ inputDim: 4, widths: [3, 2], seed: 1 });
    const x = random(10 * 4, 2);
    const [w1, b1, w2, b2] = m.getWeights().map((t) => t.dataSync());
    const h1 = new Float32Array(10 * 3);
    const h2 = new Float32Array(10 * 2);
    for (let i = 0; i < 10; i++) {
      for (let j = 0; j < 3; j++) {
        let s = b1[j];
        for (let k = 0; k < 4; k++) s += x[i * 4 + k] * w1[k * 3 + j];
        h1[i * 3 + j] = Math.max(0, s);
      }
      for (let j = 0; j < 2; j++) {
        let s = b2[j];
        for (let k = 0; k < 3; k++) s += h1[i * 3 + k] * w2[k * 2 + j];
        h2[i * 2 + j] = Math.max(0, s);
      }
    }
    for (const batchSize of [1, 3, 128]) {
      const got = await captureActivations(
        m,
        { data: x, shape: [10, 4] },
        { layers: ['block1', 'block2'], batchSize },
      );
      expect(got.block1.shape).toEqual([10, 3]);
      expect(got.block2.shape).toEqual([10, 2]);
      got.block1.data.forEach((v, i) => expect(v).toBeCloseTo(h1[i], 5));
      got.block2.data.forEach((v, i) => expect(v).toBeCloseTo(h2[i], 5));
    }
    m.dispose();
  });

  it('captures conv blocks with a per-batch reducer and frees every tensor', async () => {
    const m = vggNetwork({ inputShape: [8, 8, 1], widths: [4, 6], classes: 3, seed: 1 });
    const x = { data: random(20 * 64, 3), shape: [20, 8, 8, 1] };
    const full = await captureActivations(m, x, { layers: ['block1', 'block2'], batchSize: 7 });
    expect(full.block1.shape).toEqual([20, 4, 4, 4]);
    expect(full.block2.shape).toEqual([20, 2, 2, 6]);
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const reduced = await captureActivations(m, x, {
      layers: ['block1', 'block2'],
      batchSize: 7,
      reduce: (_l, b) => {
        const g = globalAveragePooling(b);
        return { data: g.data, shape: [g.rows, g.cols] };
      },
      onProgress: (done) => progress.push(done),
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(progress).toEqual([7, 14, 20]);
    expect(reduced.block2.shape).toEqual([20, 6]);
    expect(Array.from(reduced.block2.data)).toEqual(
      Array.from(globalAveragePooling(full.block2).data),
    );
    m.dispose();
  });

  it('lists layers with shapes; unknown layers and wrong shapes give clear errors', async () => {
    const m = denseNetwork({ inputDim: 4, widths: [3], seed: 1 });
    expect(listLayers(m)).toEqual([
      { name: 'block1', className: 'Dense', outputShape: [3] },
      { name: 'logits', className: 'Dense', outputShape: [1] },
      { name: 'output', className: 'Activation', outputShape: [1] },
    ]);
    const x = { data: new Float32Array(8), shape: [2, 4] };
    await expect(captureActivations(m, x, { layers: ['block9'] })).rejects.toThrow(
      /no layer named 'block9'[\s\S]*valid layers: block1, logits, output/,
    );
    await expect(
      captureActivations(m, { data: new Float32Array(6), shape: [2, 3] }, { layers: ['block1'] }),
    ).rejects.toThrow(/shape \[2, 3\] but the model expects \[n, 4\]/);
    m.dispose();
  });
});
