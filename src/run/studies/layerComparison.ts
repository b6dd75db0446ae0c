/**
 * The layer comparison in the runner: one job over all the experiment's networks (so the matrix
 * holds the within-network and the across-seed blocks), calling `layerComparison`
 * (docs/studies.md#layer-comparison). Rows: one matrix per measure, the specificity score per
 * measure (descriptor `specificity-<measure>`), and the sensitivity curve per layer
 * (descriptor `sensitivity-<measure>`, one row per k); the whole record as the study result.
 */
import { z } from 'zod';
import { layerComparison, type LayerComparisonResult } from '../../study/layerComparison.js';
import { PAIRWISE_MEASURES } from '../../similarity/pairwiseMatrix.js';
import { layerComparisonClaims } from './claims.js';
import type { StudyRows, StudyRunner } from '../studyRunners.js';

export const layerComparisonOptions = z.strictObject({
  measures: z
    .array(z.enum(PAIRWISE_MEASURES as [string, ...string[]]))
    .min(1)
    .default(['sw-h1', 'cka', 'rsa', 'procrustes']),
  maxPoints: z.number().int().min(3).default(1000),
  seed: z.number().int().min(0).default(0),
  sensitivity: z
    .union([
      z.literal(false),
      z.strictObject({
        step: z.number().int().min(1).default(4),
        maxK: z.number().int().min(1).optional(),
        layers: z.array(z.string().min(1)).min(1).optional(),
      }),
    ])
    .describe('false, or {step, maxK, layers}')
    .default({ step: 4 }),
});

/** Store rows of a layer comparison; `networkIds` maps network names to their row ids. */
export function layerComparisonRows(
  r: LayerComparisonResult,
  networkIds: Map<string, string>,
): StudyRows {
  const matrices: NonNullable<StudyRows['matrices']> = [];
  const measures: NonNullable<StudyRows['measures']> = [];
  const firstId = networkIds.get(r.networks[0]);
  for (const c of r.comparisons) {
    matrices.push({
      measure: c.measure,
      kind: c.matrix.kind,
      names: c.matrix.names,
      values: Array.from(c.matrix.values),
    });
    if (c.specificity) {
      measures.push({
        descriptor: `specificity-${c.measure}`,
        group: 'all',
        repeat: -1,
        value: c.specificity.score,
        params: { comparisons: c.specificity.comparisons },
      });
    }
    for (const s of c.sensitivity ?? []) {
      const layer = r.layers.find((l) => l.name === s.layer);
      s.ks.forEach((k, i) =>
        measures.push({
          ...(firstId ? { networkId: firstId } : {}),
          layer: s.layer,
          ...(layer ? { layerIndex: layer.index, depth: layer.depth } : {}),
          descriptor: `sensitivity-${c.measure}`,
          group: 'all',
          repeat: -1,
          k,
          value: s.values[i],
          ...(s.trend !== undefined ? { params: { trend: s.trend } } : {}),
        }),
      );
    }
  }
  return { result: { ...r, claims: layerComparisonClaims(r) }, matrices, measures };
}

export const layerComparisonRunner: StudyRunner = {
  name: 'layer-comparison',
  scope: 'experiment',
  options: layerComparisonOptions,
  run(networks, options) {
    const o = layerComparisonOptions.parse(options);
    const result = layerComparison(
      networks.map((n) => ({ network: n.network, layers: n.layers })),
      o,
    );
    return layerComparisonRows(result, new Map(networks.map((n) => [n.network, n.networkId])));
  },
};
