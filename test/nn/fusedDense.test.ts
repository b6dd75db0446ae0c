import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/nn/backend.js';
import { denseNetwork } from '../../src/nn/architectures/index.js';
import { tensorSeed } from '../../src/nn/architectures/seeds.js';
import { evaluateClassifier, trainClassifier, type LabelledData } from '../../src/nn/train.js';
import fc from 'fast-check';
import {
  createFusedDenseTrainer,
  denseStackLayers,
  readDenseParams,
  type DenseLayerParams,
} from '../../src/nn/fusedDense.js';
import { vggNetwork } from '../../src/nn/architectures/index.js';
import { mnistDigits, twoShells, weightsRelErr } from './helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

async function trainBoth(
  make: () => ReturnType<typeof denseNetwork>,
  data: LabelledData,
  optimizer: 'sgd' | 'adam' | 'rmsprop',
) {
  const run = async (fused: boolean) => {
    const m = make();
    const r = await trainClassifier(m, data, {
      optimizer,
      epochs: 2,
      batchSize: 16,
      validationSplit: 0.25,
      fused,
      seed: 3,
    });
    const w = m.getWeights().map((t) => Array.from(t.dataSync()));
    m.dispose();
    return { w, r };
  };
  return { fused: await run(true), general: await run(false) };
}

describe('fused dense training step equals the general tfjs path', () => {
  const shells = twoShells(160, 1);
  for (const optimizer of ['rmsprop', 'adam', 'sgd'] as const) {
    it(`binary (sigmoid) with ${optimizer}`, async () => {
      const { fused, general } = await trainBoth(
        () => denseNetwork({ inputDim: 3, widths: [12, 12, 12], seed: 2 }),
        shells,
        optimizer,
      );
      expect(weightsRelErr(fused.w, general.w)).toBeLessThan(1e-5);
      fused.r.history.forEach((h, e) => {
        expect(h.loss).toBeCloseTo(general.r.history[e].loss, 5);
        expect(h.valLoss!).toBeCloseTo(general.r.history[e].valLoss!, 5);
      });
    });
  }

  it('softmax over 10 MNIST classes with sparse (mostly zero) inputs, RMSprop', async () => {
    const d = mnistDigits(12, 0);
    const data = {
      ...d,
      inputs: { data: d.inputs.data, shape: [d.labels.length, 784] },
    };
    const { fused, general } = await trainBoth(
      () => denseNetwork({ inputDim: 784, widths: [50, 50], outputUnits: 10, seed: 5 }),
      data,
      'rmsprop',
    );
    expect(weightsRelErr(fused.w, general.w)).toBeLessThan(1e-5);
  });

  it('is used only for plain dense stacks', () => {
    expect(denseStackLayers(denseNetwork({ inputDim: 3, widths: [4], seed: 1 }))).not.toBeNull();
    expect(
      denseStackLayers(denseNetwork({ inputDim: 3, widths: [4], activation: 'tanh', seed: 1 })),
    ).toBeNull();
    expect(
      denseStackLayers(vggNetwork({ inputShape: [4, 4, 1], widths: [2], classes: 2 })),
    ).toBeNull();
  });
});

describe('the WebAssembly SIMD engine equals the JavaScript engine', () => {
  /** a seeded stream of uniforms in [0, 1) */
  function uniforms(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }

  function randomStack(sizes: number[], rand: () => number): DenseLayerParams[] {
    return sizes.slice(1).map((units, i) => ({
      inputs: sizes[i],
      units,
      weights: Float32Array.from({ length: sizes[i] * units }, () => rand() - 0.5),
      bias: Float32Array.from({ length: units }, () => rand() - 0.5),
    }));
  }

  it('on random shapes, sparsities, batch sizes and all three optimisers', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 13 }), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom('sgd', 'adam', 'rmsprop'),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.double({ min: 0, max: 0.9, noNaN: true }),
        (hidden, inputs, classes, optimizer, seed, zeroFraction) => {
          const rand = uniforms(seed);
          const units = classes === 2 ? 1 : classes; // 2 classes: one sigmoid unit
          const params = randomStack([inputs, ...hidden, units], rand);
          const maxBatch = 7;
          const make = (engine: 'wasm' | 'js') =>
            createFusedDenseTrainer(params, { optimizer, learningRate: 0.05, maxBatch, engine });
          const wasm = make('wasm');
          const js = make('js');
          for (let s = 0; s < 4; s++) {
            const B = s === 3 ? 1 + Math.floor(rand() * maxBatch) : maxBatch;
            const x = Float32Array.from({ length: B * inputs }, () =>
              rand() < zeroFraction ? 0 : rand() * 2 - 1,
            );
            const y = Int32Array.from({ length: B }, () => Math.floor(rand() * classes));
            const a = wasm.step(x, y, B);
            const b = js.step(x, y, B);
            expect(a.correct).toBe(b.correct);
            expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-5 * Math.max(1, b.loss));
          }
          const pw = wasm.params;
          js.params.forEach((p, l) => {
            expect(pw[l].weights.length).toBe(p.weights.length);
            expect(maxAbsDiff(pw[l].weights, p.weights)).toBeLessThan(1e-5);
            expect(maxAbsDiff(pw[l].bias, p.bias)).toBeLessThan(1e-5);
          });
        },
      ),
      { numRuns: 60, seed: 11 },
    );
  });

  it('refuses a batch larger than maxBatch', () => {
    const params = randomStack([3, 4, 1], uniforms(1));
    const t = createFusedDenseTrainer(params, {
      optimizer: 'sgd',
      learningRate: 0.1,
      maxBatch: 2,
      engine: 'wasm',
    });
    expect(() => t.step(new Float32Array(9), new Int32Array(3), 3)).toThrow(/maxBatch 2/);
  });
});

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('the fused trainers evaluate like evaluateClassifier', () => {
  it('mean loss and correct count on held-out data, both engines, partial last batch', async () => {
    const shells = twoShells(230, 4);
    const model = denseNetwork({ inputDim: 3, widths: [12, 9], seed: 7 });
    // train a little so the predictions are not trivial
    await trainClassifier(model, shells, { epochs: 2, batchSize: 16, validationSplit: 0, seed: 1 });
    const reference = await evaluateClassifier(model, shells);
    const params = readDenseParams(denseStackLayers(model)!);
    for (const engine of ['wasm', 'js'] as const) {
      const t = createFusedDenseTrainer(params, {
        optimizer: 'sgd',
        learningRate: 0.1,
        maxBatch: 32, // 230 rows: 7 full batches and one of 6
        engine,
      });
      const got = t.evaluate(shells.inputs.data as Float32Array, shells.labels, 230);
      expect(got.correct / 230).toBe(reference.accuracy);
      expect(Math.abs(got.loss - reference.loss)).toBeLessThan(1e-6);
    }
    model.dispose();
  });

  it('the validation history of a fused run matches tfjs evaluation of its weights', async () => {
    const shells = twoShells(200, 9);
    const model = denseNetwork({ inputDim: 3, widths: [10, 10], seed: 3 });
    const r = await trainClassifier(model, shells, {
      epochs: 3,
      batchSize: 16,
      validationSplit: 0.25,
      validationOrder: 'tail',
      seed: 2,
    });
    const val = {
      inputs: { data: (shells.inputs.data as Float32Array).slice(150 * 3), shape: [50, 3] },
      labels: shells.labels.slice(150),
    };
    const v = await evaluateClassifier(model, val);
    const lastEpoch = r.history[r.history.length - 1];
    expect(lastEpoch.valAccuracy).toBe(v.accuracy);
    expect(lastEpoch.valLoss!).toBeCloseTo(v.loss, 6);
    model.dispose();
  });
});

describe("the built-ins' separate logits layer leaves training as it was", () => {
  /** The former build: the sigmoid/softmax inside the last Dense layer, same initialisers. */
  function oneLayerOutput(widths: number[], units: number, seed: number) {
    return tf.sequential({
      layers: [
        ...widths.map((w, i) =>
          tf.layers.dense({
            units: w,
            activation: 'relu',
            inputShape: i === 0 ? [3] : undefined,
            kernelInitializer: tf.initializers.glorotUniform({ seed: tensorSeed(seed, i) }),
          }),
        ),
        tf.layers.dense({
          units,
          activation: units === 1 ? 'sigmoid' : 'softmax',
          kernelInitializer: tf.initializers.glorotUniform({
            seed: tensorSeed(seed, widths.length),
          }),
        }),
      ],
    });
  }

  for (const fused of [false, true]) {
    it(`same losses and weights as the activation inside the Dense layer (fused ${fused})`, async () => {
      const data = twoShells(96, 4);
      const split = denseNetwork({ inputDim: 3, widths: [8, 8], seed: 6 });
      const inside = oneLayerOutput([8, 8], 1, 6);
      expect(denseStackLayers(split)?.length).toBe(3);
      expect(denseStackLayers(inside)?.length).toBe(3);
      const o = { epochs: 2, batchSize: 16, validationSplit: 0.25, seed: 1, fused };
      const a = await trainClassifier(split, data, o);
      const b = await trainClassifier(inside, data, o);
      a.history.forEach((h, e) => {
        expect(Math.abs(h.loss - b.history[e].loss)).toBeLessThan(1e-6);
        expect(Math.abs(h.valLoss! - b.history[e].valLoss!)).toBeLessThan(1e-6);
      });
      const wa = split.getWeights().map((t) => Array.from(t.dataSync()));
      const wb = inside.getWeights().map((t) => Array.from(t.dataSync()));
      expect(weightsRelErr(wa, wb)).toBeLessThan(1e-6);
      split.dispose();
      inside.dispose();
    });
  }
});
