/**
 * Numeric command-line options with documented bounds (docs/cli.md, "Option bounds"). Every
 * numeric option of every command goes through one of these, so that a value that would run out
 * of memory or run for ever (`mapper --intervals 10000000`) is refused at once with the range and
 * the way out, rather than discovered an hour later.
 */
import { invalidOption } from '../core/errors.js';

export interface Bounds {
  /** smallest allowed value (inclusive); default -Infinity */
  min?: number;
  /** largest allowed value (inclusive); default Infinity */
  max?: number;
  /** why the upper bound is there and what to do instead, printed when it is passed */
  hint?: string;
}

function range(b: Bounds): string {
  const lo = b.min ?? -Infinity;
  const hi = b.max ?? Infinity;
  if (hi === Infinity) return `>= ${lo}`;
  if (lo === -Infinity) return `<= ${hi}`;
  return `in [${lo}, ${hi}]`;
}

function check(x: number, text: string, flag: string, b: Bounds, what: string): number {
  if ((b.min !== undefined && x < b.min) || (b.max !== undefined && x > b.max)) {
    throw invalidOption(`${flag} must be ${what} ${range(b)}, got '${text}'.`, b.hint);
  }
  return x;
}

/** An integer option within bounds. */
export function integerOption(text: string | number, flag: string, b: Bounds = {}): number {
  const t = String(text).trim();
  const x = Number(t);
  if (t === '' || !Number.isInteger(x)) {
    throw invalidOption(`${flag} must be an integer ${range(b)}, got '${text}'.`, b.hint);
  }
  return check(x, t, flag, b, 'an integer');
}

/** A finite number option within bounds. */
export function numberOption(text: string | number, flag: string, b: Bounds = {}): number {
  const t = String(text).trim();
  const x = Number(t);
  if (t === '' || !Number.isFinite(x)) {
    throw invalidOption(`${flag} must be a number ${range(b)}, got '${text}'.`, b.hint);
  }
  return check(x, t, flag, b, 'a number');
}

/** The largest seed accepted: seeds are 32-bit (the generator's state). */
export const MAX_SEED = 2 ** 32 - 1;

/** A random seed: an integer in [0, 2^32 - 1]. */
export function seedOption(text: string | number, flag = '--seed'): number {
  return integerOption(text, flag, {
    min: 0,
    max: MAX_SEED,
    hint: 'Seeds are 32-bit unsigned integers.',
  });
}

/** "1.00e+12" style for cost messages. */
export function roughly(x: number): string {
  return x < 1e6 ? String(Math.round(x)) : x.toExponential(2);
}
