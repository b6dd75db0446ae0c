import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/nn/backend.js';
import { vggNetwork } from '../../src/nn/architectures/index.js';
import { trainClassifier, type LabelledData } from '../../src/nn/train.js';
import { cnnStackLayers, type CnnPlan } from '../../src/nn/fusedCnn.js';
import { createFusedCnnTrainer } from '../../src/nn/fusedCnnTrainer.js';
import { createThreadedCnnTrainer, type ThreadedCnnTrainer } from '../../src/nn/fusedCnnThreads.js';
import { mnistDigits, weightsRelErr } from './helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

const weightsOf = (m: tf.LayersModel): Float32Array[] =>
  m.getWeights().map((t) => Float32Array.from(t.dataSync()));

const planWeights = (p: CnnPlan): Float32Array[] =>
  p.stages.flatMap((s) => (s.kind === 'conv' || s.kind === 'dense' ? [s.weights, s.bias] : []));

const images = (): LabelledData => {
  const d = mnistDigits(8, 0); // 80 digits: 60 to train (batches 16, 16, 16, 12), 20 to validate
  return { ...d, inputs: { data: d.inputs.data, shape: [d.labels.length, 28, 28, 1] } };
};

const makeVgg = () =>
  vggNetwork({
    inputShape: [28, 28, 1],
    widths: [4, 8],
    convsPerBlock: 1,
    classes: 10,
    head: 'flatten',
    seed: 4,
  });

async function train(
  data: LabelledData,
  optimizer: 'sgd' | 'adam' | 'rmsprop',
  o: { fused: boolean; threads?: number },
) {
  const m = makeVgg();
  const r = await trainClassifier(m, data, {
    optimizer,
    learningRate: optimizer === 'sgd' ? 0.05 : 1e-3,
    epochs: 2,
    batchSize: 16,
    validationSplit: 0.25,
    seed: 3,
    ...o,
  });
  const w = weightsOf(m);
  m.dispose();
  return { w, r };
}

describe('data-parallel fused CNN training (threads)', () => {
  const data = images();

  it('the network takes the fused path', () => {
    expect(cnnStackLayers(makeVgg())).not.toBeNull();
  });

  for (const optimizer of ['sgd', 'adam', 'rmsprop'] as const) {
    it(`two threads equal one thread and the general tfjs path after 2 epochs, ${optimizer}`, async () => {
      const one = await train(data, optimizer, { fused: true });
      const two = await train(data, optimizer, { fused: true, threads: 2 });
      const general = await train(data, optimizer, { fused: false });
      expect(weightsRelErr(two.w, one.w)).toBeLessThan(1e-5);
      expect(weightsRelErr(two.w, general.w)).toBeLessThan(1e-5);
      // the weights did move: the comparison is not between two starting points
      expect(weightsRelErr(two.w, weightsOf(makeVgg()))).toBeGreaterThan(1e-3);
      two.r.history.forEach((h, e) => {
        expect(h.loss).toBeCloseTo(one.r.history[e].loss, 5);
        expect(h.loss).toBeCloseTo(general.r.history[e].loss, 5);
        expect(h.valLoss!).toBeCloseTo(general.r.history[e].valLoss!, 5);
        expect(h.accuracy).toBe(one.r.history[e].accuracy);
        expect(h.valAccuracy).toBe(general.r.history[e].valAccuracy);
      });
    });
  }

  it('is deterministic: the same weights on every run and for 2 or 3 threads', async () => {
    const a = await train(data, 'adam', { fused: true, threads: 2 });
    const b = await train(data, 'adam', { fused: true, threads: 2 });
    a.w.forEach((w, k) => expect(w).toEqual(b.w[k]));
    expect(a.r.history).toEqual(b.r.history);
    // the chunks (8 images), not the threads, fix the sums: 3 threads give the same numbers
    const three = await train(data, 'adam', { fused: true, threads: 3 });
    three.w.forEach((w, k) => expect(w).toEqual(a.w[k]));
    expect(three.r.history).toEqual(a.r.history);
  });

  it('rejects threads that are not integers >= 1', async () => {
    for (const threads of [0, -1, 1.5, Number.NaN]) {
      const m = makeVgg();
      await expect(trainClassifier(m, data, { epochs: 1, threads })).rejects.toThrow(
        /threads must be an integer >= 1/,
      );
      m.dispose();
      const { plan } = cnnStackLayers(makeVgg())!;
      expect(() =>
        createThreadedCnnTrainer(plan, {
          optimizer: 'sgd',
          learningRate: 0.1,
          maxBatch: 4,
          threads,
        }),
      ).toThrow(/threads must be an integer >= 1/);
    }
  });
});

describe('createThreadedCnnTrainer', () => {
  const d = images();
  const x = d.inputs.data as Float32Array;
  const y = d.labels;
  const plan = () => cnnStackLayers(makeVgg())!.plan;
  const open: ThreadedCnnTrainer[] = [];
  afterAll(() => open.forEach((t) => t.close()));

  /** 3 steps on batches of 7, 7 and `last` images */
  function run(t: { step: ThreadedCnnTrainer['step'] }, last: number) {
    const out = [];
    for (const [s, B] of [
      [0, 7],
      [7, 7],
      [14, last],
    ])
      out.push(t.step(x.subarray(s * 784, (s + B) * 784), y.subarray(s, s + B), B));
    return out;
  }

  it('rejects chunks that are not integers >= 1', () => {
    for (const chunk of [0, 2.5])
      expect(() =>
        createThreadedCnnTrainer(plan(), {
          optimizer: 'sgd',
          learningRate: 0.1,
          maxBatch: 4,
          threads: 2,
          chunk,
        }),
      ).toThrow(/chunk must be an integer >= 1/);
  });

  it('with one thread is the one-thread trainer, bit for bit', () => {
    const o = { optimizer: 'adam', learningRate: 1e-3, maxBatch: 7 } as const;
    const a = createFusedCnnTrainer(plan(), o);
    const b = createThreadedCnnTrainer(plan(), { ...o, threads: 1 });
    expect(b.threads).toBe(1);
    expect(run(b, 3)).toEqual(run(a, 3));
    planWeights(b.plan).forEach((w, k) => expect(w).toEqual(planWeights(a.plan)[k]));
  });

  for (const engine of ['wasm', 'js'] as const)
    it(`the ${engine} engine on 2 threads agrees with one thread, in chunks of 3 and a batch of 1`, () => {
      const o = { optimizer: 'rmsprop', learningRate: 1e-3, maxBatch: 7, engine } as const;
      const one = createFusedCnnTrainer(plan(), o);
      // the JS engine's threads sleep at once (no polling): both ways of waiting are run
      const spinMs = engine === 'js' ? 0 : undefined;
      const two = createThreadedCnnTrainer(plan(), { ...o, threads: 2, chunk: 3, spinMs });
      open.push(two);
      expect([one.engine, two.engine, two.threads]).toEqual([engine, engine, 2]);
      const a = run(one, 1); // batches of 7 (chunks 3, 3, 1) and 1 (one chunk)
      const b = run(two, 1);
      b.forEach((r, i) => {
        expect(r.correct).toBe(a[i].correct);
        expect(Math.abs(r.loss - a[i].loss)).toBeLessThan(1e-6 * a[i].loss);
      });
      expect(weightsRelErr(planWeights(two.plan), planWeights(one.plan))).toBeLessThan(1e-5);
      // the worker did take part: train on until it has computed chunks
      for (let i = 0; i < 200 && two.stats.callerChunks === two.stats.chunks; i++) run(two, 7);
      expect(two.stats.callerChunks).toBeLessThan(two.stats.chunks);
      expect(two.evaluate(x, y, 20)).toEqual(createFusedCnnTrainer(two.plan, o).evaluate(x, y, 20));
      two.close();
      expect(() => two.step(x, y, 1)).toThrow(/after close/);
    });
});
