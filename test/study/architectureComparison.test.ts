import { describe, expect, it } from 'vitest';
import { architectureComparison, interpolate } from '../../src/study/architectureComparison.js';
import { network, squashedCircle, uniformCube } from './helpers.js';

// A deep "network" (5 layers) and a shallow one (3 layers) along the same circle-to-segment
// path: on the common depth axis the shallow curve samples the deep one's shape.
const SQUASH = [1, 0.6, 0.3, 0.1, 0];
const deep = network(
  'deep',
  SQUASH.map((s, l) => squashedCircle(40, s, l === 0 ? 0 : Math.PI / 4)),
);
const shallow = network(
  'shallow',
  [1, 0.3, 0].map((s, l) => squashedCircle(40, s, l === 0 ? 0 : Math.PI / 4)),
);

describe('architectureComparison', () => {
  it('puts profiles of different depths on one axis', () => {
    const result = architectureComparison(
      [
        { architecture: 'deep', networks: deep },
        { architecture: 'shallow', networks: [shallow] },
      ],
      { descriptors: ['h1'], homologyScope: 'global', grid: 5 },
    );
    expect(result.grid).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    const [d, s] = result.descriptors[0].curves;
    expect(d.depths).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    expect(s.depths).toEqual([1 / 3, 2 / 3, 1]);
    // the deep curve sits on the grid; the shallow one is interpolated, null below 1/3
    expect(d.onGrid).toEqual(d.mean);
    expect(s.onGrid[0]).toBeNull();
    const at04 = s.mean[0] + ((0.4 - 1 / 3) / (1 / 3)) * (s.mean[1] - s.mean[0]);
    expect(s.onGrid[1]).toBeCloseTo(at04, 12);
    expect(s.onGrid[4]).toBe(0);
    // the same start and end: both peak at their first layer and end at 0
    expect(d.peakDepth).toBe(0.2);
    expect(s.peakDepth).toBeCloseTo(1 / 3, 15);
    expect(d.final).toBe(0);
    const gap = result.descriptors[0].gap;
    expect(gap[0][0]).toBe(0);
    expect(gap[0][1]).toBe(gap[1][0]);
    expect(gap[0][1]!).toBeGreaterThan(0);
    expect(result.profiles.map((p) => p.layers.length)).toEqual([5, 3]);
  });

  it('finds the hunchback of intrinsic dimension', () => {
    const hunch = network(
      'hunch',
      [1, 3, 2].map((dim, l) => uniformCube(400, dim, l)),
    );
    const r = architectureComparison([{ architecture: 'h', networks: hunch }], {
      descriptors: ['twoNN'],
    });
    expect(r.descriptors[0].curves[0].peakDepth).toBeCloseTo(2 / 3, 15);
  });

  it('interpolates linearly and refuses bad grids and names', () => {
    expect(interpolate([0.5, 1], [2, 4], 0.75)).toBe(3);
    expect(interpolate([0.5, 1], [2, 4], 0.25)).toBeNull();
    expect(() =>
      architectureComparison([{ architecture: 'a', networks: deep }], { grid: [0, 2] }),
    ).toThrow(/grid/);
    expect(() =>
      architectureComparison([
        { architecture: 'a', networks: deep },
        { architecture: 'a', networks: shallow },
      ]),
    ).toThrow(/distinct/);
  });
});
