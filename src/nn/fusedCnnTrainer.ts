/**
 * The fused CNN training step (docs/networks.md, "Fused CNN step") over a plan of
 * ./fusedCnn.ts: forward (convolution + bias + ReLU, max pooling, global average pooling,
 * the dense head), softmax (or sigmoid) cross-entropy, backward and the SGD / Adam / RMSprop
 * update, on buffers allocated once. The convolution products come from ./cnnKernels.ts
 * (WebAssembly SIMD or plain JavaScript). With the SIMD engine, a ReLU convolution's 2 x 2
 * max pooling runs inside its forward kernel, the dense head on ./fusedCnnHead.ts and the
 * optimiser on the kernels of ./denseKernels.ts (docs/bench-nn.md, "Fused CNN kernels"); the
 * rest (other pooling, the pooling gradients, global average pooling, and with the JS engine
 * everything) are JavaScript loops.
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
import { simdDenseHead, type DenseHead } from './fusedCnnHead.js';
import { evaluateInBatches, type FusedTrainerOptions } from './fusedDense.js';
import { EPS, optimizerStep, outputLayerLoss } from './fusedDenseJs.js';
import { createDenseKernels } from './denseKernels.js';

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

/**
 * The parts of a fused CNN trainer that the data-parallel trainer (./fusedCnnThreads.ts)
 * drives one at a time; `createFusedCnnTrainer`'s `step` is `gradients` then `update`.
 */
export interface FusedCnnCore extends FusedCnnTrainer {
  /** Forward and backward over `B` images: the loss gradients into each parameter's `g`,
   * scaled as the mean over `divisor` images (default `B`: the batch mean); the mean loss of
   * the `B` images and the number of correct predictions. */
  gradients(
    x: Float32Array,
    labels: Int32Array,
    B: number,
    divisor?: number,
  ): { loss: number; correct: number };
  /** One optimiser update of every parameter from its gradient `g`. */
  update(): void;
  /** The parameter tensors in plan order (each weighted stage's weights, then bias): `w` the
   * values, `g` the gradient (views the trainer's kernels read and write in place). */
  readonly params: readonly { w: Float32Array; g: Float32Array }[];
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

/**
 * A trainer owning copies of `plan`'s weights and the optimiser state. `o.engine`: 'auto'
 * (default; WebAssembly SIMD convolutions where available, else JavaScript), 'wasm' or 'js'.
 */
export function createFusedCnnTrainer(plan: CnnPlan, o: FusedTrainerOptions): FusedCnnTrainer {
  const core = createFusedCnnCore(plan, o);
  return {
    step: core.step,
    evaluate: core.evaluate,
    get plan() {
      return core.plan;
    },
    engine: core.engine,
  };
}

/** The trainer of `createFusedCnnTrainer` with its parts exposed (`FusedCnnCore`). */
export function createFusedCnnCore(plan: CnnPlan, o: FusedTrainerOptions): FusedCnnCore {
  const want = o.engine ?? 'auto';
  let conv: ConvProducts | null = want === 'js' ? null : simdConvProducts();
  if (!conv && want === 'wasm')
    throw new Error('the WebAssembly engine of the fused CNN step needs WebAssembly SIMD');
  const engine = conv ? 'wasm' : 'js';
  conv ??= jsConvProducts();
  const products = conv;
  const head = engine === 'wasm' ? simdDenseHead() : null;
  const maxB = o.maxBatch;
  const stages: CnnStage[] = plan.stages.map((s) =>
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
  /**
   * The parameters, their gradients and optimiser moments. With the SIMD engine they are views
   * of one optimiser kernel's memory (./denseKernels.ts: SGD, RMSprop and Adam in tfjs' order
   * of operations on f32x4 vectors), each 16-byte aligned and padded to whole vectors (the
   * padding's gradient and moments stay 0, so its update is 0): the update is one call per
   * tensor, with no copies. The stages' weights and biases are those views.
   */
  const padded = (n: number): number => Math.ceil(n / 4) * 16;
  const tensors = stages.flatMap((s) =>
    s.kind === 'conv' || s.kind === 'dense' ? [s.weights.length, s.bias.length] : [],
  );
  const opt =
    engine === 'wasm'
      ? createDenseKernels(64 + 4 * tensors.reduce((a, n) => a + padded(n), 0))
      : null;
  let optTop = 64;
  const alloc = (n: number): Float32Array => {
    if (!opt) return new Float32Array(n);
    const v = new Float32Array(opt.memory.buffer, optTop, n);
    optTop += padded(n);
    return v;
  };
  const param = (src: Float32Array): Param => {
    const w = alloc(src.length);
    w.set(src);
    return { w, g: alloc(src.length), m1: alloc(src.length), m2: alloc(src.length) };
  };
  const params = stages.map((s) => {
    if (s.kind !== 'conv' && s.kind !== 'dense') return null;
    const p = { w: param(s.weights), b: param(s.bias) };
    s.weights = p.w.w;
    s.bias = p.b.w;
    return p;
  });
  /** whether a stage's input is (max-pooled) ReLU output: where it is 0, its gradient will be
   * masked to 0 by the ReLU's, so the head need not compute it */
  const reluBelow = stages.map((_, n) => {
    let k = n - 1;
    while (k >= 0 && stages[k].kind === 'maxPool') k--;
    const below = stages[k];
    return k >= 0 && below.kind === 'conv' && below.relu;
  });
  /**
   * ReLU convolutions followed by max pooling: relu(max(v) + b) = max(relu(v + b)), so the
   * pooling adds the bias and applies the ReLU to its (4 times fewer) outputs, and its backward
   * pass routes the gradient only through positive outputs and sums the bias gradient; the
   * convolution's output is left raw. The window's argmax is taken on the raw values: it differs
   * from tfjs' only where values that differ tie once the bias is added (a rounding accident)
   * or where the output is 0 (no gradient either way).
   */
  const pooled = stages.map(
    (s, n) => s.kind === 'conv' && s.relu && stages[n + 1]?.kind === 'maxPool',
  );
  /** pooled convolutions whose 2 x 2, stride-2 pooling runs inside the SIMD kernel
   * (`forwardPooledRelu`): their raw output is never written to `act` (nothing reads it) */
  const poolInKernel = stages.map((s, n) => {
    const p = stages[n + 1];
    return (
      pooled[n] &&
      products.forwardPooledRelu !== undefined &&
      s.kind === 'conv' &&
      s.outChannels % 4 === 0 &&
      p.kind === 'maxPool' &&
      p.poolHeight === 2 &&
      p.poolWidth === 2 &&
      p.strideHeight === 2 &&
      p.strideWidth === 2
    );
  });
  const biasOf = (n: number): Float32Array => (stages[n] as { bias: Float32Array }).bias;
  const firstWeighted = stages.findIndex((s) => s.kind === 'conv' || s.kind === 'dense');
  const lr = o.learningRate;
  let beta1t = 1;
  let beta2t = 1;

  const shapes = new Map<CnnStage, ConvShape>();
  const shape = (s: CnnStage & { kind: 'conv' }, B: number): ConvShape => {
    let c = shapes.get(s);
    if (!c || c.batch !== B) {
      c = convShape(s, B);
      shapes.set(s, c);
    }
    return c;
  };
  const convShape = (s: CnnStage & { kind: 'conv' }, B: number): ConvShape => ({
    batch: B,
    height: s.height,
    width: s.width,
    inChannels: s.inChannels,
    outChannels: s.outChannels,
    filterHeight: s.filterHeight,
    filterWidth: s.filterWidth,
  });

  function forwardLoss(x: Float32Array, labels: Int32Array, B: number, divisor = B) {
    if (B > maxB) throw new RangeError(`batch of ${B} images exceeds maxBatch ${maxB}`);
    let input = x;
    for (let n = 0; n < stages.length; n++) {
      const s = stages[n];
      const out = act[n];
      if (s.kind === 'conv' && poolInKernel[n]) {
        // prettier-ignore
        products.forwardPooledRelu!(input, s.weights, s.bias, shape(s, B), act[n + 1],
          argmax[n + 1]!);
        input = act[++n];
        continue;
      } else if (s.kind === 'conv') {
        products.forward(input, s.weights, shape(s, B), out);
        // a ReLU convolution followed by max pooling leaves its bias and ReLU to the pooling
        if (!pooled[n]) addBias(out, s.bias, B * sizes[n], s.outChannels, s.relu);
      } else if (s.kind === 'maxPool') {
        // prettier-ignore
        maxPoolForward(input, out, argmax[n]!, B, s.height, s.width, s.channels, s.poolHeight,
          s.poolWidth, s.strideHeight, s.strideWidth, pooled[n - 1] ? biasOf(n - 1) : null);
      } else if (s.kind === 'globalAverage') {
        globalAverage(input, out, B, s.height * s.width, s.channels);
      } else {
        (head ?? jsHead).forward(input, s.weights, s.bias, out, B, s.inputs, s.units);
      }
      input = out;
    }
    const L = stages.length - 1;
    const U = sizes[L];
    return outputLayerLoss(act[L], U, delta[L], U, labels, B, U, divisor);
  }

  function updateParam(p: Param): void {
    if (!opt) {
      optimizerStep(o.optimizer, lr, beta1t, beta2t, p.w, p.g, p.m1, p.m2);
      return;
    }
    const bytes = padded(p.w.length);
    const [w, g, m1, m2] = [p.w.byteOffset, p.g.byteOffset, p.m1.byteOffset, p.m2.byteOffset];
    if (o.optimizer === 'sgd') opt.sgd(w, g, bytes, -lr);
    else if (o.optimizer === 'rmsprop') opt.rmsprop(w, g, m2, bytes, lr, 0.9, 1 - 0.9, EPS);
    // prettier-ignore
    else opt.adam(w, g, m1, m2, bytes, -lr, 0.9, 1 - 0.9, 0.999, 1 - 0.999, 1 - beta1t,
      1 - beta2t, EPS);
  }

  function gradients(x: Float32Array, labels: Int32Array, B: number, divisor = B) {
    const result = forwardLoss(x, labels, B, divisor);
    for (let n = stages.length - 1; n >= firstWeighted; n--) {
      const s = stages[n];
      const d = delta[n];
      const input = n === 0 ? x : act[n - 1];
      const dIn = n > 0 ? delta[n - 1] : null;
      const needIn = n > firstWeighted;
      if (s.kind === 'dense') {
        const { w: pw, b: pb } = params[n]!;
        // prettier-ignore
        if (head) head.backward(input, d, s.weights, pw.g, pb.g, needIn ? dIn : null, B,
          s.inputs, s.units);
        else denseBackward(input, d, s.weights, pw.g, pb.g, needIn ? dIn : null, B, s.inputs,
          s.units, reluBelow[n]);
      } else if (s.kind === 'globalAverage') {
        if (needIn) globalAverageBackward(d, dIn!, B, s.height * s.width, s.channels);
      } else if (s.kind === 'maxPool') {
        if (!needIn) continue;
        if (pooled[n - 1])
          // prettier-ignore
          maxPoolReluBackward(d, argmax[n]!, act[n], dIn!, params[n - 1]!.b.g, B * sizes[n],
            B * inSizes[n], s.channels);
        else maxPoolBackward(d, argmax[n]!, dIn!, B * sizes[n], B * inSizes[n]);
      } else {
        const total = B * sizes[n];
        const { w: pw, b: pb } = params[n]!;
        // (done by the pooling's backward when pooled)
        if (!pooled[n]) convOutputGradient(act[n], d, pb.g, total, s.outChannels, s.relu);
        const sh = shape(s, B);
        products.filterGradient(input, d, sh, pw.g);
        if (needIn) products.inputGradient(d, s.weights, sh, dIn!);
      }
    }
    return result;
  }

  function update(): void {
    beta1t *= 0.9;
    beta2t *= 0.999;
    for (const p of params) {
      if (!p) continue;
      updateParam(p.w);
      updateParam(p.b);
    }
  }

  function step(x: Float32Array, labels: Int32Array, B: number) {
    const result = gradients(x, labels, B);
    update();
    return result;
  }

  return {
    step,
    gradients,
    update,
    params: params.flatMap((p) => (p ? [p.w, p.b] : [])),
    evaluate: (x, labels, n) =>
      evaluateInBatches(x, labels, n, inSize, maxB, (xb, lb, B) => forwardLoss(xb, lb, B)),
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

/** The dense head in JavaScript (the fallback of ./fusedCnnHead.ts). */
const jsHead: Pick<DenseHead, 'forward'> = { forward: denseForward };

/** out += bias per channel, then max(., 0) if `relu` (rows of `co` channels). */
function addBias(
  out: Float32Array,
  bias: Float32Array,
  total: number,
  co: number,
  relu: boolean,
): void {
  if (relu)
    for (let i = 0; i < total; i += co)
      for (let c = 0; c < co; c++) {
        const v = out[i + c] + bias[c];
        out[i + c] = v < 0 ? 0 : v;
      }
  else for (let i = 0; i < total; i += co) for (let c = 0; c < co; c++) out[i + c] += bias[c];
}

/** Max pooling ('valid'), recording each output's source index in `am` (-1: no value above
 * -Infinity in the window, which then passes no gradient). */
function maxPoolForward(
  input: Float32Array,
  out: Float32Array,
  am: Int32Array,
  B: number,
  H: number,
  W: number,
  C: number,
  ph: number,
  pw: number,
  sh: number,
  sw: number,
  bias: Float32Array | null,
): void {
  const OH = Math.floor((H - ph) / sh) + 1;
  const OW = Math.floor((W - pw) / sw) + 1;
  let k = 0;
  if (ph === 2 && pw === 2 && sh === 2 && sw === 2) {
    // the common 2x2 window, unrolled (same scan order and strict comparisons)
    const down = W * C;
    for (let b = 0; b < B; b++)
      for (let r = 0; r < OH; r++)
        for (let q = 0; q < OW; q++) {
          const corner = ((b * H + 2 * r) * W + 2 * q) * C;
          for (let c = 0; c < C; c++, k++) {
            let at = corner + c;
            let best = input[at];
            if (!(best > -Infinity)) {
              best = -Infinity;
              at = -1;
            }
            const a1 = corner + c + C;
            const a2 = corner + c + down;
            const a3 = a2 + C;
            if (input[a1] > best) {
              best = input[a1];
              at = a1;
            }
            if (input[a2] > best) {
              best = input[a2];
              at = a2;
            }
            if (input[a3] > best) {
              best = input[a3];
              at = a3;
            }
            const v = at >= 0 ? best : input[corner + c];
            if (bias) {
              const z = v + bias[c];
              out[k] = z > 0 ? z : 0;
            } else out[k] = v;
            am[k] = at;
          }
        }
    return;
  }
  for (let b = 0; b < B; b++)
    for (let r = 0; r < OH; r++)
      for (let q = 0; q < OW; q++) {
        const corner = ((b * H + r * sh) * W + q * sw) * C;
        for (let c = 0; c < C; c++, k++) {
          let best = -Infinity;
          let at = -1;
          for (let i = 0; i < ph; i++) {
            const row = corner + i * W * C + c;
            for (let j = 0; j < pw; j++) {
              const v = input[row + j * C];
              if (v > best) {
                best = v;
                at = row + j * C;
              }
            }
          }
          const v = at >= 0 ? best : input[corner + c];
          if (bias) {
            const z = v + bias[c];
            out[k] = z > 0 ? z : 0;
          } else out[k] = v;
          am[k] = at;
        }
      }
}

function maxPoolBackward(
  d: Float32Array,
  am: Int32Array,
  dIn: Float32Array,
  outTotal: number,
  inTotal: number,
): void {
  dIn.fill(0, 0, inTotal);
  for (let k = 0; k < outTotal; k++) {
    const at = am[k];
    if (at >= 0) dIn[at] += d[k];
  }
}

/** The max-pooling gradient through a ReLU convolution's pooled outputs (`pooled` above):
 * only outputs above 0 pass their gradient, which is also summed per channel into the
 * convolution's bias gradient `g`. */
function maxPoolReluBackward(
  d: Float32Array,
  am: Int32Array,
  out: Float32Array,
  dIn: Float32Array,
  g: Float32Array,
  outTotal: number,
  inTotal: number,
  C: number,
): void {
  dIn.fill(0, 0, inTotal);
  g.fill(0);
  for (let k = 0; k < outTotal; k += C)
    for (let c = 0; c < C; c++) {
      const at = am[k + c];
      if (out[k + c] > 0 && at >= 0) {
        dIn[at] += d[k + c];
        g[c] += d[k + c];
      }
    }
}

function globalAverage(input: Float32Array, out: Float32Array, B: number, hw: number, C: number) {
  for (let b = 0; b < B; b++)
    for (let c = 0; c < C; c++) {
      let sum = 0;
      for (let p = 0; p < hw; p++) sum += input[(b * hw + p) * C + c];
      out[b * C + c] = sum / hw;
    }
}

function globalAverageBackward(
  d: Float32Array,
  dIn: Float32Array,
  B: number,
  hw: number,
  C: number,
) {
  for (let b = 0; b < B; b++)
    for (let p = 0; p < hw; p++)
      for (let c = 0; c < C; c++) dIn[(b * hw + p) * C + c] = d[b * C + c] / hw;
}

function denseForward(
  input: Float32Array,
  w: Float32Array,
  bias: Float32Array,
  out: Float32Array,
  B: number,
  I: number,
  U: number,
): void {
  for (let b = 0; b < B; b++) {
    const o0 = b * U;
    for (let u = 0; u < U; u++) out[o0 + u] = bias[u];
    for (let k = 0; k < I; k++) {
      const v = input[b * I + k];
      if (v === 0) continue;
      const w0 = k * U;
      for (let u = 0; u < U; u++) out[o0 + u] += v * w[w0 + u];
    }
  }
}

/** The dense head's weight and bias gradients, and the gradient of its input (when `dIn`). */
function denseBackward(
  input: Float32Array,
  d: Float32Array,
  w: Float32Array,
  gw: Float32Array,
  gb: Float32Array,
  dIn: Float32Array | null,
  B: number,
  I: number,
  U: number,
  skipZeros: boolean,
): void {
  gw.fill(0);
  gb.fill(0);
  for (let b = 0; b < B; b++) {
    const d0 = b * U;
    for (let u = 0; u < U; u++) gb[u] += d[d0 + u];
    for (let k = 0; k < I; k++) {
      const v = input[b * I + k];
      if (v === 0) continue;
      const w0 = k * U;
      for (let u = 0; u < U; u++) gw[w0 + u] += v * d[d0 + u];
    }
    if (dIn)
      for (let k = 0; k < I; k++) {
        if (skipZeros && input[b * I + k] === 0) {
          dIn[b * I + k] = 0;
          continue;
        }
        const w0 = k * U;
        let t = 0;
        for (let u = 0; u < U; u++) t += d[d0 + u] * w[w0 + u];
        dIn[b * I + k] = t;
      }
  }
}

/** The gradient through the ReLU (zero where the output was not positive, when `relu`), in
 * place in `d`, and the bias gradient (its sum per channel) into `g`. */
function convOutputGradient(
  out: Float32Array,
  d: Float32Array,
  g: Float32Array,
  total: number,
  co: number,
  relu: boolean,
): void {
  g.fill(0);
  for (let i = 0; i < total; i += co)
    for (let c = 0; c < co; c++) {
      if (relu && out[i + c] <= 0) d[i + c] = 0;
      else g[c] += d[i + c];
    }
}
