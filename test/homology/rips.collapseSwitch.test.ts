/**
 * The switch of `collapse: 'auto'` (docs/edge-collapse.md, "Cost model"): where the cost model
 * declines the collapse, a column of dimension 1 that needs more than `collapseSwitch`
 * coboundary additions starts the computation again on the collapsed edges. The diagrams must
 * not change; the switch shows in the collapse stats. The default (CHAIN_GUARD) is measured in
 * docs/bench-ph.md; here a small limit makes small clouds switch.
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import type { Matrix } from '../../src/core/matrix.js';
import { CHAIN_GUARD, ripsPersistence, type RipsResult } from '../../src/homology/rips.js';
import { readCloud } from './ripsHelpers.js';

/** The first `n` points of a fixture cloud. */
function head(name: string, n: number): Matrix<Float64Array> {
  const c = readCloud(name);
  return { data: c.data.slice(0, n * c.cols), rows: n, cols: c.cols };
}

function bars(r: RipsResult): number[][][] {
  return r.diagrams.map((d) =>
    Array.from(d.births, (b, i) => [b, d.deaths[i]]).sort((p, q) => p[0] - q[0] || p[1] - q[1]),
  );
}

describe("collapse: 'auto' switches to the collapse on long reduction chains", () => {
  it('gives the diagrams of no collapse, with the switch and its reason in the stats', () => {
    const cloud = head('torus4.txt', 300);
    const plain = ripsPersistence(cloud, { maxDimension: 1, threshold: 2, collapse: false });
    expect(plain.diagrams[1].births.length).toBeGreaterThan(0);
    const switched = ripsPersistence(cloud, { maxDimension: 1, threshold: 2, collapseSwitch: 0 });
    expect(switched.stats.collapse.applied).toBe(true);
    expect(switched.stats.collapse.switched).toBe(true);
    expect(switched.stats.collapse.reason).toMatch(
      /^switched on: column \d+ of dimension 1 needed over 0 coboundary additions .*first declined: /,
    );
    expect(switched.stats.collapse.keptEdges).toBeLessThanOrEqual(
      switched.stats.collapse.inputEdges!,
    );
    expect(bars(switched)).toEqual(bars(plain));
    // never switching leaves the declined run as it was
    const never = ripsPersistence(cloud, {
      maxDimension: 1,
      threshold: 2,
      collapseSwitch: Infinity,
    });
    expect(never.stats.collapse.applied).toBe(false);
    expect(never.stats.collapse.switched).toBeUndefined();
    expect(never.stats).toEqual({ ...plain.stats, collapse: never.stats.collapse });
    expect(bars(never)).toEqual(bars(plain));
  });

  it('gives the same diagrams as no collapse on random clouds, in dimensions 1 and 2, Z/2 and Z/3', () => {
    const rng = createRng(20261204);
    let switches = 0;
    for (let t = 0; t < 6; t++) {
      const n = 30 + Math.floor(rng.next() * 50);
      const d = 2 + (t % 3);
      const data = Float64Array.from({ length: n * d }, () => rng.next());
      const cloud = { data, rows: n, cols: d };
      const options = { maxDimension: 1 + (t % 2), coefficient: t % 4 < 2 ? 2 : 3 };
      const plain = ripsPersistence(cloud, { ...options, collapse: false });
      const switched = ripsPersistence(cloud, { ...options, collapseSwitch: 0 });
      expect(bars(switched)).toEqual(bars(plain));
      if (switched.stats.collapse.switched) {
        switches++;
        expect(switched.stats.collapse.applied).toBe(true);
      }
    }
    // most of them switched (a cloud whose columns all close without an addition does not)
    expect(switches).toBeGreaterThanOrEqual(4);
  });

  it('does not switch where the collapse cannot apply: cocycles asked for, or collapse off', () => {
    const cloud = head('torus4.txt', 200);
    const withCocycles = ripsPersistence(cloud, {
      maxDimension: 1,
      threshold: 2,
      cocycles: true,
      collapseSwitch: 0,
    });
    expect(withCocycles.stats.collapse.applied).toBe(false);
    expect(withCocycles.diagrams[1].cocycles?.length).toBe(withCocycles.diagrams[1].births.length);
    const off = ripsPersistence(cloud, { maxDimension: 1, threshold: 2, collapse: false });
    expect(off.stats.collapse.switched).toBeUndefined();
  });

  it('refuses a limit that is not a number >= 0, and keeps the default it documents', () => {
    const cloud = head('torus4.txt', 20);
    for (const bad of [-1, Number.NaN])
      expect(() => ripsPersistence(cloud, { maxDimension: 1, collapseSwitch: bad })).toThrow(
        /collapseSwitch must be a number >= 0/,
      );
    expect(CHAIN_GUARD).toBe(4000);
  });
});
