import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lowerBound } from '../../src/core/sortedSearch.js';

describe('lowerBound', () => {
  it('finds the first position whose value is >= x, within [lo, hi)', () => {
    const a = Float64Array.from([1, 2, 2, 2, 5]);
    expect(lowerBound(a, 2)).toBe(1);
    expect(lowerBound(a, 0)).toBe(0);
    expect(lowerBound(a, 6)).toBe(5);
    expect(lowerBound(a, 2, 2, 4)).toBe(2);
    expect(lowerBound(a, 5, 0, 3)).toBe(3);
  });

  it('agrees with a linear scan on random sorted arrays and ranges', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 30 }),
        fc.integer({ min: -6, max: 6 }),
        fc.nat(),
        fc.nat(),
        (values, x, s, t) => {
          const a = Float64Array.from(values.sort((p, q) => p - q));
          const lo = a.length ? s % (a.length + 1) : 0;
          const hi = lo + (a.length - lo ? t % (a.length - lo + 1) : 0);
          let want = lo;
          while (want < hi && a[want] < x) want++;
          expect(lowerBound(a, x, lo, hi)).toBe(want);
        },
      ),
      { numRuns: 300, seed: 4 },
    );
  });
});
