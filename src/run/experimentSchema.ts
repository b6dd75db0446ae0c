/**
 * The experiment file (YAML or JSON): what data, which networks, which layers, which studies,
 * which store. Validated with zod, strictly (an unknown key is refused with the allowed ones
 * listed); `resolveExperiment` fills every default and expands the network grid into a plain
 * resolved plan, which the runner records in the store. Every field and default is documented in
 * docs/experiments.md.
 */
import { z } from 'zod';
import { TopolensError } from '../core/errors.js';
import { POINT_CLOUD_STRATEGIES, type PointCloudStrategy } from '../nn/pointClouds.js';
import { STUDY_NAMES, studyRunner, type StudyName } from './studyRunners.js';

export const SYNTHETIC_DATASETS = [
  'spirals',
  'entangled-spirals-3d',
  'blobs-in-shell',
  'sinusoidal-sheets',
  'circle',
  'sphere',
  'torus',
  'swiss-roll',
] as const;
export const IMAGE_DATASETS = ['mnist', 'fashion-mnist'] as const;
/** Token sequences: AFINN-165 words, positive or negative (`afinnSentimentTask`, docs/datasets.md). */
export const TEXT_DATASETS = ['afinn-sentiment'] as const;
export const DATASETS = [
  ...SYNTHETIC_DATASETS,
  ...IMAGE_DATASETS,
  ...TEXT_DATASETS,
  'arrays',
] as const;
export type DatasetName = (typeof DATASETS)[number];

export const ARCHITECTURES = ['dense', 'ricci', 'vgg', 'resnet', 'vit', 'transformer'] as const;
export type ArchitectureName = (typeof ARCHITECTURES)[number];

/** Point-cloud strategies an experiment can name (mask-weighted needs a mask per input, which
 * experiment files do not give; `topolens capture --mask` has it). */
export const CAPTURE_STRATEGIES = POINT_CLOUD_STRATEGIES.filter(
  (s) => s !== 'mask-weighted',
) as Exclude<PointCloudStrategy, 'mask-weighted'>[];

const positiveInt = z.number().int().min(1);
const nonNegativeInt = z.number().int().min(0);
const intGrid = z
  .union([positiveInt, z.array(positiveInt).min(1)])
  .describe('a positive integer or a non-empty list of them');
const seedGrid = z
  .union([nonNegativeInt, z.array(nonNegativeInt).min(1)])
  .describe('a non-negative integer or a non-empty list of them');
const variants = z.enum(['wide', 'narrow', 'bottleneck']);

const dataSchema = z.strictObject({
  dataset: z.enum(DATASETS),
  size: positiveInt.default(400),
  seed: nonNegativeInt.default(0),
  noise: z.number().min(0).default(0),
  classes: z.array(nonNegativeInt).min(2).optional(),
  flatten: z.boolean().default(true),
  inputs: z.string().min(1).optional(),
  labels: z.string().min(1).optional(),
  testFraction: z.number().min(0).max(0.9).default(0.25),
});

const trainingSchema = z.strictObject({
  epochs: positiveInt.default(50),
  batchSize: positiveInt.default(32),
  learningRate: z.number().positive().default(1e-3),
  optimizer: z.enum(['rmsprop', 'adam', 'sgd']).default('rmsprop'),
  validationSplit: z.number().min(0).max(0.9).default(0.2),
  /** threads of the fused CNN step (docs/networks.md); absent means 1 and leaves the
   * network's hash as it was (the runner already runs jobs in parallel) */
  threads: positiveInt.optional(),
});

const trainSchema = z.strictObject({
  architecture: z.enum(ARCHITECTURES).default('dense'),
  width: intGrid.default(16),
  depth: intGrid.default(3),
  variant: z
    .union([variants, z.array(variants).min(1)])
    .describe("'wide', 'narrow' or 'bottleneck', or a list of them")
    .default('wide'),
  seed: seedGrid.default(0),
  activation: z.enum(['relu', 'tanh', 'sigmoid']).default('relu'),
  training: trainingSchema.prefault({}),
  name: z.string().min(1).optional(),
});

const networkSchemas = {
  train: z.strictObject({ train: trainSchema }),
  model: z.strictObject({
    model: z.string().min(1),
    name: z.string().min(1).optional(),
    layout: z.enum(['NCHW', 'NHWC']).optional(),
  }),
  activations: z.strictObject({
    activations: z.strictObject({
      layers: z.array(z.strictObject({ name: z.string().min(1), path: z.string().min(1) })).min(1),
      labels: z.string().min(1).optional(),
    }),
    name: z.string().min(1),
  }),
};

const layersSchema = z.strictObject({
  select: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .describe("'blocks', 'all', a layer name or glob pattern ('block*'), or a list of names")
    .default('blocks'),
  includeInput: z.boolean().default(false),
  includeLogits: z.boolean().default(false),
  strategy: z.enum(['auto', ...CAPTURE_STRATEGIES]).default('auto'),
  batchSize: positiveInt.default(128),
  scale: z.boolean().default(false),
});

const samplingSchema = z.strictObject({
  split: z.enum(['test', 'train', 'all']).default('test'),
  size: positiveInt.optional(),
  seed: nonNegativeInt.default(0),
});

const studySchema = z.strictObject({
  study: z.enum(STUDY_NAMES),
  name: z.string().min(1).optional(),
  options: z.record(z.string(), z.unknown()).default({}),
});

const experimentSchema = z.strictObject({
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  data: dataSchema.optional(),
  networks: z.array(z.record(z.string(), z.unknown())).min(1),
  layers: layersSchema.prefault({}),
  sampling: samplingSchema.prefault({}),
  studies: z.array(studySchema).min(1),
  store: z.strictObject({ path: z.string().min(1).optional() }).prefault({}),
});

export type DataSpec = z.infer<typeof dataSchema>;
export type TrainingSpec = z.infer<typeof trainingSchema>;
export type LayersSpec = z.infer<typeof layersSchema>;
export type SamplingSpec = z.infer<typeof samplingSchema>;

/** One network of the resolved plan. */
export type NetworkSpec =
  | {
      name: string;
      source: 'trained';
      architecture: ArchitectureName;
      /** Hidden widths (dense, ricci) or block channels (vgg, resnet), in order. */
      widths: number[];
      width: number;
      depth: number;
      variant?: 'wide' | 'narrow' | 'bottleneck';
      seed: number;
      activation: 'relu' | 'tanh' | 'sigmoid';
      training: TrainingSpec;
    }
  | { name: string; source: 'model'; path: string; layout?: 'NCHW' | 'NHWC' }
  | {
      name: string;
      source: 'activations';
      layers: { name: string; path: string }[];
      labels?: string;
    };

export interface StudySpec {
  study: StudyName;
  /** Unique within the experiment (defaults to the study's name, numbered when repeated). */
  name: string;
  /** The study's options with every default filled. */
  options: Record<string, unknown>;
}

/** The resolved plan: every default filled, the grid expanded, paths absolute. */
export interface ResolvedExperiment {
  name: string;
  description?: string;
  data?: DataSpec;
  networks: NetworkSpec[];
  layers: LayersSpec;
  sampling: SamplingSpec;
  studies: StudySpec[];
  /** The store file; without store.path in the file, results.duckdb in the current folder. */
  store: { path: string };
  /** True when the file named no store (the path is then relative to the current folder). */
  storeFromDefault?: boolean;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list (${JSON.stringify(v).slice(0, 60)})`;
  if (typeof v === 'object') return `an object with keys ${Object.keys(v).join(', ') || '(none)'}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(top level)';
}

/** The schema that validates the value at `path` below `schema`, for listing allowed keys. */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  let s: z.ZodType | undefined = schema;
  const unwrap = (t: z.ZodType): z.ZodType => {
    let cur = t;
    for (let i = 0; i < 10; i++) {
      if (cur instanceof z.ZodDefault || cur instanceof z.ZodOptional)
        cur = cur.unwrap() as z.ZodType;
      else if (cur instanceof z.ZodPrefault) cur = cur.unwrap() as z.ZodType;
      else break;
    }
    return cur;
  };
  for (const p of path) {
    if (!s) return undefined;
    const t = unwrap(s);
    if (t instanceof z.ZodObject && typeof p === 'string') s = t.shape[p] as z.ZodType;
    else if (t instanceof z.ZodArray && typeof p === 'number') s = t.element as z.ZodType;
    else return undefined;
  }
  return s ? unwrap(s) : undefined;
}

function issueText(
  schema: z.ZodType,
  issue: z.core.$ZodIssue,
  prefix: readonly PropertyKey[],
): string {
  const full = [...prefix, ...issue.path];
  const at = pathText(full);
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const target = schemaAt(schema, issue.path);
      const allowed = target instanceof z.ZodObject ? Object.keys(target.shape).join(', ') : '';
      const where = full.length ? `in ${at}` : 'at the top level';
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')} ${where}; allowed keys: ${allowed}`;
    }
    case 'invalid_type':
      return input === undefined
        ? `${at} is missing (expected ${issue.expected})`
        : `${at}: expected ${issue.expected}, got ${describeValue(input)}`;
    case 'invalid_value':
      if (input === undefined)
        return `${at} is missing; allowed: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      return `${at}: got ${describeValue(input)}; allowed: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union': {
      const target = schemaAt(schema, issue.path);
      return `${at}: got ${describeValue(input)}; expected ${target?.description ?? 'another form'}`;
    }
    case 'too_small':
    case 'too_big':
      return `${at}: got ${describeValue(input)}; ${issue.message.replace(/^Too (small|big): /, '')}`;
    default:
      return `${at}: ${issue.message} (got ${describeValue(input)})`;
  }
}

/** Parses `value` with `schema`; on failure throws one TopolensError listing every problem. */
export function parseSpec<T extends z.ZodType>(
  schema: T,
  value: unknown,
  file: string,
  prefix: readonly PropertyKey[] = [],
): z.infer<T> {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const lines = r.error.issues.map((i) => issueText(schema, i, prefix));
  throw new TopolensError(
    'invalid-input',
    `${file}: ${lines.length === 1 ? lines[0] : `${lines.length} problems:\n  - ${lines.join('\n  - ')}`}`,
    'fix the experiment file (every field is described in docs/experiments.md)',
  );
}

function specError(file: string, message: string, hint?: string): TopolensError {
  return new TopolensError('invalid-input', `${file}: ${message}`, hint);
}

const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

function widthsFor(
  architecture: ArchitectureName,
  width: number,
  depth: number,
  variant: 'wide' | 'narrow' | 'bottleneck',
): number[] {
  if (architecture === 'ricci') {
    const w = variant === 'narrow' ? 25 : 50;
    if (variant === 'bottleneck')
      return Array.from({ length: depth }, (_, i) => (i === 0 || i === depth - 1 ? 50 : 25));
    return new Array<number>(depth).fill(w);
  }
  return new Array<number>(depth).fill(width);
}

function expandNetworks(raw: Record<string, unknown>[], file: string): NetworkSpec[] {
  const out: NetworkSpec[] = [];
  raw.forEach((entry, i) => {
    const kinds = Object.keys(networkSchemas).filter((k) => k in entry);
    if (kinds.length !== 1) {
      throw specError(
        file,
        `networks[${i}] must have exactly one of the keys train, model, activations; got ${describeValue(entry)}`,
        'train: {...} trains a grid of networks, model: path loads a TF.js or ONNX file, activations: {...} reads dumped layers',
      );
    }
    const kind = kinds[0] as keyof typeof networkSchemas;
    if (kind === 'train') {
      const t = parseSpec(networkSchemas.train, entry, file, ['networks', i]).train;
      if (t.architecture === 'ricci') {
        for (const v of asList(t.variant))
          for (const d of asList(t.depth))
            if (v === 'bottleneck' && d < 3)
              throw specError(
                file,
                `networks[${i}].train: the bottleneck variant needs depth >= 3, got ${d}`,
              );
      }
      const prefix = t.name ?? `${t.architecture}${out.length ? `${i}` : ''}`;
      const widthList = t.architecture === 'ricci' ? [0] : asList(t.width);
      const variantList = t.architecture === 'ricci' ? asList(t.variant) : [undefined];
      for (const variant of variantList)
        for (const width of widthList)
          for (const depth of asList(t.depth))
            for (const seed of asList(t.seed)) {
              const widths = widthsFor(t.architecture, width, depth, variant ?? 'wide');
              const shape = variant ? `${variant}` : `w${width}`;
              out.push({
                name: `${prefix}-${shape}-d${depth}-s${seed}`,
                source: 'trained',
                architecture: t.architecture,
                widths,
                width: widths[0],
                depth,
                ...(variant ? { variant } : {}),
                seed,
                activation: t.activation,
                training: t.training,
              });
            }
    } else if (kind === 'model') {
      const m = parseSpec(networkSchemas.model, entry, file, ['networks', i]);
      const base = m.model.replace(/\\/g, '/').split('/');
      const stem = (
        base[base.length - 1] === 'model.json' && base.length > 1
          ? base[base.length - 2]
          : base[base.length - 1]
      ).replace(/\.(json|onnx)$/i, '');
      out.push({
        name: m.name ?? stem,
        source: 'model',
        path: m.model,
        ...(m.layout ? { layout: m.layout } : {}),
      });
    } else {
      const a = parseSpec(networkSchemas.activations, entry, file, ['networks', i]);
      out.push({
        name: a.name,
        source: 'activations',
        layers: a.activations.layers,
        ...(a.activations.labels ? { labels: a.activations.labels } : {}),
      });
    }
  });
  const seen = new Set<string>();
  for (const n of out) {
    if (seen.has(n.name)) {
      throw specError(
        file,
        `two networks are named '${n.name}'`,
        'give each network entry its own name: (the grid adds -w<width>-d<depth>-s<seed>)',
      );
    }
    seen.add(n.name);
  }
  return out;
}

/**
 * Validates a parsed experiment file (the object read from YAML or JSON) and returns the
 * resolved plan: every default filled, the training grid expanded, study options checked by each
 * study's own schema. `file` names the file in error messages and gives the default name.
 * Referenced files and layer names are checked later, by `checkExperimentInputs`.
 */
export function resolveExperiment(raw: unknown, file = 'the experiment'): ResolvedExperiment {
  const spec = parseSpec(experimentSchema, raw, file);
  const networks = expandNetworks(spec.networks, file);
  if (networks.some((n) => n.source !== 'activations') && !spec.data) {
    throw specError(
      file,
      'data is missing: trained and loaded networks need inputs',
      "add data: { dataset: 'spirals' } (or mnist, fashion-mnist, arrays with inputs: x.npy)",
    );
  }
  const data = spec.data;
  if (data) {
    if (data.dataset === 'arrays' && !data.inputs) {
      throw specError(
        file,
        "data.inputs is missing: dataset 'arrays' reads inputs from an .npy file",
        'add data.inputs: x.npy (and data.labels: y.npy)',
      );
    }
    if (data.dataset !== 'arrays' && (data.inputs || data.labels)) {
      throw specError(
        file,
        `data.inputs and data.labels are only read for dataset 'arrays', not '${data.dataset}'`,
      );
    }
    if (data.classes && !(IMAGE_DATASETS as readonly string[]).includes(data.dataset)) {
      throw specError(
        file,
        `data.classes selects classes of mnist or fashion-mnist, not of '${data.dataset}'`,
      );
    }
  }
  const studies: StudySpec[] = [];
  const counts = new Map<string, number>();
  spec.studies.forEach((s, i) => {
    const runner = studyRunner(s.study);
    const options = parseSpec(runner.options, s.options, file, ['studies', i, 'options']) as Record<
      string,
      unknown
    >;
    const k = (counts.get(s.study) ?? 0) + 1;
    counts.set(s.study, k);
    const name = s.name ?? (k === 1 ? s.study : `${s.study}-${k}`);
    if (studies.some((t) => t.name === name))
      throw specError(file, `two studies are named '${name}'`, 'give each study its own name:');
    studies.push({ study: s.study, name, options });
  });
  const baseName = file
    .replace(/\\/g, '/')
    .split('/')
    .pop()!
    .replace(/\.(ya?ml|json)$/i, '');
  return {
    name: spec.name ?? baseName,
    ...(spec.description ? { description: spec.description } : {}),
    ...(data ? { data } : {}),
    networks,
    layers: spec.layers,
    sampling: spec.sampling,
    studies,
    store: { path: spec.store.path ?? 'results.duckdb' },
    ...(spec.store.path ? {} : { storeFromDefault: true }),
  };
}

/** The part schemas, for validating jobs that arrive through a queue (src/run/queueJob.ts). */
export { dataSchema, layersSchema, samplingSchema, trainingSchema };
