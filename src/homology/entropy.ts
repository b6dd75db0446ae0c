/**
 * Persistence entropy (Chintakunta et al. 2015; Atienza et al.): with l_j the lifespans of the
 * finite bars and p_j = l_j / sum(l), PE = -sum p_j log p_j. Essential bars are excluded,
 * zero-length bars contribute 0 (0 log 0 = 0). Natural logarithm by default, as GUDHI's
 * `representations.Entropy(mode="scalar")`; giotto-tda uses base 2 (pass `base: 2`).
 */
import type { PersistenceDiagram } from '../core/diagram.js';
import { invalidOption } from '../core/errors.js';
import { lifespans } from './lifespan.js';

export interface EntropyOptions {
  /** Logarithm base (default Math.E, as GUDHI; giotto-tda uses 2). */
  base?: number;
  /**
   * Divide by log(number of finite bars with positive lifespan), giving a value in [0, 1]
   * (default false).
   */
  normalize?: boolean;
}

/** Persistence entropy of the finite bars; 0 for a diagram with no positive lifespan. */
export function persistenceEntropy(d: PersistenceDiagram, options: EntropyOptions = {}): number {
  const base = options.base ?? Math.E;
  if (!(base > 0) || base === 1 || !Number.isFinite(base))
    throw invalidOption(
      `base must be a positive number other than 1, got ${base}`,
      'e.g. 2 or Math.E',
    );
  const l = lifespans(d);
  let total = 0;
  let count = 0;
  for (const x of l)
    if (x > 0) {
      total += x;
      count++;
    }
  if (total === 0) return 0;
  let h = 0;
  for (const x of l) {
    if (x <= 0) continue;
    const p = x / total;
    h -= p * Math.log(p);
  }
  if (options.normalize) return count > 1 ? h / Math.log(count) : 0;
  return h / Math.log(base);
}
