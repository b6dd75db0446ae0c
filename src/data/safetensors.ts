/**
 * `.safetensors` reader: an 8-byte little-endian header length, a JSON header
 * `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?: {...}}`, then the raw
 * little-endian tensor bytes. Supported dtypes: F64, F32, F16, BF16 (converted to float32),
 * I64, I32, I16, I8, U64, U32, U16, U8, BOOL (converted to float64).
 */
import { invalidInput } from '../core/errors.js';
import { decodeElements, shapeSize, type ElementKind, type NdArray } from './ndarray.js';

const DTYPES: Record<string, [ElementKind, number]> = {
  F64: ['f', 8],
  F32: ['f', 4],
  F16: ['f', 2],
  BF16: ['bf', 2],
  I64: ['i', 8],
  I32: ['i', 4],
  I16: ['i', 2],
  I8: ['i', 1],
  U64: ['u', 8],
  U32: ['u', 4],
  U16: ['u', 2],
  U8: ['u', 1],
  BOOL: ['u', 1],
};

export interface SafetensorsFile {
  tensors: Map<string, NdArray>;
  /** The optional `__metadata__` string map. */
  metadata: Record<string, string>;
}

export function parseSafetensors(
  bytes: Uint8Array,
  name = 'the .safetensors file',
): SafetensorsFile {
  if (bytes.length < 8) throw invalidInput(`${name} is too short to be a .safetensors file.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > bytes.length - 8) {
    throw invalidInput(
      `${name}: the header length (${headerLen} bytes) exceeds the file; this is not a .safetensors file or it is truncated.`,
    );
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
  } catch (err) {
    throw invalidInput(`${name}: the header is not valid JSON (${(err as Error).message}).`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw invalidInput(`${name}: the header is not a JSON object.`);
  }
  const base = 8 + headerLen;
  const tensors = new Map<string, NdArray>();
  let metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(header)) {
    if (key === '__metadata__') {
      metadata = (value ?? {}) as Record<string, string>;
      continue;
    }
    const t = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const what = `tensor '${key}' of ${name}`;
    if (
      typeof t !== 'object' ||
      t === null ||
      typeof t.dtype !== 'string' ||
      !Array.isArray(t.shape) ||
      !Array.isArray(t.data_offsets) ||
      t.data_offsets.length !== 2
    ) {
      throw invalidInput(`${what}: header entry needs dtype, shape and data_offsets.`);
    }
    const spec = DTYPES[t.dtype];
    if (!spec) {
      throw invalidInput(
        `${what}: unsupported dtype ${t.dtype} (supported: ${Object.keys(DTYPES).join(', ')}).`,
      );
    }
    const shape = (t.shape as unknown[]).map(Number);
    if (shape.some((s) => !Number.isInteger(s) || s < 0)) {
      throw invalidInput(`${what}: malformed shape [${(t.shape as unknown[]).join(', ')}].`);
    }
    const [begin, end] = (t.data_offsets as unknown[]).map(Number);
    const count = shapeSize(shape);
    if (!(Number.isInteger(begin) && Number.isInteger(end)) || end - begin !== count * spec[1]) {
      throw invalidInput(
        `${what}: data_offsets [${begin}, ${end}] do not match shape [${shape.join(', ')}] of ${t.dtype} (${count * spec[1]} bytes).`,
      );
    }
    if (base + end > bytes.length) {
      throw invalidInput(`${what}: the data is truncated (the file ends before byte ${end}).`);
    }
    const data = decodeElements(bytes, base + begin, count, spec[0], spec[1], true, what);
    tensors.set(key, { data, shape, dtype: t.dtype });
  }
  return { tensors, metadata };
}
