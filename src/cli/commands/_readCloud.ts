/**
 * A minimal private point-cloud reader for the curvature, ricci and similarity commands, until
 * `loadPointCloudOrDistances` (src/data/load.ts) lands: `.npy` version 1-3, little-endian
 * float32/float64 (also int32/int64/uint8), C order, 2-D (1-D = one column); otherwise text with
 * one point per line, values separated by commas, tabs or spaces ('#' comments, an optional
 * non-numeric header line).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { TopolensError } from '../../core/errors.js';
import type { Matrix } from '../../core/matrix.js';

function parseError(path: string, msg: string, hint?: string): TopolensError {
  return new TopolensError('parse-error', `${basename(path)}: ${msg}`, hint);
}

function readNpy(path: string, bytes: Uint8Array): Matrix {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw parseError(path, 'malformed .npy header.');
  if (fortran) {
    throw parseError(
      path,
      'Fortran-ordered arrays are not supported.',
      'Save with np.ascontiguousarray.',
    );
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.length < 1 || shape.length > 2) {
    throw parseError(path, `expected a 2-D array (points x features), got shape (${shapeText}).`);
  }
  const rows = shape[0];
  const cols = shape.length === 2 ? shape[1] : 1;
  const offset = start + headerLen;
  const count = rows * cols;
  const out = new Float64Array(count);
  const kinds: Record<string, [number, (o: number) => number]> = {
    '<f8': [8, (o) => view.getFloat64(o, true)],
    '<f4': [4, (o) => view.getFloat32(o, true)],
    '<i4': [4, (o) => view.getInt32(o, true)],
    '<i8': [8, (o) => Number(view.getBigInt64(o, true))],
    '|u1': [1, (o) => view.getUint8(o)],
  };
  const kind = kinds[descr];
  if (!kind) {
    throw parseError(path, `unsupported dtype '${descr}'.`, 'Save as float32 or float64.');
  }
  const [size, get] = kind;
  if (offset + count * size > bytes.length) throw parseError(path, 'the file is truncated.');
  for (let t = 0; t < count; t++) out[t] = get(offset + t * size);
  return { data: out, rows, cols };
}

function readText(path: string, text: string): Matrix {
  const lines = text.split(/\r?\n/);
  const values: number[] = [];
  let cols = -1;
  let rows = 0;
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln].replace(/#.*/, '').trim();
    if (line === '') continue;
    const parts = line.split(/[\s,;]+/).filter((s) => s.length > 0);
    const nums = parts.map(Number);
    if (nums.some((v) => Number.isNaN(v) && !/^nan$/i.test(parts[nums.indexOf(v)]))) {
      if (rows === 0 && cols < 0) continue; // header line
      throw parseError(
        path,
        `line ${ln + 1} has a value that is not a number: '${line.slice(0, 60)}'.`,
      );
    }
    if (cols < 0) cols = nums.length;
    else if (nums.length !== cols) {
      throw parseError(
        path,
        `line ${ln + 1} has ${nums.length} values, the first row has ${cols}.`,
      );
    }
    values.push(...nums);
    rows++;
  }
  if (rows === 0) throw parseError(path, 'no data rows.');
  return { data: Float64Array.from(values), rows, cols };
}

/** Reads a point cloud (.npy or text). */
export function readCloud(path: string): Matrix {
  const bytes = readFileSync(path);
  if (
    bytes.length >= 6 &&
    bytes[0] === 0x93 &&
    String.fromCharCode(...bytes.subarray(1, 6)) === 'NUMPY'
  ) {
    return readNpy(path, bytes);
  }
  return readText(path, bytes.toString('utf8'));
}
