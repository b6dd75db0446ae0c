/**
 * Generalization study ([M22]; docs/studies.md#generalization): score each trained network by a
 * topological descriptor of its logits on training inputs (no test data needed), and ask how
 * well that score tracks test accuracy over many networks:
 * - the logits of at most `maxPoints` training inputs (default 2,500, [M22]), min-max scaled
 *   per feature on that sample, then one class kept (or each class in turn, averaged);
 * - the H0 (default) or H1 lifespan sum of that class cloud ([M22]'s half convention);
 * - Pearson and Spearman correlation of the descriptor with accuracy, with p-values, the
 *   Fisher-z interval and bootstrap intervals;
 * - leave-one-out linear prediction of accuracy from the descriptor (q^2, RMSE).
 * [M22] reports the descriptor falling as accuracy rises (strong negative correlation).
 */
import type { Matrix } from '../core/matrix.js';
import { selectRows } from '../core/matrix.js';
import { invalidInput, invalidOption } from '../core/errors.js';
import { h0Diagram } from '../homology/mst.js';
import { ripsPersistence, type RipsOptions } from '../homology/rips.js';
import { lifespanSum } from '../homology/lifespan.js';
import { correlationSummary, type CorrelationSummary } from '../stats/correlationTests.js';
import { leaveOneOutLinear, type LeaveOneOutResult } from '../stats/leaveOneOut.js';
import type { BootstrapOptions } from '../stats/bootstrap.js';
import type { StudyProgress } from './types.js';
import { minMaxScaleColumns, rowsByClass, sampleGroups } from './sampling.js';
import { finiteMean } from './summary.js';

export interface GeneralizationNetwork {
  network: string;
  /** logits (pre-softmax outputs) of the training inputs, one row per input */
  logits: Matrix;
  /** class of each training input */
  labels: ArrayLike<number>;
  /** test accuracy in [0, 1] */
  accuracy: number;
}

export interface GeneralizationOptions {
  /** 'h0' (default) or 'h1' lifespan sum */
  descriptor?: 'h0' | 'h1';
  /** one class label, or 'average' over all classes (default) */
  classes?: number | 'average';
  /** training inputs drawn per network (default 2500, [M22]) */
  maxPoints?: number;
  /** seed of the draw (default 0) */
  seed?: number;
  /** min-max scale the logits per feature before the descriptor (default true, [M22]) */
  minMaxScale?: boolean;
  /** half of the lifespan sum (default true, [M22]'s figures) */
  half?: boolean;
  /** Vietoris-Rips options for H1 */
  rips?: Omit<RipsOptions, 'maxDimension' | 'cocycles' | 'onProgress'>;
  /** bootstrap of the correlations (default 9999 BCa resamples, seed 0) */
  bootstrap?: BootstrapOptions;
  onProgress?: StudyProgress;
}

export interface GeneralizationNetworkResult {
  network: string;
  accuracy: number;
  /** the descriptor (class-averaged, or of the chosen class) */
  descriptor: number;
  /** the descriptor per class label used */
  perClass: Record<string, number>;
  inputsUsed: number;
}

export interface GeneralizationResult {
  study: 'generalization';
  descriptor: 'h0' | 'h1';
  classes: number | 'average';
  networks: GeneralizationNetworkResult[];
  correlation: CorrelationSummary;
  leaveOneOut: LeaveOneOutResult;
}

export function generalizationStudy(
  networks: readonly GeneralizationNetwork[],
  options: GeneralizationOptions = {},
): GeneralizationResult {
  if (networks.length < 3) {
    throw invalidInput(
      `the generalization study correlates over networks and needs at least 3, got ${networks.length}.`,
    );
  }
  const descriptor = options.descriptor ?? 'h0';
  if (descriptor !== 'h0' && descriptor !== 'h1') {
    throw invalidOption(`descriptor must be 'h0' or 'h1', got '${String(descriptor)}'.`);
  }
  const classes = options.classes ?? 'average';
  const results = networks.map((net, t): GeneralizationNetworkResult => {
    const { logits, labels } = net;
    if (!(net.accuracy >= 0 && net.accuracy <= 1)) {
      throw invalidInput(
        `network '${net.network}' has accuracy ${net.accuracy}; give a number in [0, 1].`,
      );
    }
    if (labels.length !== logits.rows) {
      throw invalidInput(
        `network '${net.network}': ${labels.length} labels for ${logits.rows} logits rows.`,
      );
    }
    const rows = sampleGroups(logits.rows, {
      scope: 'global',
      maxPoints: options.maxPoints ?? 2500,
      seed: options.seed ?? 0,
      what: `network '${net.network}'`,
    })[0].rows;
    const sample = selectRows(logits, rows);
    const cloud = (options.minMaxScale ?? true) ? minMaxScaleColumns(sample) : sample;
    const sampleLabels = Int32Array.from(rows, (i) => labels[i]);
    const byClass = rowsByClass(sampleLabels);
    const wanted = classes === 'average' ? [...byClass.keys()] : [classes];
    const perClass: Record<string, number> = {};
    for (const c of wanted) {
      const members = byClass.get(c);
      if (!members || members.length < 2) {
        throw invalidInput(
          `network '${net.network}': class ${c} has ${members?.length ?? 0} sampled inputs; a descriptor needs at least 2.`,
          'Choose a class present in the training sample, or raise maxPoints.',
        );
      }
      const X = selectRows(cloud, members);
      const diagram =
        descriptor === 'h0'
          ? h0Diagram(X)
          : ripsPersistence(X, { ...options.rips, maxDimension: 1 }).diagrams[1];
      perClass[String(c)] = lifespanSum(diagram, { half: options.half ?? true });
    }
    options.onProgress?.(t + 1, networks.length, net.network);
    return {
      network: net.network,
      accuracy: net.accuracy,
      descriptor: finiteMean(Object.values(perClass)),
      perClass,
      inputsUsed: rows.length,
    };
  });
  const x = results.map((r) => r.descriptor);
  const y = results.map((r) => r.accuracy);
  return {
    study: 'generalization',
    descriptor,
    classes,
    networks: results,
    correlation: correlationSummary(x, y, { bootstrap: options.bootstrap }),
    leaveOneOut: leaveOneOutLinear(x, y),
  };
}
