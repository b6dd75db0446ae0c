/**
 * Reads a point cloud or a distance matrix from a file, inferring the format from the extension
 * when it is not given: .npy, .npz, .safetensors, .csv/.tsv/.txt (point cloud), .json,
 * .lower_distance/.ldm (Ripser's lower-distance), .sparse (Ripser's sparse `i j d`),
 * .dist (full distance matrix).
 */
import { readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { TopolensError, invalidInput, invalidOption } from '../core/errors.js';
import type { PointCloud } from '../core/matrix.js';
import {
  assertInputFormat,
  parseInput,
  type InputFormat,
  type ParseInputOptions,
  type LoadedInput,
} from './input.js';

const BY_EXTENSION: Record<string, InputFormat> = {
  '.npy': 'npy',
  '.npz': 'npz',
  '.safetensors': 'safetensors',
  '.csv': 'point-cloud',
  '.tsv': 'point-cloud',
  '.txt': 'point-cloud',
  '.json': 'json',
  '.lower_distance': 'lower-distance',
  '.ldm': 'lower-distance',
  '.sparse': 'sparse',
  '.dist': 'distance',
};

/** The format for a path's extension, or an error listing the known extensions. */
export function formatFromExtension(path: string): InputFormat {
  const ext = extname(path).toLowerCase();
  const f = BY_EXTENSION[ext];
  if (!f) {
    throw invalidOption(
      `Cannot tell the format of ${basename(path)} from its extension${ext ? ` '${ext}'` : ''}.`,
      `Pass --format (one of point-cloud, lower-distance, distance, sparse, npy, npz, safetensors, csv, json), or use an extension: ${Object.keys(BY_EXTENSION).join(' ')}.`,
    );
  }
  return f;
}

export interface LoadOptions extends ParseInputOptions {
  /** The format; default: from the extension (see formatFromExtension). */
  format?: InputFormat | string;
}

/** Reads `path` and returns a PointCloud, CondensedDistances or SparseDistances. */
export function loadPointCloudOrDistances(path: string, options: LoadOptions = {}): LoadedInput {
  const format = options.format ? assertInputFormat(options.format) : formatFromExtension(path);
  let bytes: Uint8Array;
  try {
    if (statSync(path).isDirectory()) {
      throw new TopolensError('missing-file', `${path} is a directory, not a file.`);
    }
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof TopolensError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT') throw new TopolensError('missing-file', `No such file: ${path}.`);
    throw new TopolensError('missing-file', `Cannot read ${path}: ${(err as Error).message}`);
  }
  return parseInput(bytes, format, { ...options, name: options.name ?? basename(path) });
}

/**
 * Reads a file that must hold a point cloud (one point per row): for the commands that work on
 * coordinates (intrinsic dimension, curvature, similarity, Mapper). A distance matrix is refused
 * with a message saying so.
 */
export function loadPointCloud(path: string, options: LoadOptions = {}): PointCloud {
  const input = loadPointCloudOrDistances(path, options);
  if (!('rows' in input)) {
    throw invalidInput(
      `${basename(path)} holds a distance matrix, but this command needs point coordinates.`,
      'Pass a point cloud (.npy, .npz, .csv, .txt, .json with points).',
    );
  }
  return input;
}
