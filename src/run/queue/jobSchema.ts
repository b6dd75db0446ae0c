/**
 * What a queue worker accepts: a job is data, validated here against the job shape and the
 * experiment schema's parts (data, layers, sampling, training, study) before anything runs;
 * anything else is refused and the job fails with the reasons. Nothing in a job is ever
 * evaluated. The folders a job writes must be artifact folders (`<store>.models/<hash>`,
 * `<store>.clouds/<hash>`) named by the job's own artifact hash, or (the per-network part of a
 * split study) `<store>.studies/<hash>`. See docs/sweeps.md, "Security".
 */
import { basename, dirname, isAbsolute } from 'node:path';
import { z } from 'zod';
import { TopolensError } from '../../core/errors.js';
import {
  ARCHITECTURES,
  dataSchema,
  layersSchema,
  parseSpec,
  samplingSchema,
  trainingSchema,
} from '../experimentSchema.js';
import { STUDY_NAMES } from '../studyRunners.js';
import type { Job, PartJob, StudyJob } from '../plan.js';

const hash = z.string().regex(/^[0-9a-f]{64}$/, 'a 64-digit hex content hash');
const absPath = z.string().min(1).refine(isAbsolute, 'an absolute path');
const artifactDir = (suffix: string) =>
  absPath.refine(
    (p) => dirname(p).endsWith(suffix) && /^[0-9a-f]{64}$/.test(basename(p)),
    `a folder <store>${suffix}/<hash>`,
  );

const trainedNetwork = z.strictObject({
  name: z.string().min(1),
  source: z.literal('trained'),
  architecture: z.enum(ARCHITECTURES),
  widths: z.array(z.number().int().min(1)).min(1),
  width: z.number().int().min(1),
  depth: z.number().int().min(1),
  variant: z.enum(['wide', 'narrow', 'bottleneck']).optional(),
  seed: z.number().int().min(0),
  activation: z.enum(['relu', 'tanh', 'sigmoid']),
  training: trainingSchema,
});
const networkSpec = z.union([
  trainedNetwork,
  z.strictObject({
    name: z.string().min(1),
    source: z.literal('model'),
    path: absPath,
    layout: z.enum(['NCHW', 'NHWC']).optional(),
  }),
  z.strictObject({
    name: z.string().min(1),
    source: z.literal('activations'),
    layers: z.array(z.strictObject({ name: z.string().min(1), path: absPath })).min(1),
    labels: absPath.optional(),
  }),
]);

const base = {
  id: hash,
  experimentId: hash,
  label: z.string().min(1).max(500),
  deps: z.array(hash),
};

const trainJob = z.strictObject({
  ...base,
  kind: z.literal('train'),
  artifact: hash,
  network: trainedNetwork,
  networkId: hash,
  data: dataSchema,
  modelDir: artifactDir('.models'),
});

const captureJob = z.strictObject({
  ...base,
  kind: z.literal('capture'),
  artifact: hash,
  network: networkSpec,
  networkId: hash,
  modelDir: artifactDir('.models').optional(),
  data: dataSchema.optional(),
  layers: layersSchema,
  sampling: samplingSchema,
  cloudDir: artifactDir('.clouds'),
});

const studyJob = z.strictObject({
  ...base,
  kind: z.templateLiteral(['study:', z.enum(STUDY_NAMES)]),
  study: z.strictObject({
    study: z.enum(STUDY_NAMES),
    name: z.string().min(1),
    options: z.record(z.string(), z.unknown()),
  }),
  inputs: z
    .array(
      z.strictObject({
        network: z.string().min(1),
        architecture: z.string().min(1),
        networkId: hash,
        cloudDir: artifactDir('.clouds'),
        modelDir: artifactDir('.models').optional(),
        // the model a study runs on new inputs (the adversarial study): read, never executed
        modelPath: absPath.optional(),
        layout: z.enum(['NCHW', 'NHWC']).optional(),
        // the pooled part of a split study reads each network's part from here
        resultDir: artifactDir('.studies').optional(),
      }),
    )
    .min(1),
  split: z.enum(['network', 'pooled']).optional(),
  resultDir: artifactDir('.studies').optional(),
  data: dataSchema.optional(),
  layers: layersSchema,
});

const partSchema = z.union([trainJob, captureJob, studyJob]);

const networkUnit = z.strictObject({
  ...base,
  kind: z.literal('network'),
  networkId: hash,
  parts: z.array(partSchema).min(1).max(64),
  ship: z.boolean(),
});

const jobSchema = z.union([trainJob, captureJob, studyJob, networkUnit]);

/** What the schema cannot say: folders named by their job's artifact hash, a study's kind. */
function checkPart(job: PartJob): void {
  if ('artifact' in job) {
    const dir = job.kind === 'train' ? job.modelDir : job.cloudDir;
    if (basename(dir) !== job.artifact)
      throw new TopolensError(
        'invalid-input',
        `refused a queued job: its folder '${dir}' is not named by its artifact hash ${job.artifact}`,
      );
  }
  if (job.kind.startsWith('study:') && job.kind !== `study:${(job as StudyJob).study.study}`)
    throw new TopolensError(
      'invalid-input',
      `refused a queued job: kind '${job.kind}' does not match its study`,
    );
}

/** The payload as a job, or a TopolensError listing what is wrong with it. */
export function parseQueuedJob(payload: unknown): Job {
  const kind = (payload as { kind?: unknown } | null)?.kind;
  const schema =
    kind === 'train'
      ? trainJob
      : kind === 'capture'
        ? captureJob
        : kind === 'network'
          ? networkUnit
          : typeof kind === 'string' && kind.startsWith('study:')
            ? studyJob
            : jobSchema;
  let job: Job;
  try {
    job = parseSpec(schema, payload, 'the queued job') as Job;
  } catch (e) {
    if (e instanceof TopolensError)
      throw new TopolensError(
        'invalid-input',
        `refused a queued job that is not a valid topolens job: ${e.message}`,
      );
    throw e;
  }
  if (job.kind !== 'network') checkPart(job);
  else {
    for (const p of job.parts) checkPart(p);
    if (job.parts.some((p) => p.experimentId !== job.experimentId))
      throw new TopolensError(
        'invalid-input',
        'refused a queued network unit: a part belongs to another experiment',
      );
  }
  return job;
}
