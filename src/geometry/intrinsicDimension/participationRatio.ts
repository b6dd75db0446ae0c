/**
 * Participation ratio PR = (sum lambda)^2 / sum(lambda^2) of the covariance spectrum: a
 * continuous linear dimension (Gao, Trautmann, Yu, Ganguli 2017; Recanatesi et al.), equal to m
 * when the variance is spread evenly over m directions. The global estimate uses the whole
 * cloud's covariance; pointwise values use each point with its k nearest neighbours.
 */
import type { Matrix } from '../../core/matrix.js';
import { assertPositiveInteger } from '../../core/validate.js';
import { invalidInput } from '../../core/errors.js';
import { covarianceSpectrum } from '../../linalg/pca.js';
import {
  checkCloud,
  neighbourTable,
  pointwiseOverNeighbourhoods,
  type IntrinsicDimensionResult,
  type NeighbourOptions,
} from './base.js';

export interface ParticipationRatioOptions extends NeighbourOptions {
  /** also compute pointwise values on neighbourhoods of k neighbours; default false */
  pointwise?: boolean;
  /** neighbours per point for the pointwise values; default 50 */
  k?: number;
}

export interface ParticipationRatioResult extends IntrinsicDimensionResult {
  method: 'participationRatio';
  /** covariance eigenvalues of the whole cloud, descending */
  spectrum: Float64Array;
  k?: number;
}

/** (sum lambda)^2 / sum lambda^2; 0 for an all-zero spectrum. */
export function participationRatioOfSpectrum(ev: ArrayLike<number>): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < ev.length; i++) {
    s += ev[i];
    s2 += ev[i] * ev[i];
  }
  return s2 > 0 ? (s * s) / s2 : 0;
}

export function participationRatio(
  cloud: Matrix,
  options: ParticipationRatioOptions = {},
): ParticipationRatioResult {
  const name = options.name ?? 'the point cloud';
  checkCloud(cloud, 2, 'the participation ratio', name);
  const all = Int32Array.from({ length: cloud.rows }, (_, i) => i);
  const spectrum = covarianceSpectrum(cloud.data, cloud.cols, all);
  const estimate = participationRatioOfSpectrum(spectrum);
  if (!(estimate > 0)) {
    throw invalidInput(
      `the participation ratio of ${name} is undefined: all points are equal.`,
      'The cloud must contain distinct points.',
    );
  }
  const result: ParticipationRatioResult = { method: 'participationRatio', estimate, spectrum };
  if (options.pointwise) {
    const k = options.k ?? 50;
    assertPositiveInteger(k, 'k');
    checkCloud(cloud, k + 1, `pointwise participation ratio with k = ${k}`, name);
    const nb = neighbourTable(cloud, k, { ...options, onProgress: undefined });
    result.k = k;
    result.pointwise = pointwiseOverNeighbourhoods(
      nb,
      (rows) => participationRatioOfSpectrum(covarianceSpectrum(cloud.data, cloud.cols, rows)),
      options.onProgress,
    );
  }
  return result;
}
