/**
 * N-dimensional numeric arrays as read from files (.npy, .npz, .safetensors, IDX): values in
 * C (row-major) order with their shape. Integer dtypes are converted to Float64Array, float16
 * to Float32Array; float32 and float64 keep their precision.
 */
import { invalidInput } from '../core/errors.js';
import type { FloatArray, Matrix } from '../core/matrix.js';

export interface NdArray {
  /** Values in C order (last index fastest). */
  data: FloatArray;
  /** Size of each axis; [] for a scalar. */
  shape: number[];
  /** The element type found in the file, e.g. `<f4`, `F16`, `u8`. */
  dtype: string;
}

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/**
 * Views a 1-D or 2-D array as a point cloud: a 2-D array n x d is n points in R^d, a 1-D array
 * of length n is n points on the line. Higher ranks are refused with a hint to reshape.
 */
export function ndarrayToMatrix(a: NdArray, name = 'the array'): Matrix {
  if (a.shape.length === 2) return { data: a.data, rows: a.shape[0], cols: a.shape[1] };
  if (a.shape.length === 1) return { data: a.data, rows: a.shape[0], cols: 1 };
  throw invalidInput(
    `${name} has shape [${a.shape.join(', ')}]; a point cloud needs a 1-D or 2-D array (points x features).`,
    'Reshape it to (n, features) first, e.g. a.reshape(len(a), -1) in NumPy.',
  );
}

/**
 * Converts an array stored with the first index fastest (Fortran order) to C order. `shape` is
 * the array's logical shape.
 */
export function fortranToC<T extends FloatArray>(data: T, shape: readonly number[]): T {
  const rank = shape.length;
  if (rank <= 1) return data;
  const n = data.length;
  const Ctor = data.constructor as { new (n: number): T };
  const out = new Ctor(n);
  // strides in the Fortran layout
  const fStride = new Array<number>(rank);
  fStride[0] = 1;
  for (let k = 1; k < rank; k++) fStride[k] = fStride[k - 1] * shape[k - 1];
  const idx = new Array<number>(rank).fill(0);
  let src = 0;
  for (let c = 0; c < n; c++) {
    out[c] = data[src];
    // advance the C-order multi-index (last axis fastest), tracking the Fortran offset
    for (let k = rank - 1; k >= 0; k--) {
      idx[k]++;
      src += fStride[k];
      if (idx[k] < shape[k]) break;
      src -= fStride[k] * shape[k];
      idx[k] = 0;
    }
  }
  return out;
}

/** IEEE 754 half precision to number. */
export function float16ToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** bfloat16 (upper 16 bits of a float32) to number. */
export function bfloat16ToNumber(h: number): number {
  const buf = new DataView(new ArrayBuffer(4));
  buf.setUint32(0, h << 16);
  return buf.getFloat32(0);
}

export type ElementKind = 'f' | 'i' | 'u' | 'bf';

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Decodes `count` elements of a numeric type from `bytes` at `offset`.
 * Floats of 4 bytes give a Float32Array, 2-byte floats (f16, bf16) a Float32Array, everything
 * else a Float64Array.
 */
export function decodeElements(
  bytes: Uint8Array,
  offset: number,
  count: number,
  kind: ElementKind,
  size: number,
  littleEndian: boolean,
  what: string,
): FloatArray {
  const need = count * size;
  if (offset + need > bytes.length) {
    throw invalidInput(
      `${what}: the data is truncated (needs ${need} bytes after the header, the file has ${Math.max(0, bytes.length - offset)}).`,
      'The file was cut short; write it again.',
    );
  }
  if (kind === 'f' && (size === 4 || size === 8) && littleEndian && HOST_LITTLE_ENDIAN) {
    // fast path: one copy of the bytes (the copy also fixes any misalignment)
    // (not bytes.slice: on a Node Buffer that is a view, not a copy)
    const copy = new Uint8Array(need);
    copy.set(bytes.subarray(offset, offset + need));
    return size === 4 ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, need);
  if (kind === 'f' && size === 4) {
    const out = new Float32Array(count);
    for (let k = 0; k < count; k++) out[k] = view.getFloat32(k * 4, littleEndian);
    return out;
  }
  if (kind === 'f' && size === 8) {
    const out = new Float64Array(count);
    for (let k = 0; k < count; k++) out[k] = view.getFloat64(k * 8, littleEndian);
    return out;
  }
  if ((kind === 'f' || kind === 'bf') && size === 2) {
    const out = new Float32Array(count);
    const conv = kind === 'f' ? float16ToNumber : bfloat16ToNumber;
    for (let k = 0; k < count; k++) out[k] = conv(view.getUint16(k * 2, littleEndian));
    return out;
  }
  const out = new Float64Array(count);
  if (kind === 'i' || kind === 'u') {
    const signed = kind === 'i';
    switch (size) {
      case 1:
        for (let k = 0; k < count; k++) out[k] = signed ? view.getInt8(k) : view.getUint8(k);
        return out;
      case 2:
        for (let k = 0; k < count; k++)
          out[k] = signed
            ? view.getInt16(k * 2, littleEndian)
            : view.getUint16(k * 2, littleEndian);
        return out;
      case 4:
        for (let k = 0; k < count; k++)
          out[k] = signed
            ? view.getInt32(k * 4, littleEndian)
            : view.getUint32(k * 4, littleEndian);
        return out;
      case 8:
        for (let k = 0; k < count; k++)
          out[k] = Number(
            signed ? view.getBigInt64(k * 8, littleEndian) : view.getBigUint64(k * 8, littleEndian),
          );
        return out;
    }
  }
  throw invalidInput(`${what}: unsupported element type ${kind}${size * 8}.`);
}
