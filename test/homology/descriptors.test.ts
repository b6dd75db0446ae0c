import { describe, expect, it } from 'vitest';
import { diagram } from '../../src/core/diagram.js';
import { amplitude } from '../../src/homology/amplitude.js';
import { bettiCurve, bettiNumber } from '../../src/homology/betti.js';
import { persistenceEntropy } from '../../src/homology/entropy.js';
import { fitGrid, gridValues, gridWeights } from '../../src/homology/grid.js';
import { heatKernel, heatKernelDistance } from '../../src/homology/heatKernel.js';
import { persistenceLandscape } from '../../src/homology/landscape.js';
import {
  lifespanSum,
  lifespans,
  maxPersistence,
  meanLifespan,
  pointCount,
} from '../../src/homology/lifespan.js';
import { erfc, normalMass } from '../../src/homology/normal.js';
import { persistenceImage } from '../../src/homology/persistenceImage.js';
import { persistenceSilhouette } from '../../src/homology/silhouette.js';
import { diagramSummary } from '../../src/homology/summary.js';
import {
  bettiCurveDistance,
  landscapeDistance,
  persistenceImageDistance,
  silhouetteDistance,
} from '../../src/homology/vectorDistances.js';
import { requireTool } from '../helpers/oracles.js';
import { gudhiBatch, nearDiagonalDiagram, toPairs, uniformDiagram } from './diagramTestUtils.js';

const D = (bars: [number, number][]) => diagram(1, bars);
const H0 = diagram(0, [
  [0, 1],
  [0.5, 2],
  [0, Infinity],
]);

describe('lifespans ([M22])', () => {
  it('sums finite lifespans with alpha and the half convention', () => {
    expect(Array.from(lifespans(H0))).toEqual([1, 1.5]);
    expect(lifespanSum(H0)).toBe(2.5);
    expect(lifespanSum(H0, { alpha: 2 })).toBe(3.25);
    expect(lifespanSum(H0, { half: true })).toBe(1.25);
    expect(lifespanSum(D([]))).toBe(0);
  });
  it('divides the mean by the count of all bars, the infinite one included', () => {
    expect(meanLifespan(H0)).toBeCloseTo(2.5 / 3, 15);
    expect(meanLifespan(D([]))).toBe(0);
    expect(pointCount(H0)).toEqual({ finite: 2, infinite: 1, total: 3 });
    expect(maxPersistence(H0)).toBe(1.5);
  });
  it('rejects a negative alpha', () => {
    expect(() => lifespanSum(H0, { alpha: -1 })).toThrow(/alpha/);
  });
});

describe('persistence entropy', () => {
  it('is log 2 for two equal bars, in any base and normalised', () => {
    const d = D([
      [0, 1],
      [3, 4],
      [5, 5],
    ]);
    expect(persistenceEntropy(d)).toBeCloseTo(Math.LN2, 15);
    expect(persistenceEntropy(d, { base: 2 })).toBeCloseTo(1, 15);
    expect(persistenceEntropy(d, { normalize: true })).toBeCloseTo(1, 15);
  });
  it('is -(1/4 log 1/4 + 3/4 log 3/4) for lifespans 1 and 3, ignoring essential bars', () => {
    const d = diagram(0, [
      [0, 1],
      [0, 3],
      [0, Infinity],
    ]);
    expect(persistenceEntropy(d)).toBeCloseTo(-(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75)), 15);
    expect(persistenceEntropy(D([]))).toBe(0);
  });
});

describe('Betti numbers and curves', () => {
  const d = diagram(1, [
    [0, 2],
    [1, 3],
    [1, Infinity],
  ]);
  it('counts bars with birth <= t < death', () => {
    expect([0, 1, 2, 3, 4, -1].map((t) => bettiNumber(d, t))).toEqual([1, 3, 2, 1, 1, 0]);
  });
  it('samples the curve on a grid', () => {
    const c = bettiCurve(d, { grid: { values: [0, 1, 2, 3, 4] } });
    expect(Array.from(c.values)).toEqual([1, 3, 2, 1, 1]);
    expect(Array.from(bettiCurve(d, { grid: { min: 0, max: 4, steps: 5 } }).values)).toEqual([
      1, 3, 2, 1, 1,
    ]);
  });
});

describe('grids', () => {
  it('spaces values evenly and fits one grid to many diagrams', () => {
    expect(Array.from(gridValues({ min: 0, max: 1, steps: 5 }))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(Array.from(gridWeights(Float64Array.from([0, 1, 3])))).toEqual([0.5, 1.5, 1]);
    expect(fitGrid([D([[1, 2]]), D([[0.5, 4]])], { steps: 7 })).toEqual({
      min: 0.5,
      max: 4,
      steps: 7,
    });
    expect(fitGrid([H0], { infinityValue: 10 })).toEqual({ min: 0, max: 10, steps: 100 });
    expect(fitGrid([H0])).toEqual({ min: 0, max: 2, steps: 100 });
    expect(fitGrid([])).toEqual({ min: 0, max: 1, steps: 100 });
  });
  it('rejects bad grids clearly', () => {
    expect(() => gridValues({ values: [0, 0] })).toThrow(/increase strictly/);
    expect(() => gridValues({ min: 1, max: 0, steps: 3 })).toThrow(/not a finite increasing/);
    expect(() => gridValues({ min: 0, max: 1, steps: 0 })).toThrow(/positive integer/);
  });
});

describe('landscapes and silhouettes', () => {
  const d = D([
    [0, 2],
    [0, 4],
  ]);
  const grid = { values: [0, 1, 2, 3, 5] };
  it('landscape layers are the ordered tent values', () => {
    const l = persistenceLandscape(d, { layers: 3, grid });
    // t=1: tents 1, 1; t=2: 0, 2; t=3: 0, 1; t=5: 0
    expect(Array.from(l.values.subarray(0, 5))).toEqual([0, 1, 2, 1, 0]);
    expect(Array.from(l.values.subarray(5, 10))).toEqual([0, 1, 0, 0, 0]);
    expect(Array.from(l.values.subarray(10, 15))).toEqual([0, 0, 0, 0, 0]);
  });
  it('essential bars are excluded unless clipped at infinityValue', () => {
    const e = diagram(0, [[0, Infinity]]);
    expect(Array.from(persistenceLandscape(e, { layers: 1, grid }).values)).toEqual([
      0, 0, 0, 0, 0,
    ]);
    expect(
      Array.from(persistenceLandscape(e, { layers: 1, grid, infinityValue: 4 }).values),
    ).toEqual([0, 1, 2, 1, 0]);
  });
  it('silhouette weights tents by lifespan^power', () => {
    const s = persistenceSilhouette(d, { grid });
    // weights 2 and 4: t=1 (2*1 + 4*1)/6 = 1; t=2 (0 + 4*2)/6 = 4/3; t=3 (4*1)/6
    expect(Array.from(s.values)).toEqual([0, 1, 8 / 6, 4 / 6, 0]);
    const s0 = persistenceSilhouette(d, { grid, power: 0 });
    expect(Array.from(s0.values)).toEqual([0, 1, 1, 0.5, 0]);
    expect(Array.from(persistenceSilhouette(D([]), { grid }).values)).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('persistence images', () => {
  it('sample mode is the weighted Gaussian density at grid nodes', () => {
    const img = persistenceImage(D([[0, 1]]), {
      pixels: 'sample',
      sigma: 0.5,
      resolution: [3, 2],
      birthRange: [0, 1],
      persistenceRange: [0, 1],
    });
    // node (birth 0, persistence 1) holds w * 1/(2 pi sigma^2), w = persistence = 1
    const peak = 1 / (2 * Math.PI * 0.25);
    expect(img.values[1 * 3 + 0]).toBeCloseTo(peak, 14);
    // node (birth 0.5, persistence 0): offset (0.5, 1)
    expect(img.values[0 * 3 + 1]).toBeCloseTo(peak * Math.exp(-(0.25 + 1) / (2 * 0.25)), 14);
  });
  it('integrate mode holds the Gaussian mass of each pixel (total = weight when the range covers it)', () => {
    const img = persistenceImage(D([[2, 5]]), {
      sigma: 0.2,
      resolution: [40, 40],
      birthRange: [0, 4],
      persistenceRange: [1, 5],
    });
    const total = img.values.reduce((s, x) => s + x, 0);
    expect(total).toBeCloseTo(3, 10); // weight = persistence 3, mass ~ 1
    // one pixel by hand: birth cell [2, 2.1], persistence cell [3, 3.1]
    const expected = 3 * normalMass(0, 0.5) * normalMass(0, 0.5);
    expect(img.values[20 * 40 + 20]).toBeCloseTo(expected, 14);
  });
  it('the normal distribution helper is accurate', () => {
    expect(erfc(0)).toBe(1);
    expect(erfc(1)).toBeCloseTo(0.15729920705028513, 15);
    expect(erfc(3)).toBeCloseTo(2.209049699858544e-5, 18);
    expect(erfc(-1)).toBeCloseTo(1.8427007929497148, 15);
    expect(normalMass(-1.959963984540054, 1.959963984540054)).toBeCloseTo(0.95, 14);
  });
});

describe('heat kernel (Reininghaus et al.)', () => {
  it('matches the closed form for one point', () => {
    const f = D([[0, 1]]);
    const sigma = 0.5;
    // |p - pbar|^2 = 2
    const k = (1 - Math.exp(-2 / (8 * sigma))) / (8 * Math.PI * sigma);
    expect(heatKernel(f, f, { sigma })).toBeCloseTo(k, 15);
    expect(heatKernelDistance(f, f, { sigma })).toBe(0);
    expect(heatKernelDistance(f, D([]), { sigma })).toBeCloseTo(Math.sqrt(k), 15);
  });
  it('is symmetric and positive on distinct diagrams', () => {
    const a = uniformDiagram(8, 1);
    const b = uniformDiagram(9, 2);
    expect(heatKernel(a, b)).toBeCloseTo(heatKernel(b, a), 15);
    expect(heatKernelDistance(a, b)).toBeGreaterThan(0);
  });
});

describe('amplitudes and vector distances', () => {
  const d = D([
    [0, 2],
    [0, 4],
  ]);
  it('amplitudes are distances to the empty diagram', () => {
    expect(amplitude(d, { metric: 'bottleneck' })).toBe(2);
    expect(amplitude(d, { metric: 'wasserstein', p: 2 })).toBeCloseTo(Math.sqrt(5), 15);
    expect(amplitude(d, { metric: 'wasserstein', p: 1, q: 1 })).toBe(6);
    expect(amplitude(d, { metric: 'landscape', p: Infinity, grid: { values: [0, 1, 2, 3] } })).toBe(
      2,
    );
    expect(amplitude(d, { metric: 'heat', sigma: 0.5 })).toBeCloseTo(
      heatKernelDistance(d, D([]), { sigma: 0.5 }),
      15,
    );
    // Betti curve [2, 2, 1, 1, 0] on 0..4 with trapezoid weights, p = 1
    expect(amplitude(d, { metric: 'betti', p: 1, grid: { min: 0, max: 4, steps: 5 } })).toBe(5);
    expect(amplitude(diagram(0, [[0, Infinity]]), { metric: 'bottleneck' })).toBe(0);
  });
  it('vector distances vanish on equal diagrams and use a shared grid', () => {
    const a = uniformDiagram(12, 5);
    const b = uniformDiagram(10, 6);
    for (const f of [
      landscapeDistance,
      bettiCurveDistance,
      silhouetteDistance,
      persistenceImageDistance,
    ]) {
      expect(f(a, a)).toBe(0);
      expect(f(a, b)).toBeGreaterThan(0);
      expect(f(a, b)).toBeCloseTo(f(b, a), 14);
    }
    // {(0,1)} vs empty: Betti curve 1 on [0, 1), L1 with trapezoid weights on 0, .5, ..., 2
    expect(
      bettiCurveDistance(D([[0, 1]]), D([]), { p: 1, grid: { min: 0, max: 2, steps: 5 } }),
    ).toBe(0.75);
  });
});

describe('diagramSummary', () => {
  it('lists counts, lifespan sums, mean, entropy and max persistence per dimension', () => {
    const rows = diagramSummary([H0, D([])]);
    expect(rows[0]).toEqual({
      dimension: 0,
      finite: 2,
      infinite: 1,
      lifespanSum: 2.5,
      meanLifespan: 2.5 / 3,
      entropy: persistenceEntropy(H0),
      maxPersistence: 1.5,
    });
    expect(rows[1]).toEqual({
      dimension: 1,
      finite: 0,
      infinite: 0,
      lifespanSum: 0,
      meanLifespan: 0,
      entropy: 0,
      maxPersistence: 0,
    });
  });
});

describe('agreement with gudhi.representations', () => {
  it('Landscape (x sqrt 2), Silhouette (x sqrt 2), BettiCurve, Entropy, PersistenceImage (sample mode)', (ctx) => {
    requireTool(ctx, 'gudhi');
    const ds = [uniformDiagram(25, 31), nearDiagonalDiagram(40, 32), uniformDiagram(3, 33)];
    const out = gudhiBatch<number[][]>(
      ds.map((d) => ({ a: toPairs(d) })),
      `from gudhi.representations import Landscape, Silhouette, BettiCurve, Entropy, PersistenceImage
out = [Landscape(num_landscapes=4, resolution=50, sample_range=[0., 2.])(a).tolist(),
       Silhouette(weight=lambda x: x[1] - x[0], resolution=50, sample_range=[0., 2.])(a).tolist(),
       BettiCurve(predefined_grid=np.linspace(0., 2., 50))(a).tolist(),
       Entropy(mode='scalar')(a).tolist(),
       PersistenceImage(bandwidth=0.15, weight=lambda x: x[1], resolution=[12, 9], im_range=[0., 1., 0., 1.])(a).tolist()]`,
    );
    const grid = { min: 0, max: 2, steps: 50 };
    ds.forEach((d, k) => {
      const [land, sil, betti, ent, img] = out[k];
      const l = persistenceLandscape(d, { layers: 4, grid });
      l.values.forEach((x, i) => expect(x * Math.SQRT2).toBeCloseTo(land[i], 12));
      const s = persistenceSilhouette(d, { grid, power: 1 });
      s.values.forEach((x, i) => expect(x * Math.SQRT2).toBeCloseTo(sil[i], 12));
      expect(Array.from(bettiCurve(d, { grid }).values)).toEqual(betti);
      expect(persistenceEntropy(d)).toBeCloseTo(ent[0], 12);
      const im = persistenceImage(d, {
        pixels: 'sample',
        sigma: 0.15,
        resolution: [12, 9],
        birthRange: [0, 1],
        persistenceRange: [0, 1],
      });
      im.values.forEach((x, i) => expect(x).toBeCloseTo(img[i], 10));
    });
  });
});
