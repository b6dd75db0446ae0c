import { describe, expect, it } from 'vitest';
import {
  adversarialClaims,
  generalizationClaims,
  layerComparisonClaims,
  layerProfileClaims,
  populationComparisonClaims,
  ricciFlowClaims,
} from '../../../src/run/studies/claims.js';
import { layerProfileRows } from '../../../src/run/studies/layerProfile.js';
import type { LayerProfileResult } from '../../../src/study/layerProfile.js';
import type { GeneralizationResult } from '../../../src/study/generalization.js';
import type { RicciFlowStudyResult } from '../../../src/study/ricciFlowStudy.js';
import type { LayerComparisonResult } from '../../../src/study/layerComparison.js';
import type { PopulationComparisonResult } from '../../../src/study/populationComparison.js';
import type { AdversarialResult } from '../../../src/study/adversarial.js';
import { diagram } from '../../../src/core/diagram.js';

function profile(curves: Record<string, number[]>): LayerProfileResult {
  const L = Object.values(curves)[0].length;
  return {
    study: 'layer-profile',
    networks: ['a'],
    batches: 1,
    layers: Array.from({ length: L }, (_, l) => ({
      name: `l${l}`,
      index: l,
      depth: (l + 1) / L,
    })),
    inputsUsed: 10,
    notes: [],
    profiles: Object.entries(curves).map(([d, mean]) => ({
      descriptor: d as 'h0',
      scope: 'global',
      mean,
      repeatStd: mean.map(() => 0),
      classStd: mean.map(() => 0),
      low: mean,
      high: mean,
      scaled: mean,
      repeats: [mean],
    })),
  };
}

const outcome = (claims: { id: string; outcome: string }[], id: string) =>
  claims.find((c) => c.id === id)?.outcome;

describe('layer-profile claims', () => {
  it('hunchback passes only with an inner maximum above both ends', () => {
    const c = layerProfileClaims(
      profile({ twoNN: [2, 5, 3], mle: [5, 4, 3], phDim: [1, 2, 3], h0: [9, 5, 1], h1: [1, 2, 3] }),
    );
    expect(outcome(c, 'layer-profile/hunchback/twoNN')).toBe('pass');
    expect(outcome(c, 'layer-profile/hunchback/mle')).toBe('fail');
    expect(outcome(c, 'layer-profile/hunchback/phDim')).toBe('fail');
    expect(outcome(c, 'layer-profile/lifespan-falls/h0')).toBe('pass');
    expect(outcome(c, 'layer-profile/lifespan-falls/h1')).toBe('fail');
    const h0 = c.find((x) => x.id === 'layer-profile/lifespan-falls/h0')!;
    expect(h0.numbers).toMatchObject({ first: 9, last: 1, spearman: -1, layers: 3 });
    const tw = c.find((x) => x.id === 'layer-profile/hunchback/twoNN')!;
    expect(tw.numbers).toMatchObject({ first: 2, peak: 5, peakLayer: 1, last: 3 });
  });
  it('two layers are inconclusive', () => {
    const c = layerProfileClaims(profile({ twoNN: [2, 5], h0: [3, 1] }));
    expect(c.map((x) => x.outcome)).toEqual(['inconclusive', 'inconclusive']);
  });
  it('the rows carry the claims and the kept diagrams with class names', () => {
    const r = profile({ h0: [3, 2, 1] });
    const rows = layerProfileRows(
      r,
      'net-1',
      ['cat', 'dog'],
      [
        {
          layer: 2,
          label: 1,
          repeat: 0,
          diagram: diagram(0, [
            [0, 0.5],
            [0, Infinity],
          ]),
        },
        { layer: 0, label: null, repeat: 1, diagram: diagram(1, [[0.2, 0.4]]) },
      ],
    );
    expect((rows.result as { claims: unknown[] }).claims).toHaveLength(1);
    expect(rows.diagrams).toEqual([
      {
        networkId: 'net-1',
        layer: 'l2',
        dimension: 0,
        group: 'dog',
        repeat: 0,
        births: [0, 0],
        deaths: [0.5, Infinity],
      },
      {
        networkId: 'net-1',
        layer: 'l0',
        dimension: 1,
        group: 'all',
        repeat: 1,
        births: [0.2],
        deaths: [0.4],
      },
    ]);
  });
});

function gen(r: number, low: number, high: number, n = 20): GeneralizationResult {
  const test = { r, pValue: 0.01, bootstrap: { low, high, method: 'bca', resamples: 99 } };
  return {
    descriptor: 'h0',
    networks: [],
    correlation: {
      n,
      confidence: 0.95,
      pearson: { ...test, fisher: { low: low - 0.01, high: high + 0.01 } },
      spearman: test,
    },
  } as unknown as GeneralizationResult;
}

describe('generalization claim', () => {
  it('decides by the interval of r', () => {
    expect(generalizationClaims(gen(-0.8, -0.9, -0.6))[0].outcome).toBe('pass');
    expect(generalizationClaims(gen(0.7, 0.5, 0.9))[0].outcome).toBe('fail');
    expect(generalizationClaims(gen(-0.3, -0.7, 0.2))[0].outcome).toBe('inconclusive');
    expect(generalizationClaims(gen(-0.8, -0.9, -0.6, 2))[0].outcome).toBe('inconclusive');
    const c = generalizationClaims(gen(-0.8, -0.9, -0.6))[0];
    expect(c.numbers).toMatchObject({ r: -0.8, low: -0.9, high: -0.6, n: 20 });
  });
  it('falls back to the Fisher interval without a bootstrap', () => {
    const g = gen(-0.8, NaN, NaN);
    g.correlation.pearson.fisher = { low: -0.95, high: -0.5 };
    expect(generalizationClaims(g)[0]).toMatchObject({ outcome: 'pass', numbers: { low: -0.95 } });
  });
});

function ricci(pooledR: number, pooledP: number, share: number | null): RicciFlowStudyResult {
  const corr = (r: number, p: number) => ({ n: 30, pearson: { r, pValue: p } });
  return {
    results: [
      {
        k: 30,
        networks: [],
        included: share === null ? 0 : 10,
        excluded: { disconnected: 0, lowAccuracy: 0 },
        pooled: corr(pooledR, pooledP),
        flowVsAccuracy: corr(0.5, 0.01),
        negativeShare: share,
      },
    ],
  } as unknown as RicciFlowStudyResult;
}

describe('ricci-flow claims', () => {
  it('signs with p < 0.05 decide; otherwise inconclusive', () => {
    let c = ricciFlowClaims(ricci(-0.4, 0.001, 0.8));
    expect(outcome(c, 'ricci-flow/pooled-negative/k=30')).toBe('pass');
    expect(outcome(c, 'ricci-flow/flow-accuracy/k=30')).toBe('fail');
    expect(outcome(c, 'ricci-flow/mostly-negative/k=30')).toBe('pass');
    c = ricciFlowClaims(ricci(-0.4, 0.2, 0.3));
    expect(outcome(c, 'ricci-flow/pooled-negative/k=30')).toBe('inconclusive');
    expect(outcome(c, 'ricci-flow/mostly-negative/k=30')).toBe('fail');
    c = ricciFlowClaims(ricci(0.4, 0.01, null));
    expect(outcome(c, 'ricci-flow/pooled-negative/k=30')).toBe('fail');
    expect(outcome(c, 'ricci-flow/mostly-negative/k=30')).toBe('inconclusive');
  });
});

describe('layer-comparison, population and adversarial claims', () => {
  it('specificity thresholds', () => {
    const lc = (score: number) =>
      ({
        comparisons: [
          { measure: 'cka', specificity: { score, comparisons: 12 } },
          { measure: 'rsa' },
        ],
      }) as unknown as LayerComparisonResult;
    expect(layerComparisonClaims(lc(0.9)).map((c) => c.outcome)).toEqual(['pass']);
    expect(layerComparisonClaims(lc(0.6))[0].outcome).toBe('inconclusive');
    expect(layerComparisonClaims(lc(0.5))[0].outcome).toBe('fail');
  });
  it('population: the smallest Holm p over layers', () => {
    const t = (statistic: string, pHolm: number) => ({
      statistic,
      pHolm,
      pValue: pHolm / 2,
      observed: 1,
    });
    const r = {
      layers: [
        { name: 'a', tests: [t('h0', 0.3), t('energy', 0.2)] },
        { name: 'b', tests: [t('h0', 0.01), t('energy', 0.06)] },
      ],
    } as unknown as PopulationComparisonResult;
    const c = populationComparisonClaims(r);
    expect(c.map((x) => [x.id, x.outcome])).toEqual([
      ['population-comparison/differ/h0', 'pass'],
      ['population-comparison/differ/energy', 'fail'],
    ]);
    expect(c[0].numbers.pHolm).toBe(0.01);
    expect(c[0].detail).toContain('layer b');
  });
  it('adversarial: Spearman trend with its t p-value', () => {
    const rec = (spearman: number | null, eps: number) =>
      ({
        grouping: 'true',
        results: Array.from({ length: eps }, () => ({})),
        trend: [
          { descriptor: 'h0', spearman },
          { descriptor: 'twoNN', spearman: -1 },
        ],
      }) as unknown as AdversarialResult;
    expect(adversarialClaims([rec(-0.95, 10)])[0].outcome).toBe('pass');
    // SciPy: spearmanr p for r = -0.95, n = 10 is 2.5e-5
    expect(adversarialClaims([rec(-0.95, 10)])[0].numbers.p).toBeCloseTo(2.5e-5, 5);
    expect(adversarialClaims([rec(0.95, 10)])[0].outcome).toBe('fail');
    expect(adversarialClaims([rec(-0.5, 5)])[0].outcome).toBe('inconclusive');
    expect(adversarialClaims([rec(null, 2)])[0].outcome).toBe('inconclusive');
    expect(adversarialClaims([rec(-0.95, 10)])).toHaveLength(1);
  });
});
