import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { initBackend } from '../../src/nn/backend.js';
import { denseNetwork, resnetNetwork, vggNetwork } from '../../src/nn/architectures/index.js';
import { compileClassifier, trainClassifier, type LabelledData } from '../../src/nn/train.js';
import { cnnStackLayers, type CnnPlan, type CnnStage } from '../../src/nn/fusedCnn.js';
import { createFusedCnnTrainer } from '../../src/nn/fusedCnnTrainer.js';
import { jsConvProducts, simdConvProducts } from '../../src/nn/cnnKernels.js';
import { mnistDigits, weightsRelErr } from './helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

function weightsOf(m: tf.LayersModel): number[][] {
  return m.getWeights().map((t) => Array.from(t.dataSync()));
}

async function trainBoth(
  make: () => tf.LayersModel,
  data: LabelledData,
  optimizer: 'sgd' | 'adam' | 'rmsprop',
) {
  const probe = make();
  expect(cnnStackLayers(probe)).not.toBeNull(); // the fused run does take the fused path
  probe.dispose();
  const run = async (fused: boolean) => {
    const m = make();
    const r = await trainClassifier(m, data, {
      optimizer,
      learningRate: optimizer === 'sgd' ? 0.05 : 1e-3,
      epochs: 2,
      batchSize: 16,
      validationSplit: 0.25,
      fused,
      seed: 3,
    });
    const w = weightsOf(m);
    m.dispose();
    return { w, r };
  };
  return { fused: await run(true), general: await run(false) };
}

const images = (): LabelledData => {
  const d = mnistDigits(8, 0); // 80 digits: 60 to train (4 batches of 16), 20 to validate
  return { ...d, inputs: { data: d.inputs.data, shape: [d.labels.length, 28, 28, 1] } };
};

describe('fused CNN training equals the general tfjs path', () => {
  const data = images();
  for (const optimizer of ['sgd', 'adam', 'rmsprop'] as const) {
    it(`VGG-like, flatten head, ${optimizer}`, async () => {
      const { fused, general } = await trainBoth(
        () =>
          vggNetwork({
            inputShape: [28, 28, 1],
            widths: [4, 8],
            convsPerBlock: 1,
            classes: 10,
            head: 'flatten',
            seed: 4,
          }),
        data,
        optimizer,
      );
      expect(weightsRelErr(fused.w, general.w)).toBeLessThan(1e-5);
      fused.r.history.forEach((h, e) => {
        expect(h.loss).toBeCloseTo(general.r.history[e].loss, 5);
        expect(h.valLoss!).toBeCloseTo(general.r.history[e].valLoss!, 5);
        expect(h.valAccuracy).toBe(general.r.history[e].valAccuracy);
      });
    });
  }

  it('two convolutions per block, pre-activation layers and the global-average head, Adam', async () => {
    const small: LabelledData = (() => {
      // 14x14 crops keep the general path quick
      const d = images();
      const src = d.inputs.data as Float32Array;
      const n = d.labels.length;
      const x = new Float32Array(n * 14 * 14);
      for (let i = 0; i < n; i++)
        for (let r = 0; r < 14; r++)
          for (let c = 0; c < 14; c++)
            x[(i * 14 + r) * 14 + c] = src[i * 784 + (r + 7) * 28 + c + 7];
      return { ...d, inputs: { data: x, shape: [n, 14, 14, 1] } };
    })();
    const make = () =>
      vggNetwork({
        inputShape: [14, 14, 1],
        widths: [4, 6],
        convsPerBlock: 2,
        classes: 10,
        head: 'gap',
        preActivations: true,
        seed: 9,
      });
    expect(cnnStackLayers(make())?.plan.stages.map((s) => s.kind)).toEqual([
      'conv',
      'conv',
      'maxPool',
      'conv',
      'conv',
      'maxPool',
      'globalAverage',
      'dense',
    ]);
    const { fused, general } = await trainBoth(make, small, 'adam');
    expect(weightsRelErr(fused.w, general.w)).toBeLessThan(1e-5);
  });

  it('is used only for the chains it supports', () => {
    const vgg = vggNetwork({ inputShape: [8, 8, 3], widths: [2], classes: 3, seed: 1 });
    expect(cnnStackLayers(vgg)?.layers.map((l) => l.name)).toEqual([
      'block1_conv1',
      'block1_conv2',
      'logits',
    ]);
    expect(
      cnnStackLayers(resnetNetwork({ inputShape: [8, 8, 1], widths: [2], classes: 2 })),
    ).toBeNull();
    expect(cnnStackLayers(denseNetwork({ inputDim: 3, widths: [4], seed: 1 }))).toBeNull();
    // batch norm: not supported
    const bn = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, padding: 'same' }),
        tf.layers.batchNormalization(),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    expect(cnnStackLayers(bn)).toBeNull();
    // 'valid' convolutions and strides: not supported
    const valid = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, padding: 'valid' }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    expect(cnnStackLayers(valid)).toBeNull();
  });
});

/** a seeded stream of uniforms in [0, 1) */
function uniforms(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A random plan: conv blocks (with or without ReLU, optional pooling), a flatten or global
 * average head, `classes` outputs. */
function randomPlan(
  rand: () => number,
  size: number,
  channels: number,
  widths: number[],
  kernel: number,
  gap: boolean,
  classes: number,
): CnnPlan {
  const stages: CnnStage[] = [];
  let h = size;
  let w = size;
  let c = channels;
  const vals = (n: number, scale: number) =>
    Float32Array.from({ length: n }, () => (rand() - 0.5) * scale);
  widths.forEach((co, i) => {
    stages.push({
      kind: 'conv',
      height: h,
      width: w,
      inChannels: c,
      outChannels: co,
      filterHeight: kernel,
      filterWidth: kernel,
      relu: i % 3 !== 2,
      weights: vals(kernel * kernel * c * co, 1),
      bias: vals(co, 0.2),
    });
    c = co;
    if (h >= 2 && rand() < 0.6) {
      stages.push({
        kind: 'maxPool',
        height: h,
        width: w,
        channels: c,
        poolHeight: 2,
        poolWidth: 2,
        strideHeight: 2,
        strideWidth: 2,
      });
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    }
  });
  if (gap) stages.push({ kind: 'globalAverage', height: h, width: w, channels: c });
  const inputs = gap ? c : h * w * c;
  const units = classes === 2 ? 1 : classes;
  stages.push({
    kind: 'dense',
    inputs,
    units,
    weights: vals(inputs * units, 1),
    bias: vals(units, 0.2),
  });
  return { inputShape: [size, size, channels], stages };
}

describe('the WebAssembly SIMD engine equals the JavaScript engine', () => {
  it('is available on this runtime', () => {
    expect(simdConvProducts()).not.toBeNull();
  });

  it('the three convolution products on random shapes', () => {
    const simd = simdConvProducts()!;
    const js = jsConvProducts();
    fc.assert(
      fc.property(
        fc.record({
          batch: fc.integer({ min: 1, max: 3 }),
          height: fc.integer({ min: 1, max: 7 }),
          width: fc.integer({ min: 1, max: 7 }),
          inChannels: fc.integer({ min: 1, max: 6 }),
          outChannels: fc.integer({ min: 1, max: 9 }),
          filterHeight: fc.constantFrom(1, 3, 5),
          filterWidth: fc.constantFrom(1, 3),
        }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (s, seed) => {
          const rand = uniforms(seed);
          const n = (k: number) => Float32Array.from({ length: k }, () => rand() * 2 - 1);
          const x = n(s.batch * s.height * s.width * s.inChannels);
          const dy = n(s.batch * s.height * s.width * s.outChannels);
          const w = n(s.filterHeight * s.filterWidth * s.inChannels * s.outChannels);
          const pairOf = (len: number) => [new Float32Array(len), new Float32Array(len)];
          const [y1, y2] = pairOf(dy.length);
          simd.forward(x, w, s, y1);
          js.forward(x, w, s, y2);
          expect(maxAbsDiff(y1, y2)).toBeLessThan(1e-5);
          const [g1, g2] = pairOf(w.length);
          simd.filterGradient(x, dy, s, g1);
          js.filterGradient(x, dy, s, g2);
          expect(maxAbsDiff(g1, g2)).toBeLessThan(1e-5);
          const [d1, d2] = pairOf(x.length);
          simd.inputGradient(dy, w, s, d1);
          js.inputGradient(dy, w, s, d2);
          expect(maxAbsDiff(d1, d2)).toBeLessThan(1e-5);
        },
      ),
      { numRuns: 60, seed: 5 },
    );
  });

  it('whole training steps on random small CNNs and all three optimisers', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 9 }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom(1, 3),
        fc.boolean(),
        fc.integer({ min: 2, max: 5 }),
        fc.constantFrom('sgd', 'adam', 'rmsprop'),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (size, channels, widths, kernel, gap, classes, optimizer, seed) => {
          const rand = uniforms(seed);
          const plan = randomPlan(rand, size, channels, widths, kernel, gap, classes);
          const maxBatch = 5;
          const make = (engine: 'wasm' | 'js') =>
            createFusedCnnTrainer(plan, { optimizer, learningRate: 0.01, maxBatch, engine });
          const wasm = make('wasm');
          const js = make('js');
          expect([wasm.engine, js.engine]).toEqual(['wasm', 'js']);
          const inSize = size * size * channels;
          for (let s = 0; s < 3; s++) {
            const B = s === 2 ? 1 + Math.floor(rand() * maxBatch) : maxBatch;
            const x = Float32Array.from({ length: B * inSize }, () =>
              rand() < 0.5 ? 0 : rand() * 2 - 1,
            );
            const y = Int32Array.from({ length: B }, () => Math.floor(rand() * classes));
            const a = wasm.step(x, y, B);
            const b = js.step(x, y, B);
            expect(a.correct).toBe(b.correct);
            expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-5 * Math.max(1, b.loss));
          }
          const pw = wasm.plan.stages;
          js.plan.stages.forEach((st, i) => {
            const other = pw[i];
            if ((st.kind === 'conv' || st.kind === 'dense') && other.kind === st.kind) {
              expect(maxAbsDiff(other.weights, st.weights)).toBeLessThan(1e-4);
              expect(maxAbsDiff(other.bias, st.bias)).toBeLessThan(1e-4);
            }
          });
        },
      ),
      { numRuns: 40, seed: 13 },
    );
  });

  it('refuses a batch larger than maxBatch', () => {
    const plan = randomPlan(uniforms(2), 4, 1, [2], 3, false, 3);
    const t = createFusedCnnTrainer(plan, { optimizer: 'sgd', learningRate: 0.1, maxBatch: 2 });
    expect(() => t.step(new Float32Array(48), new Int32Array(3), 3)).toThrow(/maxBatch 2/);
  });
});

describe('the JavaScript fallback engine', () => {
  it('one step equals tfjs trainOnBatch (RMSprop), the model training through tfjs alone', async () => {
    const model = vggNetwork({
      inputShape: [28, 28, 1],
      widths: [4, 6],
      convsPerBlock: 1,
      classes: 10,
      head: 'flatten',
      seed: 2,
    });
    const { plan, layers } = cnnStackLayers(model)!;
    const d = images();
    const B = 16;
    const x = (d.inputs.data as Float32Array).subarray(0, B * 784);
    const y = d.labels.subarray(0, B);
    const js = createFusedCnnTrainer(plan, {
      optimizer: 'rmsprop',
      learningRate: 1e-3,
      maxBatch: B,
      engine: 'js',
    });
    expect(js.engine).toBe('js');
    const r = js.step(x, y, B);
    compileClassifier(model, 'rmsprop', 1e-3);
    const xt = tf.tensor4d(x, [B, 28, 28, 1]);
    const yt = tf.oneHot(tf.tensor1d(y, 'int32'), 10).toFloat();
    const [loss] = (await model.trainOnBatch(xt, yt)) as number[];
    xt.dispose();
    yt.dispose();
    expect(r.loss).toBeCloseTo(loss, 5);
    const got = js.plan.stages.flatMap((s) =>
      s.kind === 'conv' || s.kind === 'dense' ? [Array.from(s.weights), Array.from(s.bias)] : [],
    );
    expect(layers.length).toBe(3);
    expect(weightsRelErr(got, weightsOf(model))).toBeLessThan(1e-5);
    model.dispose();
  });
});
