/**
 * The architecture comparison in the runner: one job over all the experiment's networks, grouped
 * by architecture (a trained grid's networks that differ only by seed are one architecture,
 * profiled as repeats; any other network is its own), calling `architectureComparison`
 * (docs/studies.md#architecture-comparison). Rows: per architecture and descriptor, the mean
 * curve on the common depth grid (group = the architecture, depth = the grid point) and its peak
 * depth (descriptor `<descriptor>-peak-depth`); the whole record as the study result.
 */
import { z } from 'zod';
import {
  architectureComparison,
  type ArchitectureComparisonResult,
} from '../../study/architectureComparison.js';
import type { NetworkClouds } from '../../study/types.js';
import type { StudyRows, StudyRunner } from '../studyRunners.js';
import { DESCRIPTOR_ROW_NAMES, layerProfileOptions } from './layerProfile.js';

export const architectureComparisonOptions = layerProfileOptions.extend({
  grid: z
    .union([z.number().int().min(1), z.array(z.number().gt(0).max(1)).min(1)])
    .describe('a number of grid points n (1/n, ..., 1) or a list of depths in (0, 1]')
    .default(10),
});

export function architectureComparisonRows(r: ArchitectureComparisonResult): StudyRows {
  const measures: NonNullable<StudyRows['measures']> = [];
  for (const d of r.descriptors) {
    const descriptor = DESCRIPTOR_ROW_NAMES[d.descriptor];
    for (const c of d.curves) {
      c.onGrid.forEach((v, i) => {
        if (v === null) return;
        measures.push({
          descriptor,
          group: c.architecture,
          repeat: -1,
          depth: r.grid[i],
          value: v,
          params: { scaled: c.scaledOnGrid[i] },
        });
      });
      measures.push({
        descriptor: `${descriptor}-peak-depth`,
        group: c.architecture,
        repeat: -1,
        value: c.peakDepth,
      });
    }
  }
  return { result: r, measures };
}

export const architectureComparisonRunner: StudyRunner = {
  name: 'architecture-comparison',
  scope: 'experiment',
  options: architectureComparisonOptions,
  run(networks, options) {
    const o = architectureComparisonOptions.parse(options);
    const groups = new Map<string, NetworkClouds[]>();
    for (const n of networks) {
      const key = n.architecture ?? n.network;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push({ network: n.network, layers: n.layers });
    }
    const result = architectureComparison(
      [...groups.entries()].map(([architecture, nets]) => ({ architecture, networks: nets })),
      o,
    );
    return architectureComparisonRows(result);
  },
};
