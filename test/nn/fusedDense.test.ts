import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/nn/backend.js';
import { denseNetwork } from '../../src/nn/architectures/index.js';
import { trainClassifier, type LabelledData } from '../../src/nn/train.js';
import { denseStackLayers } from '../../src/nn/fusedDense.js';
import { vggNetwork } from '../../src/nn/architectures/index.js';
import { mnistDigits, twoShells } from './helpers.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

function weightsRelErr(a: number[][], b: number[][]): number {
  let num = 0;
  let den = 0;
  a.forEach((w, k) =>
    w.forEach((v, i) => {
      num = Math.max(num, Math.abs(v - b[k][i]));
      den = Math.max(den, Math.abs(b[k][i]));
    }),
  );
  return num / den;
}

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
      inputs: { data: d.inputs.data, shape: [d.labels.length, 784] },
      labels: d.labels,
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
