/**
 * The fused CNN training step (docs/networks.md, "Fused CNN step") over a plan of
 * ./fusedCnn.ts: forward (convolution + bias + ReLU, max pooling, global average pooling,
 * the dense head), softmax (or sigmoid) cross-entropy, backward and the SGD / Adam / RMSprop
 * update, on buffers allocated once. The convolution products come from ./cnnKernels.ts
 * (WebAssembly SIMD or plain JavaScript); the cheap element-wise parts (bias, ReLU, pooling,
 * the dense head, the optimiser) are JavaScript loops shared by both engines.
 *
 * The arithmetic is tfjs's: the loss is the batch mean, max pooling passes the gradient to the
 * first maximum of each window (rows, then columns; a strict comparison, as tfjs' kernels do),
 * and the optimisers follow tfjs' update rules with epsilon 1e-7.
 */
import {
  jsConvProducts,
  simdConvProducts,
  type ConvProducts,
  type ConvShape,
} from './cnnKernels.js';
import type { CnnPlan, CnnStage } from './fusedCnn.js';
import { evaluateInBatches, type FusedTrainerOptions } from './fusedDense.js';
import { EPS, outputLayerLoss } from './fusedDenseJs.js';

export interface FusedCnnTrainer {
  /** One optimiser step on a batch (`x` is batch x H x W x C, NHWC); the mean loss and the
   * number of correct predictions before the update. */
  step(x: Float32Array, labels: Int32Array, batch: number): { loss: number; correct: number };
  /** The forward pass alone over `n` images (in batches of at most maxBatch). */
  evaluate(x: Float32Array, labels: Int32Array, n: number): { loss: number; correct: number };
  /** The current weights, as a plan (copies). */
  readonly plan: CnnPlan;
  /** Which engine computes the convolutions. */
  readonly engine: 'wasm' | 'js';
}

/** Output size (floats per image) of a stage. */
function outSize(s: CnnStage): number {
  if (s.kind === 'conv') return s.height * s.width * s.outChannels;
  if (s.kind === 'maxPool') {
    const oh = Math.floor((s.height - s.poolHeight) / s.strideHeight) + 1;
    const ow = Math.floor((s.width - s.poolWidth) / s.strideWidth) + 1;
    return oh * ow * s.channels;
  }
  if (s.kind === 'globalAverage') return s.channels;
  return s.units;
}

/** One parameter tensor with its gradient and optimiser state. */
interface Param {
  w: Float32Array;
  g: Float32Array;
  m1: Float32Array;
  m2: Float32Array;
}

const param = (w: Float32Array): Param => ({
  w,
  g: new Float32Array(w.length),
  m1: new Float32Array(w.length),
  m2: new Float32Array(w.length),
});

/**
 * A trainer owning copies of `plan`'s weights and the optimiser state. `o.engine`: 'auto'
 * (default; WebAssembly SIMD convolutions where available, else JavaScript), 'wasm' or 'js'.
 */
export function createFusedCnnTrainer(plan: CnnPlan, o: FusedTrainerOptions): FusedCnnTrainer {
  const want = o.engine ?? 'auto';
  let conv: ConvProducts | null = want === 'js' ? null : simdConvProducts();
  if (!conv && want === 'wasm')
    throw new Error('the WebAssembly engine of the fused CNN step needs WebAssembly SIMD');
  const engine = conv ? 'wasm' : 'js';
  conv ??= jsConvProducts();
  const products = conv;
  const maxB = o.maxBatch;
  const stages = plan.stages.map((s) =>
    s.kind === 'conv' || s.kind === 'dense'
      ? { ...s, weights: s.weights.slice(), bias: s.bias.slice() }
      : { ...s },
  );
  const [H0, W0, C0] = plan.inputShape;
  const inSize = H0 * W0 * C0;
  const sizes = stages.map(outSize);
  const inSizes = [inSize, ...sizes.slice(0, -1)];
  const act = sizes.map((n) => new Float32Array(maxB * n));
  const delta = sizes.map((n) => new Float32Array(maxB * n));
  const argmax = stages.map((s, i) =>
    s.kind === 'maxPool' ? new Int32Array(maxB * sizes[i]) : null,
  );
  const params = stages.map((s) =>
    s.kind === 'conv' || s.kind === 'dense' ? { w: param(s.weights), b: param(s.bias) } : null,
  );
  const firstWeighted = stages.findIndex((s) => s.kind === 'conv' || s.kind === 'dense');
  const lr = o.learningRate;
  let beta1t = 1;
  let beta2t = 1;

  const shape = (s: CnnStage & { kind: 'conv' }, B: number): ConvShape => ({
    batch: B,
    height: s.height,
    width: s.width,
    inChannels: s.inChannels,
    outChannels: s.outChannels,
    filterHeight: s.filterHeight,
    filterWidth: s.filterWidth,
  });

  function forwardLoss(x: Float32Array, labels: Int32Array, B: number) {
    if (B > maxB) throw new RangeError(`batch of ${B} images exceeds maxBatch ${maxB}`);
    let input = x;
    stages.forEach((s, n) => {
      const out = act[n];
      if (s.kind === 'conv') {
        products.forward(input, s.weights, shape(s, B), out);
        const co = s.outChannels;
        const total = B * sizes[n];
        for (let i = 0; i < total; i += co)
          for (let c = 0; c < co; c++) {
            const v = out[i + c] + s.bias[c];
            out[i + c] = s.relu && v < 0 ? 0 : v;
          }
      } else if (s.kind === 'maxPool') {
        const am = argmax[n]!;
        const { height: H, width: W, channels: C, poolHeight: ph, poolWidth: pw } = s;
        const OH = Math.floor((H - ph) / s.strideHeight) + 1;
        const OW = Math.floor((W - pw) / s.strideWidth) + 1;
        let k = 0;
        for (let b = 0; b < B; b++)
          for (let r = 0; r < OH; r++)
            for (let q = 0; q < OW; q++)
              for (let c = 0; c < C; c++, k++) {
                let best = -Infinity;
                let at = -1;
                for (let i = 0; i < ph; i++) {
                  const row = ((b * H + r * s.strideHeight + i) * W + q * s.strideWidth) * C + c;
                  for (let j = 0; j < pw; j++) {
                    const v = input[row + j * C];
                    if (v > best) {
                      best = v;
                      at = row + j * C;
                    }
                  }
                }
                out[k] =
                  at >= 0
                    ? best
                    : input[((b * H + r * s.strideHeight) * W + q * s.strideWidth) * C + c];
                am[k] = at;
              }
      } else if (s.kind === 'globalAverage') {
        const { height: H, width: W, channels: C } = s;
        const hw = H * W;
        for (let b = 0; b < B; b++)
          for (let c = 0; c < C; c++) {
            let sum = 0;
            for (let p = 0; p < hw; p++) sum += input[(b * hw + p) * C + c];
            out[b * C + c] = sum / hw;
          }
      } else {
        const { inputs: I, units: U, weights: Wt, bias } = s;
        for (let b = 0; b < B; b++) {
          const o0 = b * U;
          for (let u = 0; u < U; u++) out[o0 + u] = bias[u];
          for (let k = 0; k < I; k++) {
            const v = input[b * I + k];
            if (v === 0) continue;
            const w0 = k * U;
            for (let u = 0; u < U; u++) out[o0 + u] += v * Wt[w0 + u];
          }
        }
      }
      input = out;
    });
    const L = stages.length - 1;
    const U = sizes[L];
    return outputLayerLoss(act[L], U, delta[L], U, labels, B, U);
  }

  function update(p: Param): void {
    const { w, g, m1, m2 } = p;
    const n = w.length;
    if (o.optimizer === 'sgd') {
      for (let i = 0; i < n; i++) w[i] = w[i] - lr * g[i];
    } else if (o.optimizer === 'rmsprop') {
      for (let i = 0; i < n; i++) {
        const gi = g[i];
        const ms = Math.fround(Math.fround(m2[i] * 0.9) + Math.fround(gi * gi * 0.1));
        m2[i] = ms;
        w[i] = w[i] - (lr * gi) / Math.sqrt(ms + EPS);
      }
    } else {
      const c1 = 1 - beta1t;
      const c2 = 1 - beta2t;
      for (let i = 0; i < n; i++) {
        const gi = g[i];
        const m = Math.fround(m1[i] * 0.9 + gi * 0.1);
        const v = Math.fround(m2[i] * 0.999 + gi * gi * 0.001);
        m1[i] = m;
        m2[i] = v;
        w[i] = w[i] - (lr * (m / c1)) / (Math.sqrt(v / c2) + EPS);
      }
    }
  }

  function step(x: Float32Array, labels: Int32Array, B: number) {
    const result = forwardLoss(x, labels, B);
    for (let n = stages.length - 1; n >= firstWeighted; n--) {
      const s = stages[n];
      const d = delta[n];
      const input = n === 0 ? x : act[n - 1];
      const dIn = n > 0 ? delta[n - 1] : null;
      const needIn = n > firstWeighted;
      if (s.kind === 'dense') {
        const { inputs: I, units: U, weights: Wt } = s;
        const { w: pw, b: pb } = params[n]!;
        pw.g.fill(0);
        pb.g.fill(0);
        for (let b = 0; b < B; b++) {
          const d0 = b * U;
          for (let u = 0; u < U; u++) pb.g[u] += d[d0 + u];
          for (let k = 0; k < I; k++) {
            const v = input[b * I + k];
            if (v === 0) continue;
            const w0 = k * U;
            for (let u = 0; u < U; u++) pw.g[w0 + u] += v * d[d0 + u];
          }
          if (needIn)
            for (let k = 0; k < I; k++) {
              const w0 = k * U;
              let t = 0;
              for (let u = 0; u < U; u++) t += d[d0 + u] * Wt[w0 + u];
              dIn![b * I + k] = t;
            }
        }
      } else if (s.kind === 'globalAverage') {
        if (!needIn) continue;
        const { height: H, width: W, channels: C } = s;
        const hw = H * W;
        for (let b = 0; b < B; b++)
          for (let p = 0; p < hw; p++)
            for (let c = 0; c < C; c++) dIn![(b * hw + p) * C + c] = d[b * C + c] / hw;
      } else if (s.kind === 'maxPool') {
        if (!needIn) continue;
        const am = argmax[n]!;
        dIn!.fill(0, 0, B * inSizes[n]);
        const total = B * sizes[n];
        for (let k = 0; k < total; k++) if (am[k] >= 0) dIn![am[k]] += d[k];
      } else {
        const out = act[n];
        const co = s.outChannels;
        const total = B * sizes[n];
        if (s.relu) for (let i = 0; i < total; i++) if (out[i] <= 0) d[i] = 0;
        const { w: pw, b: pb } = params[n]!;
        pb.g.fill(0);
        for (let i = 0; i < total; i += co) for (let c = 0; c < co; c++) pb.g[c] += d[i + c];
        const sh = shape(s, B);
        products.filterGradient(input, d, sh, pw.g);
        if (needIn) products.inputGradient(d, s.weights, sh, dIn!);
      }
    }
    beta1t *= 0.9;
    beta2t *= 0.999;
    for (const p of params) {
      if (!p) continue;
      update(p.w);
      update(p.b);
    }
    return result;
  }

  return {
    step,
    evaluate: (x, labels, n) => evaluateInBatches(x, labels, n, inSize, maxB, forwardLoss),
    get plan(): CnnPlan {
      return {
        inputShape: [H0, W0, C0],
        stages: stages.map((s) =>
          s.kind === 'conv' || s.kind === 'dense'
            ? { ...s, weights: s.weights.slice(), bias: s.bias.slice() }
            : { ...s },
        ),
      };
    },
    engine,
  };
}
