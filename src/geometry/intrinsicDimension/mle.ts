/**
 * Levina-Bickel maximum-likelihood intrinsic dimension (NeurIPS 2004) with the MacKay-
 * Ghahramani aggregation (2005); docs/intrinsic-dimension.md.
 *
 * Per point, with T_j the distance to the j-th nearest neighbour (self excluded):
 *   m_k(x) = [ (1 / (k - 1)) sum_{j=1}^{k-1} log(T_k(x) / T_j(x)) ]^-1
 * and the global estimate is 1 / mean_x(1 / m_k(x)) (MacKay and Ghahramani: average the
 * inverses, which are unbiased-ish, rather than the m_k, which are biased upward). The plain
 * mean of m_k (Levina and Bickel's own average) is reported as `meanOfPointwise`.
 *
 * Degenerate neighbourhoods: a point with T_1 = 0 (a duplicate) has no finite m_k; it is dropped
 * from the aggregate, counted in `droppedDuplicates` and its pointwise value is NaN. A point
 * whose k neighbours are all at the same distance has sum log = 0, m_k = Infinity (1 / m_k = 0
 * enters the aggregate normally).
 */
import type { Matrix } from '../../core/matrix.js';
import { invalidInput } from '../../core/errors.js';
import { assertPositiveInteger } from '../../core/validate.js';
import {
  checkCloud,
  neighbourTable,
  type IntrinsicDimensionResult,
  type NeighbourOptions,
} from './base.js';

export interface MleOptions extends NeighbourOptions {
  /** neighbours per point (Levina-Bickel's k; [M22]/[M23] use 20). Default 20, at least 2. */
  k?: number;
}

export interface MleResult extends IntrinsicDimensionResult {
  method: 'mle';
  k: number;
  pointwise: Float64Array;
  /** Levina and Bickel's plain average of the pointwise values (finite ones) */
  meanOfPointwise: number;
  /** points left out because T_1 = 0 */
  droppedDuplicates: number;
}

/** m_k for every point from a row-major n x k table of ascending neighbour distances. */
export function mleFromDistances(
  distances: ArrayLike<number>,
  n: number,
  k: number,
): { pointwise: Float64Array; estimate: number; meanOfPointwise: number; dropped: number } {
  const pointwise = new Float64Array(n);
  let sumInverse = 0;
  let sumFinite = 0;
  let finite = 0;
  let used = 0;
  for (let i = 0; i < n; i++) {
    const o = i * k;
    const tk = distances[o + k - 1];
    if (distances[o] === 0) {
      pointwise[i] = NaN;
      continue;
    }
    let s = 0;
    for (let j = 0; j < k - 1; j++) s += Math.log(tk / distances[o + j]);
    const inverse = s / (k - 1);
    pointwise[i] = 1 / inverse;
    sumInverse += inverse;
    used++;
    if (inverse > 0) {
      sumFinite += 1 / inverse;
      finite++;
    }
  }
  if (used === 0) {
    throw invalidInput(
      `MLE: every point has a duplicate (nearest-neighbour distance 0).`,
      'Remove duplicate points before estimating the dimension.',
    );
  }
  if (sumInverse === 0) {
    throw invalidInput(
      `MLE: every point's ${k} nearest neighbours are all at the same distance, so the ` +
        'dimension is not identifiable at this k.',
      'Use a larger k.',
    );
  }
  return {
    pointwise,
    estimate: used / sumInverse,
    meanOfPointwise: finite > 0 ? sumFinite / finite : Infinity,
    dropped: n - used,
  };
}

export function mle(cloud: Matrix, options: MleOptions = {}): MleResult {
  const k = options.k ?? 20;
  assertPositiveInteger(k, 'k');
  if (k < 2) throw invalidInput('MLE needs k >= 2 (it compares T_k with T_1..T_{k-1}).');
  const name = options.name ?? 'the point cloud';
  checkCloud(cloud, k + 1, `MLE with k = ${k}`, name);
  const nb = neighbourTable(cloud, k, options);
  const r = mleFromDistances(nb.distances, cloud.rows, k);
  return {
    method: 'mle',
    k,
    estimate: r.estimate,
    pointwise: r.pointwise,
    meanOfPointwise: r.meanOfPointwise,
    droppedDuplicates: r.dropped,
  };
}
