/**
 * From a resolved experiment to jobs: train each network of the grid, capture each network's
 * layer clouds, and compute each study (per network, or once over all networks). Every job is
 * plain JSON data (never code) with a content hash of the inputs that determine it, and the
 * hashes of the jobs it needs. A job's `artifact` hash names the files it leaves beside the store
 * (a trained model, captured clouds); it leaves the experiment out, so another experiment with the
 * same network finds the model again. The job's `id` adds the experiment, so each experiment gets
 * its own rows. See docs/experiments.md, "Resume".
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bytesHash, contentHash } from './hash.js';
import type {
  DataSpec,
  LayersSpec,
  NetworkSpec,
  ResolvedExperiment,
  SamplingSpec,
  StudySpec,
} from './experimentSchema.js';
import { studyRunner } from './studyRunners.js';
import { TOPOLENS_VERSION } from './version.js';

interface JobBase {
  /** Content hash: the experiment and the inputs of this job. */
  id: string;
  experimentId: string;
  /** Human label for progress lines and the jobs table. */
  label: string;
  /** Ids of the jobs whose results this one reads. */
  deps: string[];
}

export interface TrainJob extends JobBase {
  kind: 'train';
  /** Hash of what determines the trained weights (data, architecture, seed, training, version). */
  artifact: string;
  network: Extract<NetworkSpec, { source: 'trained' }>;
  networkId: string;
  data: DataSpec;
  /** Folder of the saved model: `<store>.models/<artifact>`. */
  modelDir: string;
}

export interface CaptureJob extends JobBase {
  kind: 'capture';
  artifact: string;
  network: NetworkSpec;
  networkId: string;
  /** For a trained network, the folder its train job writes. */
  modelDir?: string;
  data?: DataSpec;
  layers: LayersSpec;
  sampling: SamplingSpec;
  /** Folder of the captured clouds: `<store>.clouds/<artifact>`. */
  cloudDir: string;
}

export interface StudyJobInput {
  network: string;
  /** The architecture it repeats: for a trained network its grid name without the seed. */
  architecture: string;
  networkId: string;
  cloudDir: string;
  /** The trained model's folder, whose train.json holds its accuracies. */
  modelDir?: string;
  /** The model file (trained: `<modelDir>/model.json`), for studies that run the network. */
  modelPath?: string;
  layout?: 'NCHW' | 'NHWC';
  /** For the pooled part of a split study: the folder where this network's part left its record. */
  resultDir?: string;
}

export interface StudyJob extends JobBase {
  kind: `study:${string}`;
  study: StudySpec;
  inputs: StudyJobInput[];
  /** A study over all networks split in two (studyRunners.ts, `SplitStudy`): 'network' is one
   * network's part, which leaves its record in `resultDir`; 'pooled' reads every network's. */
  split?: 'network' | 'pooled';
  /** Where the network part leaves its record: `<store>.studies/<hash>`. */
  resultDir?: string;
  /** The experiment's data and layers, for studies that run the network on new inputs. */
  data?: DataSpec;
  layers: LayersSpec;
}

/** A job that one step of a network's analysis is: train, capture or a study. */
export type PartJob = TrainJob | CaptureJob | StudyJob;

/**
 * One unit of independent work (docs/sweeps.md, "One job per network"): everything about one
 * network, its train job (if trained), its capture and its per-network studies, run in order
 * where the unit runs. Each part keeps its own id and is committed as its own job, together with
 * the unit, in one transaction. With `ship`, the unit works in a folder of the machine that runs
 * it and sends the model and cloud files back in its result (a queue worker on another machine);
 * without, it writes them beside the store as the parts would.
 */
export interface NetworkUnitJob extends JobBase {
  kind: 'network';
  networkId: string;
  parts: PartJob[];
  ship: boolean;
}

export type Job = PartJob | NetworkUnitJob;

export interface Plan {
  experimentId: string;
  /** The resolved spec, as recorded in the experiments table. */
  spec: ResolvedExperiment;
  /** Jobs in an order that respects their dependencies. */
  jobs: Job[];
}

/** Folders beside the store file where models, clouds and the per-network parts of split
 * studies are kept, found again by hash. */
export function artifactFolders(storePath: string): {
  models: string;
  clouds: string;
  studies: string;
} {
  return {
    models: `${storePath}.models`,
    clouds: `${storePath}.clouds`,
    studies: `${storePath}.studies`,
  };
}

export interface PlanOptions {
  /** Plan a study over all networks that can be split (Ricci flow) as one job per network and a
   * pooled job (default true); false plans it as one job over all networks. */
  splitStudies?: boolean;
}

/** What identifies the data: the spec, with the content of read files instead of their paths. */
function dataKey(data: DataSpec | undefined): unknown {
  if (!data) return null;
  if (data.dataset !== 'arrays') return { ...data };
  const { inputs, labels, ...rest } = data;
  return {
    ...rest,
    inputs: inputs ? bytesHash(readFileSync(inputs)) : undefined,
    labels: labels ? bytesHash(readFileSync(labels)) : undefined,
  };
}

function modelFilesHash(path: string): string {
  const bytes = readFileSync(path);
  if (!path.toLowerCase().endsWith('.json')) return bytesHash(bytes);
  let weights = 'weights.bin';
  try {
    const manifest = (
      JSON.parse(new TextDecoder().decode(bytes)) as {
        weightsManifest?: Array<{ paths?: string[] }>;
      }
    ).weightsManifest;
    weights = manifest?.[0]?.paths?.[0] ?? weights;
  } catch {
    // the capture job reports a broken model.json
  }
  return contentHash([bytesHash(bytes), bytesHash(readFileSync(join(dirname(path), weights)))]);
}

/** What identifies a network's weights (before any experiment): its training or its files. */
function networkKey(n: NetworkSpec, data: unknown): unknown {
  if (n.source === 'trained') {
    const { name: _name, ...rest } = n;
    return { what: 'train', data, network: rest, version: TOPOLENS_VERSION };
  }
  if (n.source === 'model')
    return { what: 'model', file: modelFilesHash(n.path), layout: n.layout };
  return {
    what: 'activations',
    layers: n.layers.map((l) => ({ name: l.name, file: bytesHash(readFileSync(l.path)) })),
    labels: n.labels ? bytesHash(readFileSync(n.labels)) : null,
  };
}

/** The folders a job leaves beside the store for the jobs after it (none for a study). */
export function jobOutputFolders(job: Job): string[] {
  if (job.kind === 'train') return [job.modelDir];
  if (job.kind === 'capture') return [job.cloudDir];
  if (job.kind === 'network') return job.parts.flatMap(jobOutputFolders);
  return job.resultDir ? [job.resultDir] : [];
}

/** Expands a resolved experiment into jobs; `storePath` places the model and cloud folders. */
export function planExperiment(
  spec: ResolvedExperiment,
  storePath: string,
  options: PlanOptions = {},
): Plan {
  const folders = artifactFolders(storePath);
  const data = dataKey(spec.data);
  const keys = spec.networks.map((n) => networkKey(n, data));
  const experimentId = contentHash({
    what: 'experiment',
    name: spec.name,
    data,
    networks: spec.networks.map((n, i) => ({ name: n.name, key: keys[i] })),
    layers: spec.layers,
    sampling: spec.sampling,
    studies: spec.studies,
  });
  const jobs: Job[] = [];
  const captures: { job: CaptureJob; modelDir?: string }[] = [];
  spec.networks.forEach((network, i) => {
    const networkId = contentHash({ experimentId, network: network.name, key: keys[i] });
    const deps: string[] = [];
    let modelDir: string | undefined;
    if (network.source === 'trained') {
      const artifact = contentHash(keys[i]);
      modelDir = join(folders.models, artifact);
      const train: TrainJob = {
        id: contentHash({ experimentId, artifact, network: network.name }),
        experimentId,
        kind: 'train',
        label: `train ${network.name}`,
        deps: [],
        artifact,
        network,
        networkId,
        data: spec.data!,
        modelDir,
      };
      jobs.push(train);
      deps.push(train.id);
    }
    const artifact = contentHash({
      what: 'capture',
      network: keys[i],
      data,
      layers: spec.layers,
      sampling: spec.sampling,
      version: TOPOLENS_VERSION,
    });
    const capture: CaptureJob = {
      id: contentHash({ experimentId, artifact, network: network.name }),
      experimentId,
      kind: 'capture',
      label: `capture ${network.name}`,
      deps,
      artifact,
      network,
      networkId,
      ...(modelDir ? { modelDir } : {}),
      ...(spec.data ? { data: spec.data } : {}),
      layers: spec.layers,
      sampling: spec.sampling,
      cloudDir: join(folders.clouds, artifact),
    };
    jobs.push(capture);
    captures.push({ job: capture, modelDir });
  });
  const inputOf = (c: (typeof captures)[number]): StudyJobInput => ({
    network: c.job.network.name,
    architecture:
      c.job.network.source === 'trained'
        ? c.job.network.name.replace(/-s\d+$/, '')
        : c.job.network.name,
    networkId: c.job.networkId,
    cloudDir: c.job.cloudDir,
    ...(c.modelDir ? { modelDir: c.modelDir } : {}),
    ...(c.job.network.source === 'trained' && c.modelDir
      ? { modelPath: join(c.modelDir, 'model.json') }
      : c.job.network.source === 'model'
        ? {
            modelPath: c.job.network.path,
            ...(c.job.network.layout ? { layout: c.job.network.layout } : {}),
          }
        : {}),
  });
  const context = { ...(spec.data ? { data: spec.data } : {}), layers: spec.layers };
  for (const study of spec.studies) {
    const runner = studyRunner(study.study);
    if (runner.scope === 'experiment' && runner.split && (options.splitStudies ?? true)) {
      // one job per network (in its unit), then the pooled job over their records
      const parts = captures.map((c): StudyJob => {
        const artifact = contentHash({
          what: 'study part',
          study: study.study,
          options: study.options,
          capture: c.job.artifact,
          version: TOPOLENS_VERSION,
        });
        return {
          id: contentHash({
            experimentId,
            study,
            split: 'network',
            inputs: [c.job.artifact],
            version: TOPOLENS_VERSION,
          }),
          experimentId,
          kind: `study:${study.study}`,
          label: `${study.name} ${c.job.network.name}`,
          deps: [c.job.id],
          study,
          inputs: [inputOf(c)],
          split: 'network',
          resultDir: join(folders.studies, artifact),
          ...context,
        };
      });
      jobs.push(...parts);
      jobs.push({
        id: contentHash({
          experimentId,
          study,
          split: 'pooled',
          inputs: captures.map((c) => c.job.artifact),
          version: TOPOLENS_VERSION,
        }),
        experimentId,
        kind: `study:${study.study}`,
        label: `${study.name} (${captures.length} networks)`,
        deps: parts.map((p) => p.id),
        study,
        inputs: captures.map((c, i) => ({ ...inputOf(c), resultDir: parts[i].resultDir! })),
        split: 'pooled',
        ...context,
      });
      continue;
    }
    const groups = runner.scope === 'network' ? captures.map((c) => [c]) : [captures];
    for (const group of groups) {
      jobs.push({
        id: contentHash({
          experimentId,
          study,
          inputs: group.map((c) => c.job.artifact),
          version: TOPOLENS_VERSION,
        }),
        experimentId,
        kind: `study:${study.study}`,
        label:
          runner.scope === 'network'
            ? `${study.name} ${group[0].job.network.name}`
            : `${study.name} (${group.length} networks)`,
        deps: group.map((c) => c.job.id),
        study,
        inputs: group.map(inputOf),
        ...context,
      });
    }
  }
  return { experimentId, spec, jobs };
}
