/**
 * The table of studies the runner knows: for each, the zod schema of its options (strict, with
 * the papers' defaults filled), whether it runs once per network or once over all networks, and
 * the function that turns the networks' clouds into store rows by calling the study's pure
 * function in src/study. Adding a study to the runner is one entry here.
 */
import { z } from 'zod';
import { TopolensError } from '../core/errors.js';
import type { LayerCloud } from '../study/types.js';
import { layerProfileRunner } from './studies/layerProfile.js';
import { layerComparisonRunner } from './studies/layerComparison.js';
import { ricciFlowRunner } from './studies/ricciFlow.js';
import { mapperRunner } from './studies/mapper.js';
import { generalizationRunner } from './studies/generalization.js';
import { architectureComparisonRunner } from './studies/architectureComparison.js';
import { populationComparisonRunner } from './studies/populationComparison.js';
import { adversarialRunner } from './studies/adversarial.js';
import type { DataSpec, LayersSpec } from './experimentSchema.js';
import type { DiagramRow, MapperGraphRow, MatrixRow, MeasureRow } from './store.js';

export const STUDY_NAMES = [
  'layer-profile',
  'layer-comparison',
  'mapper',
  'ricci-flow',
  'generalization',
  'adversarial',
  'population-comparison',
  'architecture-comparison',
] as const;
export type StudyName = (typeof STUDY_NAMES)[number];

/** One network's clouds as a study job receives them. */
export interface StudyNetworkInput {
  network: string;
  networkId: string;
  layers: LayerCloud[];
  /** The architecture the network is a repeat of (a trained grid's name without its seed). */
  architecture?: string;
  /** Names of the class labels 0, 1, ... (from the data), when known. */
  classNames?: string[];
  trainAccuracy?: number;
  testAccuracy?: number;
  /** The network's model file (TF.js model.json or ONNX), when it has one. */
  modelPath?: string;
  layout?: 'NCHW' | 'NHWC';
}

/** What a study that runs the network itself (the adversarial study) needs of the experiment. */
export interface StudyContext {
  data?: DataSpec;
  layers: LayersSpec;
}

type Draft<T> = Omit<T, 'id' | 'experimentId' | 'study'>;

/** What a study runner returns; the job fills ids, the experiment and the study name. */
export interface StudyRows {
  /** The study's whole record (a StudyResultRow). */
  result: unknown;
  measures?: Draft<MeasureRow>[];
  diagrams?: Draft<DiagramRow>[];
  matrices?: Draft<MatrixRow>[];
  mapperGraphs?: Draft<MapperGraphRow>[];
}

/**
 * A study over all networks split in two (docs/sweeps.md, "One job per network"): each network's
 * part is a job of its own (in the network's unit), which leaves its record in a folder beside
 * the store and writes its per-network rows; the pooled part reads every network's record (in the
 * plan's order) and writes the study's record and pooled rows, the same as `run` does in one job.
 */
export interface SplitStudy {
  /** One network's record (plain data; kept as JSON that keeps every number exactly). */
  network(network: StudyNetworkInput, options: Record<string, unknown>): unknown;
  /** The per-network rows of a record (`networkId`: the network's id in this experiment). */
  networkRows(record: unknown, networkId: string): Draft<MeasureRow>[];
  pooled(records: unknown[], options: Record<string, unknown>): StudyRows;
}

export interface StudyRunner {
  name: StudyName;
  /** 'network': one job per network; 'experiment': one job over every network. */
  scope: 'network' | 'experiment';
  /** Strict schema of `options:` in the experiment file, defaults filled. */
  options: z.ZodType<Record<string, unknown>>;
  /** For an 'experiment' study: its per-network and pooled parts, planned as separate jobs. */
  split?: SplitStudy;
  run(
    networks: StudyNetworkInput[],
    options: Record<string, unknown>,
    context?: StudyContext,
  ): StudyRows | Promise<StudyRows>;
}

const RUNNERS: Partial<Record<StudyName, StudyRunner>> = {
  'layer-profile': layerProfileRunner,
  'layer-comparison': layerComparisonRunner,
  'ricci-flow': ricciFlowRunner,
  mapper: mapperRunner,
  generalization: generalizationRunner,
  'architecture-comparison': architectureComparisonRunner,
  'population-comparison': populationComparisonRunner,
  adversarial: adversarialRunner,
};

/** The studies that are wired into the runner now. */
export function wiredStudies(): StudyName[] {
  return STUDY_NAMES.filter((n) => RUNNERS[n] !== undefined);
}

/** The runner of study `name`; a study that is not wired is refused with the ones that are. */
export function studyRunner(name: StudyName): StudyRunner {
  const r = RUNNERS[name];
  if (!r) {
    throw new TopolensError(
      'unsupported',
      `the study '${name}' is not available in the runner yet`,
      `studies the runner can run: ${wiredStudies().join(', ') || '(none)'}`,
    );
  }
  return r;
}
