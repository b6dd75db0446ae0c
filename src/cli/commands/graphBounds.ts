/**
 * Bounds of the kNN-graph commands' options (`curvature`, `ricci`; docs/cli.md, "Option bounds").
 */
import { invalidOption } from '../../core/errors.js';
import { roughly, type Bounds } from '../numbers.js';

/** --k: a positive integer; the graph itself also needs k < points. */
export const K_BOUNDS: Bounds = {
  min: 1,
  max: 100000,
  hint: '[B24] uses k = 30, 120 or 300 for 2,000 points.',
};

/**
 * Ollivier-Ricci solves one transport problem per edge between two neighbourhoods of k + 1
 * points: about points x k edges, each O((k + 1)^3). Beyond this many elementary steps (days
 * on one core, an order-of-magnitude bound, not a measurement) the run is refused.
 */
export const MAX_OLLIVIER_WORK = 1e13;

export function checkOllivierCost(points: number, k: number, graphs: number): void {
  const support = Math.min(k, points - 1) + 1;
  const work = graphs * points * Math.min(k, points - 1) * support * support;
  if (work > MAX_OLLIVIER_WORK) {
    let most = 1;
    while (graphs * points * (most + 1) * (most + 2) ** 2 <= MAX_OLLIVIER_WORK) most++;
    throw invalidOption(
      `Ollivier curvature with k = ${k} on ${points} points${graphs > 1 ? ` in ${graphs} layers` : ''} needs about ${roughly(work)} transport steps, more than the ${roughly(MAX_OLLIVIER_WORK)} (days) allowed.`,
      `Use k <= ${most}, fewer points (subsample), or Forman curvature (--method/--curvature forman), which is linear in the edges.`,
    );
  }
}
