/**
 * Plain tensors: a typed array and a shape, row-major, first axis = samples. This is what
 * topolens passes between the data loaders, the network code and the numeric code (no tfjs
 * types leak out). Lives in core so that the data model (src/data/labelled.ts) can use it
 * without depending on the networks part.
 */
import { describeValue } from './describe.js';
import { invalidInput } from './errors.js';

export interface TensorData {
  data: Float32Array | Int32Array;
  shape: number[];
}

export interface FloatTensorData {
  data: Float32Array;
  shape: number[];
}

export function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Checks that `t` is a tensor `{data: Float32Array | Int32Array, shape: number[]}` whose
 * `data.length` equals the product of `shape`; a wrong value gets a message naming what it is.
 */
export function checkTensorData(t: TensorData, name: string): void {
  const v = t as unknown as { data?: unknown; shape?: unknown } | null | undefined;
  if (
    v === null ||
    typeof v !== 'object' ||
    !(v.data instanceof Float32Array || v.data instanceof Int32Array)
  ) {
    throw invalidInput(
      `${name} must be a tensor {data: Float32Array | Int32Array, shape: number[]}; got ${describeValue(t)}`,
      'pass e.g. {data: Float32Array.from(values), shape: [n, features]} (images: [n, height, width, channels])',
    );
  }
  if (!Array.isArray(t.shape) || t.shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw invalidInput(`${name} has an invalid shape [${String(t.shape)}]`);
  }
  if (sizeOf(t.shape) !== t.data.length) {
    throw invalidInput(
      `${name} has ${t.data.length} values but its shape [${t.shape.join(', ')}] needs ${sizeOf(t.shape)}`,
    );
  }
}

/** Rows `indices` of a tensor (along the first axis), as a new tensor. */
export function takeRows<T extends TensorData>(t: T, indices: ArrayLike<number>): T {
  const rowSize = sizeOf(t.shape.slice(1));
  const Ctor = t.data.constructor as new (n: number) => Float32Array | Int32Array;
  const out = new Ctor(indices.length * rowSize);
  const rows = t.shape[0] ?? 0;
  for (let i = 0; i < indices.length; i++) {
    if (!(indices[i] >= 0 && indices[i] < rows)) {
      // a row past the end would read as zeros (the same check as on h-hostile)
      throw new RangeError(`takeRows: row ${indices[i]} of a tensor with ${rows} rows`);
    }
    const start = indices[i] * rowSize;
    out.set(t.data.subarray(start, start + rowSize), i * rowSize);
  }
  return { data: out, shape: [indices.length, ...t.shape.slice(1)] } as T;
}

/**
 * The batches of one captured tensor joined along the first axis: `n` rows in all, each of the
 * shape the batches share (that of the first batch; [] when there is none).
 */
export function concatBatches(batches: FloatTensorData[], n: number): FloatTensorData {
  const rowShape = batches.length > 0 ? batches[0].shape.slice(1) : [];
  const data = new Float32Array(n * sizeOf(rowShape));
  let offset = 0;
  for (const b of batches) {
    data.set(b.data, offset);
    offset += b.data.length;
  }
  return { data, shape: [n, ...rowShape] };
}
