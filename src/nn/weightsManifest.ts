/**
 * The weights manifest of a TensorFlow.js model.json (layers or graph model): which weights are
 * stored, in which shard files, in which encoding. Weights are stored one after another in the
 * concatenation of all shards of all groups, in manifest order; a weight may be quantised
 * (`quantization: {dtype: 'uint8' | 'uint16', scale, min}`: value = q * scale + min, or
 * `{dtype: 'float16'}`: IEEE half floats), in which case it takes 1 or 2 bytes a value instead of
 * 4. TensorFlow.js dequantises while loading (`tf.io.decodeWeights`); this module checks the
 * manifest and the byte counts first, so that a wrong or truncated shard is a clear error rather
 * than a garbled model, and states how far a dequantised weight may be from the original
 * (docs/networks.md, "Graph models and quantised weights"). Pure: no tfjs, no Node built-ins.
 */
import { TopolensError } from '../core/errors.js';

/** Encodings of quantised weights in the tfjs weights manifest. */
export type QuantizationDtype = 'uint8' | 'uint16' | 'float16';

export interface WeightQuantization {
  dtype: QuantizationDtype;
  /** uint8/uint16: step between consecutive codes. */
  scale?: number;
  /** uint8/uint16: value of code 0. */
  min?: number;
}

/** One entry of a weights manifest group (the shape of tfjs' `WeightsManifestEntry`). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | 'string' | 'complex64';
  quantization?: WeightQuantization;
  group?: string;
}

export interface WeightsManifestGroup {
  /** Shard files, relative to the folder of model.json, in storage order. */
  paths: string[];
  weights: WeightSpec[];
}

const VALUE_BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

const QUANTIZATION_DTYPES: readonly string[] = ['uint8', 'uint16', 'float16'];

function manifestError(source: string, what: string): TopolensError {
  return new TopolensError(
    'parse-error',
    `the weights manifest of ${source} is malformed: ${what}`,
    'pass a model.json written by tfjs (model.save) or by tensorflowjs_converter',
  );
}

/**
 * Checks the `weightsManifest` of a model.json and returns it typed. Every group needs `paths`
 * (strings) and `weights` (name, shape of non-negative integers, a known dtype); a quantised
 * weight needs a known quantisation dtype, `scale` and `min` for uint8/uint16 (finite, scale > 0),
 * and a float32 weight for float16 (int32 weights may be uint8/uint16-quantised: tfjs rounds).
 */
export function parseWeightsManifest(
  value: unknown,
  source = 'model.json',
): WeightsManifestGroup[] {
  if (!Array.isArray(value)) throw manifestError(source, 'weightsManifest is not a list');
  return value.map((g: unknown, gi) => {
    const group = g as { paths?: unknown; weights?: unknown };
    if (!group || typeof group !== 'object')
      throw manifestError(source, `group ${gi} is not an object`);
    if (!Array.isArray(group.paths) || group.paths.some((p) => typeof p !== 'string'))
      throw manifestError(source, `group ${gi} has no list of shard paths`);
    if (!Array.isArray(group.weights))
      throw manifestError(source, `group ${gi} has no list of weights`);
    const weights = group.weights.map((w: unknown, wi) => {
      const spec = w as WeightSpec;
      const where = `weight ${wi} of group ${gi}`;
      if (!spec || typeof spec.name !== 'string')
        throw manifestError(source, `${where} has no name`);
      if (!Array.isArray(spec.shape) || spec.shape.some((d) => !Number.isInteger(d) || d < 0))
        throw manifestError(
          source,
          `'${spec.name}' has an invalid shape ${JSON.stringify(spec.shape)}`,
        );
      if (!(spec.dtype in VALUE_BYTES) && spec.dtype !== 'string')
        throw manifestError(source, `'${spec.name}' has an unknown dtype '${String(spec.dtype)}'`);
      const q = spec.quantization;
      if (q !== undefined) {
        if (!q || !QUANTIZATION_DTYPES.includes(q.dtype)) {
          throw manifestError(
            source,
            `'${spec.name}' has an unknown quantisation dtype '${String(q?.dtype)}' (known: uint8, uint16, float16)`,
          );
        }
        if (q.dtype === 'float16' && spec.dtype !== 'float32')
          throw manifestError(source, `'${spec.name}' is ${spec.dtype} but float16-quantised`);
        if (q.dtype !== 'float16') {
          if (spec.dtype !== 'float32' && spec.dtype !== 'int32')
            throw manifestError(source, `'${spec.name}' is ${spec.dtype} but ${q.dtype}-quantised`);
          if (!Number.isFinite(q.scale) || !(q.scale! > 0) || !Number.isFinite(q.min)) {
            throw manifestError(
              source,
              `'${spec.name}' is ${q.dtype}-quantised without a finite scale > 0 and min (got scale ${String(q.scale)}, min ${String(q.min)})`,
            );
          }
        }
      }
      return spec;
    });
    return { paths: group.paths as string[], weights };
  });
}

/** All shard paths of a manifest, in storage order. */
export function shardPaths(manifest: WeightsManifestGroup[]): string[] {
  return manifest.flatMap((g) => g.paths);
}

/** All weight specs of a manifest, in storage order. */
export function weightSpecs(manifest: WeightsManifestGroup[]): WeightSpec[] {
  return manifest.flatMap((g) => g.weights);
}

function valueCount(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Bytes that `spec` takes in the shards: values x (1 or 2 bytes when quantised, else the dtype's
 * size). A string weight has variable length (each value a 4-byte little-endian length and its
 * bytes), so it is read from `data` at `offset`; returns -1 where `data` ends inside it.
 */
export function storedByteLength(spec: WeightSpec, data?: Uint8Array, offset = 0): number {
  const n = valueCount(spec.shape);
  if (spec.quantization) return n * VALUE_BYTES[spec.quantization.dtype];
  if (spec.dtype !== 'string') return n * VALUE_BYTES[spec.dtype];
  if (!data) return -1;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let length = 0;
  for (let i = 0; i < n; i++) {
    if (offset + length + 4 > data.byteLength) return -1;
    length += 4 + view.getUint32(offset + length, true);
  }
  return length;
}

/** What a manifest stores, in words: "12 weights (3 float16, 2 uint8 with scale and min)". */
export function describeWeights(specs: WeightSpec[]): string {
  const counts = new Map<string, number>();
  for (const s of specs)
    if (s.quantization)
      counts.set(s.quantization.dtype, (counts.get(s.quantization.dtype) ?? 0) + 1);
  const q = [...counts].map(([d, c]) => `${c} ${d}`);
  return `${specs.length} weights${q.length > 0 ? ` (${q.join(', ')}-quantised)` : ''}`;
}

/**
 * Checks that `data` (all shards joined) holds exactly the weights `specs` describe; throws a
 * message naming the byte counts, the quantisation and the shard files otherwise. Returns the
 * expected byte count.
 */
export function checkWeightBytes(
  specs: WeightSpec[],
  data: Uint8Array,
  source = 'model.json',
  shards = 'the weights file',
): number {
  let offset = 0;
  for (const spec of specs) {
    const length = storedByteLength(spec, data, offset);
    if (length < 0 || offset + length > data.byteLength) {
      throw new TopolensError(
        'parse-error',
        `the data of ${shards} (${data.byteLength} bytes) ends inside weight '${spec.name}': ${source} describes ${describeWeights(specs)} needing more`,
        'the weights files do not belong to this model.json or are truncated; keep every shard named in its weightsManifest beside it',
      );
    }
    offset += length;
  }
  if (offset !== data.byteLength) {
    throw new TopolensError(
      'parse-error',
      `${shards} hold ${data.byteLength} bytes but ${source} describes ${offset} (${describeWeights(specs)})`,
      'the weights files do not belong to this model.json; keep every shard named in its weightsManifest beside it',
    );
  }
  return offset;
}

/** The shards joined into one buffer, in the order given (the manifest's). */
export function joinShards(shards: Uint8Array[]): Uint8Array {
  if (shards.length === 1) return shards[0];
  const out = new Uint8Array(shards.reduce((s, b) => s + b.byteLength, 0));
  let offset = 0;
  for (const b of shards) {
    out.set(b, offset);
    offset += b.byteLength;
  }
  return out;
}

/**
 * The largest |dequantised - original| that a quantised weight of magnitude at most `magnitude`
 * can have, for an encoder that rounds to the nearest code (tensorflowjs_converter does):
 * - uint8/uint16: half a step, scale / 2, plus the float32 rounding of q * scale + min
 *   (2^-24 x magnitude); codes are clipped to the range, which moves no value in
 *   [min, min + scale (2^bits - 1)] by more than half a step;
 * - float16: half a unit in the last place: magnitude x 2^-11 for normal half floats
 *   (magnitude >= 2^-14), 2^-25 below (subnormals, step 2^-24); a half float is exact in float32.
 * Unquantised weights: 0.
 */
export function quantizationErrorBound(
  quantization: WeightQuantization | undefined,
  magnitude: number,
): number {
  if (!quantization) return 0;
  const m = Math.abs(magnitude);
  if (quantization.dtype === 'float16') return Math.max(m * 2 ** -11, 2 ** -25);
  return quantization.scale! / 2 + m * 2 ** -24;
}
