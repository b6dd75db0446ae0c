/**
 * The fused dense training step on WebAssembly SIMD (kernels in ./denseKernels.ts). Every
 * buffer the step touches (weights, biases, activations, output gradients, weight gradients,
 * optimiser state, the sparse lists below) lives in the kernels' own memory, allocated once;
 * a step copies in only the batch's inputs.
 *
 * Each layer's input is scanned once per step (by the kernel `listNonzeros`, which tests four
 * values at a time) into two lists of its nonzero entries: by batch
 * row (the forward product sums those rows of W) and by input unit (the weight gradient sums
 * those rows of the output gradient). MNIST pixels are ~80% zero and ReLU outputs about half,
 * so both products do a fraction of the dense arithmetic. Rows are padded to a multiple of 4
 * floats (one f32x4 vector); the padding stays zero throughout.
 */
import { createDenseKernels } from './denseKernels.js';
import { EPS, outputLayerLoss } from './fusedDenseJs.js';
import {
  evaluateInBatches,
  type DenseLayerParams,
  type FusedTrainer,
  type FusedTrainerOptions,
} from './fusedDense.js';

interface LayerBuffers {
  inputs: number;
  units: number;
  /** padded units (multiple of 4) and the row length in bytes */
  stride: number;
  rowBytes: number;
  w: number;
  b: number;
  gw: number;
  gb: number;
  m1w: number;
  m2w: number;
  m1b: number;
  m2b: number;
  act: number;
  delta: number;
  /** sparse lists of this layer's input: starts (i32) and 8-byte entries, by row and by unit */
  rowStarts: number;
  rowEntries: number;
  colStarts: number;
  colEntries: number;
  /** one entry per batch row with coefficient 1 (sums the output gradient for the bias) */
  onesStarts: number;
  onesEntries: number;
}

/** The WebAssembly engine, or null where WebAssembly SIMD is unavailable. */
export function createWasmFusedDenseTrainer(
  params: DenseLayerParams[],
  o: FusedTrainerOptions,
): FusedTrainer | null {
  const maxB = o.maxBatch;
  let top = 64; // byte 0..63 unused; offset 0 never names a buffer
  const alloc = (bytes: number): number => {
    const at = top;
    top += Math.ceil(bytes / 16) * 16;
    return at;
  };
  const maxStride = Math.max(...params.map((q) => Math.ceil(q.units / 4) * 4));
  const zeros = alloc(maxStride * 4);
  const maxInputs = Math.max(...params.map((q) => q.inputs));
  const input = alloc(maxB * params[0].inputs * 4);
  const colCount = alloc((maxInputs + 1) * 4);
  const entryUnit = alloc(maxB * maxInputs * 4);
  const layers: LayerBuffers[] = params.map((q) => {
    const stride = Math.ceil(q.units / 4) * 4;
    const rowBytes = stride * 4;
    const wBytes = q.inputs * rowBytes;
    return {
      inputs: q.inputs,
      units: q.units,
      stride,
      rowBytes,
      w: alloc(wBytes),
      b: alloc(rowBytes),
      gw: alloc(wBytes),
      gb: alloc(rowBytes),
      m1w: alloc(wBytes),
      m2w: alloc(wBytes),
      m1b: alloc(rowBytes),
      m2b: alloc(rowBytes),
      act: alloc(maxB * rowBytes),
      delta: alloc(maxB * rowBytes),
      rowStarts: alloc((maxB + 1) * 4),
      rowEntries: alloc(maxB * q.inputs * 8),
      colStarts: alloc((q.inputs + 1) * 4),
      colEntries: alloc(maxB * q.inputs * 8),
      onesStarts: alloc(8),
      onesEntries: alloc(maxB * 8),
    };
  });
  const kernels = createDenseKernels(top);
  if (!kernels) return null;
  const k = kernels;
  const f32 = new Float32Array(k.memory.buffer);
  const i32 = new Int32Array(k.memory.buffer);

  layers.forEach((l, n) => {
    const q = params[n];
    for (let r = 0; r < q.inputs; r++)
      f32.set(q.weights.subarray(r * q.units, (r + 1) * q.units), l.w / 4 + r * l.stride);
    f32.set(q.bias, l.b / 4);
    for (let i = 0; i < maxB; i++) {
      i32[l.onesEntries / 4 + 2 * i] = l.delta + i * l.rowBytes;
      f32[l.onesEntries / 4 + 2 * i + 1] = 1;
    }
  });

  /** Lists the nonzero entries of a layer's input (`B` rows from byte `src`, `inStride` bytes
   * apart): by row, pointing at rows of W, and by unit, pointing at rows of the output gradient. */
  function listNonzeros(l: LayerBuffers, src: number, inStride: number, B: number): void {
    // prettier-ignore
    k.listNonzeros(src, inStride, B, l.inputs, l.w, l.rowBytes, l.delta, l.rowBytes, l.rowStarts,
      l.rowEntries, l.colStarts, l.colEntries, colCount, entryUnit);
  }

  const L = layers.length;
  const last = layers[L - 1];
  // views of the output layer's activations and gradient (the memory never grows after set-up)
  const lastAct = f32.subarray(last.act / 4);
  const lastDelta = f32.subarray(last.delta / 4);
  let beta1t = 1;
  let beta2t = 1;

  function update(w: number, g: number, m1: number, m2: number, bytes: number): void {
    if (o.optimizer === 'sgd') k.sgd(w, g, bytes, -o.learningRate);
    else if (o.optimizer === 'rmsprop')
      k.rmsprop(w, g, m2, bytes, o.learningRate, 0.9, 1 - 0.9, EPS);
    else
      k.adam(
        w,
        g,
        m1,
        m2,
        bytes,
        -o.learningRate,
        0.9,
        1 - 0.9,
        0.999,
        1 - 0.999,
        1 - beta1t,
        1 - beta2t,
        EPS,
      );
  }

  /** The forward pass, the output layer's loss, and its delta. */
  function forwardLoss(
    x: Float32Array,
    labels: Int32Array,
    B: number,
  ): { loss: number; correct: number } {
    if (B > maxB) throw new RangeError(`batch of ${B} rows exceeds maxBatch ${maxB}`);
    for (let n = 0; n < L; n++) {
      const l = layers[n];
      if (n === 0) {
        f32.set(x.subarray(0, B * l.inputs), input / 4);
        listNonzeros(l, input, l.inputs * 4, B);
      } else listNonzeros(l, layers[n - 1].act, layers[n - 1].rowBytes, B);
      k.combine(
        l.act,
        l.rowBytes,
        l.b,
        0,
        B,
        l.rowStarts,
        l.rowEntries,
        l.rowBytes,
        n < L - 1 ? 1 : 0,
      );
    }
    return outputLayerLoss(lastAct, last.stride, lastDelta, last.stride, labels, B, last.units);
  }

  function step(x: Float32Array, labels: Int32Array, B: number): { loss: number; correct: number } {
    const { loss, correct } = forwardLoss(x, labels, B);
    for (let n = L - 1; n >= 0; n--) {
      const l = layers[n];
      i32[l.onesStarts / 4] = 0;
      i32[l.onesStarts / 4 + 1] = B;
      k.combine(l.gb, 0, zeros, 0, 1, l.onesStarts, l.onesEntries, l.rowBytes, 0);
      k.combine(l.gw, l.rowBytes, zeros, 0, l.inputs, l.colStarts, l.colEntries, l.rowBytes, 0);
      if (n > 0) {
        const below = layers[n - 1];
        k.dots(
          below.delta,
          below.rowBytes,
          l.delta,
          l.rowBytes,
          B,
          l.w,
          l.rowBytes,
          l.inputs,
          l.rowBytes,
          below.act,
        );
      }
    }
    beta1t *= 0.9;
    beta2t *= 0.999;
    for (const l of layers) {
      update(l.w, l.gw, l.m1w, l.m2w, l.inputs * l.rowBytes);
      update(l.b, l.gb, l.m1b, l.m2b, l.rowBytes);
    }
    return { loss, correct };
  }

  return {
    step,
    evaluate: (x, labels, n) =>
      evaluateInBatches(x, labels, n, layers[0].inputs, maxB, forwardLoss),
    /** unpadded copies of the current weights and biases */
    get params(): DenseLayerParams[] {
      return layers.map((l) => {
        const weights = new Float32Array(l.inputs * l.units);
        for (let r = 0; r < l.inputs; r++)
          weights.set(
            f32.subarray(l.w / 4 + r * l.stride, l.w / 4 + r * l.stride + l.units),
            r * l.units,
          );
        return {
          weights,
          bias: f32.slice(l.b / 4, l.b / 4 + l.units),
          inputs: l.inputs,
          units: l.units,
        };
      });
    },
  };
}
