/**
 * The experiment runner and the results store (Node only: `topolens/run`): read and check an
 * experiment file, plan its jobs, run them on an executor, write the results to the store
 * (docs/experiments.md, docs/store.md).
 */
export {
  readExperimentFile,
  checkExperimentInputs,
  parseExperimentText,
} from './experimentFile.js';
export { resolveExperiment, DATASETS, ARCHITECTURES } from './experimentSchema.js';
export type {
  ResolvedExperiment,
  NetworkSpec,
  StudySpec,
  DataSpec,
  LayersSpec,
  SamplingSpec,
  TrainingSpec,
} from './experimentSchema.js';
export { planExperiment, artifactFolders } from './plan.js';
export type { Job, Plan, TrainJob, CaptureJob, StudyJob } from './plan.js';
export type { PartJob, NetworkUnitJob } from './plan.js';
export { networkUnits } from './units.js';
export type { UnitOptions } from './units.js';
export { runExperiment } from './runner.js';
export type { RunOptions, RunProgress, RunSummary, FailedJob } from './runner.js';
export { InProcessExecutor, WorkerPoolExecutor, createExecutor } from './executor.js';
export type { Executor, JobOutcome } from './executor.js';
export type { WorkerKind, WorkerPoolOptions } from './executor.js';
export { runJob } from './runJob.js';
export { runNetworkUnit } from './runJob.js';
export type { PartOutcome, ShippedFolder, UnitOutcome } from './runJob.js';
export { SplitExecutor } from './executor.js';
export { STUDY_NAMES, studyRunner, wiredStudies } from './studyRunners.js';
export type { StudyName, StudyRunner, StudyRows, StudyNetworkInput } from './studyRunners.js';
export { canonicalJson, contentHash } from './hash.js';
export { openStore } from './store.js';
export type { ResultStore, JobRows } from './store.js';
