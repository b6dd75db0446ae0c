/**
 * The layer profile in the runner: one job per network, calling `layerProfile`
 * (docs/studies.md#layer-profile) on the network's clouds. Rows: per descriptor and layer, the
 * mean over repeats (repeat -1, group 'all'), each repeat's value (repeat r), and the per-class
 * values (group = the class name); the whole record as the study result.
 */
import { z } from 'zod';
import { layerProfile, type LayerProfileResult } from '../../study/layerProfile.js';
import type { DescriptorName } from '../../study/descriptors.js';
import type { StudyRows, StudyRunner } from '../studyRunners.js';

/** The store's descriptor name of each of the study's descriptors. */
export const DESCRIPTOR_ROW_NAMES: Record<DescriptorName, string> = {
  h0: 'h0-lifespan-sum',
  h1: 'h1-lifespan-sum',
  phDim: 'phdim',
  twoNN: 'twonn',
  mle: 'mle',
  curvature: 'forman-curvature',
};

export const layerProfileOptions = z.strictObject({
  descriptors: z
    .array(z.enum(['h0', 'h1', 'phDim', 'twoNN', 'mle', 'curvature']))
    .min(1)
    .default(['h0', 'h1', 'phDim', 'twoNN', 'mle']),
  homologyScope: z.enum(['class', 'global']).default('class'),
  dimensionScope: z.enum(['class', 'global']).default('global'),
  perClass: z.number().int().min(2).default(250),
  maxPoints: z.number().int().min(2).optional(),
  batches: z.number().int().min(1).default(1),
  seed: z.number().int().min(0).default(0),
  half: z.boolean().default(true),
  alpha: z.number().positive().default(1),
  minMaxScale: z.boolean().default(true),
  curvatureK: z.number().int().min(1).default(10),
});

/** Store rows of one network's profile. */
export function layerProfileRows(
  r: LayerProfileResult,
  networkId: string,
  classNames: string[] | undefined,
): StudyRows {
  const measures: NonNullable<StudyRows['measures']> = [];
  for (const p of r.profiles) {
    const descriptor = DESCRIPTOR_ROW_NAMES[p.descriptor];
    r.layers.forEach((layer, l) => {
      const at = {
        networkId,
        layer: layer.name,
        layerIndex: layer.index,
        depth: layer.depth,
        descriptor,
      };
      measures.push({
        ...at,
        group: 'all',
        repeat: -1,
        value: p.mean[l],
        params: { scope: p.scope, repeatStd: p.repeatStd[l], classStd: p.classStd[l] },
      });
      p.repeats.forEach((values, rep) =>
        measures.push({ ...at, group: 'all', repeat: rep, value: values[l] }),
      );
      for (const [label, values] of Object.entries(p.perClass ?? {})) {
        measures.push({
          ...at,
          group: classNames?.[Number(label)] ?? label,
          repeat: -1,
          value: values[l],
        });
      }
    });
  }
  return { result: r, measures };
}

export const layerProfileRunner: StudyRunner = {
  name: 'layer-profile',
  scope: 'network',
  options: layerProfileOptions,
  run(networks, options) {
    const o = layerProfileOptions.parse(options);
    const net = networks[0];
    const result = layerProfile({ network: net.network, layers: net.layers }, o);
    return layerProfileRows(result, net.networkId, net.classNames);
  },
};
