import { describe, expect, it } from 'vitest';
import { populationComparison, type Population } from '../../src/study/populationComparison.js';
import { holmAdjust } from '../../src/stats/holm.js';
import { gaussianCloud, network } from './helpers.js';

const pop = (name: string, shift: number, sd: number, seed: number, n = 40): Population => ({
  name,
  layers: network(name, [
    gaussianCloud(n, 3, shift, seed, sd),
    gaussianCloud(n, 5, shift, seed + 1, sd),
  ]).layers,
});

describe('populationComparison', () => {
  it('two identical populations give large p-values, shifted ones small', () => {
    const same = populationComparison([pop('a', 0, 1, 1), pop('b', 0, 1, 2)], {
      statistics: ['h0', 'energy'],
      permutations: 499,
    });
    for (const layer of same.layers) {
      for (const t of layer.tests) expect(t.pValue).toBeGreaterThan(0.1);
    }
    // a shift of location: the energy distance sees it
    const moved = populationComparison([pop('a', 0, 1, 1), pop('b', 1.5, 1, 2)], {
      statistics: ['energy'],
      permutations: 499,
    });
    for (const layer of moved.layers) {
      expect(layer.tests[0].pValue).toBeLessThan(0.01);
      expect(layer.tests[0].pValue).toBeGreaterThan(0); // (count + 1) / (B + 1)
    }
    // a wider population: its H0 lifespan sum is larger on the shared scale
    const wide = populationComparison([pop('a', 0, 1, 1), pop('b', 0, 2.5, 2)], {
      permutations: 499,
      alternative: 'less',
    });
    for (const layer of wide.layers) {
      const t = layer.tests[0];
      expect(t.valueA!).toBeLessThan(t.valueB!);
      expect(t.observed).toBeCloseTo(t.valueA! - t.valueB!, 12);
      expect(t.pValue).toBeLessThan(0.01);
      expect(t.pHolm).toBeCloseTo(Math.min(1, 2 * t.pValue), 12);
    }
    expect(wide.populations).toEqual(['a', 'b']);
    expect(JSON.parse(JSON.stringify(wide)).layers[1].tests[0].pValue).toBe(
      wide.layers[1].tests[0].pValue,
    );
  });

  it('is exact on small populations', () => {
    const r = populationComparison([pop('a', 0, 1, 1, 5), pop('b', 0, 1, 2, 5)], {
      statistics: ['energy'],
    });
    expect(r.layers[0].tests[0].exact).toBe(true);
    expect(r.layers[0].tests[0].permutations).toBe(252);
  });

  it('Holm adjustment by hand', () => {
    expect(holmAdjust([0.01, 0.04, 0.03])).toEqual([0.03, 0.06, 0.06]);
    expect(holmAdjust([0.5, NaN, 0.6])).toEqual([1, NaN, 1].map((v, i) => (i === 0 ? 1 : v)));
  });

  it('names mismatched populations', () => {
    const a = pop('a', 0, 1, 1);
    const b = { name: 'b', layers: a.layers.slice(0, 1) };
    expect(() => populationComparison([a, b])).toThrow(/2 and 1 layers/);
    expect(() =>
      populationComparison([a, pop('b', 0, 1, 2)], { statistics: ['h7' as never] }),
    ).toThrow(/unknown descriptor/);
  });
});
