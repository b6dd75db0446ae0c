/**
 * The layer profile in the runner: one job per network, calling `layerProfile`
 * (docs/studies.md#layer-profile) on the network's clouds. Rows: per descriptor and layer, the
 * mean over repeats (repeat -1, group 'all'), each repeat's value (repeat r), and the per-class
 * values (group = the class name); the whole record as the study result.
 */
import { z } from 'zod';
import { layerProfile, type LayerProfileResult } from '../../study/layerProfile.js';
import type { DescriptorName } from '../../study/descriptors.js';
import type { PersistenceDiagram } from '../../core/diagram.js';
import type { StudyRows, StudyRunner } from '../studyRunners.js';
import { layerProfileClaims } from './claims.js';
import { CLOUD_SCALINGS } from '../../study/cloudScaling.js';

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
  /** the older boolean form of `scaling` (true: minmax, false: none); give one of the two */
  minMaxScale: z.boolean().optional(),
  /**
   * normalisation of each cloud before the lifespan sums (docs/studies.md#layer-profile):
   * 'minmax' per feature ([M22]; the default when neither is given), 'diameter' or 'none'
   */
  scaling: z.enum(CLOUD_SCALINGS).optional(),
  curvatureK: z.number().int().min(1).default(10),
  /**
   * The persistence diagrams the lifespan sums come from, stored for the report: those of the
   * first repeat (default), of every repeat, or none.
   */
  diagrams: z.enum(['first-repeat', 'all', 'none']).default('first-repeat'),
});

/** One diagram the profile computed: where it belongs and its bars. */
export interface ProfileDiagram {
  layer: number;
  label: number | null;
  repeat: number;
  diagram: PersistenceDiagram;
}

/**
 * Store rows of one network's profile: measures, the diagrams kept (group = class name, or
 * 'all' for a global cloud; an essential class dies at Infinity) and the record with its claims.
 */
export function layerProfileRows(
  r: LayerProfileResult,
  networkId: string,
  classNames: string[] | undefined,
  kept: ProfileDiagram[] = [],
): StudyRows {
  const measures: NonNullable<StudyRows['measures']> = [];
  const diagrams: NonNullable<StudyRows['diagrams']> = kept.map((d) => ({
    networkId,
    layer: r.layers[d.layer].name,
    dimension: d.diagram.dimension,
    group: d.label === null ? 'all' : (classNames?.[d.label] ?? String(d.label)),
    repeat: d.repeat,
    births: Array.from(d.diagram.births),
    deaths: Array.from(d.diagram.deaths),
  }));
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
  return { result: { ...r, claims: layerProfileClaims(r) }, measures, diagrams };
}

export const layerProfileRunner: StudyRunner = {
  name: 'layer-profile',
  scope: 'network',
  options: layerProfileOptions,
  run(networks, options) {
    const { diagrams: keep, ...o } = layerProfileOptions.parse(options);
    const net = networks[0];
    const kept: ProfileDiagram[] = [];
    const onDiagram =
      keep === 'none'
        ? undefined
        : (at: Omit<ProfileDiagram, 'diagram'>, diagram: PersistenceDiagram) => {
            if (keep === 'all' || at.repeat === 0) kept.push({ ...at, diagram });
          };
    const result = layerProfile(
      { network: net.network, layers: net.layers },
      { ...o, ...(onDiagram ? { onDiagram } : {}) },
    );
    return layerProfileRows(result, net.networkId, net.classNames, kept);
  },
};
