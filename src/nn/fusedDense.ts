/**
 * A fused training step for dense stacks (Dense+ReLU hidden layers, one sigmoid unit or a softmax
 * output) on Float32Array: forward, backward and the optimiser update in plain typed-array
 * loops, with no per-op dispatch, no allocation per step and no autodiff tape. It reproduces the
 * tfjs path (binary / categorical cross-entropy averaged over the batch; tfjs' SGD, Adam and
 * RMSprop update rules with epsilon 1e-7) and skips zero inputs in the first layer (MNIST pixels
 * are ~80% zero), which is where most of the arithmetic is.
 */
import type * as tf from '@tensorflow/tfjs';

export interface DenseLayerParams {
  /** Weights [inputs, units], row-major (the tfjs kernel layout). */
  weights: Float32Array;
  bias: Float32Array;
  inputs: number;
  units: number;
}

export type DenseOptimizer = 'sgd' | 'adam' | 'rmsprop';

/** The layer sizes of a model if it is a plain dense stack this path can train, else null. */
export function denseStackLayers(model: tf.LayersModel): tf.layers.Layer[] | null {
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  if (layers.length < 2 || model.inputs.length !== 1 || model.inputs[0].shape.length !== 2)
    return null;
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i];
    if (l.getClassName() !== 'Dense') return null;
    const c = l.getConfig() as { activation?: string; useBias?: boolean };
    if (c.useBias === false) return null;
    const last = i === layers.length - 1;
    const units = (l.outputShape as number[])[1];
    if (!last && c.activation !== 'relu') return null;
    if (
      last &&
      !((units === 1 && c.activation === 'sigmoid') || (units > 1 && c.activation === 'softmax'))
    )
      return null;
    if (l.inboundNodes.length !== 1) return null;
  }
  // a chain: each layer's input is the previous layer's output
  for (let i = 1; i < layers.length; i++) {
    const inbound = layers[i].inboundNodes[0].inboundLayers;
    if (inbound.length !== 1 || inbound[0] !== layers[i - 1]) return null;
  }
  return layers;
}

/** Copies a dense stack's weights out of a tfjs model. */
export function readDenseParams(layers: tf.layers.Layer[]): DenseLayerParams[] {
  return layers.map((l) => {
    const [w, b] = l.getWeights();
    return {
      weights: Float32Array.from(w.dataSync()),
      bias: Float32Array.from(b.dataSync()),
      inputs: w.shape[0],
      units: w.shape[1] as number,
    };
  });
}

export interface FusedTrainer {
  /** One optimiser step on a batch (`x` is batch x inputs row-major); returns the mean loss and
   * the number of correct predictions before the update. */
  step(x: Float32Array, labels: Int32Array, batch: number): { loss: number; correct: number };
  params: DenseLayerParams[];
}

export interface FusedTrainerOptions {
  optimizer: DenseOptimizer;
  learningRate: number;
  /** Largest batch size that will be passed to `step`. */
  maxBatch: number;
}

const EPS = 1e-7;

/** Creates a trainer owning copies of `params` and the optimiser state. */
export function createFusedDenseTrainer(
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
    const n = w.length;
    if (o.optimizer === 'sgd') {
      for (let i = 0; i < n; i++) w[i] = w[i] - lr * g[i];
    } else if (o.optimizer === 'rmsprop') {
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

  function step(x: Float32Array, labels: Int32Array, B: number): { loss: number; correct: number } {
    // forward
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
    // output activation, loss, and delta of the output layer: (p - y) / B
    const U = p[L - 1].units;
    const out = act[L - 1];
    const d = delta[L - 1];
    let loss = 0;
    let correct = 0;
    for (let i = 0; i < B; i++) {
      const y = labels[i];
      if (U === 1) {
        const z = out[i];
        const prob = 1 / (1 + Math.exp(-z));
        const pc = Math.min(Math.max(prob, EPS), 1 - EPS);
        loss -= y === 1 ? Math.log(pc) : Math.log(1 - pc);
        if ((prob > 0.5 ? 1 : 0) === y) correct++;
        d[i] = (prob - y) / B;
      } else {
        const o0 = i * U;
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
          d[o0 + j] = (prob - (j === y ? 1 : 0)) / B;
          if (j === y) loss -= Math.log(Math.min(Math.max(prob, EPS), 1 - EPS));
        }
        if (arg === y) correct++;
      }
    }
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
    return { loss: loss / B, correct };
  }

  return { step, params: p };
}

/** Writes trained parameters back into the tfjs layers. */
export function writeDenseParams(
  tfjs: typeof tf,
  layers: tf.layers.Layer[],
  params: DenseLayerParams[],
): void {
  layers.forEach((l, i) => {
    const w = tfjs.tensor2d(params[i].weights, [params[i].inputs, params[i].units]);
    const b = tfjs.tensor1d(params[i].bias);
    l.setWeights([w, b]);
    w.dispose();
    b.dispose();
  });
}
