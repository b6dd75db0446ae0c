/**
 * NumPy `.npy` reader (format versions 1.0, 2.0 and 3.0). Supported dtypes: float16/32/64,
 * int8/16/32/64, uint8/16/32/64 and bool, little or big endian; C or Fortran order (Fortran is
 * transposed to C order). Integers become Float64Array; see ./ndarray.ts.
 */
import { invalidInput } from '../core/errors.js';
import {
  decodeElements,
  fortranToC,
  shapeSize,
  type NdArray,
  type ElementKind,
} from './ndarray.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && MAGIC.every((b, k) => bytes[k] === b);
}

/** Parses a .npy file's bytes. `name` names the array in error messages. */
export function parseNpy(bytes: Uint8Array, name = 'the .npy file'): NdArray {
  if (!isNpy(bytes)) {
    throw invalidInput(
      `${name} is not a .npy file (it does not start with \\x93NUMPY).`,
      'Save arrays with numpy.save, or pass --format to read another format.',
    );
  }
  if (bytes.length < 10) throw invalidInput(`${name}: the .npy header is truncated.`);
  const major = bytes[6];
  const minor = bytes[7];
  let headerLen: number;
  let start: number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw invalidInput(`${name}: the .npy header is truncated.`);
    headerLen = view.getUint32(8, true);
    start = 12;
  } else {
    throw invalidInput(
      `${name}: unsupported .npy format version ${major}.${minor} (supported: 1.0, 2.0, 3.0).`,
    );
  }
  if (start + headerLen > bytes.length) {
    throw invalidInput(`${name}: the .npy header is truncated.`);
  }
  const headerBytes = bytes.subarray(start, start + headerLen);
  const headerText =
    major === 3
      ? new TextDecoder('utf-8').decode(headerBytes)
      : new TextDecoder('latin1').decode(headerBytes);
  const header = parseHeader(headerText, name);
  const { kind, size, littleEndian } = parseDescr(header.descr, name);
  const count = shapeSize(header.shape);
  let data = decodeElements(bytes, start + headerLen, count, kind, size, littleEndian, name);
  if (header.fortranOrder) data = fortranToC(data, header.shape);
  return { data, shape: header.shape, dtype: header.descr };
}

function parseHeader(text: string, name: string): NpyHeader {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr) {
    if (/'descr'\s*:\s*\[/.test(text)) {
      throw invalidInput(
        `${name} holds a structured (record) array; topolens reads plain numeric arrays.`,
        'Save a plain float array instead, e.g. numpy.save(path, a.astype(numpy.float32)).',
      );
    }
    throw invalidInput(`${name}: the .npy header has no 'descr' entry: ${text.trim()}`);
  }
  if (!fortran || !shape) {
    throw invalidInput(`${name}: malformed .npy header: ${text.trim()}`);
  }
  const dims = shape[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => Number(s.replace(/L$/, '')));
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) {
    throw invalidInput(`${name}: malformed shape in the .npy header: (${shape[1]})`);
  }
  return { descr: descr[1], fortranOrder: fortran[1] === 'True', shape: dims };
}

function parseDescr(
  descr: string,
  name: string,
): { kind: ElementKind; size: number; littleEndian: boolean } {
  const m = /^([<>|=]?)([fiub])(\d+)$/.exec(descr);
  const supported = 'float16/32/64, int8/16/32/64, uint8/16/32/64, bool';
  if (!m) {
    throw invalidInput(
      `${name}: unsupported dtype '${descr}' (supported: ${supported}).`,
      'Convert it first, e.g. a.astype(numpy.float32).',
    );
  }
  const order = m[1];
  const letter = m[2];
  const size = Number(m[3]);
  const kind: ElementKind = letter === 'b' ? 'u' : (letter as ElementKind);
  const okSize = kind === 'f' ? [2, 4, 8].includes(size) : [1, 2, 4, 8].includes(size);
  if (!okSize || (letter === 'b' && size !== 1)) {
    throw invalidInput(
      `${name}: unsupported dtype '${descr}' (supported: ${supported}).`,
      'Convert it first, e.g. a.astype(numpy.float32).',
    );
  }
  // '=' is native order; every platform Node runs on is little endian
  return { kind, size, littleEndian: order !== '>' };
}
