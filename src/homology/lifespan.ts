/**
 * Lifespan descriptors of a persistence diagram ([M22]): lifespan sums (total persistence),
 * mean lifespan, number of points, maximal persistence.
 */
import type { PersistenceDiagram } from '../core/diagram.js';
import { invalidOption } from '../core/errors.js';
import { checkDiagram } from './diagramParts.js';

export interface LifespanSumOptions {
  /** Exponent alpha in E_alpha = sum over finite bars of (death - birth)^alpha (default 1). */
  alpha?: number;
  /**
   * Return half of the sum, as in [M22]'s published figures (0.5 * E_1) (default false).
   */
  half?: boolean;
}

/** Lifespans (death - birth) of the finite bars, in diagram order. */
export function lifespans(d: PersistenceDiagram): Float64Array {
  checkDiagram(d);
  const out: number[] = [];
  for (let i = 0; i < d.births.length; i++)
    if (d.deaths[i] !== Infinity) out.push(d.deaths[i] - d.births[i]);
  return Float64Array.from(out);
}

/**
 * Lifespan sum E_alpha = sum over FINITE bars of (d - b)^alpha; essential bars are excluded.
 * With `half: true`, 0.5 * E_alpha ([M22]'s figures use alpha = 1, half = true).
 * An empty diagram gives 0.
 */
export function lifespanSum(d: PersistenceDiagram, options: LifespanSumOptions = {}): number {
  const alpha = options.alpha ?? 1;
  if (!Number.isFinite(alpha) || alpha < 0)
    throw invalidOption(`alpha must be a finite number >= 0, got ${alpha}`, 'e.g. alpha: 1');
  let s = 0;
  for (const l of lifespans(d)) s += alpha === 1 ? l : Math.pow(l, alpha);
  return options.half ? 0.5 * s : s;
}

/**
 * Mean lifespan as [M22] reports it: the sum of finite lifespans divided by the number of ALL
 * bars, essential ones included (they contribute 0 to the sum but 1 to the count). An empty
 * diagram gives 0.
 */
export function meanLifespan(d: PersistenceDiagram): number {
  checkDiagram(d);
  const n = d.births.length;
  return n === 0 ? 0 : lifespanSum(d) / n;
}

/** Number of points (bars) of the diagram: finite and essential. */
export function pointCount(d: PersistenceDiagram): {
  finite: number;
  infinite: number;
  total: number;
} {
  checkDiagram(d);
  let inf = 0;
  for (let i = 0; i < d.deaths.length; i++) if (d.deaths[i] === Infinity) inf++;
  return { finite: d.deaths.length - inf, infinite: inf, total: d.deaths.length };
}

/** Largest finite lifespan (0 when there is no finite bar); essential bars are excluded. */
export function maxPersistence(d: PersistenceDiagram): number {
  let m = 0;
  for (const l of lifespans(d)) if (l > m) m = l;
  return m;
}
