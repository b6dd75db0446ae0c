/**
 * Runs one job where it is executed (the coordinator's thread or a pool worker) and returns the
 * store rows it produced; the coordinator alone writes them. A train job saves the model beside
 * the store and a capture job the clouds, each found again by its artifact hash, so a job redone
 * after a kill reuses what an earlier attempt finished (docs/experiments.md, "Resume").
 */
import { initBackend } from '../nn/backend.js';
import { evaluateClassifier, trainClassifier } from '../nn/train.js';
import { saveModel, WEIGHTS_FILE } from '../nn/modelIO.js';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { TopolensError } from '../core/errors.js';
import {
  readCloudMeta,
  readClouds,
  readTrainInfo,
  writeClouds,
  writeFolderAtomic,
  type CloudMeta,
  type TrainInfo,
} from './artifacts.js';
import { captureInputs, splitExperimentData, tokenVocabularySize } from './experimentData.js';
import { buildNetwork, disposeModel, loadModelFile } from './experimentNetworks.js';
import { captureClouds, readActivationDump } from './captureClouds.js';
import { defaultClassNames } from '../data/labelled.js';
import { contentHash } from './hash.js';
import {
  jobOutputFolders,
  type CaptureJob,
  type NetworkUnitJob,
  type PartJob,
  type StudyJob,
  type TrainJob,
} from './plan.js';
import type { JobRows, LayerRow, NetworkRow } from './store.js';
import { decodeResult, encodeResult } from './queue/codec.js';
import { studyRunner, type StudyNetworkInput, type StudyRows } from './studyRunners.js';

let backendReady: Promise<unknown> | undefined;

/** Starts the TensorFlow.js wasm backend once per thread; concurrent callers share the start
 * (two overlapping initBackend calls would let the second see the backend before it is ready). */
export function ensureBackend(): Promise<unknown> {
  backendReady ??= initBackend({ backend: 'wasm' });
  return backendReady;
}

/** Wall time of `f` in seconds (the runner's own bookkeeping; studies never time themselves). */
async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await f();
  return [v, (performance.now() - t0) / 1000];
}

async function runTrain(job: TrainJob): Promise<JobRows> {
  let info = readTrainInfo(job.modelDir);
  if (!info) {
    await ensureBackend();
    const split = splitExperimentData(job.data);
    const model = buildNetwork(
      job.network,
      split.train.inputs.shape.slice(1),
      split.train.classNames.length,
      tokenVocabularySize(split),
    );
    try {
      const hasTest = split.test.labels.length > 0;
      const [result, seconds] = await timed(() =>
        trainClassifier(
          model,
          { inputs: split.train.inputs, labels: split.train.labels },
          {
            ...job.network.training,
            seed: job.network.seed,
            ...(hasTest ? { test: { inputs: split.test.inputs, labels: split.test.labels } } : {}),
          },
        ),
      );
      const onTrain = await evaluateClassifier(model, {
        inputs: split.train.inputs,
        labels: split.train.labels,
      });
      const saved = await saveModel(model);
      info = {
        trainAccuracy: onTrain.accuracy,
        ...(result.testAccuracy !== undefined ? { testAccuracy: result.testAccuracy } : {}),
        ...(result.testLoss !== undefined ? { testLoss: result.testLoss } : {}),
        epochs: result.epochsRun,
        trainSeconds: seconds,
        parameters: model.countParams(),
      } satisfies TrainInfo;
      writeFolderAtomic(job.modelDir, {
        'model.json': saved.modelJson,
        [WEIGHTS_FILE]: saved.weights,
        'train.json': JSON.stringify(info),
      });
      // another process may have won the race to write the folder: report what is on disk
      info = readTrainInfo(job.modelDir) ?? info;
    } finally {
      model.dispose();
    }
  }
  const n = job.network;
  const row: NetworkRow = {
    id: job.networkId,
    experimentId: job.experimentId,
    name: n.name,
    source: 'trained',
    architecture: n.architecture,
    width: n.width,
    depth: n.depth,
    seed: n.seed,
    params: {
      widths: n.widths,
      activation: n.activation,
      training: n.training,
      parameters: info.parameters,
      ...(n.variant ? { variant: n.variant } : {}),
    },
    trainAccuracy: info.trainAccuracy,
    ...(info.testAccuracy !== undefined ? { testAccuracy: info.testAccuracy } : {}),
    ...(info.testLoss !== undefined ? { testLoss: info.testLoss } : {}),
    epochs: info.epochs,
    modelPath: join(job.modelDir, 'model.json'),
    trainSeconds: info.trainSeconds,
  };
  return { networks: [row] };
}

async function captureFresh(job: CaptureJob): Promise<CloudMeta> {
  const n = job.network;
  const seed = job.sampling.seed;
  if (n.source === 'activations') {
    const { dump, labels } = readActivationDump(n.layers, n.labels);
    const clouds = await captureClouds(dump, null, job.layers, seed, labels ? { labels } : {});
    const y = labels ?? new Int32Array(clouds[0]?.points.rows ?? 0);
    return writeClouds(job.cloudDir, clouds, y, defaultClassNames(y));
  }
  await ensureBackend();
  const path = n.source === 'trained' ? join(job.modelDir!, 'model.json') : n.path;
  const model = await loadModelFile(path);
  try {
    const inputs = captureInputs(splitExperimentData(job.data!), job.sampling);
    const clouds = await captureClouds(model.model, inputs, job.layers, seed, {
      ...(n.source === 'model' && n.layout ? { layout: n.layout } : {}),
    });
    return writeClouds(job.cloudDir, clouds, inputs.labels, inputs.classNames);
  } finally {
    disposeModel(model);
  }
}

async function runCapture(job: CaptureJob): Promise<JobRows> {
  const meta = readCloudMeta(job.cloudDir) ?? (await captureFresh(job));
  const layers: LayerRow[] = meta.layers.map((l) => ({
    id: contentHash({ job: job.id, layer: l.name, index: l.index }),
    networkId: job.networkId,
    name: l.name,
    index: l.index,
    depth: l.depth,
    strategy: l.strategy,
    points: l.rows,
    dim: l.cols,
  }));
  const rows: JobRows = { layers };
  const n = job.network;
  if (n.source !== 'trained') {
    rows.networks = [
      {
        id: job.networkId,
        experimentId: job.experimentId,
        name: n.name,
        source:
          n.source === 'activations'
            ? 'activations'
            : n.path.toLowerCase().endsWith('.onnx')
              ? 'onnx'
              : 'tfjs',
        ...(n.source === 'model' ? { modelPath: n.path } : {}),
      },
    ];
  }
  return rows;
}

/** What a study job's input reads from disk: the network's clouds and training record. */
function studyInputs(job: StudyJob): StudyNetworkInput[] {
  return job.inputs.map((i) => {
    const info = i.modelDir ? readTrainInfo(i.modelDir) : undefined;
    return {
      network: i.network,
      architecture: i.architecture,
      networkId: i.networkId,
      layers: readClouds(i.cloudDir),
      classNames: readCloudMeta(i.cloudDir)?.classNames,
      ...(info ? { trainAccuracy: info.trainAccuracy } : {}),
      ...(info?.testAccuracy !== undefined ? { testAccuracy: info.testAccuracy } : {}),
      ...(i.modelPath ? { modelPath: i.modelPath } : {}),
      ...(i.layout ? { layout: i.layout } : {}),
    };
  });
}

/** The file in a split study's per-network folder that holds the network's record. */
const PART_FILE = 'part.json';

function readPart(dir: string): unknown {
  const path = join(dir, PART_FILE);
  return existsSync(path) ? decodeResult<unknown>(readFileSync(path, 'utf8')) : undefined;
}

/** A split study's rows: the part's record (or the pooled part's) as the runner returns it. */
async function studyRows(job: StudyJob): Promise<StudyRows | Pick<StudyRows, 'measures'>> {
  const runner = studyRunner(job.study.study);
  const split = runner.split;
  if (job.split && !split)
    throw new TopolensError('invalid-input', `the study '${job.study.study}' is not split`);
  if (job.split === 'network') {
    const [input] = job.inputs;
    // a record made earlier (a retry, or another experiment with the same network) is reused
    let record = readPart(job.resultDir!);
    if (record === undefined) {
      record = split!.network(studyInputs(job)[0], job.study.options);
      writeFolderAtomic(job.resultDir!, { [PART_FILE]: encodeResult(record) });
    }
    return { measures: split!.networkRows(record, input.networkId) };
  }
  if (job.split === 'pooled') {
    const records = job.inputs.map((i) => {
      const record = i.resultDir ? readPart(i.resultDir) : undefined;
      if (record === undefined)
        throw new TopolensError(
          'invalid-input',
          `the ${job.study.study} part of network '${i.network}' is not at '${i.resultDir ?? '?'}'`,
          'run the experiment again: the missing part is recomputed',
        );
      return record;
    });
    return split!.pooled(records, job.study.options);
  }
  return runner.run(studyInputs(job), job.study.options, {
    ...(job.data ? { data: job.data } : {}),
    layers: job.layers,
  });
}

async function runStudy(job: StudyJob): Promise<JobRows> {
  const out = await studyRows(job);
  const base = { experimentId: job.experimentId };
  const study = job.study.name;
  const id = (table: string, i: number) => contentHash({ job: job.id, table, i });
  const rows: JobRows = {
    measures: (out.measures ?? []).map((m, i) => ({ ...m, id: id('measures', i), ...base, study })),
  };
  if (!('result' in out)) return rows;
  return {
    studyResults: [
      { id: id('study_results', 0), ...base, study, name: job.label, result: out.result },
    ],
    ...rows,
    diagrams: (out.diagrams ?? []).map((d, i) => ({ ...d, id: id('diagrams', i), ...base })),
    matrices: (out.matrices ?? []).map((m, i) => ({ ...m, id: id('matrices', i), ...base, study })),
    mapperGraphs: (out.mapperGraphs ?? []).map((g, i) => ({
      ...g,
      id: id('mapper_graphs', i),
      ...base,
    })),
  };
}

/** Runs `job` and returns its rows (the job's files, if any, are on disk when it returns). */
export async function runJob(job: PartJob): Promise<JobRows> {
  if (job.kind === 'train') return runTrain(job);
  if (job.kind === 'capture') return runCapture(job);
  return runStudy(job);
}

/** One part of a network unit as it ran: committed as its own job, with the unit. */
export interface PartOutcome {
  id: string;
  kind: string;
  label: string;
  rows: JobRows;
  seconds: number;
}

/** A folder a unit run elsewhere sends back: file name -> content in base64 (JSON-safe). */
export interface ShippedFolder {
  dir: string;
  files: Record<string, string>;
}

export interface UnitOutcome {
  parts: PartOutcome[];
  /** With `ship`: the model and cloud folders, to be written at `dir` beside the store. */
  files?: ShippedFolder[];
}

/** The files a unit reads that the experiment names by path, with what each is. */
function unitInputFiles(job: NetworkUnitJob): [string, string][] {
  const files: [string, string][] = [];
  for (const p of job.parts) {
    if (p.kind === 'study:adversarial' || p.kind === 'train' || p.kind === 'capture') {
      if (p.data?.inputs) files.push(['the data file (data.inputs)', p.data.inputs]);
      if (p.data?.labels) files.push(['the labels file (data.labels)', p.data.labels]);
    }
    if (p.kind !== 'capture') continue;
    const n = p.network;
    if (n.source === 'model') files.push(['the model file', n.path]);
    if (n.source === 'activations') {
      for (const l of n.layers) files.push([`the activations of layer '${l.name}'`, l.path]);
      if (n.labels) files.push(['the activations labels file', n.labels]);
    }
  }
  return files;
}

/** Fails with a message that says so when a file the unit reads is not on this machine. */
function checkUnitInputs(job: NetworkUnitJob): void {
  for (const [what, path] of unitInputFiles(job)) {
    if (existsSync(path)) continue;
    throw new TopolensError(
      'invalid-input',
      `this machine (${hostname()}) cannot find ${what} '${path}' that '${job.label}' reads: ` +
        'a worker reads the files an experiment names at the same absolute path as the coordinator',
      'put the file on a path every machine shares (or copy it to the same path on each ' +
        'worker); built-in data sets (synthetic, mnist, fashion-mnist) need no file ' +
        '(docs/sweeps.md, "Where a worker finds data")',
    );
  }
}

/** `dir` under `root`, keeping its artifact-hash name. */
const under = (root: string, kind: 'models' | 'clouds' | 'studies', dir: string) =>
  join(root, kind, basename(dir));

/** The part with its model and cloud folders moved under `root` (this machine's work folder). */
function relocate(p: PartJob, root: string): PartJob {
  if (p.kind === 'train') return { ...p, modelDir: under(root, 'models', p.modelDir) };
  if (p.kind === 'capture')
    return {
      ...p,
      cloudDir: under(root, 'clouds', p.cloudDir),
      ...(p.modelDir ? { modelDir: under(root, 'models', p.modelDir) } : {}),
    };
  return {
    ...p,
    ...(p.resultDir ? { resultDir: under(root, 'studies', p.resultDir) } : {}),
    inputs: p.inputs.map((i) => ({
      ...i,
      cloudDir: under(root, 'clouds', i.cloudDir),
      ...(i.resultDir ? { resultDir: under(root, 'studies', i.resultDir) } : {}),
      ...(i.modelDir
        ? {
            modelDir: under(root, 'models', i.modelDir),
            ...(i.modelPath?.startsWith(i.modelDir + '/')
              ? { modelPath: join(under(root, 'models', i.modelDir), basename(i.modelPath)) }
              : {}),
          }
        : {}),
    })),
  };
}

function readFolder(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).sort())
    files[name] = Buffer.from(readFileSync(join(dir, name))).toString('base64');
  return files;
}

/**
 * Runs a network unit's parts in order (train, capture, per-network studies) and returns each
 * part's rows and time. With `job.ship` it works under `<tmpdir>/topolens-units/` on this machine
 * and returns the model and cloud folders in the result (then removes them here); the rows are
 * those the parts would write beside the store (the model path names the store's folder).
 */
export async function runNetworkUnit(job: NetworkUnitJob): Promise<UnitOutcome> {
  checkUnitInputs(job);
  const root = join(tmpdir(), 'topolens-units');
  const parts = job.ship ? job.parts.map((p) => relocate(p, root)) : job.parts;
  const out: PartOutcome[] = [];
  for (let i = 0; i < parts.length; i++) {
    const [rows, seconds] = await timed(() => runJob(parts[i]));
    const original = job.parts[i];
    if (job.ship && original.kind === 'train')
      for (const r of rows.networks ?? []) r.modelPath = join(original.modelDir, 'model.json');
    out.push({ id: original.id, kind: original.kind, label: original.label, rows, seconds });
  }
  if (!job.ship) return { parts: out };
  const files: ShippedFolder[] = [];
  for (let i = 0; i < parts.length; i++) {
    const [here, there] = [parts[i], job.parts[i]];
    if (here.kind === 'train' && there.kind === 'train')
      files.push({ dir: there.modelDir, files: readFolder(here.modelDir) });
    if (here.kind === 'capture' && there.kind === 'capture')
      files.push({ dir: there.cloudDir, files: readFolder(here.cloudDir) });
    if ('resultDir' in here && here.resultDir && 'resultDir' in there && there.resultDir)
      files.push({ dir: there.resultDir, files: readFolder(here.resultDir) });
  }
  for (const p of parts)
    for (const dir of jobOutputFolders(p)) rmSync(dir, { recursive: true, force: true });
  return { parts: out, files };
}
