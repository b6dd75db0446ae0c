// TEMPORARY stand-in for h-store's src/run/store.ts (types of /work/briefs/storeapi.md only);
// removed before merging h-store.
import { TopolensError } from '../core/errors.js';

export interface ExperimentRow { id: string; name: string; spec: unknown; createdAt: string }
export interface RunRow {
  id: string; experimentId: string; options: unknown; topolensVersion: string; startedAt: string;
  finishedAt?: string; status: 'running' | 'done' | 'failed' | 'interrupted'; workers?: number;
  timings?: unknown; error?: string;
}
export interface JobRow {
  id: string; experimentId: string; kind: string; label: string; seconds: number;
  finishedAt: string; status: 'done' | 'failed'; error?: string;
}
export interface NetworkRow {
  id: string; experimentId: string; name: string; source: 'trained' | 'tfjs' | 'onnx' | 'activations';
  architecture?: string; width?: number; depth?: number; seed?: number; params?: unknown;
  trainAccuracy?: number; testAccuracy?: number; testLoss?: number; epochs?: number;
  modelPath?: string; trainSeconds?: number;
}
export interface LayerRow { id: string; networkId: string; name: string; index: number; depth: number; strategy: string; points: number; dim: number }
export interface MeasureRow {
  id: string; experimentId: string; study: string; networkId?: string; layer?: string;
  layerIndex?: number; depth?: number; descriptor: string; group: string; repeat: number; k?: number;
  value: number; params?: unknown;
}
export interface DiagramRow {
  id: string; networkId?: string; experimentId: string; layer: string; dimension: number;
  group: string; repeat: number; births: number[]; deaths: number[];
}
export interface MatrixRow {
  id: string; experimentId: string; study: string; measure: string; kind: 'similarity' | 'distance';
  names: string[]; values: number[];
}
export interface MapperGraphRow { id: string; experimentId: string; networkId?: string; layer: string; graph: unknown }
export interface StudyResultRow { id: string; experimentId: string; study: string; name: string; result: unknown }
export interface JobRows {
  networks?: NetworkRow[]; layers?: LayerRow[]; measures?: MeasureRow[]; diagrams?: DiagramRow[];
  matrices?: MatrixRow[]; mapperGraphs?: MapperGraphRow[]; studyResults?: StudyResultRow[];
}
export interface ResultStore {
  readonly path: string;
  putExperiment(r: ExperimentRow): Promise<void>;
  putRun(r: RunRow): Promise<void>;
  putNetwork(r: NetworkRow): Promise<void>;
  putLayers(rows: LayerRow[]): Promise<void>;
  putMeasures(rows: MeasureRow[]): Promise<void>;
  putDiagrams(rows: DiagramRow[]): Promise<void>;
  putMatrix(r: MatrixRow): Promise<void>;
  putMapperGraph(r: MapperGraphRow): Promise<void>;
  putStudyResult(r: StudyResultRow): Promise<void>;
  commitJob(job: JobRow, rows: JobRows): Promise<void>;
  doneJobs(experimentId?: string): Promise<Set<string>>;
  query(sql: string): Promise<Record<string, unknown>[]>;
  exportTo(dir: string, format: 'parquet' | 'csv'): Promise<string[]>;
  close(): Promise<void>;
}
export async function openStore(path: string, _options?: { readOnly?: boolean }): Promise<ResultStore> {
  throw new TopolensError('unsupported', `the results store (${path}) is not built yet`);
}
