/**
 * The fused dense training step in plain JavaScript loops on Float32Array: the portable engine
 * (used where WebAssembly SIMD is missing, and as the second implementation the WebAssembly
 * engine is tested against). Forward, backward and the optimiser update with no per-op
 * dispatch, no allocation per step and no autodiff tape; zero inputs are skipped in every
 * layer's products (MNIST pixels are ~80% zero, ReLU outputs about half).
 */
import {
  evaluateInBatches,
  type DenseLayerParams,
  type FusedTrainer,
  type FusedTrainerOptions,
} from './fusedDense.js';

/** TensorFlow.js's backend epsilon (optimisers and the clipping of probabilities). */
export const EPS = 1e-7;

/**
 * One optimiser update of a parameter array in place, as tfjs computes it in float32: SGD,
 * RMSprop (rho 0.9, no momentum) or Adam (0.9, 0.999); `beta1t`, `beta2t` are the betas raised to
 * the step number. Shared by the JS engines of the fused dense and CNN trainers.
 */
export function optimizerStep(
  optimizer: string,
  lr: number,
  beta1t: number,
  beta2t: number,
  w: Float32Array,
  g: Float32Array,
  m1: Float32Array,
  m2: Float32Array,
): void {
  const n = w.length;
  if (optimizer === 'sgd') {
    for (let i = 0; i < n; i++) w[i] = w[i] - lr * g[i];
  } else if (optimizer === 'rmsprop') {
    // tfjs: ms = 0.9 ms + 0.1 g^2; mom = 0 * mom + lr g / sqrt(ms + eps); w -= mom
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

/**
 * The output layer's activation (sigmoid for one unit, softmax otherwise), the mean
 * cross-entropy over the batch, the number of correct predictions, and the gradient of the mean
 * loss with respect to the pre-activations, (p - y) / B, written to `delta` (divided by
 * `divisor` instead where given: a shard of a batch of `divisor` rows, ./fusedCnnThreads.ts).
 * Rows of `out` and `delta` are `outStride` and `deltaStride` floats apart.
 */
export function outputLayerLoss(
  out: Float32Array,
  outStride: number,
  d: Float32Array,
  deltaStride: number,
  labels: Int32Array,
  B: number,
  U: number,
  divisor = B,
): { loss: number; correct: number } {
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < B; i++) {
    const y = labels[i];
    if (U === 1) {
      const z = out[i * outStride];
      const prob = 1 / (1 + Math.exp(-z));
      const pc = Math.min(Math.max(prob, EPS), 1 - EPS);
      loss -= y === 1 ? Math.log(pc) : Math.log(1 - pc);
      if ((prob > 0.5 ? 1 : 0) === y) correct++;
      d[i * deltaStride] = (prob - y) / divisor;
    } else {
      const o0 = i * outStride;
      const d0 = i * deltaStride;
      let max = -Infinity;
      let arg = 0;
      for (let j = 0; j < U; j++) {
        if (out[o0 + j] > max) {
          max = out[o0 + j];
          arg = j;
        }
      }
      let sum = 0;
      for (let j = 0; j < U; j++) sum += Math.exp(out[o0 + j] - max);
      for (let j = 0; j < U; j++) {
        const prob = Math.exp(out[o0 + j] - max) / sum;
        d[d0 + j] = (prob - (j === y ? 1 : 0)) / divisor;
        if (j === y) loss -= Math.log(Math.min(Math.max(prob, EPS), 1 - EPS));
      }
      if (arg === y) correct++;
    }
  }
  return { loss: loss / B, correct };
}

/** Creates a trainer owning copies of `params` and the optimiser state. */
export function createJsFusedDenseTrainer(
  params: DenseLayerParams[],
  o: FusedTrainerOptions,
): FusedTrainer {
  const L = params.length;
  const p = params.map((q) => ({ ...q, weights: q.weights.slice(), bias: q.bias.slice() }));
  const act = p.map((q) => new Float32Array(o.maxBatch * q.units)); // post-activation outputs
  const delta = p.map((q) => new Float32Array(o.maxBatch * q.units)); // dLoss/dpre-activation
  const gw = p.map((q) => new Float32Array(q.weights.length));
  const gb = p.map((q) => new Float32Array(q.units));
  const s1w = p.map((q) => new Float32Array(q.weights.length));
  const s1b = p.map((q) => new Float32Array(q.units));
  const s2w = p.map((q) => new Float32Array(q.weights.length));
  const s2b = p.map((q) => new Float32Array(q.units));
  const nzIdx = new Int32Array(Math.max(...p.map((q) => q.inputs)));
  const lr = o.learningRate;
  let beta1t = 1;
  let beta2t = 1;

  function update(w: Float32Array, g: Float32Array, m1: Float32Array, m2: Float32Array): void {
    optimizerStep(o.optimizer, lr, beta1t, beta2t, w, g, m1, m2);
  }

  /** The forward pass, the output layer's loss, and its delta (`delta[L - 1]`). */
  function forwardLoss(
    x: Float32Array,
    labels: Int32Array,
    B: number,
  ): { loss: number; correct: number } {
    for (let l = 0; l < L; l++) {
      const { weights: W, bias, inputs: I, units: U } = p[l];
      const out = act[l];
      const last = l === L - 1;
      for (let i = 0; i < B; i++) {
        const o0 = i * U;
        for (let j = 0; j < U; j++) out[o0 + j] = bias[j];
        if (l === 0) {
          const x0 = i * I;
          for (let k = 0; k < I; k++) {
            const xv = x[x0 + k];
            if (xv === 0) continue;
            const w0 = k * U;
            for (let j = 0; j < U; j++) out[o0 + j] += xv * W[w0 + j];
          }
        } else {
          const h = act[l - 1];
          const h0 = i * I;
          for (let k = 0; k < I; k++) {
            const hv = h[h0 + k];
            if (hv === 0) continue;
            const w0 = k * U;
            for (let j = 0; j < U; j++) out[o0 + j] += hv * W[w0 + j];
          }
        }
        if (!last) {
          for (let j = 0; j < U; j++) if (out[o0 + j] < 0) out[o0 + j] = 0;
        }
      }
    }
    // output activation, loss, and delta of the output layer
    const U = p[L - 1].units;
    return outputLayerLoss(act[L - 1], U, delta[L - 1], U, labels, B, U);
  }

  function step(x: Float32Array, labels: Int32Array, B: number): { loss: number; correct: number } {
    const { loss, correct } = forwardLoss(x, labels, B);
    // backward
    for (let l = L - 1; l >= 0; l--) {
      const { weights: W, inputs: I, units: Ul } = p[l];
      const dl = delta[l];
      const gW = gw[l];
      const gB = gb[l];
      gW.fill(0);
      gB.fill(0);
      const input = l === 0 ? x : act[l - 1];
      for (let i = 0; i < B; i++) {
        const d0 = i * Ul;
        for (let j = 0; j < Ul; j++) gB[j] += dl[d0 + j];
        const x0 = i * I;
        let nz = 0;
        for (let k = 0; k < I; k++) if (input[x0 + k] !== 0) nzIdx[nz++] = k;
        for (let q = 0; q < nz; q++) {
          const k = nzIdx[q];
          const xv = input[x0 + k];
          const w0 = k * Ul;
          for (let j = 0; j < Ul; j++) gW[w0 + j] += xv * dl[d0 + j];
        }
      }
      if (l > 0) {
        // delta of the layer below: (delta W^T) masked by the ReLU (zero where the output was 0)
        const below = delta[l - 1];
        const h = act[l - 1];
        for (let i = 0; i < B; i++) {
          const d0 = i * Ul;
          const h0 = i * I;
          for (let k = 0; k < I; k++) {
            if (h[h0 + k] === 0) {
              below[h0 + k] = 0;
              continue;
            }
            const w0 = k * Ul;
            let s = 0;
            for (let j = 0; j < Ul; j++) s += dl[d0 + j] * W[w0 + j];
            below[h0 + k] = s;
          }
        }
      }
    }
    // optimiser
    beta1t *= 0.9;
    beta2t *= 0.999;
    for (let l = 0; l < L; l++) {
      update(p[l].weights, gw[l], s1w[l], s2w[l]);
      update(p[l].bias, gb[l], s1b[l], s2b[l]);
    }
    return { loss, correct };
  }

  return {
    step,
    evaluate: (x, labels, n) =>
      evaluateInBatches(x, labels, n, p[0].inputs, o.maxBatch, forwardLoss),
    params: p,
  };
}
