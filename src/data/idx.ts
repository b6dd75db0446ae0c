/**
 * IDX files (LeCun's MNIST format, also Fashion-MNIST): magic 0x00 0x00 <type> <rank>, then
 * `rank` big-endian uint32 sizes, then big-endian data. Gzipped files (.gz) are inflated first.
 * Types: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64.
 */
import { TopolensError, invalidInput } from '../core/errors.js';
import { gunzipBounded, resolveInflateLimit, type InflateLimitOptions } from './inflateLimit.js';
import { decodeElements, shapeSize, type ElementKind, type NdArray } from './ndarray.js';

const TYPES: Record<number, [ElementKind, number, string]> = {
  0x08: ['u', 1, 'uint8'],
  0x09: ['i', 1, 'int8'],
  0x0b: ['i', 2, 'int16'],
  0x0c: ['i', 4, 'int32'],
  0x0d: ['f', 4, 'float32'],
  0x0e: ['f', 8, 'float64'],
};

/** Parses IDX bytes; gzipped input is inflated within `maxInflatedBytes` (docs/io.md). */
export function parseIdx(
  input: Uint8Array,
  name = 'the IDX file',
  options: InflateLimitOptions = {},
): NdArray {
  let bytes = input;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const limit = resolveInflateLimit(options);
    try {
      bytes = gunzipBounded(bytes, limit, name);
    } catch (err) {
      if (err instanceof TopolensError) throw err;
      throw invalidInput(`${name}: cannot inflate the gzip data (${(err as Error).message}).`);
    }
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || !TYPES[bytes[2]]) {
    throw invalidInput(`${name} is not an IDX file (bad magic number).`);
  }
  const [kind, size, dtype] = TYPES[bytes[2]];
  const rank = bytes[3];
  if (bytes.length < 4 + 4 * rank) throw invalidInput(`${name}: the IDX header is truncated.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let k = 0; k < rank; k++) shape.push(view.getUint32(4 + 4 * k, false));
  const data = decodeElements(bytes, 4 + 4 * rank, shapeSize(shape), kind, size, false, name);
  return { data, shape, dtype };
}
