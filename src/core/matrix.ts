/**
 * Dense row-major matrices on typed arrays. A point cloud is a Matrix whose rows are points.
 */
export type FloatArray = Float32Array | Float64Array;

export interface Matrix<T extends FloatArray = FloatArray> {
  /** Row-major values, length rows * cols. */
  data: T;
  rows: number;
  cols: number;
}

/** A point cloud: one point per row. */
export type PointCloud = Matrix;

export function matrix(data: FloatArray, rows: number, cols: number): Matrix {
  if (data.length !== rows * cols) {
    throw new RangeError(`matrix: data has ${data.length} values, expected ${rows} x ${cols}`);
  }
  return { data, rows, cols };
}

/** Builds a Float64 matrix from nested arrays (rows of equal length). */
export function fromRows(rows: ArrayLike<ArrayLike<number>>): Matrix<Float64Array> {
  const n = rows.length;
  const d = n === 0 ? 0 : rows[0].length;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (r.length !== d) {
      throw new RangeError(`fromRows: row ${i} has ${r.length} values, row 0 has ${d}`);
    }
    for (let j = 0; j < d; j++) data[i * d + j] = r[j];
  }
  return { data, rows: n, cols: d };
}

/** Row i as a subarray view (no copy). */
export function row<T extends FloatArray>(m: Matrix<T>, i: number): T {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols) as T;
}

/** Copies the listed rows into a new matrix of the same element type. */
export function selectRows<T extends FloatArray>(
  m: Matrix<T>,
  indices: ArrayLike<number>,
): Matrix<T> {
  const { cols } = m;
  const Ctor = m.data.constructor as { new (n: number): T };
  const out = new Ctor(indices.length * cols);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r];
    out.set(m.data.subarray(i * cols, (i + 1) * cols), r * cols);
  }
  return { data: out, rows: indices.length, cols };
}

export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(row(m, i)));
  return out;
}
