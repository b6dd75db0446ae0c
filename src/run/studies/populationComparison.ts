/**
 * The population comparison in the runner: one job per network, calling `populationComparison`
 * (docs/studies.md#population-comparison) on two populations of the captured inputs chosen by
 * class (`populations: {a: [labels], b: [labels]}`, e.g. genuine against spoofed faces labelled
 * 0 and 1, [M22]). Rows: per layer and statistic the observed difference
 * (`population-<descriptor>`, e.g. `population-h0-lifespan-sum`, with both values, the p-value
 * and its Holm adjustment in params) and the p-value (`population-<descriptor>-p`); the whole record as the study result.
 */
import { z } from 'zod';
import { invalidInput } from '../../core/errors.js';
import { selectRows } from '../../core/matrix.js';
import {
  populationComparison,
  type Population,
  type PopulationComparisonResult,
} from '../../study/populationComparison.js';
import { populationComparisonClaims } from './claims.js';
import type { LayerCloud } from '../../study/types.js';
import type { StudyNetworkInput, StudyRows, StudyRunner } from '../studyRunners.js';
import { DESCRIPTOR_ROW_NAMES } from './layerProfile.js';

const labelList = z.array(z.number().int().min(0)).min(1);

export const populationComparisonOptions = z.strictObject({
  populations: z.strictObject({ a: labelList, b: labelList }),
  statistics: z
    .array(z.enum(['h0', 'h1', 'phDim', 'twoNN', 'mle', 'curvature', 'energy']))
    .min(1)
    .default(['h0']),
  permutations: z.number().int().min(1).default(999),
  alternative: z.enum(['two-sided', 'greater', 'less']).default('two-sided'),
  maxPoints: z.number().int().min(2).default(500),
  minMaxScale: z.boolean().default(true),
  seed: z.number().int().min(0).default(0),
  half: z.boolean().default(true),
});

/** The rows of `net` whose class is in `labels`, as a population. */
function population(net: StudyNetworkInput, labels: number[], name: string): Population {
  const y = net.layers[0]?.labels;
  if (!y) {
    throw invalidInput(
      `the population comparison picks its populations by class, but network '${net.network}' has no labels`,
      'capture labelled inputs (data with labels)',
    );
  }
  const rows: number[] = [];
  for (let i = 0; i < y.length; i++) if (labels.includes(y[i])) rows.push(i);
  if (rows.length < 2) {
    throw invalidInput(
      `population ${name} (classes ${labels.join(', ')}) has ${rows.length} captured input(s) in network '${net.network}'`,
      'choose classes present in the captured inputs (sampling.split, sampling.size)',
    );
  }
  const idx = Int32Array.from(rows);
  const layers: LayerCloud[] = net.layers.map((l) => ({
    name: l.name,
    index: l.index,
    depth: l.depth,
    points: selectRows(l.points, idx),
    labels: Int32Array.from(rows, (i) => y[i]),
  }));
  return { name, layers };
}

/** The store's name of a statistic (the layer profile's descriptor names, and 'energy'). */
function statName(s: string): string {
  return (DESCRIPTOR_ROW_NAMES as Record<string, string>)[s] ?? s;
}

export function populationComparisonRows(
  r: PopulationComparisonResult,
  networkId: string,
): StudyRows {
  const measures: NonNullable<StudyRows['measures']> = [];
  for (const l of r.layers) {
    const at = {
      networkId,
      layer: l.name,
      layerIndex: l.index,
      depth: l.depth,
      group: 'all',
      repeat: -1,
    };
    for (const t of l.tests) {
      const params = {
        valueA: t.valueA,
        valueB: t.valueB,
        pValue: t.pValue,
        pHolm: t.pHolm,
        exact: t.exact,
      };
      measures.push({
        ...at,
        descriptor: `population-${statName(t.statistic)}`,
        value: t.observed,
        params,
      });
      measures.push({
        ...at,
        descriptor: `population-${statName(t.statistic)}-p`,
        value: t.pValue,
        params: { pHolm: t.pHolm },
      });
    }
  }
  return { result: { ...r, claims: populationComparisonClaims(r) }, measures };
}

export const populationComparisonRunner: StudyRunner = {
  name: 'population-comparison',
  scope: 'network',
  options: populationComparisonOptions,
  run(networks, options) {
    const { populations, ...o } = populationComparisonOptions.parse(options);
    const net = networks[0];
    const a = population(net, populations.a, `classes ${populations.a.join('+')}`);
    const b = population(net, populations.b, `classes ${populations.b.join('+')}`);
    return populationComparisonRows(populationComparison([a, b], o), net.networkId);
  },
};
