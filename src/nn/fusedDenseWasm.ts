/**
 * The fused dense training step on WebAssembly SIMD (kernels in ./denseKernels.ts). Every
 * buffer the step touches (weights, biases, activations, output gradients, weight gradients,
 * optimiser state, the sparse lists below) lives in the kernels' own memory, allocated once;
 * a step copies nothing but the batch's nonzero inputs.
 *
 * Each layer's input is scanned once per step into two lists of its nonzero entries: by batch
 * row (the forward product sums those rows of W) and by input unit (the weight gradient sums
 * those rows of the output gradient). MNIST pixels are ~80% zero and ReLU outputs about half,
 * so both products do a fraction of the dense arithmetic. Rows are padded to a multiple of 4
 * floats (one f32x4 vector); the padding stays zero throughout.
 */
import { createDenseKernels } from './denseKernels.js';
import { EPS, outputLayerLoss } from './fusedDenseJs.js';
import type { DenseLayerParams, FusedTrainer, FusedTrainerOptions } from './fusedDense.js';

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
  const maxInputs = Math.max(...params.map((q) => q.inputs));
  const colCount = new Int32Array(maxInputs + 1);
  const entryUnit = new Int32Array(maxB * maxInputs);

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

  /**
   * Lists the nonzero entries of a layer's input (`B` rows of `l.inputs` values, `inStride`
   * floats apart, from `src` at float index `inAt`): by row, pointing at rows of W, and by unit,
   * pointing at rows of the layer's output gradient.
   */
  function listNonzeros(
    l: LayerBuffers,
    src: Float32Array,
    inAt: number,
    inStride: number,
    B: number,
  ): void {
    const I = l.inputs;
    const rs = l.rowStarts / 4;
    const re = l.rowEntries / 4;
    colCount.fill(0, 0, I + 1);
    let nz = 0;
    for (let i = 0; i < B; i++) {
      i32[rs + i] = nz;
      const r0 = inAt + i * inStride;
      for (let u = 0; u < I; u++) {
        const v = src[r0 + u];
        if (v === 0) continue;
        i32[re + 2 * nz] = l.w + u * l.rowBytes;
        f32[re + 2 * nz + 1] = v;
        entryUnit[nz] = u;
        colCount[u + 1]++;
        nz++;
      }
    }
    i32[rs + B] = nz;
    // by unit: counting sort of the row entries
    const cs = l.colStarts / 4;
    const ce = l.colEntries / 4;
    for (let u = 0; u < I; u++) colCount[u + 1] += colCount[u];
    for (let u = 0; u <= I; u++) i32[cs + u] = colCount[u];
    for (let i = 0; i < B; i++) {
      const rowDelta = l.delta + i * l.rowBytes;
      for (let e = i32[rs + i], end = i32[rs + i + 1]; e < end; e++) {
        const slot = colCount[entryUnit[e]]++;
        i32[ce + 2 * slot] = rowDelta;
        f32[ce + 2 * slot + 1] = f32[re + 2 * e + 1];
      }
    }
  }

  const L = layers.length;
  const last = layers[L - 1];
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

  function step(x: Float32Array, labels: Int32Array, B: number): { loss: number; correct: number } {
    if (B > maxB) throw new RangeError(`batch of ${B} rows exceeds maxBatch ${maxB}`);
    for (let n = 0; n < L; n++) {
      const l = layers[n];
      if (n === 0) listNonzeros(l, x, 0, l.inputs, B);
      else listNonzeros(l, f32, layers[n - 1].act / 4, layers[n - 1].stride, B);
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
    const { loss, correct } = outputLayerLoss(
      f32.subarray(last.act / 4),
      last.stride,
      f32.subarray(last.delta / 4),
      last.stride,
      labels,
      B,
      last.units,
    );
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
