/**
 * Internal helpers shared by the diagram descriptors and distances: validation and the split of
 * a diagram into its finite bars and its essential (infinite) bars.
 */
import { invalidInput, invalidOption } from '../core/errors.js';
import type { PersistenceDiagram } from '../core/diagram.js';

/** Finite bars as parallel arrays, and the births of the essential bars sorted ascending. */
export interface DiagramParts {
  births: Float64Array;
  deaths: Float64Array;
  /** Index of each finite bar in the original diagram. */
  index: Int32Array;
  infiniteBirths: Float64Array;
  /** Index of each essential bar in the original diagram, in the order of `infiniteBirths`. */
  infiniteIndex: Int32Array;
}

/**
 * Checks a diagram: births finite, deaths finite or +Infinity, death >= birth, no NaN.
 * `name` says which diagram in the message.
 */
export function checkDiagram(d: PersistenceDiagram, name = 'diagram'): void {
  const { births, deaths } = d;
  if (!births || !deaths || births.length !== deaths.length)
    throw invalidInput(
      `${name}: births and deaths must be arrays of the same length`,
      'build diagrams with diagram(dimension, bars) or diagramsFromJSON',
    );
  for (let i = 0; i < births.length; i++) {
    const b = births[i];
    const e = deaths[i];
    if (!Number.isFinite(b))
      throw invalidInput(
        `${name}: bar ${i} has birth ${b}`,
        'births must be finite numbers; only deaths may be Infinity (essential bars)',
      );
    if (Number.isNaN(e) || e === -Infinity)
      throw invalidInput(
        `${name}: bar ${i} has death ${e}`,
        'deaths must be numbers >= birth, or Infinity for an essential bar',
      );
    if (e < b)
      throw invalidInput(
        `${name}: bar ${i} dies (${e}) before it is born (${b})`,
        'each bar must satisfy birth <= death',
      );
  }
}

/** Splits a (checked) diagram into finite bars and sorted essential births. */
export function diagramParts(d: PersistenceDiagram, name = 'diagram'): DiagramParts {
  checkDiagram(d, name);
  const n = d.births.length;
  let nf = 0;
  for (let i = 0; i < n; i++) if (d.deaths[i] !== Infinity) nf++;
  const births = new Float64Array(nf);
  const deaths = new Float64Array(nf);
  const index = new Int32Array(nf);
  const inf: number[] = [];
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (d.deaths[i] === Infinity) inf.push(i);
    else {
      births[k] = d.births[i];
      deaths[k] = d.deaths[i];
      index[k++] = i;
    }
  }
  inf.sort((a, b) => d.births[a] - d.births[b] || a - b);
  return {
    births,
    deaths,
    index,
    infiniteBirths: Float64Array.from(inf, (i) => d.births[i]),
    infiniteIndex: Int32Array.from(inf),
  };
}

/**
 * Bars for a functional descriptor: finite bars, plus essential bars clipped at
 * `infinityValue` when one is given (bars born at or after it are then dropped).
 */
export function clippedBars(
  d: PersistenceDiagram,
  infinityValue: number | undefined,
  name = 'diagram',
): { births: Float64Array; deaths: Float64Array } {
  const parts = diagramParts(d, name);
  if (infinityValue === undefined || parts.infiniteBirths.length === 0)
    return { births: parts.births, deaths: parts.deaths };
  if (!Number.isFinite(infinityValue))
    throw invalidOption(
      `infinityValue must be a finite number, got ${infinityValue}`,
      'leave it out to exclude essential bars, or give the scale at which to clip them',
    );
  const b: number[] = Array.from(parts.births);
  const e: number[] = Array.from(parts.deaths);
  for (const x of parts.infiniteBirths) {
    if (x < infinityValue) {
      b.push(x);
      e.push(infinityValue);
    }
  }
  return { births: Float64Array.from(b), deaths: Float64Array.from(e) };
}

export function checkPositive(value: number, name: string, hint: string): void {
  if (!(value > 0) || !Number.isFinite(value))
    throw invalidOption(`${name} must be a positive finite number, got ${value}`, hint);
}

export function checkP(p: number, name = 'p'): void {
  if (!(p >= 1))
    throw invalidOption(
      `${name} must be >= 1 (or Infinity), got ${p}`,
      'use 1, 2, ... or Infinity',
    );
}

/** How essential bars enter a distance. */
export type InfiniteBars = 'match' | 'ignore';

export function checkInfinite(mode: string): asserts mode is InfiniteBars {
  if (mode !== 'match' && mode !== 'ignore')
    throw invalidOption(
      `infinite must be 'match' or 'ignore', got '${mode}'`,
      "'match' pairs essential bars by sorted birth; 'ignore' leaves them out",
    );
}
