/**
 * Files the runner keeps beside the store, found again by content hash: trained models in
 * `<store>.models/<hash>/` (model.json, weights.bin, train.json with the accuracies) and captured
 * clouds in `<store>.clouds/<hash>/` (meta.json and one float32 .npy per layer). Each folder is
 * written under a temporary name and renamed into place when complete, so a kill leaves either
 * the whole folder or none of it. A large file whose bytes another folder already holds (the
 * input layer's cloud is the same for every network of a sweep) is a hard link to one copy in
 * `<root>/.shared/<sha256>`, so a 1,500-network sweep keeps that cloud once, not 1,500 times
 * (docs/store.md, "Files beside the store").
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { Matrix } from '../core/matrix.js';
import { parseNpy } from '../data/npy.js';
import { encodeNpyFloat32 } from '../nn/npyWrite.js';
import type { LayerCloud } from '../study/types.js';

/** Files of at least this many bytes are shared between folders by content (hard links). */
export const SHARED_FILE_MIN_BYTES = 64 * 1024;

/** A unique temporary name beside `path`. */
const tmpName = (path: string): string =>
  `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;

/**
 * Writes `content` as `path`: as a hard link to `<root>/.shared/<sha256>` when it is large (the
 * shared copy written first, all or nothing, if no folder has it yet), else as a file of its
 * own. Where the file system refuses the link, the file is written as a copy.
 */
function writeShared(root: string, path: string, content: string | Uint8Array): void {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content;
  if (bytes.byteLength < SHARED_FILE_MIN_BYTES) {
    writeFileSync(path, bytes);
    return;
  }
  const shared = join(root, '.shared', createHash('sha256').update(bytes).digest('hex'));
  try {
    if (!existsSync(shared)) {
      mkdirSync(dirname(shared), { recursive: true });
      const tmp = tmpName(shared);
      writeFileSync(tmp, bytes);
      renameSync(tmp, shared);
    }
    linkSync(shared, path);
  } catch {
    writeFileSync(path, bytes);
  }
}

/** Writes `files` (name -> content) as the folder `dir`, all or nothing. An existing complete
 * folder is kept as it is (its content is determined by the same hash). Large files are shared
 * by content with the other folders under the same root (see the module's comment). */
export function writeFolderAtomic(dir: string, files: Record<string, string | Uint8Array>): void {
  if (existsSync(dir)) return;
  const root = dirname(dir);
  mkdirSync(root, { recursive: true });
  const tmp = tmpName(dir);
  try {
    mkdirSync(tmp);
    for (const [name, content] of Object.entries(files))
      writeShared(root, join(tmp, name), content);
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
