import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/nn/backend.js';
import { denseNetwork } from '../../src/nn/architectures/index.js';
import { trainClassifier, type LabelledData } from '../../src/nn/train.js';
import { attack, macroF1 } from '../../src/nn/attacks.js';
import { mnistDigits } from './helpers.js';

function flat(d: LabelledData): LabelledData {
  return { ...d, inputs: { data: d.inputs.data, shape: [d.labels.length, 784] } };
}

let model: tf.LayersModel;
const test = flat(mnistDigits(20, 820));

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
  model = denseNetwork({ inputDim: 784, widths: [64], outputUnits: 10, seed: 1 });
  await trainClassifier(model, flat(mnistDigits(150, 0)), {
    optimizer: 'adam',
    epochs: 5,
    validationSplit: 0,
  });
});

describe('adversarial attacks', () => {
  it('macro-F1 by hand', () => {
    // class 0: tp 1, fp 1, fn 1 -> 0.5; class 1: tp 1, fp 0, fn 1 -> 2/3; class 2: tp 0, fp 1 -> 0
    const f = macroF1(Int32Array.from([0, 0, 1, 1]), Int32Array.from([0, 1 - 1 + 2, 1, 0]));
    expect(f).toBeCloseTo((0.5 + 2 / 3 + 0) / 3, 10);
    expect(macroF1(Int32Array.from([1, 2]), Int32Array.from([1, 2]))).toBe(1);
  });

  it('FGSM: accuracy and macro-F1 fall monotonically with eps; perturbation within the ball', async () => {
    const eps = [0, 0.02, 0.05, 0.1, 0.2];
    const r = await attack(model, test, { epsilons: eps });
    const acc = r.map((x) => x.accuracy);
    expect(acc[0]).toBeGreaterThan(0.8);
    for (let i = 1; i < acc.length; i++) expect(acc[i]).toBeLessThanOrEqual(acc[i - 1]);
    expect(acc[4]).toBeLessThan(acc[0] - 0.3);
    for (let i = 1; i < r.length; i++)
      expect(r[i].macroF1).toBeLessThanOrEqual(r[i - 1].macroF1 + 1e-12);
    for (const res of r) {
      let maxDiff = 0;
      let lo = Infinity;
      let hi = -Infinity;
      res.adversarial.data.forEach((v, i) => {
        maxDiff = Math.max(maxDiff, Math.abs(v - test.inputs.data[i]));
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      });
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
      expect(maxDiff).toBeLessThanOrEqual(res.epsilon + 1e-6);
    }
  });

  it('PGD is at least as strong as FGSM and monotone; targeted attacks hit their targets', async () => {
    const eps = [0.02, 0.05, 0.1];
    const pgd = await attack(model, test, { method: 'pgd', epsilons: eps, steps: 5, seed: 1 });
    const fgsm = await attack(model, test, { epsilons: eps });
    for (let i = 0; i < eps.length; i++)
      expect(pgd[i].accuracy).toBeLessThanOrEqual(fgsm[i].accuracy);
    for (let i = 1; i < eps.length; i++)
      expect(pgd[i].accuracy).toBeLessThanOrEqual(pgd[i - 1].accuracy);
    const targets = Int32Array.from(test.labels, (l) => (l + 1) % 10);
    const t = await attack(model, test, {
      method: 'pgd',
      epsilons: [0, 0.2],
      targeted: true,
      targets,
      steps: 10,
    });
    const hit = (k: number) =>
      t[k].predictions.filter((p, i) => p === targets[i]).length / targets.length;
    expect(hit(1)).toBeGreaterThan(hit(0) + 0.3);
  });

  it('rejects inputs of the wrong shape', async () => {
    await expect(
      attack(model, {
        inputs: { data: new Float32Array(6), shape: [2, 3] },
        labels: Int32Array.from([0, 1]),
      }),
    ).rejects.toThrow(/model expects \[n, 784\]/);
  });
});
