import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildCover, dbscan, valuesLens } from '../../src/mapper/index.js';
import { naiveDbscan } from './helpers.js';

describe('properties', () => {
  it('every point lies in at least one cover element, and only in elements containing its value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0, max: 0.95, noNaN: true }),
        fc.constantFrom('uniform' as const, 'balanced' as const),
        (values, n, p, kind) => {
          const cover = buildCover(valuesLens(values, values.length), {
            intervals: n,
            overlap: p,
            kind,
          });
          const seen = new Uint8Array(values.length);
          for (const e of cover.elements) {
            for (const i of e.members) {
              seen[i] = 1;
              expect(values[i] >= e.lower[0] && values[i] <= e.upper[0]).toBe(true);
            }
          }
          expect(seen.every((s) => s === 1)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('dbscan equals the brute-force reference on small random clouds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 2, max: 50 }),
        fc.integer({ min: 1, max: 6 }),
        fc.double({ min: 0.05, max: 1.5, noNaN: true }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 1000 }),
        (d, n, minPoints, eps, groups, seed) => {
          // points on a coarse grid so that exact ties at eps also occur
          const data = new Float64Array(n * d);
          let s = seed + 1;
          for (let k = 0; k < data.length; k++) {
            s = (s * 1103515245 + 12345) % 2147483648;
            data[k] = Math.floor((s / 2147483648) * 8) / 4;
          }
          const cloud = { data, rows: n, cols: d };
          const indices = Int32Array.from({ length: n }, (_, i) => i);
          const ours = dbscan(cloud, indices, { eps, minPoints, groups });
          const ref = naiveDbscan(cloud, indices, eps, minPoints);
          expect(Array.from(ours.core)).toEqual(Array.from(ref.core));
          expect(Array.from(ours.labels)).toEqual(Array.from(ref.labels));
        },
      ),
      { numRuns: 300 },
    );
  });
});
