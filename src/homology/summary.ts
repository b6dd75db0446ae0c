/**
 * A per-dimension summary of persistence diagrams, for `topolens ph --summary`.
 */
import type { PersistenceDiagram } from '../core/diagram.js';
import { persistenceEntropy } from './entropy.js';
import { lifespanSum, maxPersistence, meanLifespan, pointCount } from './lifespan.js';

export interface DiagramSummaryRow {
  dimension: number;
  /** Number of finite bars. */
  finite: number;
  /** Number of essential (infinite) bars. */
  infinite: number;
  /** Sum of finite lifespans (E_1; halve it for [M22]'s figures). */
  lifespanSum: number;
  /** Sum of finite lifespans / number of ALL bars ([M22]'s convention). */
  meanLifespan: number;
  /** Persistence entropy of the finite bars, natural log. */
  entropy: number;
  /** Largest finite lifespan (0 if none). */
  maxPersistence: number;
}

export function diagramSummary(diagrams: readonly PersistenceDiagram[]): DiagramSummaryRow[] {
  return diagrams.map((d) => {
    const c = pointCount(d);
    return {
      dimension: d.dimension,
      finite: c.finite,
      infinite: c.infinite,
      lifespanSum: lifespanSum(d),
      meanLifespan: meanLifespan(d),
      entropy: persistenceEntropy(d),
      maxPersistence: maxPersistence(d),
    };
  });
}
