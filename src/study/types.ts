/**
 * What studies take: named point clouds, one per layer, with their position on the common depth
 * axis. A study never trains, reads files or writes the store: it takes clouds (and labels,
 * accuracies, populations as it needs) and returns plain records.
 */
import type { Matrix } from '../core/matrix.js';

/** One layer's point cloud: one row per input, in the same input order for every layer. */
export interface LayerCloud {
  /** The layer's name, e.g. 'input', 'block1', 'logits'. */
  name: string;
  /** Position l of the layer among the L chosen ones (0 = the input when it is included). */
  index: number;
  /** Depth on the common axis, (l + 1) / L. */
  depth: number;
  /** One point per input. */
  points: Matrix;
  /** Class of each input (row), when known. */
  labels?: Int32Array;
}

/** A network's chosen layers, in order. */
export interface NetworkClouds {
  /** A name unique within the study, e.g. 'wide-d5-s3'. */
  network: string;
  layers: LayerCloud[];
}

/** Reports progress of a long study: done of total steps, and what is being done. */
export type StudyProgress = (done: number, total: number, step: string) => void;
