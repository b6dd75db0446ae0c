import { describe, expect, it } from 'vitest';
import {
  balancedIntervals,
  buildCover,
  uniformIntervals,
  valuesLens,
} from '../../src/mapper/index.js';

describe('uniformIntervals (KeplerMapper formulas)', () => {
  it('matches hand-computed intervals for n = 4, p = 0.5 on [0, 10]', () => {
    // range 10, centres linspace(1.25, 8.75, 4), r = 10 / (2 * 4 * 0.5) = 2.5
    const ivs = uniformIntervals(0, 10, 4, 0.5);
    const expected = [
      [-1.25, 3.75],
      [1.25, 6.25],
      [3.75, 8.75],
      [6.25, 11.25],
    ];
    ivs.forEach((iv, k) => {
      expect(iv.lower).toBeCloseTo(expected[k][0], 12);
      expect(iv.upper).toBeCloseTo(expected[k][1], 12);
    });
  });

  it('matches hand-computed intervals for n = 3, p = 0.25 on [2, 5]', () => {
    // range 3, centres linspace(2.5, 4.5, 3) = 2.5, 3.5, 4.5, r = 3 / (6 * 0.75) = 2/3
    const ivs = uniformIntervals(2, 5, 3, 0.25);
    const c = [2.5, 3.5, 4.5];
    ivs.forEach((iv, k) => {
      expect(iv.lower).toBeCloseTo(Math.min(c[k] - 2 / 3, k === 0 ? 2 : Infinity), 12);
      expect(iv.upper).toBeCloseTo(c[k] + 2 / 3, 12);
    });
  });

  it('with p = 0 tiles the range exactly and keeps the extremes', () => {
    const ivs = uniformIntervals(0, 1, 5, 0);
    expect(ivs[0].lower).toBe(0);
    expect(ivs[4].upper).toBe(1);
    for (let k = 0; k + 1 < 5; k++) expect(ivs[k].upper).toBeCloseTo(ivs[k + 1].lower, 12);
  });

  it('rejects overlap outside [0, 1) and intervals < 1 with clear messages', () => {
    expect(() => uniformIntervals(0, 1, 10, 1)).toThrow(/overlap must lie in \[0, 1\), got 1/);
    expect(() => uniformIntervals(0, 1, 10, -0.1)).toThrow(/overlap must lie in \[0, 1\)/);
    expect(() => uniformIntervals(0, 1, 0, 0.5)).toThrow(
      /intervals must be an integer >= 1, got 0/,
    );
    expect(() => uniformIntervals(0, 1, 2.5, 0.5)).toThrow(/integer >= 1/);
  });
});

describe('buildCover', () => {
  it('puts every point in the closed intervals that contain its lens value', () => {
    const values = [0, 1.25, 2, 3.75, 5, 6.25, 8.75, 10];
    const cover = buildCover(valuesLens(values, values.length), { intervals: 4, overlap: 0.5 });
    const members = cover.elements.map((e) => Array.from(e.members));
    // [-1.25,3.75], [1.25,6.25], [3.75,8.75], [6.25,11.25]; boundaries are closed
    expect(members).toEqual([
      [0, 1, 2, 3],
      [1, 2, 3, 4, 5],
      [3, 4, 5, 6],
      [5, 6, 7],
    ]);
  });

  it('gives ONE interval containing everything for a constant lens', () => {
    const cover = buildCover(valuesLens([3, 3, 3, 3], 4), { intervals: 10, overlap: 0.5 });
    expect(cover.elements).toHaveLength(1);
    expect(Array.from(cover.elements[0].members)).toEqual([0, 1, 2, 3]);
    expect(cover.elements[0].lower).toEqual([3]);
    expect(cover.elements[0].upper).toEqual([3]);
  });

  it('still rejects bad parameters for a constant lens', () => {
    expect(() => buildCover(valuesLens([3, 3], 2), { intervals: 0 })).toThrow(/intervals/);
    expect(() => buildCover(valuesLens([3, 3], 2), { overlap: 1.2 })).toThrow(/overlap/);
  });

  it('builds a 2-D cover as the product of two 1-D covers', () => {
    const pts = [0, 0, 1, 0, 0, 1, 1, 1, 0.5, 0.5];
    const cover = buildCover(valuesLens(pts, 5, 2), { intervals: [2, 3], overlap: 0.2 });
    expect(cover.elements).toHaveLength(6);
    for (const e of cover.elements) {
      for (let i = 0; i < 5; i++) {
        const inside =
          pts[2 * i] >= e.lower[0] &&
          pts[2 * i] <= e.upper[0] &&
          pts[2 * i + 1] >= e.lower[1] &&
          pts[2 * i + 1] <= e.upper[1];
        expect(Array.from(e.members).includes(i)).toBe(inside);
      }
    }
    expect(cover.elements[5].grid).toEqual([1, 2]);
  });

  it('balanced intervals hold (about) equal counts on skewed data', () => {
    const values = Array.from({ length: 1000 }, (_, i) => Math.exp(i / 100));
    const ivs = balancedIntervals(values, 5, 0);
    const counts = ivs.map(
      ({ lower, upper }) => values.filter((v) => v >= lower && v <= upper).length,
    );
    for (const c of counts) expect(Math.abs(c - 200)).toBeLessThanOrEqual(2);
    const cover = buildCover(valuesLens(values, 1000), {
      intervals: 5,
      overlap: 0.5,
      kind: 'balanced',
    });
    const sizes = cover.elements.map((e) => e.members.length);
    // uniform on ranks 0..999 with p = 0.5: inner elements hold ~400 points
    for (const s of sizes.slice(1, -1)) expect(Math.abs(s - 400)).toBeLessThanOrEqual(3);
  });
});
