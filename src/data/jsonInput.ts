/**
 * JSON inputs: an array of points (`[[x, y], ...]`), `{ "points": [[...], ...] }`, or a full
 * distance matrix `{ "distances": [[...], ...] }` (checked like ./distanceText.ts).
 */
import { invalidInput } from '../core/errors.js';
import type { CondensedDistances } from '../core/distances.js';
import type { Matrix } from '../core/matrix.js';
import { condensedFromSquare } from './distanceText.js';

export type JsonInput =
  | { kind: 'points'; points: Matrix<Float64Array> }
  | { kind: 'distances'; distances: CondensedDistances<Float64Array> };

function rowsToMatrix(rows: unknown, what: string, name: string): Matrix<Float64Array> {
  if (!Array.isArray(rows)) {
    throw invalidInput(`${what} of ${name} must be an array of arrays of numbers.`);
  }
  if (rows.length === 0) throw invalidInput(`${what} of ${name} is empty.`);
  const first = rows[0];
  if (!Array.isArray(first)) {
    throw invalidInput(
      `${what} of ${name} must be an array of arrays (one per row); row 0 is ${JSON.stringify(first)}.`,
    );
  }
  const cols = first.length;
  const data = new Float64Array(rows.length * cols);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!Array.isArray(row) || row.length !== cols) {
      throw invalidInput(
        `Row ${r} of ${what} of ${name} has ${Array.isArray(row) ? row.length : 'no'} values, but row 0 has ${cols} (rows count from 0).`,
      );
    }
    for (let c = 0; c < cols; c++) {
      const v = row[c];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw invalidInput(
          `Row ${r}, column ${c} of ${what} of ${name} is ${JSON.stringify(v)}, not a finite number (rows and columns count from 0).`,
        );
      }
      data[r * cols + c] = v;
    }
  }
  return { data, rows: rows.length, cols };
}

export function parseJsonInput(text: string, name = 'the JSON input'): JsonInput {
  if (text.trim().length === 0) throw invalidInput(`${name} is empty.`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw invalidInput(`${name} is not valid JSON: ${(err as Error).message}`);
  }
  if (Array.isArray(value))
    return { kind: 'points', points: rowsToMatrix(value, 'the array', name) };
  if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    if ('points' in o) return { kind: 'points', points: rowsToMatrix(o.points, '"points"', name) };
    if ('distances' in o) {
      const m = rowsToMatrix(o.distances, '"distances"', name);
      return { kind: 'distances', distances: condensedFromSquare(m, `"distances" of ${name}`) };
    }
  }
  throw invalidInput(
    `${name} must be an array of points, {"points": [[...]]} or {"distances": [[...]]}.`,
  );
}
