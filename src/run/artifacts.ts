/**
 * Files the runner keeps beside the store, found again by content hash: trained models in
 * `<store>.models/<hash>/` (model.json, weights.bin, train.json with the accuracies) and captured
 * clouds in `<store>.clouds/<hash>/` (meta.json and one float32 .npy per layer). Each folder is
 * written under a temporary name and renamed into place when complete, so a kill leaves either
 * the whole folder or none of it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Matrix } from '../core/matrix.js';
import { parseNpy } from '../data/npy.js';
import { encodeNpyFloat32 } from '../nn/npyWrite.js';
import type { LayerCloud } from '../study/types.js';

/** Writes `files` (name -> content) as the folder `dir`, all or nothing. An existing complete
 * folder is kept as it is (its content is determined by the same hash). */
export function writeFolderAtomic(dir: string, files: Record<string, string | Uint8Array>): void {
  if (existsSync(dir)) return;
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    mkdirSync(tmp);
    for (const [name, content] of Object.entries(files)) writeFileSync(join(tmp, name), content);
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(dir)) throw err;
  }
}

/** What a train job records beside the weights. */
export interface TrainInfo {
  trainAccuracy: number;
  testAccuracy?: number;
  testLoss?: number;
  epochs: number;
  trainSeconds: number;
  parameters: number;
}

export function trainInfoPath(modelDir: string): string {
  return join(modelDir, 'train.json');
}

export function readTrainInfo(modelDir: string): TrainInfo | undefined {
  const p = trainInfoPath(modelDir);
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as TrainInfo) : undefined;
}

export interface CloudMeta {
  layers: {
    name: string;
    index: number;
    depth: number;
    strategy: string;
    rows: number;
    cols: number;
    file: string;
  }[];
  labels: number[];
  classNames: string[];
}

export interface StoredCloud extends LayerCloud {
  strategy: string;
}

/** Writes captured clouds as `dir` (all or nothing). */
export function writeClouds(
  dir: string,
  clouds: StoredCloud[],
  labels: Int32Array,
  classNames: string[],
): CloudMeta {
  const meta: CloudMeta = { layers: [], labels: Array.from(labels), classNames };
  const files: Record<string, Uint8Array | string> = {};
  clouds.forEach((c, i) => {
    const file = `layer-${i}.npy`;
    const data =
      c.points.data instanceof Float32Array ? c.points.data : Float32Array.from(c.points.data);
    files[file] = encodeNpyFloat32(data, [c.points.rows, c.points.cols]);
    meta.layers.push({
      name: c.name,
      index: c.index,
      depth: c.depth,
      strategy: c.strategy,
      rows: c.points.rows,
      cols: c.points.cols,
      file,
    });
  });
  files['meta.json'] = JSON.stringify(meta);
  writeFolderAtomic(dir, files);
  return meta;
}

export function readCloudMeta(dir: string): CloudMeta | undefined {
  const p = join(dir, 'meta.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as CloudMeta) : undefined;
}

/** Reads the clouds of `dir` back as LayerClouds (labels attached). */
export function readClouds(dir: string): LayerCloud[] {
  const meta = readCloudMeta(dir);
  if (!meta)
    throw new Error(
      `internal: the clouds folder ${dir} is missing (its capture job did not finish)`,
    );
  const labels = Int32Array.from(meta.labels);
  return meta.layers.map((l) => {
    const a = parseNpy(readFileSync(join(dir, l.file)), l.file);
    const points: Matrix = { data: Float32Array.from(a.data), rows: l.rows, cols: l.cols };
    return { name: l.name, index: l.index, depth: l.depth, points, labels };
  });
}
