/**
 * Which rows of a layer cloud a study looks at: all of them, at most K per class ([M22]: 250,
 * [M23]: 300), or at most N overall, drawn without replacement with a seed. The same rows are
 * used for every layer of one network so that layers are compared on the same inputs.
 */
import type { Matrix } from '../core/matrix.js';
import { invalidInput, invalidOption } from '../core/errors.js';
import { createRng, sampleWithoutReplacement } from '../core/rng.js';

/** The rows of one group (a class, or everything) after sampling, ascending. */
export interface RowGroup {
  /** the class label, or null for the global group */
  label: number | null;
  rows: Int32Array;
}

/** Rows per class label, in ascending label order. */
export function rowsByClass(labels: ArrayLike<number>): Map<number, number[]> {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    let list = byClass.get(c);
    if (!list) byClass.set(c, (list = []));
    list.push(i);
  }
  return new Map([...byClass.entries()].sort((a, b) => a[0] - b[0]));
}

function subsample(rows: number[], cap: number | undefined, seed: number): Int32Array {
  if (cap === undefined || rows.length <= cap) return Int32Array.from(rows);
  const pick = sampleWithoutReplacement(rows.length, cap, createRng(seed));
  return Int32Array.from(pick, (i) => rows[i]).sort();
}

/**
 * Groups of rows: one per class with at most `perClass` rows each (scope 'class'), or one
 * global group with at most `maxPoints` rows (scope 'global'). `seed` fixes the draw.
 */
export function sampleGroups(
  n: number,
  options: {
    scope: 'class' | 'global';
    labels?: ArrayLike<number>;
    perClass?: number;
    maxPoints?: number;
    seed: number;
    what: string;
  },
): RowGroup[] {
  if (options.scope === 'global') {
    const all = Array.from({ length: n }, (_, i) => i);
    return [{ label: null, rows: subsample(all, options.maxPoints, options.seed) }];
  }
  if (options.scope !== 'class') {
    throw invalidOption(`scope must be 'class' or 'global', got '${String(options.scope)}'.`);
  }
  if (!options.labels) {
    throw invalidInput(
      `${options.what}: class-local descriptors need a label per input, and none were given.`,
      "Give labels with the clouds, or choose scope: 'global'.",
    );
  }
  if (options.labels.length !== n) {
    throw invalidInput(
      `${options.what}: ${options.labels.length} labels for ${n} inputs; give one label per row.`,
    );
  }
  const groups: RowGroup[] = [];
  let k = 0;
  for (const [label, rows] of rowsByClass(options.labels)) {
    groups.push({ label, rows: subsample(rows, options.perClass, options.seed + 7919 * k++) });
  }
  return groups;
}

/**
 * Per-feature min-max scaling fitted on the cloud itself ([M22]'s descriptors): each column
 * mapped to [0, 1]; a constant column maps to 0.
 */
export function minMaxScaleColumns(cloud: Matrix): Matrix<Float64Array> {
  const { rows, cols, data } = cloud;
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < rows; i++) {
      const v = data[i * cols + j];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const range = hi - lo;
    for (let i = 0; i < rows; i++) {
      out[i * cols + j] = range > 0 ? (data[i * cols + j] - lo) / range : 0;
    }
  }
  return { data: out, rows, cols };
}
