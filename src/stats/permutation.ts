/**
 * Two-sample permutation tests (as scipy.stats.permutation_test with
 * permutation_type='independent'): the observations of both groups are pooled and split again
 * into groups of the original sizes; the null distribution is the statistic over the splits.
 * - exact: every one of the C(nA + nB, nA) splits, when there are at most `permutations` of
 *   them; p = share of splits at least as extreme as the observed one;
 * - otherwise `permutations` random splits (seeded); p = (count + 1) / (permutations + 1),
 *   as SciPy, so that p is never 0.
 * 'two-sided' is 2 min(p_less, p_greater), capped at 1 (SciPy's rule). Values equal to the
 * observed statistic within 100 machine epsilons (relative) count as extreme, as SciPy.
 * The index form lets the statistic be anything computed from the two groups of inputs (e.g.
 * the difference of the H0 lifespan sums of two populations' clouds). docs/studies.md#statistics.
 */
import { invalidInput, invalidOption } from '../core/errors.js';
import { createRng, permutation } from '../core/rng.js';

export type Alternative = 'two-sided' | 'greater' | 'less';

export interface PermutationOptions {
  /** random splits when the exact test is too large (default 9999, SciPy's) */
  permutations?: number;
  /** 'two-sided' (default), 'greater' (statistic larger than under the null) or 'less' */
  alternative?: Alternative;
  /** seed of the random splits (default 0) */
  seed?: number;
}

export interface PermutationTestResult {
  statistic: number;
  pValue: number;
  alternative: Alternative;
  /** whether every split was enumerated */
  exact: boolean;
  /** splits evaluated (C(nA + nB, nA) when exact) */
  permutations: number;
  /** mean and standard deviation of the null distribution */
  nullMean: number;
  nullStd: number;
}

/** C(n, k) as a float (Infinity when it overflows). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  k = Math.min(k, n - k);
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/** statistic(indices of group A, indices of group B) over the pooled 0..nA+nB-1. */
export type SplitStatistic = (groupA: Int32Array, groupB: Int32Array) => number;

export function permutationTestSplits(
  nA: number,
  nB: number,
  statistic: SplitStatistic,
  options: PermutationOptions = {},
): PermutationTestResult {
  const permutations = options.permutations ?? 9999;
  const alternative = options.alternative ?? 'two-sided';
  if (!Number.isInteger(permutations) || permutations < 1) {
    throw invalidOption(`permutations must be a positive integer, got ${permutations}.`);
  }
  if (!['two-sided', 'greater', 'less'].includes(alternative)) {
    throw invalidOption(
      `unknown alternative '${String(alternative)}'.`,
      'Use two-sided, greater or less.',
    );
  }
  if (!(nA >= 1 && nB >= 1)) {
    throw invalidInput(`a two-sample test needs both groups non-empty, got ${nA} and ${nB}.`);
  }
  const N = nA + nB;
  const a0 = Int32Array.from({ length: nA }, (_, i) => i);
  const b0 = Int32Array.from({ length: nB }, (_, i) => nA + i);
  const observed = statistic(a0, b0);
  const total = binomial(N, nA);
  const exact = total <= permutations;
  const nullValues: number[] = [];
  const A = new Int32Array(nA);
  const B = new Int32Array(nB);
  if (exact) {
    // every nA-subset of 0..N-1 in lexicographic order
    const comb = Int32Array.from({ length: nA }, (_, i) => i);
    while (true) {
      let ia = 0;
      let ib = 0;
      for (let v = 0; v < N; v++) {
        if (ia < nA && comb[ia] === v) A[ia++] = v;
        else B[ib++] = v;
      }
      nullValues.push(statistic(A, B));
      let i = nA - 1;
      while (i >= 0 && comb[i] === N - nA + i) i--;
      if (i < 0) break;
      comb[i]++;
      for (let j = i + 1; j < nA; j++) comb[j] = comb[j - 1] + 1;
    }
  } else {
    const rng = createRng(options.seed ?? 0);
    for (let r = 0; r < permutations; r++) {
      const p = permutation(N, rng);
      A.set(p.subarray(0, nA));
      B.set(p.subarray(nA));
      nullValues.push(statistic(A, B));
    }
  }
  const gamma = Math.abs(observed) * 100 * Number.EPSILON;
  let less = 0;
  let greater = 0;
  let mean = 0;
  for (const v of nullValues) {
    if (v <= observed + gamma) less++;
    if (v >= observed - gamma) greater++;
    mean += v;
  }
  mean /= nullValues.length;
  let ss = 0;
  for (const v of nullValues) ss += (v - mean) * (v - mean);
  const m = nullValues.length;
  const p = (count: number) => (exact ? count / m : (count + 1) / (m + 1));
  const pValue =
    alternative === 'less'
      ? p(less)
      : alternative === 'greater'
        ? p(greater)
        : Math.min(1, 2 * Math.min(p(less), p(greater)));
  return {
    statistic: observed,
    pValue,
    alternative,
    exact,
    permutations: m,
    nullMean: mean,
    nullStd: m > 1 ? Math.sqrt(ss / (m - 1)) : 0,
  };
}

/** The difference of means, mean(x) - mean(y): the default statistic. */
export function differenceOfMeans(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) sx += x[i];
  for (let i = 0; i < y.length; i++) sy += y[i];
  return sx / x.length - sy / y.length;
}

/** A permutation test of two samples of values with any statistic (default: mean(x) - mean(y)). */
export function permutationTest(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  options: PermutationOptions & {
    statistic?: (x: Float64Array, y: Float64Array) => number;
  } = {},
): PermutationTestResult {
  const pooled = new Float64Array(x.length + y.length);
  for (let i = 0; i < x.length; i++) pooled[i] = x[i];
  for (let i = 0; i < y.length; i++) pooled[x.length + i] = y[i];
  for (let i = 0; i < pooled.length; i++) {
    if (!Number.isFinite(pooled[i])) {
      throw invalidInput(
        `permutation test: value ${i < x.length ? i : i - x.length} of the ${i < x.length ? 'first' : 'second'} sample is ${pooled[i]}; every value must be finite.`,
      );
    }
  }
  const stat = options.statistic ?? differenceOfMeans;
  const xa = new Float64Array(x.length);
  const ya = new Float64Array(y.length);
  return permutationTestSplits(
    x.length,
    y.length,
    (A, B) => {
      for (let i = 0; i < A.length; i++) xa[i] = pooled[A[i]];
      for (let i = 0; i < B.length; i++) ya[i] = pooled[B[i]];
      return stat(xa, ya);
    },
    options,
  );
}
