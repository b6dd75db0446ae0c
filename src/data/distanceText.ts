/**
 * Distance matrices in Ripser's text formats:
 * - `lower-distance`: the strict lower triangle, row by row (d(1,0); d(2,0), d(2,1); ...),
 *   values separated by commas, whitespace or newlines; n is found from the count n(n-1)/2;
 * - `distance`: the full square matrix, one row per line; it must be symmetric (to 1e-9
 *   relative), have a zero diagonal and no negative entries;
 * - `sparse`: one edge per line, `i j d` with 0-based vertex indices; n = largest index + 1.
 * Comments (`#` lines) and blank lines are skipped in all three.
 */
import { invalidInput } from '../core/errors.js';
import {
  condensedLength,
  type CondensedDistances,
  type SparseDistances,
} from '../core/distances.js';
import type { Matrix } from '../core/matrix.js';
import { dataLines, parseNumberField, parseTextTable } from './text.js';

/** Relative tolerance of the symmetry check of a full distance matrix. */
export const SYMMETRY_TOLERANCE = 1e-9;

function checkDistanceValue(v: number, where: string, name: string): void {
  if (v < 0) {
    throw invalidInput(
      `Negative distance ${v} at ${where} of ${name}: distances must be non-negative.`,
    );
  }
}

/** Parses Ripser's lower-distance text. */
export function parseLowerDistance(
  text: string,
  name = 'the lower-distance input',
): CondensedDistances<Float64Array> {
  const values: number[] = [];
  for (const { line, lineNumber } of dataLines(text)) {
    const fields = line.split(/[\s,;]+/).filter((s) => s.length > 0);
    for (let c = 0; c < fields.length; c++) {
      values.push(parseNumberField(fields[c], lineNumber, c + 1, name));
    }
  }
  if (values.length === 0) {
    throw invalidInput(
      `${name} is empty: a lower-distance matrix lists d(1,0), d(2,0), d(2,1), ... row by row.`,
    );
  }
  const n = Math.round((1 + Math.sqrt(1 + 8 * values.length)) / 2);
  if (condensedLength(n) !== values.length) {
    const lo = Math.floor((1 + Math.sqrt(1 + 8 * values.length)) / 2);
    throw invalidInput(
      `${name} has ${values.length} values, which is not n(n-1)/2 for any n (${condensedLength(lo)} values for n = ${lo}, ${condensedLength(lo + 1)} for n = ${lo + 1}).`,
      'A lower-distance matrix holds the strict lower triangle: d(1,0); d(2,0), d(2,1); ...',
    );
  }
  const data = Float64Array.from(values);
  let k = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++, k++) {
      checkDistanceValue(data[k], `row ${i}, column ${j} (entry ${k + 1})`, name);
    }
  }
  return { n, data };
}

/**
 * Checks a full distance matrix (square, symmetric to 1e-9 relative, zero diagonal,
 * non-negative) and returns its lower triangle. Rows and columns in messages count from 1.
 */
export function condensedFromSquare(
  m: Matrix,
  name = 'the distance matrix',
): CondensedDistances<Float64Array> {
  const n = m.rows;
  if (m.cols !== n) {
    throw invalidInput(
      `${name} has ${m.rows} rows and ${m.cols} columns; a distance matrix must be square.`,
      'For a point cloud use --format point-cloud (or csv); for a triangle use lower-distance.',
    );
  }
  const a = m.data;
  const data = new Float64Array(condensedLength(n));
  let k = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i * n + i];
    if (d !== 0) {
      throw invalidInput(
        `${name} has ${d} on the diagonal at row ${i + 1}, column ${i + 1}: the diagonal must be 0.`,
      );
    }
    for (let j = 0; j < i; j++, k++) {
      const lower = a[i * n + j];
      const upper = a[j * n + i];
      checkDistanceValue(lower, `row ${i + 1}, column ${j + 1}`, name);
      checkDistanceValue(upper, `row ${j + 1}, column ${i + 1}`, name);
      const scale = Math.max(Math.abs(lower), Math.abs(upper));
      if (Math.abs(lower - upper) > SYMMETRY_TOLERANCE * scale) {
        throw invalidInput(
          `${name} is not symmetric: row ${i + 1}, column ${j + 1} is ${lower} but row ${j + 1}, column ${i + 1} is ${upper}.`,
          'A distance matrix must satisfy d(i,j) = d(j,i) (to 1e-9 relative).',
        );
      }
      data[k] = lower;
    }
  }
  return { n, data };
}

/** Parses a full distance matrix in text (CSV, TSV or whitespace; see ./text.ts). */
export function parseDistanceMatrix(
  text: string,
  name = 'the distance matrix',
): CondensedDistances<Float64Array> {
  const table = parseTextTable(text, { name, allowHeader: false });
  return condensedFromSquare(table.matrix, name);
}

/** Parses Ripser's sparse `i j d` text (0-based indices, one edge per line). */
export function parseSparseTriplets(
  text: string,
  name = 'the sparse distance input',
): SparseDistances<Float64Array> {
  const edges = new Map<number, { value: number; lineNumber: number }>();
  const is: number[] = [];
  const js: number[] = [];
  const vs: number[] = [];
  let n = 0;
  const lines = dataLines(text);
  if (lines.length === 0) {
    throw invalidInput(`${name} is empty: give one edge per line as "i j distance".`);
  }
  for (const { line, lineNumber } of lines) {
    const fields = line.split(/[\s,;]+/).filter((s) => s.length > 0);
    if (fields.length !== 3) {
      throw invalidInput(
        `Line ${lineNumber} of ${name} has ${fields.length} values; the sparse format needs 3 ("i j distance").`,
      );
    }
    const a = parseNumberField(fields[0], lineNumber, 1, name);
    const b = parseNumberField(fields[1], lineNumber, 2, name);
    const v = parseNumberField(fields[2], lineNumber, 3, name);
    for (const [x, col] of [
      [a, 1],
      [b, 2],
    ] as const) {
      if (!Number.isInteger(x) || x < 0) {
        throw invalidInput(
          `Line ${lineNumber}, column ${col} of ${name}: vertex index ${x} is not a non-negative integer (indices count from 0).`,
        );
      }
    }
    checkDistanceValue(v, `line ${lineNumber}, column 3`, name);
    n = Math.max(n, a + 1, b + 1);
    if (a === b) {
      if (v !== 0) {
        throw invalidInput(
          `Line ${lineNumber} of ${name} gives vertex ${a} a distance ${v} to itself; it must be 0.`,
        );
      }
      continue;
    }
    const i = Math.max(a, b);
    const j = Math.min(a, b);
    const key = i * 2 ** 26 + j;
    const seen = edges.get(key);
    if (seen) {
      if (seen.value !== v) {
        throw invalidInput(
          `Edge ${i}-${j} appears twice in ${name} with different distances: ${seen.value} (line ${seen.lineNumber}) and ${v} (line ${lineNumber}).`,
        );
      }
      continue;
    }
    edges.set(key, { value: v, lineNumber });
    is.push(i);
    js.push(j);
    vs.push(v);
  }
  return { n, i: Int32Array.from(is), j: Int32Array.from(js), values: Float64Array.from(vs) };
}
