import { describe, expect, it } from 'vitest';
import {
  classSeparation,
  coordinateLens,
  mapper,
  mapperStability,
  membershipSimilarity,
  valuesLens,
  type MapperGraph,
} from '../../src/mapper/index.js';
import { fromRows } from '../../src/core/matrix.js';
import { blobsWithNoise } from './helpers.js';
import { circle, degrees, separatingClasses, twoSquares, yShape } from './shapes.js';

describe('mapper on clouds of known shape', () => {
  it('a circle gives a cycle graph', () => {
    const cloud = circle(400, 1);
    // eps = 5 point spacings (2 pi / 400 each), fixed so that this test checks the pipeline
    // (cover, clusters, nerve) alone; the default eps is tested in chooseEps.test.ts
    const g = mapper(cloud, {
      lens: coordinateLens(cloud, 0),
      intervals: 8,
      overlap: 0.3,
      eps: 0.08,
    });
    expect(g.summary.components).toBe(1);
    expect(g.nodes.length).toBeGreaterThanOrEqual(8);
    expect(g.edges.length).toBe(g.nodes.length);
    expect(degrees(g.nodes.length, g.edges).every((x) => x === 2)).toBe(true);
    expect(g.summary.pointsInNoNode).toBe(0);
  });

  it('two separated blobs give two components', () => {
    const cloud = twoSquares(15, 2);
    const g = mapper(cloud, { lens: coordinateLens(cloud, 1), intervals: 5, overlap: 0.4 });
    expect(g.summary.components).toBe(2);
    // each component holds exactly one square
    for (const node of g.nodes) {
      const left = node.members.filter((i) => cloud.data[2 * i] < 2).length;
      expect(left === 0 || left === node.size).toBe(true);
    }
  });

  it('a "Y" gives a tree with one branching node of degree 3', () => {
    const cloud = yShape(0.02);
    const g = mapper(cloud, { lens: coordinateLens(cloud, 1), intervals: 8, overlap: 0.4 });
    const deg = degrees(g.nodes.length, g.edges);
    expect(g.summary.components).toBe(1);
    expect(g.edges.length).toBe(g.nodes.length - 1);
    expect(deg.filter((x) => x === 3)).toHaveLength(1);
    expect(deg.filter((x) => x === 1)).toHaveLength(3);
    expect(Math.max(...deg)).toBe(3);
  });

  it('two classes that separate at a known lens value give that value', () => {
    const { cloud, labels } = separatingClasses(0.5);
    const lens = coordinateLens(cloud, 0);
    const g = mapper(cloud, { lens, labels, intervals: 6, overlap: 0.5, eps: 0.05 });
    const sep = classSeparation(g, lens, labels, 0, 1);
    // the last class-1 point on the shared line is x = 0.495
    expect(sep.sharedUntil).toBeCloseTo(0.495, 12);
    expect(sep.sharedFrom).toBeCloseTo(0.005, 12);
    expect(g.summary.purity).toBeGreaterThan(0.5);
    expect(g.summary.purity).toBeLessThan(1);
    // the other split point moves the answer with it
    const other = separatingClasses(0.3);
    const g2 = mapper(other.cloud, {
      lens: coordinateLens(other.cloud, 0),
      labels: other.labels,
      intervals: 6,
      eps: 0.05,
    });
    expect(
      classSeparation(g2, coordinateLens(other.cloud, 0), other.labels, 0, 1).sharedUntil,
    ).toBeCloseTo(0.295, 12);
  });

  it('single linkage with the gap rule finds the two squares too', () => {
    const cloud = twoSquares(10, 3);
    const g = mapper(cloud, {
      lens: coordinateLens(cloud, 1),
      intervals: 3,
      overlap: 0.4,
      clusterer: 'single-linkage',
    });
    expect(g.summary.components).toBe(2);
    expect(g.clusterer.name).toBe('single-linkage');
  });

  it('accepts any clusterer function', () => {
    const cloud = twoSquares(8, 4);
    // cluster by the side of x = 2.5
    const g = mapper(cloud, {
      lens: coordinateLens(cloud, 1),
      intervals: 3,
      clusterer: (points, indices) =>
        Int32Array.from(indices, (i) => (points.data[i * 2] < 2.5 ? 0 : 7)),
    });
    expect(g.summary.components).toBe(2);
    expect(g.nodes).toHaveLength(6);
    expect(g.clusterer.name).toBe('custom');
  });
});

describe('node data and nerve', () => {
  it('records members, sizes, mean lens, class counts, columns and edge weights', () => {
    const cloud = fromRows([[0], [1], [2], [3], [4], [5]]);
    const lens = valuesLens([0, 1, 2, 3, 4, 5], 6);
    const labels = [0, 0, 1, 1, 1, 2];
    const g = mapper(cloud, {
      lens,
      labels,
      columns: { double: [0, 2, 4, 6, 8, 10] },
      intervals: 2,
      overlap: 0.5,
      clusterer: (_p, idx) => new Int32Array(idx.length),
    });
    // range 5, centres linspace(1.25, 3.75, 2), r = 2.5: [-1.25, 3.75], [1.25, 6.25]
    expect(g.nodes.map((n) => n.members)).toEqual([
      [0, 1, 2, 3],
      [2, 3, 4, 5],
    ]);
    expect(g.nodes[0].meanLens[0]).toBeCloseTo(1.5, 12);
    expect(g.nodes[1].classCounts).toEqual({ '1': 3, '2': 1 });
    expect(g.nodes[1].purity).toBeCloseTo(0.75, 12);
    expect(g.nodes[0].columns).toEqual({ double: 3 });
    expect(g.edges).toEqual([{ source: 0, target: 1, weight: 2 }]);
    expect(g.summary.purity).toBeCloseTo(0.5 * 0.5 + 0.5 * 0.75, 12);
  });

  it('builds triangles up to maxSimplexDimension and respects minIntersection', () => {
    const values = Array.from({ length: 10 }, (_, i) => i);
    const cloud = fromRows(values.map((v) => [v]));
    // range 9, centres 1.5, 4.5, 7.5, r = 9 / (6 * 0.4) = 3.75:
    // {0..5}, {1..8}, {4..9}; pairwise overlaps 5, 2, 5; triple overlap {4, 5}
    const base = {
      lens: valuesLens(values, 10),
      intervals: 3,
      overlap: 0.6,
      clusterer: (_p: unknown, idx: Int32Array) => new Int32Array(idx.length),
    };
    const g = mapper(cloud, { ...base, maxSimplexDimension: 2 });
    expect(g.nodes.map((n) => n.size)).toEqual([6, 8, 6]);
    expect(g.edges).toEqual([
      { source: 0, target: 1, weight: 5 },
      { source: 0, target: 2, weight: 2 },
      { source: 1, target: 2, weight: 5 },
    ]);
    expect(g.simplices).toEqual([[0, 1, 2]]);
    expect(mapper(cloud, base).simplices).toEqual([]);
    const heavy = mapper(cloud, { ...base, maxSimplexDimension: 2, minIntersection: 3 });
    expect(heavy.edges.map((e) => [e.source, e.target])).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(heavy.simplices).toEqual([]);
  });
});

describe('determinism', () => {
  it('two runs give identical JSON, layout included', () => {
    const cloud = blobsWithNoise(600, 20, 5);
    const labels = Array.from({ length: 600 }, (_, i) => i % 3);
    const a = JSON.stringify(mapper(cloud, { labels, seed: 3 }));
    const b = JSON.stringify(mapper(cloud, { labels, seed: 3 }));
    expect(a).toBe(b);
    const g = JSON.parse(a) as MapperGraph;
    expect(g.nodes.length).toBeGreaterThan(3);
    expect(g.nodes.every((n) => Math.abs(n.x) <= 1 && Math.abs(n.y) <= 1)).toBe(true);
    // the layout really depends on the seed
    const c = mapper(cloud, { labels, seed: 4 });
    expect(c.nodes.map((n) => n.x)).not.toEqual(g.nodes.map((n) => n.x));
  });
});

describe('stability', () => {
  it('scores identical graphs 1 and a hand case exactly', () => {
    const a = { points: 4, nodes: [{ members: [0, 1] }, { members: [2, 3] }] };
    const b = { points: 4, nodes: [{ members: [0, 1, 2, 3] }] };
    // <C_A, C_B> = 8, ||C_A|| = sqrt(8), ||C_B|| = 4
    expect(membershipSimilarity(a as never, b as never)).toBeCloseTo(8 / (Math.sqrt(8) * 4), 12);
    expect(membershipSimilarity(a as never, a as never)).toBeCloseTo(1, 12);
  });

  it('is high for a clean circle and lower for a noisy cloud', () => {
    const cloud = circle(300, 2);
    const s = mapperStability(cloud, {
      lens: coordinateLens(cloud, 0),
      intervals: 8,
      overlap: 0.3,
    });
    expect(s.neighbours).toHaveLength(4);
    expect(s.score).toBeGreaterThan(0.5);
    expect(s.score).toBeLessThanOrEqual(1 + 1e-12);
    for (const nb of s.neighbours) expect(nb.similarity).toBeLessThan(1);
  });
});

describe('bad input', () => {
  const cloud = blobsWithNoise(50, 3, 1);
  it('labels of the wrong length', () => {
    expect(() => mapper(cloud, { labels: [1, 2, 3] })).toThrow(/got 3 labels for 50 points/);
  });
  it('overlap outside [0, 1) and intervals < 1', () => {
    expect(() => mapper(cloud, { overlap: 1 })).toThrow(/overlap must lie in \[0, 1\)/);
    expect(() => mapper(cloud, { overlap: -0.2 })).toThrow(/overlap/);
    expect(() => mapper(cloud, { intervals: 0 })).toThrow(/intervals must be an integer >= 1/);
  });
  it('a constant lens gives one cover element holding every point', () => {
    const g = mapper(cloud, { lens: valuesLens(new Array(50).fill(1), 50), eps: 100 });
    expect(g.cover.axes[0]).toEqual([[1, 1]]);
    expect(g.nodes).toHaveLength(1);
    expect(g.nodes[0].size).toBe(50);
  });
  it('lens of the wrong length, NaN in the cloud, unknown clusterer', () => {
    expect(() =>
      mapper(cloud, { lens: { values: new Float64Array(3), dims: 1, name: 'x' } }),
    ).toThrow(/lens: 3 values for 50 points/);
    const bad = fromRows([
      [0, 1],
      [NaN, 2],
    ]);
    expect(() => mapper(bad)).toThrow(/NaN in row 1, column 0/);
    expect(() => mapper(cloud, { clusterer: 'kmeans' as never })).toThrow(/unknown clusterer/);
    expect(() => mapper(cloud, { clusterer: () => new Int32Array(1) })).toThrow(
      /returned 1 labels/,
    );
  });
});
