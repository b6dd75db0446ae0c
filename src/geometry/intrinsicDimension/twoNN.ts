/**
 * TwoNN (Facco, d'Errico, Rodriguez, Laio, Sci. Rep. 2017), in the variant of Ansuini et al.
 * (NeurIPS 2019) used by [M22] and [M23]; docs/intrinsic-dimension.md.
 *
 * mu_i = r2(i) / r1(i), the ratio of the distances to the second and first nearest neighbours.
 * Points with r1 = 0 (a duplicate) or r1 = r2 (mu = 1, a tie) are dropped and counted. With N
 * the number kept and mu sorted ascending, F(mu_(j)) = j / N; the first floor(0.9 N) points
 * give x = log mu, y = -log(1 - F), and d = sum(xy) / sum(x^2) (least squares through the
 * origin). The `mle` variant is d = N / sum(log mu_i), the maximum-likelihood estimate of the
 * Pareto exponent.
 *
 * TwoNN is a global estimator: there is no pointwise value (each point contributes one ratio,
 * and a dimension from one ratio is meaningless), so `pointwise` is absent.
 *
 * Block analysis (Ansuini et al.): for b = 1..maxBlocks, split a random permutation into b
 * blocks of floor(N / b) points, estimate within each block (neighbours recomputed inside the
 * block), report the mean and standard deviation over the blocks. A stable value as blocks shrink
 * suggests the scale is right.
 */
import type { Matrix } from '../../core/matrix.js';
import { selectRows } from '../../core/matrix.js';
import { createRng, permutation } from '../../core/rng.js';
import { invalidInput } from '../../core/errors.js';
import { assertInRange, assertPositiveInteger } from '../../core/validate.js';
import {
  checkCloud,
  mean,
  neighbourTable,
  standardDeviation,
  type IntrinsicDimensionResult,
  type NeighbourOptions,
} from './base.js';

export interface TwoNNOptions extends NeighbourOptions {
  /** 'fit' (Ansuini: regression through the origin, default) or 'mle' (N / sum log mu). */
  variant?: 'fit' | 'mle';
  /** fraction of the sorted mu used in the fit (Ansuini et al.: 0.9) */
  fraction?: number;
  /** run the block analysis with 1..blocks blocks (Ansuini et al.: 20); default 0 = off */
  blocks?: number;
  /** seed of the block permutation; default 0 */
  seed?: number;
}

export interface TwoNNBlock {
  /** number of blocks */
  blocks: number;
  /** points per block */
  size: number;
  mean: number;
  std: number;
}

export interface TwoNNResult extends IntrinsicDimensionResult {
  method: 'twoNN';
  variant: 'fit' | 'mle';
  /** points used (after dropping) */
  used: number;
  /** points dropped because r1 = 0 (duplicates) */
  droppedDuplicates: number;
  /** points dropped because r1 = r2 */
  droppedTies: number;
  /** the other variant's value on the same ratios */
  mle: number;
  fit: number;
  blockAnalysis?: TwoNNBlock[];
}

/** Both TwoNN variants from the first two neighbour distances (length-2n array, row-major). */
export function twoNNFromDistances(
  r1r2: ArrayLike<number>,
  n: number,
  fraction = 0.9,
): { fit: number; mle: number; used: number; droppedDuplicates: number; droppedTies: number } {
  const mu: number[] = [];
  let droppedDuplicates = 0;
  let droppedTies = 0;
  for (let i = 0; i < n; i++) {
    const r1 = r1r2[2 * i];
    const r2 = r1r2[2 * i + 1];
    if (r1 === 0) droppedDuplicates++;
    else if (r1 === r2) droppedTies++;
    else mu.push(r2 / r1);
  }
  const N = mu.length;
  if (N < 2) {
    throw invalidInput(
      `TwoNN has ${N} usable points after dropping ${droppedDuplicates} duplicates (r1 = 0) ` +
        `and ${droppedTies} ties (r1 = r2).`,
      'Remove duplicate points, or add points: TwoNN needs at least 2 points with r1 < r2.',
    );
  }
  mu.sort((a, b) => a - b);
  const npoints = Math.floor(N * fraction);
  let sxy = 0;
  let sxx = 0;
  for (let j = 0; j < npoints; j++) {
    const x = Math.log(mu[j]);
    const y = -Math.log(1 - (j + 1) / N);
    sxy += x * y;
    sxx += x * x;
  }
  let sumLog = 0;
  for (let j = 0; j < N; j++) sumLog += Math.log(mu[j]);
  const fit = sxx > 0 ? sxy / sxx : Infinity;
  return { fit, mle: N / sumLog, used: N, droppedDuplicates, droppedTies };
}

export function twoNN(cloud: Matrix, options: TwoNNOptions = {}): TwoNNResult {
  const name = options.name ?? 'the point cloud';
  const variant = options.variant ?? 'fit';
  const fraction = options.fraction ?? 0.9;
  assertInRange(fraction, 1e-9, 1, 'fraction');
  checkCloud(cloud, 3, 'TwoNN', name);
  const nb = neighbourTable(cloud, 2, options);
  const r = new Float64Array(2 * cloud.rows);
  for (let i = 0; i < cloud.rows; i++) {
    r[2 * i] = nb.distances[i * nb.k];
    r[2 * i + 1] = nb.distances[i * nb.k + 1];
  }
  const core = twoNNFromDistances(r, cloud.rows, fraction);
  const result: TwoNNResult = {
    method: 'twoNN',
    variant,
    estimate: variant === 'mle' ? core.mle : core.fit,
    ...core,
  };
  if (options.blocks) {
    result.blockAnalysis = twoNNBlockAnalysis(cloud, {
      blocks: options.blocks,
      seed: options.seed,
      variant,
      fraction,
      name,
      approximate: options.approximate,
    });
  }
  return result;
}

/** Ansuini et al.'s block analysis: TwoNN within b random blocks, b = 1..blocks. */
export function twoNNBlockAnalysis(
  cloud: Matrix,
  options: TwoNNOptions & { blocks: number },
): TwoNNBlock[] {
  assertPositiveInteger(options.blocks, 'blocks');
  const rng = createRng(options.seed ?? 0);
  const n = cloud.rows;
  const out: TwoNNBlock[] = [];
  for (let b = 1; b <= options.blocks; b++) {
    const size = Math.floor(n / b);
    if (size < 3) break;
    const perm = permutation(n, rng);
    const values: number[] = [];
    for (let blk = 0; blk < b; blk++) {
      const sub = selectRows(cloud, perm.subarray(blk * size, (blk + 1) * size));
      const nb = neighbourTable(sub, 2, { approximate: options.approximate, name: options.name });
      const r = new Float64Array(2 * size);
      for (let i = 0; i < size; i++) {
        r[2 * i] = nb.distances[2 * i];
        r[2 * i + 1] = nb.distances[2 * i + 1];
      }
      const est = twoNNFromDistances(r, size, options.fraction ?? 0.9);
      values.push(options.variant === 'mle' ? est.mle : est.fit);
    }
    out.push({ blocks: b, size, mean: mean(values), std: standardDeviation(values) });
  }
  return out;
}
