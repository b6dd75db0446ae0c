/**
 * One entry point for every input the Rips engine takes: parses bytes in a named format into a
 * point cloud, a dense (condensed) distance matrix or a sparse distance matrix. Pure (no file
 * access); ./load.ts reads the file and infers the format from its extension.
 */
import { invalidInput, invalidOption } from '../core/errors.js';
import type { CondensedDistances, SparseDistances } from '../core/distances.js';
import type { PointCloud } from '../core/matrix.js';
import { assertFiniteMatrix } from '../core/validate.js';
import {
  condensedFromSquare,
  parseDistanceMatrix,
  parseLowerDistance,
  parseSparseTriplets,
} from './distanceText.js';
import { parseJsonInput } from './jsonInput.js';
import { ndarrayToMatrix, type NdArray } from './ndarray.js';
import { isNpy, parseNpy } from './npy.js';
import { parseNpz, pickArray } from './npz.js';
import { parseSafetensors } from './safetensors.js';
import { parseTextTable } from './text.js';
import { INPUT_FORMATS, type InputFormat } from './inputFormats.js';

export { INPUT_FORMATS, type InputFormat } from './inputFormats.js';

export type LoadedInput = PointCloud | CondensedDistances | SparseDistances;

export interface ParseInputOptions {
  /** The array to use in an .npz or .safetensors file; default: the only one. */
  array?: string;
  /**
   * Read a binary (npy/npz/safetensors) square array as a full distance matrix instead of a
   * point cloud. Default false. (Format `distance` on .npy bytes always does.)
   */
  binaryIsDistanceMatrix?: boolean;
  /** Name of the input in error messages. */
  name?: string;
}

export function assertInputFormat(format: string): InputFormat {
  if (!(INPUT_FORMATS as readonly string[]).includes(format)) {
    throw invalidOption(
      `Unknown input format '${format}'.`,
      `Use one of: ${INPUT_FORMATS.join(', ')}.`,
    );
  }
  return format as InputFormat;
}

function fromArray(a: NdArray, options: ParseInputOptions, name: string): LoadedInput {
  const m = ndarrayToMatrix(a, name);
  assertFiniteMatrix(m, name);
  if (m.rows === 0) throw invalidInput(`${name} has no rows (no points).`);
  return options.binaryIsDistanceMatrix ? condensedFromSquare(m, name) : m;
}

function pickTensor(
  tensors: Map<string, NdArray>,
  array: string | undefined,
  name: string,
): NdArray {
  return pickArray(tensors, array, name);
}

export function parseInput(
  bytes: Uint8Array,
  format: InputFormat,
  options: ParseInputOptions = {},
): LoadedInput {
  const name = options.name ?? 'the input';
  const text = (): string => new TextDecoder('utf-8').decode(bytes);
  switch (format) {
    case 'point-cloud':
    case 'csv': {
      const m = parseTextTable(text(), { name }).matrix;
      return m;
    }
    case 'lower-distance':
      return parseLowerDistance(text(), name);
    case 'distance':
      // a square matrix saved with numpy.save is read as such; otherwise text
      if (isNpy(bytes)) {
        const m = ndarrayToMatrix(parseNpy(bytes, name), name);
        assertFiniteMatrix(m, name);
        return condensedFromSquare(m, name);
      }
      return parseDistanceMatrix(text(), name);
    case 'sparse':
      return parseSparseTriplets(text(), name);
    case 'json': {
      const j = parseJsonInput(text(), name);
      return j.kind === 'points' ? j.points : j.distances;
    }
    case 'npy':
      return fromArray(parseNpy(bytes, name), options, name);
    case 'npz': {
      const arrays = parseNpz(bytes, name);
      const picked = pickArray(arrays, options.array, name);
      return fromArray(picked, options, name);
    }
    case 'safetensors': {
      const { tensors } = parseSafetensors(bytes, name);
      return fromArray(pickTensor(tensors, options.array, name), options, name);
    }
  }
}
