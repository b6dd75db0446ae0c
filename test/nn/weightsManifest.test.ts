import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/nn/backend.js';
import { denseNetwork } from '../../src/nn/architectures/index.js';
import { loadModel, parseModelJson, saveModel } from '../../src/nn/modelIO.js';
import { captureActivations } from '../../src/nn/capture.js';
import {
  checkWeightBytes,
  parseWeightsManifest,
  quantizationErrorBound,
  storedByteLength,
  type WeightSpec,
} from '../../src/nn/weightsManifest.js';
import { createRng } from '../../src/core/rng.js';
import { float16Bits, requantiseLayersModel, savedFrom, type Encoding } from './graphFixtures.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

describe('weights manifest', () => {
  it('stored sizes: 4 bytes a float32/int32 value, 2 for float16/uint16, 1 for uint8; strings by their length prefixes', () => {
    const base = { name: 'w', shape: [3, 5], dtype: 'float32' as const };
    expect(storedByteLength(base)).toBe(60);
    expect(storedByteLength({ ...base, quantization: { dtype: 'float16' } })).toBe(30);
    expect(storedByteLength({ ...base, quantization: { dtype: 'uint16', scale: 1, min: 0 } })).toBe(
      30,
    );
    expect(storedByteLength({ ...base, quantization: { dtype: 'uint8', scale: 1, min: 0 } })).toBe(
      15,
    );
    expect(storedByteLength({ ...base, dtype: 'int32' })).toBe(60);
    expect(storedByteLength({ name: 's', shape: [], dtype: 'bool' })).toBe(1);
    // two strings 'ab' and 'xyz': (4 + 2) + (4 + 3) bytes
    const strings = Uint8Array.from([2, 0, 0, 0, 97, 98, 3, 0, 0, 0, 120, 121, 122]);
    const s: WeightSpec = { name: 's', shape: [2], dtype: 'string' };
    expect(storedByteLength(s, strings)).toBe(13);
    expect(storedByteLength(s, strings.subarray(0, 8))).toBe(-1);
    expect(checkWeightBytes([s, { ...base, shape: [1] }], concat(strings, new Uint8Array(4)))).toBe(
      17,
    );
  });

  it('checkWeightBytes agrees with the bytes TensorFlow.js decodes (random manifests)', () => {
    const dtypes = ['float32', 'int32', 'float16', 'uint16', 'uint8'] as const;
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom(...dtypes),
            fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
          ),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        (entries) => {
          const specs: WeightSpec[] = entries.map(([d, shape], i) => ({
            name: `w${i}`,
            shape,
            dtype: d === 'int32' ? 'int32' : 'float32',
            ...(d === 'float16'
              ? { quantization: { dtype: 'float16' as const } }
              : d === 'uint8' || d === 'uint16'
                ? { quantization: { dtype: d, scale: 0.5, min: -1 } }
                : {}),
          }));
          const total = specs.reduce((s, w) => s + storedByteLength(w), 0);
          const data = new Uint8Array(total);
          expect(checkWeightBytes(specs, data)).toBe(total);
          const decoded = tf.io.decodeWeights(data.buffer, specs as tf.io.WeightsManifestEntry[]);
          specs.forEach((w) => expect(decoded[w.name].shape).toEqual(w.shape));
          tf.dispose(Object.values(decoded));
          if (total > 0)
            expect(() => checkWeightBytes(specs, data.subarray(1))).toThrow(/ends inside weight/);
          expect(() => checkWeightBytes(specs, new Uint8Array(total + 1))).toThrow(
            new RegExp(`hold ${total + 1} bytes but model.json describes ${total}`),
          );
        },
      ),
      { numRuns: 40 },
    );
  });

  it('malformed manifests name the problem', () => {
    const w = { name: 'k', shape: [2], dtype: 'float32' };
    expect(() => parseWeightsManifest({})).toThrow(/weightsManifest is not a list/);
    expect(() => parseWeightsManifest([{ weights: [w] }])).toThrow(
      /group 0 has no list of shard paths/,
    );
    expect(() => parseWeightsManifest([{ paths: [], weights: [{ ...w, shape: [-1] }] }])).toThrow(
      /'k' has an invalid shape \[-1\]/,
    );
    expect(() =>
      parseWeightsManifest([{ paths: [], weights: [{ ...w, quantization: { dtype: 'int4' } }] }]),
    ).toThrow(/'k' has an unknown quantisation dtype 'int4' \(known: uint8, uint16, float16\)/);
    expect(() =>
      parseWeightsManifest([
        { paths: [], weights: [{ ...w, quantization: { dtype: 'uint8', min: 0 } }] },
      ]),
    ).toThrow(/'k' is uint8-quantised without a finite scale > 0 and min/);
    expect(() =>
      parseWeightsManifest([
        { paths: [], weights: [{ ...w, dtype: 'int32', quantization: { dtype: 'float16' } }] },
      ]),
    ).toThrow(/'k' is int32 but float16-quantised/);
    expect(() =>
      parseModelJson('{"format": "tfjs-kit", "modelTopology": {}, "weightsManifest": []}'),
    ).toThrow(/format 'tfjs-kit', which topolens does not read/);
  });

  it('our float16 encoder agrees with the IEEE half-float rounding of known values', () => {
    expect(float16Bits(1)).toBe(0x3c00);
    expect(float16Bits(-2)).toBe(0xc000);
    expect(float16Bits(65504)).toBe(0x7bff);
    expect(float16Bits(65520)).toBe(0x7c00); // rounds to infinity
    expect(float16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(float16Bits(2 ** -14)).toBe(0x0400); // smallest normal
    expect(float16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie: to even
    expect(float16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie: to even (up)
    expect(float16Bits(1 / 3)).toBe(0x3555);
  });

  it('quantizationErrorBound: half a step for uint, half an ulp for float16, 0 unquantised', () => {
    expect(quantizationErrorBound(undefined, 3)).toBe(0);
    expect(quantizationErrorBound({ dtype: 'uint8', scale: 0.02, min: -1 }, 1)).toBe(
      0.01 + 2 ** -24,
    );
    expect(quantizationErrorBound({ dtype: 'float16' }, 1)).toBe(2 ** -11);
    expect(quantizationErrorBound({ dtype: 'float16' }, 0)).toBe(2 ** -25);
  });
});

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

describe('quantised layers models (as published: float16, uint8, uint16; several shards)', () => {
  it.each(['float16', 'uint16', 'uint8'] as const)(
    '%s: loads (it was refused as "truncated") and captures within the propagated quantisation bound',
    async (encoding: Encoding) => {
      const model = denseNetwork({ inputDim: 4, widths: [16, 8], outputUnits: 3, seed: 2 });
      // non-zero biases (the initial ones are zero, which any encoding stores exactly)
      const biasRng = createRng(9);
      model.setWeights(
        model
          .getWeights()
          .map((t) =>
            t.rank === 1
              ? tf.tensor(Float32Array.from(t.dataSync(), () => 0.2 * biasRng.next() - 0.1))
              : t,
          ),
      );
      const saved = await saveModel(model);
      const q = requantiseLayersModel(saved, encoding, 96);
      expect(Object.keys(q.files).length).toBeGreaterThan(2);
      const quantised = await loadModel(savedFrom(q.modelJson, q.files));
      const rng = createRng(5);
      const n = 20;
      const x = Float32Array.from({ length: n * 4 }, () => 2 * rng.next() - 1);
      // the Dense layers (block1, block2 and the linear logits; 'output' is the softmax alone)
      const names = quantised.layers.filter((l) => l.getWeights().length > 0).map((l) => l.name);
      expect(names[names.length - 1]).toBe('logits');
      const got = await captureActivations(
        quantised,
        { data: x, shape: [n, 4] },
        { layers: names },
      );
      // float64 forward with the original weights and per-value bound |y' - y| <=
      // sum (|w| + e_w) |x' - x| + sum e_w |x| + e_b (ReLU does not increase it)
      const specs = parseModelJson(q.modelJson).manifest.flatMap((g) => g.weights);
      const weights = model.getWeights().map((t) => t.dataSync() as Float32Array);
      let v = Float64Array.from(x);
      let b = new Float64Array(x.length);
      let dimIn = 4;
      let worst = 0;
      for (let l = 0; l < names.length; l++) {
        const w = weights[2 * l];
        const c = weights[2 * l + 1];
        const eps = (k: number, arr: Float32Array) =>
          Float64Array.from(arr, (a) => quantizationErrorBound(specs[2 * l + k].quantization, a));
        const ew = eps(0, w);
        const ec = eps(1, c);
        const dimOut = c.length;
        const nv = new Float64Array(n * dimOut);
        const nb = new Float64Array(n * dimOut);
        for (let r = 0; r < n; r++)
          for (let o = 0; o < dimOut; o++) {
            let s = c[o];
            let e = ec[o];
            let m = Math.abs(c[o]);
            for (let i = 0; i < dimIn; i++) {
              const xv = v[r * dimIn + i];
              s += xv * w[i * dimOut + o];
              const k = i * dimOut + o;
              e += (Math.abs(w[k]) + ew[k]) * b[r * dimIn + i] + ew[k] * Math.abs(xv);
              m += Math.abs(xv * w[i * dimOut + o]);
            }
            const last = l === names.length - 1;
            nv[r * dimOut + o] = last ? s : Math.max(0, s);
            nb[r * dimOut + o] = e + 2 ** -18 * m; // + float32 rounding
          }
        const g = got[names[l]].data;
        for (let i = 0; i < g.length; i++) {
          const err = Math.abs(g[i] - nv[i]);
          expect(err).toBeLessThanOrEqual(nb[i]);
          worst = Math.max(worst, err / nb[i]);
        }
        v = nv;
        b = nb;
        dimIn = dimOut;
      }
      expect(worst).toBeGreaterThan(0.2); // the activations did move, by a fair part of the bound
      model.dispose();
      quantised.dispose();
    },
  );
});
