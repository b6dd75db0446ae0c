import { describe, expect, it } from 'vitest';
import { dbscan } from '../../src/mapper/index.js';
import { buildNeighbourIndex, kthNeighbourDistance } from '../../src/mapper/neighbourIndex.js';
import { createRng, sampleWithoutReplacement } from '../../src/core/rng.js';
import { requireTool, runPython } from '../helpers/oracles.js';
import { blobsWithNoise, naiveDbscan, naiveKth, samePartition } from './helpers.js';

describe('dbscan against a brute-force reference', () => {
  const cases = [
    { n: 300, d: 2, seed: 1, eps: 0.9, minPoints: 5, groups: undefined },
    { n: 400, d: 3, seed: 2, eps: 1.2, minPoints: 5, groups: 12 },
    { n: 350, d: 40, seed: 3, eps: 9.0, minPoints: 5, groups: undefined },
    { n: 300, d: 8, seed: 4, eps: 3.0, minPoints: 10, groups: 30 },
    { n: 200, d: 5, seed: 5, eps: 2.0, minPoints: 1, groups: 4 },
    { n: 250, d: 16, seed: 6, eps: 4.0, minPoints: 3, groups: 1 },
  ];
  for (const c of cases) {
    it(`identical core/border/noise and clusters (n=${c.n}, d=${c.d}, eps=${c.eps}, minPoints=${c.minPoints})`, () => {
      const cloud = blobsWithNoise(c.n, c.d, c.seed);
      // a subset in shuffled order, as a cover element would give
      const indices = sampleWithoutReplacement(c.n, Math.floor(c.n * 0.8), createRng(c.seed + 100));
      const ours = dbscan(cloud, indices, { eps: c.eps, minPoints: c.minPoints, groups: c.groups });
      const ref = naiveDbscan(cloud, indices, c.eps, c.minPoints);
      expect(Array.from(ours.core)).toEqual(Array.from(ref.core));
      // numbering by first core point in indices order is part of the contract
      expect(Array.from(ours.labels)).toEqual(Array.from(ref.labels));
      const kinds = { core: 0, border: 0, noise: 0 };
      ours.labels.forEach((l, i) => {
        if (ours.core[i]) kinds.core++;
        else if (l >= 0) kinds.border++;
        else kinds.noise++;
      });
      if (c.minPoints > 1) {
        // the case is meaningful: all three kinds occur
        expect(kinds.core).toBeGreaterThan(0);
        expect(kinds.border).toBeGreaterThan(0);
        expect(kinds.noise).toBeGreaterThan(0);
      }
      expect(ours.noise).toBe(kinds.noise);
    });
  }

  it('evaluates fewer pairs than brute force on clustered data', () => {
    const cloud = blobsWithNoise(2000, 10, 9);
    const indices = Int32Array.from({ length: 2000 }, (_, i) => i);
    const r = dbscan(cloud, indices, { eps: 2.5, minPoints: 5 });
    expect(r.distanceEvaluations).toBeLessThan((2000 * 1999) / 2 / 4);
  });

  it('rejects bad eps and minPoints', () => {
    const cloud = blobsWithNoise(20, 2, 1);
    const idx = Int32Array.from({ length: 20 }, (_, i) => i);
    expect(() => dbscan(cloud, idx, { eps: -1 })).toThrow(/eps must be/);
    expect(() => dbscan(cloud, idx, { eps: 1, minPoints: 0 })).toThrow(/minPoints/);
  });
});

describe('kthNeighbourDistance', () => {
  it('matches brute force on random clouds', () => {
    for (const [n, d, groups] of [
      [300, 3, 10],
      [200, 30, undefined],
      [150, 6, 1],
    ] as const) {
      const cloud = blobsWithNoise(n, d, n + d);
      const indices = Int32Array.from({ length: n }, (_, i) => i);
      const ix = buildNeighbourIndex(cloud, indices, { groups });
      const order = new Int32Array(ix.groups);
      for (const k of [1, 4, 9]) {
        const best = new Float64Array(k);
        for (let local = 0; local < n; local += 7) {
          const ours = kthNeighbourDistance(ix, ix.positionOf[local], k, order, best);
          expect(ours).toBeCloseTo(naiveKth(cloud, indices, local, k), 9);
        }
      }
    }
  });
});

describe('dbscan against scikit-learn', () => {
  it('same core points, noise and clusters as sklearn.cluster.DBSCAN', (ctx) => {
    requireTool(ctx, 'sklearn');
    for (const [n, d, eps, seed] of [
      [500, 5, 1.6, 11],
      [400, 64, 10, 12],
    ] as const) {
      const cloud = blobsWithNoise(n, d, seed);
      const indices = Int32Array.from({ length: n }, (_, i) => i);
      const ours = dbscan(cloud, indices, { eps, minPoints: 5 });
      const out = runPython(
        [
          'import sys, json, numpy as np',
          'from sklearn.cluster import DBSCAN',
          'a = json.load(sys.stdin)',
          'X = np.array(a["x"], dtype=np.float64).reshape(a["n"], a["d"])',
          'm = DBSCAN(eps=a["eps"], min_samples=5).fit(X)',
          'print(json.dumps({"labels": m.labels_.tolist(), "core": m.core_sample_indices_.tolist()}))',
        ].join('\n'),
        JSON.stringify({ x: Array.from(cloud.data), n, d, eps }),
      );
      const ref = JSON.parse(out) as { labels: number[]; core: number[] };
      const ourCore = Array.from(ours.core.keys()).filter((i) => ours.core[i]);
      expect(ourCore).toEqual(ref.core);
      // core points: identical partition
      const coreOurs = ourCore.map((i) => ours.labels[i]);
      const coreRef = ourCore.map((i) => ref.labels[i]);
      expect(samePartition(coreOurs, coreRef)).toBe(true);
      // noise: identical
      for (let i = 0; i < n; i++) expect(ours.labels[i] < 0).toBe(ref.labels[i] < 0);
      // border points: both assignments are clusters of a core point within eps
      const map = new Map<number, number>();
      ourCore.forEach((i) => map.set(ours.labels[i], ref.labels[i]));
      let borders = 0;
      for (let i = 0; i < n; i++) {
        if (ours.core[i] || ours.labels[i] < 0) continue;
        borders++;
        const reachable = new Set<number>();
        for (const j of ourCore) {
          let s = 0;
          for (let t = 0; t < d; t++) s += (cloud.data[i * d + t] - cloud.data[j * d + t]) ** 2;
          if (Math.sqrt(s) <= eps) reachable.add(ref.labels[j]);
        }
        expect(reachable.has(map.get(ours.labels[i])!)).toBe(true);
        expect(reachable.has(ref.labels[i])).toBe(true);
      }
      expect(borders).toBeGreaterThan(0);
    }
  });
});
