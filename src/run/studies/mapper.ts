/**
 * The Mapper study in the runner: one job per network, calling `mapperStudy`
 * (docs/studies.md#mapper) with the l2-norm lens. Rows: one Mapper graph per layer, per layer
 * the graph's nodes, edges, components, purity and separated share (descriptors 'mapper-nodes',
 * ...), and the depth at which classes branch apart; the whole record as the study result.
 */
import { z } from 'zod';
import { mapperStudy, type MapperStudyResult } from '../../study/mapperStudy.js';
import type { StudyRows, StudyRunner } from '../studyRunners.js';

export const mapperOptions = z.strictObject({
  layers: z.array(z.string().min(1)).min(1).optional(),
  maxPoints: z.number().int().min(2).optional(),
  seed: z.number().int().min(0).default(0),
  intervals: z.number().int().min(1).default(10),
  overlap: z.number().min(0).lt(1).default(0.5),
  cover: z.enum(['uniform', 'balanced']).default('uniform'),
  clusterer: z.enum(['dbscan', 'single-linkage']).default('dbscan'),
  minPoints: z.number().int().min(1).default(5),
});

export function mapperRows(r: MapperStudyResult, networkId: string): StudyRows {
  const measures: NonNullable<StudyRows['measures']> = [];
  const mapperGraphs: NonNullable<StudyRows['mapperGraphs']> = [];
  for (const l of r.layers) {
    mapperGraphs.push({ networkId, layer: l.layer, graph: l.graph });
    const at = {
      networkId,
      layer: l.layer,
      layerIndex: l.index,
      depth: l.depth,
      group: 'all',
      repeat: -1,
    };
    const values: [string, number | null][] = [
      ['mapper-nodes', l.nodes],
      ['mapper-edges', l.edges],
      ['mapper-components', l.components],
      ['mapper-purity', l.purity],
      ['mapper-separated-share', l.separatedShare],
    ];
    for (const [descriptor, value] of values)
      if (value !== null && Number.isFinite(value)) measures.push({ ...at, descriptor, value });
  }
  return { result: r, measures, mapperGraphs };
}

export const mapperRunner: StudyRunner = {
  name: 'mapper',
  scope: 'network',
  options: mapperOptions,
  run(networks, options) {
    const o = mapperOptions.parse(options);
    const net = networks[0];
    const result = mapperStudy(
      { network: net.network, layers: net.layers },
      {
        ...(o.layers ? { layers: o.layers } : {}),
        ...(o.maxPoints ? { maxPoints: o.maxPoints } : {}),
        seed: o.seed,
        mapper: {
          intervals: o.intervals,
          overlap: o.overlap,
          cover: o.cover,
          clusterer: o.clusterer,
          minPoints: o.minPoints,
          seed: o.seed,
        },
      },
    );
    return mapperRows(result, net.networkId);
  },
};
