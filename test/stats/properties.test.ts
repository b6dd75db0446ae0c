import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { holmAdjust, leaveOneOutLinear, permutationTest } from '../../src/stats/index.js';

const value = fc.double({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true });

describe('statistics properties', () => {
  it('Holm-adjusted p-values are at least the raw ones, at most 1, in the same order', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }), (p) => {
        const a = holmAdjust(p);
        p.forEach((v, i) => {
          expect(a[i]).toBeGreaterThanOrEqual(v);
          expect(a[i]).toBeLessThanOrEqual(1);
          p.forEach((w, j) => {
            if (v < w) expect(a[i]).toBeLessThanOrEqual(a[j]);
          });
        });
      }),
      { numRuns: 100 },
    );
  });

  it('the exact two-sided test of a difference of means is symmetric in its samples', () => {
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 5 }),
        fc.array(value, { minLength: 1, maxLength: 5 }),
        (x, y) => {
          const a = permutationTest(x, y);
          const b = permutationTest(y, x);
          expect(a.exact).toBe(true);
          expect(a.pValue).toBeGreaterThan(0);
          expect(a.pValue).toBeLessThanOrEqual(1);
          expect(b.pValue).toBeCloseTo(a.pValue, 12);
          // 'less' and 'greater' cover every split between them
          const less = permutationTest(x, y, { alternative: 'less' }).pValue;
          const greater = permutationTest(x, y, { alternative: 'greater' }).pValue;
          expect(less + greater).toBeGreaterThanOrEqual(1 - 1e-12);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('leave-one-out predictions follow an affine change of the response', () => {
    fc.assert(
      fc.property(
        // integer predictors: a near-constant real x makes any least-squares slope ill-posed
        fc.array(fc.tuple(fc.integer({ min: -50, max: 50 }), value), {
          minLength: 3,
          maxLength: 12,
        }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        (pairs, a, b) => {
          const x = pairs.map((p) => p[0]);
          const y = pairs.map((p) => p[1]);
          const r = leaveOneOutLinear(x, y);
          const s = leaveOneOutLinear(
            x,
            y.map((v) => a * v + b),
          );
          r.predictions.forEach((p, i) =>
            expect(Math.abs(s.predictions[i] - (a * p + b))).toBeLessThan(
              1e-6 * (1 + Math.abs(a * p + b)),
            ),
          );
        },
      ),
      { numRuns: 100 },
    );
  });
});
