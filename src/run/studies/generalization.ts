/**
 * The generalization study in the runner: one job over all the experiment's networks, calling
 * `generalizationStudy` (docs/studies.md#generalization) with each network's last captured layer
 * as its logits (capture `layers: {select: logits}` on `sampling: {split: train}`) and its test
 * accuracy. Rows: per network the descriptor of its logits ('generalization-h0' or '-h1'), and
 * the Pearson and Spearman correlation with accuracy ('generalization-pearson-r', ...).
 */
import { z } from 'zod';
import { invalidInput } from '../../core/errors.js';
import { generalizationStudy, type GeneralizationResult } from '../../study/generalization.js';
import { generalizationClaims } from './claims.js';
import type { StudyRows, StudyRunner } from '../studyRunners.js';
import { bootstrapOptions } from './ricciFlow.js';

export const generalizationOptions = z.strictObject({
  descriptor: z.enum(['h0', 'h1']).default('h0'),
  classes: z
    .union([z.number().int().min(0), z.literal('average')])
    .describe("a class label or 'average'")
    .default('average'),
  maxPoints: z.number().int().min(2).default(2500),
  seed: z.number().int().min(0).default(0),
  minMaxScale: z.boolean().default(true),
  half: z.boolean().default(true),
  bootstrap: bootstrapOptions.prefault({}),
});

export function generalizationRows(
  r: GeneralizationResult,
  networkIds: Map<string, string>,
): StudyRows {
  const measures: NonNullable<StudyRows['measures']> = [];
  for (const n of r.networks) {
    const networkId = networkIds.get(n.network);
    measures.push({
      ...(networkId ? { networkId } : {}),
      descriptor: `generalization-${r.descriptor}`,
      group: 'all',
      repeat: -1,
      value: n.descriptor,
      params: { accuracy: n.accuracy, inputsUsed: n.inputsUsed },
    });
  }
  const c = r.correlation;
  for (const [descriptor, v] of [
    ['generalization-pearson-r', c.pearson.r],
    ['generalization-spearman-r', c.spearman.r],
  ] as const)
    if (Number.isFinite(v))
      measures.push({ descriptor, group: 'all', repeat: -1, value: v, params: { n: c.n } });
  return { result: { ...r, claims: generalizationClaims(r) }, measures };
}

export const generalizationRunner: StudyRunner = {
  name: 'generalization',
  scope: 'experiment',
  options: generalizationOptions,
  run(networks, options) {
    const o = generalizationOptions.parse(options);
    const input = networks.map((n) => {
      const logits = n.layers[n.layers.length - 1];
      if (n.testAccuracy === undefined || !logits?.labels) {
        throw invalidInput(
          `the generalization study needs the test accuracy and labelled logits of network '${n.network}'`,
          'train the networks in the experiment, with data.testFraction > 0 and labelled data',
        );
      }
      return {
        network: n.network,
        logits: logits.points,
        labels: logits.labels,
        accuracy: n.testAccuracy,
      };
    });
    const result = generalizationStudy(input, o);
    return generalizationRows(result, new Map(networks.map((n) => [n.network, n.networkId])));
  },
};
