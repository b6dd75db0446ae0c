/**
 * Representational similarity analysis: the correlation between the condensed Euclidean
 * distance matrices of two representations of the same inputs (a similarity in [-1, 1]).
 * Spearman (default, rank correlation with averaged ties, as scipy.stats.spearmanr) or Pearson.
 */
import type { Matrix } from '../core/matrix.js';
import { invalidOption } from '../core/errors.js';
import { pairwiseDistances } from '../linalg/distances.js';
import { pearson, spearman } from '../linalg/correlation.js';
import { checkPair, checkSampleSpaceSize, type SimilarityResult } from './types.js';

export interface RsaOptions {
  /** correlation of the distance matrices, default 'spearman' */
  correlation?: 'spearman' | 'pearson';
}

export function rsa(X: Matrix, Y: Matrix, options: RsaOptions = {}): SimilarityResult {
  checkPair(X, Y, 3);
  checkSampleSpaceSize(X.rows, 'RSA', 8000);
  const corr = options.correlation ?? 'spearman';
  if (corr !== 'spearman' && corr !== 'pearson') {
    throw invalidOption(`unknown correlation '${String(corr)}'.`, 'Use spearman or pearson.');
  }
  const dx = pairwiseDistances(X, { precision: 'float64' }).data;
  const dy = pairwiseDistances(Y, { precision: 'float64' }).data;
  const value = corr === 'spearman' ? spearman(dx, dy) : pearson(dx, dy);
  return { measure: `rsa-${corr}`, kind: 'similarity', value };
}
