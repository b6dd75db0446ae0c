/**
 * The adversarial study in the runner (docs/studies.md#adversarial, docs/experiments.md): one job
 * per network. It draws the attacked inputs (a seeded, per-class sample of one split of the
 * experiment's data), attacks them at every eps with FGSM or PGD (`attack`, docs/networks.md),
 * captures the attacked inputs' clouds at the experiment's layers, and calls `adversarialStudy`
 * once per grouping. Rows, per grouping and eps (group `eps=<eps>`): the attacked accuracy and
 * macro-F1 ('adversarial-accuracy', 'adversarial-macro-f1', no layer), and per descriptor and
 * layer the mean over classes and each class's value (group `eps=<eps>/<class>`); per grouping
 * and descriptor the Spearman trend ('adversarial-trend-<descriptor>'). The whole record (one
 * study result per grouping) is the study result.
 */
import { z } from 'zod';
import { invalidInput } from '../../core/errors.js';
import { createRng, permutation } from '../../core/rng.js';
import { subsetRows, type LabelledData } from '../../data/labelled.js';
import {
  adversarialStudy,
  type AdversarialResult,
  type AttackedClouds,
} from '../../study/adversarial.js';
import { adversarialClaims } from './claims.js';
import type { StudyContext, StudyNetworkInput, StudyRows, StudyRunner } from '../studyRunners.js';
import { DESCRIPTOR_ROW_NAMES } from './layerProfile.js';

const GROUPINGS = ['true', 'predicted', 'global'] as const;
type Grouping = (typeof GROUPINGS)[number];

/** [M22]'s eps: 0.005, 0.015, ..., 0.095 (the same list as `DEFAULT_EPSILONS` of attacks.ts). */
export const DEFAULT_EPS = Array.from(
  { length: 10 },
  (_, i) => Math.round((0.005 + 0.01 * i) * 1000) / 1000,
);

export const adversarialOptions = z.strictObject({
  attack: z.enum(['fgsm', 'pgd']).default('fgsm'),
  eps: z.array(z.number().min(0)).min(1).default(DEFAULT_EPS),
  includeClean: z.boolean().default(true),
  grouping: z
    .union([z.enum(GROUPINGS), z.array(z.enum(GROUPINGS)).min(1)])
    .describe("'true', 'predicted' or 'global', or a list of them (required)"),
  targeted: z.boolean().default(false),
  steps: z.number().int().min(1).default(10),
  stepFraction: z.number().positive().optional(),
  randomStart: z.boolean().default(true),
  clip: z.tuple([z.number(), z.number()]).optional(),
  inputs: z
    .strictObject({
      split: z.enum(['test', 'train', 'all']).default('test'),
      perClass: z.number().int().min(1).default(250),
      seed: z.number().int().min(0).default(0),
    })
    .prefault({}),
  descriptors: z
    .array(z.enum(['h0', 'h1', 'phDim', 'twoNN', 'mle', 'curvature']))
    .min(1)
    .default(['h0', 'h1']),
  perClass: z.number().int().min(2).default(250),
  maxPoints: z.number().int().min(2).optional(),
  batches: z.number().int().min(1).default(1),
  seed: z.number().int().min(0).default(0),
  half: z.boolean().default(true),
  alpha: z.number().positive().default(1),
  minMaxScale: z.boolean().default(true),
  curvatureK: z.number().int().min(1).default(10),
});
export type AdversarialRunOptions = z.infer<typeof adversarialOptions>;

/** At most `perClass` inputs of each class, drawn by a seeded permutation, in input order. */
export function perClassSample(data: LabelledData, perClass: number, seed: number): LabelledData {
  const order = permutation(data.labels.length, createRng(seed));
  const taken = new Map<number, number>();
  const keep: number[] = [];
  for (const i of order) {
    const c = data.labels[i];
    const k = taken.get(c) ?? 0;
    if (k < perClass) {
      taken.set(c, k + 1);
      keep.push(i);
    }
  }
  keep.sort((a, b) => a - b);
  return subsetRows(data, keep);
}

/** Store rows of one network's study (one record per grouping). */
export function adversarialRows(
  records: AdversarialResult[],
  networkId: string,
  classNames: string[] | undefined,
): StudyRows {
  const measures: NonNullable<StudyRows['measures']> = [];
  for (const r of records) {
    const params = { grouping: r.grouping };
    for (const e of r.results) {
      const group = `eps=${e.eps}`;
      const at = { networkId, group, repeat: -1 };
      measures.push({ ...at, descriptor: 'adversarial-accuracy', value: e.accuracy, params });
      measures.push({ ...at, descriptor: 'adversarial-macro-f1', value: e.macroF1, params });
      for (const p of e.profiles) {
        const descriptor = DESCRIPTOR_ROW_NAMES[p.descriptor];
        r.layers.forEach((layer, l) => {
          const where = { layer: layer.name, layerIndex: layer.index, depth: layer.depth };
          measures.push({
            ...at,
            ...where,
            descriptor,
            value: p.mean[l],
            params: { ...params, scope: p.scope, classStd: p.classStd[l] },
          });
          for (const [label, values] of Object.entries(p.perClass ?? {})) {
            measures.push({
              ...at,
              ...where,
              group: `${group}/${classNames?.[Number(label)] ?? label}`,
              descriptor,
              value: values[l],
              params,
            });
          }
        });
      }
    }
    for (const t of r.trend)
      if (t.spearman !== null)
        measures.push({
          networkId,
          group: 'all',
          repeat: -1,
          descriptor: `adversarial-trend-${DESCRIPTOR_ROW_NAMES[t.descriptor]}`,
          value: t.spearman,
          params,
        });
  }
  return {
    result: { study: 'adversarial', groupings: records, claims: adversarialClaims(records) },
    measures,
  };
}

async function runAdversarial(
  net: StudyNetworkInput,
  o: AdversarialRunOptions,
  context: StudyContext | undefined,
): Promise<StudyRows> {
  if (!net.modelPath || !context?.data) {
    throw invalidInput(
      `the adversarial study attacks the network, but network '${net.network}' has no model or the experiment no data`,
      'use trained networks (train: ...) or a TF.js model (model: model.json) with data: {...}',
    );
  }
  // loaded here, so that reading an experiment file does not start TensorFlow.js
  const [{ attack }, { loadModelFile, disposeModel }, { captureClouds }, data, { ensureBackend }] =
    await Promise.all([
      import('../../nn/attacks.js'),
      import('../experimentNetworks.js'),
      import('../captureClouds.js'),
      import('../experimentData.js'),
      import('../runJob.js'),
    ]);
  await ensureBackend();
  const loaded = await loadModelFile(net.modelPath);
  try {
    if (loaded.kind !== 'tfjs') {
      throw invalidInput(
        `the adversarial study needs gradients, which ONNX model '${net.modelPath}' does not give here`,
        'convert the network to TF.js (model.json) or train it in the experiment',
      );
    }
    const spec = context.data;
    const split = data.splitExperimentData(spec);
    const part = data.captureInputs(split, { split: o.inputs.split, seed: o.inputs.seed });
    const inputs = perClassSample(part, o.inputs.perClass, o.inputs.seed);
    if (inputs.labels.length === 0)
      throw invalidInput(`the '${o.inputs.split}' split has no inputs to attack`);
    const image = spec.dataset === 'mnist' || spec.dataset === 'fashion-mnist';
    const eps = o.includeClean && !o.eps.includes(0) ? [0, ...o.eps] : o.eps;
    const attacked = await attack(
      loaded.model,
      { inputs: inputs.inputs, labels: inputs.labels },
      {
        method: o.attack,
        epsilons: eps,
        targeted: o.targeted,
        steps: o.steps,
        ...(o.stepFraction !== undefined ? { stepFraction: o.stepFraction } : {}),
        randomStart: o.randomStart,
        clip: o.clip ?? (image ? [0, 1] : [-Infinity, Infinity]),
        seed: o.seed,
      },
    );
    const clouds: AttackedClouds[] = [];
    for (const a of attacked) {
      const layers = await captureClouds(
        loaded.model,
        { ...inputs, inputs: a.adversarial },
        context.layers,
        o.seed,
        net.layout ? { layout: net.layout } : {},
      );
      clouds.push({ eps: a.epsilon, layers, trueLabels: inputs.labels, predicted: a.predictions });
    }
    const groupings: Grouping[] = Array.isArray(o.grouping) ? o.grouping : [o.grouping];
    const records = [...new Set(groupings)].map((grouping) =>
      adversarialStudy(clouds, {
        grouping,
        descriptors: o.descriptors,
        perClass: o.perClass,
        seed: o.seed,
        half: o.half,
        alpha: o.alpha,
        minMaxScale: o.minMaxScale,
        curvatureK: o.curvatureK,
        ...(o.maxPoints !== undefined ? { maxPoints: o.maxPoints } : {}),
        ...(o.batches !== 1 ? { batches: o.batches } : {}),
      } as Parameters<typeof adversarialStudy>[1]),
    );
    return adversarialRows(records, net.networkId, net.classNames ?? inputs.classNames);
  } finally {
    disposeModel(loaded);
  }
}

export const adversarialRunner: StudyRunner = {
  name: 'adversarial',
  scope: 'network',
  options: adversarialOptions,
  run(networks, options, context) {
    return runAdversarial(networks[0], adversarialOptions.parse(options), context);
  },
};
