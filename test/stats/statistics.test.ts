/**
 * The statistics against SciPy (Debian's python3-scipy): exact quantities (distribution
 * functions, p-values of correlations, Fisher intervals, exact permutation p-values,
 * leave-one-out predictions) to near machine precision; resampling quantities (random
 * permutation p-values, bootstrap intervals) within Monte-Carlo error, because topolens's
 * seeded generator is not NumPy's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { hasTool, requireTool, runPython } from '../helpers/oracles.js';
import { createRng } from '../../src/core/rng.js';
import { pearson, spearman } from '../../src/linalg/correlation.js';
import {
  bootstrapInterval,
  correlationPValue,
  correlationSummary,
  fisherInterval,
  leaveOneOutLinear,
  normalCdf,
  normalQuantile,
  permutationTest,
  permutationTestSplits,
  binomial,
  quantile,
} from '../../src/stats/index.js';

const rng = createRng(42);
const normals = (n: number, shift = 0) => Array.from({ length: n }, () => shift + rng.normal());
const round = (v: number[]) => v.map((x) => Math.round(x * 1000) / 1000);

// Small samples for exact tests (rounded, with a tie), larger ones for resampling tests.
const xs = [1.2, 3.4, 0.5, 2.2, 2.2];
const ys = [0.1, -0.7, 1.9, 0.4];
const bigX = round(normals(30, 0.35));
const bigY = round(normals(30));
const corrX = round(normals(40));
const skewed = round(normals(25).map((v) => Math.exp(1.2 * v)));
const corrY = corrX.map(
  (v, i) => Math.round((0.6 * v + 0.8 * normals(1)[0] + i * 0) * 1000) / 1000,
);
const gridZ = [-8, -5, -3.3, -2, -1, -0.3, 0, 0.01, 0.7, 1.5, 2.49, 2.51, 4, 6, 9];
const gridP = [1e-12, 1e-6, 0.001, 0.01, 0.02424, 0.0243, 0.2, 0.5, 0.8, 0.975, 0.999, 1 - 1e-9];

interface Oracle {
  cdf: number[];
  ppf: number[];
  pearson: [number, number, number, number];
  spearman: [number, number];
  exact: Record<string, number>;
  random: { p: number };
  bootMean: Record<string, [number, number, number]>;
  bootCorr: Record<string, [number, number, number]>;
  bootSkew: [number, number, number];
  loo: number[];
  tp: number[];
}

let oracle: Oracle | undefined;

const SCRIPT = `
import json, sys
import numpy as np
from scipy import stats
d = json.loads(sys.stdin.read())
out = {}
out['cdf'] = [float(stats.norm.cdf(z)) for z in d['z']]
out['ppf'] = [float(stats.norm.ppf(p)) for p in d['p']]
r = stats.pearsonr(d['cx'], d['cy'])
ci = r.confidence_interval(0.95)
out['pearson'] = [float(r.statistic), float(r.pvalue), float(ci.low), float(ci.high)]
s = stats.spearmanr(d['cx'], d['cy'])
out['spearman'] = [float(s.correlation), float(s.pvalue)]
stat = lambda x, y, axis: np.mean(x, axis=axis) - np.mean(y, axis=axis)
out['exact'] = {}
for alt in ['two-sided', 'greater', 'less']:
    res = stats.permutation_test((d['xs'], d['ys']), stat, permutation_type='independent',
                                 n_resamples=np.inf, alternative=alt, vectorized=True)
    out['exact'][alt] = float(res.pvalue)
res = stats.permutation_test((d['bx'], d['by']), stat, permutation_type='independent',
                             n_resamples=99999, alternative='two-sided', vectorized=True,
                             random_state=np.random.default_rng(1))
out['random'] = {'p': float(res.pvalue)}
def corr(x, y, axis=-1):
    xm = x - x.mean(axis=axis, keepdims=True)
    ym = y - y.mean(axis=axis, keepdims=True)
    return (xm * ym).sum(axis=axis) / np.sqrt((xm * xm).sum(axis=axis) * (ym * ym).sum(axis=axis))
out['bootMean'] = {}
out['bootCorr'] = {}
for m in ['percentile', 'BCa']:
    b = stats.bootstrap((d['bx'],), np.mean, method=m, n_resamples=99999,
                        random_state=np.random.default_rng(2))
    out['bootMean'][m] = [float(b.confidence_interval.low), float(b.confidence_interval.high), float(b.standard_error)]
    b = stats.bootstrap((d['cx'], d['cy']), corr, paired=True, vectorized=True, method=m,
                        n_resamples=4999, random_state=np.random.default_rng(3))
    out['bootCorr'][m] = [float(b.confidence_interval.low), float(b.confidence_interval.high), float(b.standard_error)]
b = stats.bootstrap((d['sk'],), np.mean, method='BCa', n_resamples=99999,
                    random_state=np.random.default_rng(5))
out['bootSkew'] = [float(b.confidence_interval.low), float(b.confidence_interval.high), float(b.standard_error)]
x = np.array(d['cx']); y = np.array(d['cy'])
loo = []
for i in range(len(x)):
    keep = np.arange(len(x)) != i
    slope, intercept = np.polyfit(x[keep], y[keep], 1)
    loo.append(float(intercept + slope * x[i]))
out['loo'] = loo
out['tp'] = [float(2 * stats.t.sf(abs(t), df)) for t, df in d['tdf']]
print(json.dumps(out))
`;

const tdf: [number, number][] = [
  [0.3, 3],
  [2.1, 10],
  [-4.5, 38],
  [1.0, 1],
  [12, 200],
];

beforeAll(() => {
  if (!hasTool('scipy')) return;
  const input = JSON.stringify({
    z: gridZ,
    p: gridP,
    cx: corrX,
    cy: corrY,
    xs,
    ys,
    bx: bigX,
    by: bigY,
    sk: skewed,
    tdf,
  });
  oracle = JSON.parse(runPython(SCRIPT, input)) as Oracle;
}, 120_000);

describe('normal distribution', () => {
  it('cdf and quantile match SciPy', (ctx) => {
    requireTool(ctx, 'scipy');
    gridZ.forEach((z, i) => {
      const want = oracle!.cdf[i];
      expect(Math.abs(normalCdf(z) - want)).toBeLessThanOrEqual(1e-14 + 1e-12 * want);
    });
    gridP.forEach((p, i) => expect(normalQuantile(p)).toBeCloseTo(oracle!.ppf[i], 10));
  });
  it('quantile inverts the cdf', () => {
    for (const p of [0.001, 0.3, 0.5, 0.9]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 14);
  });
});

describe('correlation tests', () => {
  it('Pearson and Spearman with p-values and the Fisher interval match SciPy', (ctx) => {
    requireTool(ctx, 'scipy');
    const [r, p, lo, hi] = oracle!.pearson;
    expect(pearson(corrX, corrY)).toBeCloseTo(r, 13);
    expect(correlationPValue(r, corrX.length)).toBeCloseTo(p, 12);
    const ci = fisherInterval(r, corrX.length);
    expect(ci.low).toBeCloseTo(lo, 12);
    expect(ci.high).toBeCloseTo(hi, 12);
    const [rho, ps] = oracle!.spearman;
    expect(spearman(corrX, corrY)).toBeCloseTo(rho, 13);
    expect(correlationPValue(rho, corrX.length)).toBeCloseTo(ps, 12);
  });
  it("Student's t tail matches SciPy", (ctx) => {
    requireTool(ctx, 'scipy');
    tdf.forEach(([t, df], i) => {
      // t = r sqrt(df / (1 - r^2)) inverted: r = t / sqrt(df + t^2), n = df + 2
      const r = t / Math.sqrt(df + t * t);
      const want = oracle!.tp[i];
      expect(Math.abs(correlationPValue(r, df + 2) - want)).toBeLessThan(1e-12 + 1e-9 * want);
    });
  });
  it('correlationSummary puts them together, with bootstrap intervals around r', () => {
    const s = correlationSummary(corrX, corrY, { bootstrap: { resamples: 999 } });
    expect(s.n).toBe(40);
    expect(s.pearson.r).toBe(pearson(corrX, corrY));
    expect(s.pearson.bootstrap.low).toBeLessThan(s.pearson.r);
    expect(s.pearson.bootstrap.high).toBeGreaterThan(s.pearson.r);
    expect(s.spearman.bootstrap.low).toBeLessThan(s.spearman.r);
    const skip = correlationSummary(corrX, corrY, { bootstrap: { resamples: 0 } });
    expect(skip.pearson.bootstrap.method).toBe('none');
    expect(JSON.parse(JSON.stringify(skip)).pearson.r).toBe(skip.pearson.r);
  });
});

describe('permutation test', () => {
  it('exact p-values equal SciPy on small samples, every alternative', (ctx) => {
    requireTool(ctx, 'scipy');
    for (const alt of ['two-sided', 'greater', 'less'] as const) {
      const res = permutationTest(xs, ys, { alternative: alt });
      expect(res.exact).toBe(true);
      expect(res.permutations).toBe(binomial(9, 5));
      expect(res.pValue).toBeCloseTo(oracle!.exact[alt], 14);
    }
  });
  it('random p-values agree with SciPy within Monte-Carlo error', (ctx) => {
    requireTool(ctx, 'scipy');
    const res = permutationTest(bigX, bigY, { permutations: 19999, seed: 5 });
    expect(res.exact).toBe(false);
    const p = oracle!.random.p;
    const se = Math.sqrt((p * (1 - p)) / 19999) + Math.sqrt((p * (1 - p)) / 99999);
    expect(Math.abs(res.pValue - p)).toBeLessThan(5 * se);
  });
  it('the exact null of a difference of means is centred at 0 with the right count', () => {
    const res = permutationTestSplits(3, 2, (A) => A.length, { permutations: 100 });
    expect(res.permutations).toBe(10);
    expect(res.pValue).toBe(1);
    const byHand = permutationTest([1, 2], [3, 4], { alternative: 'less' });
    // splits of {1,2,3,4} into 2 + 2: mean differences -2, -1, 0, 0, 1, 2; observed -2
    expect(byHand.pValue).toBeCloseTo(1 / 6, 15);
    expect(byHand.nullMean).toBeCloseTo(0, 15);
  });
  it('names bad input', () => {
    expect(() => permutationTest([1, NaN], [2])).toThrow(/value 1 of the first sample is NaN/);
    expect(() => permutationTest([1], [2], { alternative: 'up' as never })).toThrow(/alternative/);
  });
});

describe('bootstrap', () => {
  it('percentile and BCa intervals of a mean agree with SciPy within Monte-Carlo error', (ctx) => {
    requireTool(ctx, 'scipy');
    const mean = (x: Float64Array) => x.reduce((a, b) => a + b, 0) / x.length;
    for (const [method, key] of [
      ['percentile', 'percentile'],
      ['bca', 'BCa'],
    ] as const) {
      const b = bootstrapInterval([bigX], mean, { method, resamples: 19999, seed: 9 });
      const [lo, hi, se] = oracle!.bootMean[key];
      expect(Math.abs(b.standardError - se) / se).toBeLessThan(0.03);
      expect(Math.abs(b.low - lo)).toBeLessThan(0.06 * se);
      expect(Math.abs(b.high - hi)).toBeLessThan(0.06 * se);
      expect(b.estimate).toBeCloseTo(mean(Float64Array.from(bigX)), 14);
    }
  });
  it('BCa corrects a skewed statistic as SciPy does (bias and acceleration)', (ctx) => {
    requireTool(ctx, 'scipy');
    const mean = (x: Float64Array) => x.reduce((a, b) => a + b, 0) / x.length;
    const b = bootstrapInterval([skewed], mean, { resamples: 19999, seed: 2 });
    const p = bootstrapInterval([skewed], mean, {
      resamples: 19999,
      seed: 2,
      method: 'percentile',
    });
    const [lo, hi, se] = oracle!.bootSkew;
    expect(Math.abs(b.low - lo)).toBeLessThan(0.06 * se);
    expect(Math.abs(b.high - hi)).toBeLessThan(0.08 * se);
    // the correction is large here: BCa and percentile differ by far more than the tolerance
    expect(Math.abs(p.high - hi)).toBeGreaterThan(0.3 * se);
  });
  it('paired intervals of a correlation agree with SciPy within Monte-Carlo error', (ctx) => {
    requireTool(ctx, 'scipy');
    for (const [method, key] of [
      ['percentile', 'percentile'],
      ['bca', 'BCa'],
    ] as const) {
      const b = bootstrapInterval([corrX, corrY], pearson, { method, resamples: 4999, seed: 4 });
      const [lo, hi, se] = oracle!.bootCorr[key];
      expect(Math.abs(b.standardError - se) / se).toBeLessThan(0.06);
      expect(Math.abs(b.low - lo)).toBeLessThan(0.15 * se);
      expect(Math.abs(b.high - hi)).toBeLessThan(0.15 * se);
    }
  });
  it('is reproducible by seed and BCa differs from percentile on a skewed statistic', () => {
    const x = round(normals(25)).map((v) => Math.exp(v));
    const max = (s: Float64Array) => s.reduce((a, b) => Math.max(a, b), -Infinity);
    const mean = (s: Float64Array) => s.reduce((a, b) => a + b, 0) / s.length;
    const a = bootstrapInterval([x], mean, { resamples: 500, seed: 3 });
    const b = bootstrapInterval([x], mean, { resamples: 500, seed: 3 });
    expect(a).toEqual(b);
    const p = bootstrapInterval([x], mean, { resamples: 500, seed: 3, method: 'percentile' });
    expect(p.low).not.toBe(a.low);
    expect(bootstrapInterval([x], max, { resamples: 200, method: 'percentile' }).high).toBe(
      Math.max(...x),
    );
  });
  it('quantile interpolates linearly between order statistics (NumPy default)', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.1)).toBeCloseTo(1.4, 15);
  });
});

describe('leave-one-out linear prediction', () => {
  it('equals refitting numpy.polyfit without each point', (ctx) => {
    requireTool(ctx, 'scipy');
    const res = leaveOneOutLinear(corrX, corrY);
    res.predictions.forEach((p, i) => expect(p).toBeCloseTo(oracle!.loo[i], 11));
    const press = res.residuals.reduce((a, r) => a + r * r, 0);
    const my = corrY.reduce((a, b) => a + b) / corrY.length;
    const tss = corrY.reduce((a, b) => a + (b - my) ** 2, 0);
    expect(res.q2).toBeCloseTo(1 - press / tss, 12);
  });
  it('predicts a noiseless line exactly', () => {
    const x = [0, 1, 2, 3, 5];
    const res = leaveOneOutLinear(
      x,
      x.map((v) => 0.5 + 0.1 * v),
    );
    res.residuals.forEach((r) => expect(Math.abs(r)).toBeLessThan(1e-14));
    expect(res.slope).toBeCloseTo(0.1, 14);
    expect(res.intercept).toBeCloseTo(0.5, 14);
    expect(res.q2).toBeCloseTo(1, 12);
  });
});
