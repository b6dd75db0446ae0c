import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { collapseEdges } from '../../src/homology/edgeCollapse.js';
import type { EdgeCollapseOptions } from '../../src/homology/edgeCollapse.js';
import { pairwiseDistances } from '../../src/linalg/distances.js';
import { createRng, permutation } from '../../src/core/rng.js';
import type { CondensedDistances, SparseDistances } from '../../src/core/distances.js';
import { condensedIndex, enclosingRadius } from '../../src/core/distances.js';
import { TopolensError } from '../../src/core/errors.js';
import { requireTool } from '../helpers/oracles.js';
import { ripserLowerDistance, ripserSparse } from './ripserOracle.js';
import { edgeStrings, naiveCollapse } from './naiveCollapse.js';
import type { NaiveEdge } from './naiveCollapse.js';

/** Gaussian cloud of n points in R^dim, distances in the given precision. */
function randomDistances(
  seed: number,
  n: number,
  dim: number,
  precision: 'float32' | 'float64',
): CondensedDistances {
  const rng = createRng(seed);
  const data = new Float64Array(n * dim);
  for (let k = 0; k < data.length; k++) data[k] = rng.normal();
  return pairwiseDistances({ data, rows: n, cols: dim }, { precision });
}

/** Edges of condensed distances below the threshold, in condensed (row) order. */
function condensedEdges(d: CondensedDistances, threshold: number): NaiveEdge[] {
  const edges: NaiveEdge[] = [];
  for (let i = 1; i < d.n; i++) {
    for (let j = 0; j < i; j++) {
      const value = d.data[condensedIndex(i, j)];
      if (value <= threshold) edges.push({ i, j, value });
    }
  }
  return edges;
}

function sparse(n: number, edges: [number, number, number][]): SparseDistances {
  return {
    n,
    i: Int32Array.from(edges.map((e) => Math.max(e[0], e[1]))),
    j: Int32Array.from(edges.map((e) => Math.min(e[0], e[1]))),
    values: Float64Array.from(edges.map((e) => e[2])),
  };
}

const lookups: EdgeCollapseOptions['lookup'][] = ['dense', 'sparse'];

describe('collapseEdges against Ripser', () => {
  it('keeps the barcodes of random clouds (sizes 10..200, dims 1..4, maxdim 1 and 2)', (ctx) => {
    requireTool(ctx, 'ripser');
    const rng = createRng(2024);
    for (let trial = 0; trial < 24; trial++) {
      const n = 10 + rng.int(trial < 20 ? 120 : 191);
      const dim = 1 + (trial % 4);
      const precision = trial % 3 === 0 ? 'float64' : 'float32';
      const d = randomDistances(100 + trial, n, dim, precision);
      const maxDim = trial % 2 === 0 ? 1 : 2;
      if (maxDim === 2 && n > 120) continue;
      // thresholds from sparse (0.3 x enclosing radius) to beyond the diameter
      const threshold = Math.fround(enclosingRadius(d) * (0.3 + 1.5 * rng.next()));
      const expected = ripserLowerDistance(d, maxDim, threshold);
      for (const lookup of lookups) {
        const result = collapseEdges(d, { threshold, lookup });
        const label = `trial ${trial}: n=${n} dim=${dim} ${precision} maxdim=${maxDim} t=${threshold} ${lookup}`;
        expect(ripserSparse(result.edges, maxDim), label).toEqual(expected);
        expect(result.keptEdges).toBeLessThanOrEqual(result.inputEdges);
      }
    }
  });

  it('uses the enclosing radius by default for condensed input, like Ripser', (ctx) => {
    requireTool(ctx, 'ripser');
    const d = randomDistances(7, 80, 2, 'float32');
    const r = enclosingRadius(d);
    const result = collapseEdges(d);
    expect(result.inputEdges).toBe(condensedEdges(d, r).length);
    expect(ripserSparse(result.edges, 2)).toEqual(ripserLowerDistance(d, 2, r));
    // a cone collapses to very few edges
    expect(result.keptEdges).toBeLessThan(result.inputEdges / 10);
  });

  it('keeps the barcodes with shift: false (removal only)', (ctx) => {
    requireTool(ctx, 'ripser');
    for (let trial = 0; trial < 6; trial++) {
      const d = randomDistances(300 + trial, 60 + 10 * trial, 1 + (trial % 3), 'float32');
      const threshold = Math.fround(enclosingRadius(d) * 0.8);
      const result = collapseEdges(d, { threshold, shift: false });
      expect(ripserSparse(result.edges, 2)).toEqual(ripserLowerDistance(d, 2, threshold));
    }
  });
});

describe('collapseEdges against a direct transcription of the definition', () => {
  it('gives exactly the same kept edges and values', () => {
    for (let trial = 0; trial < 30; trial++) {
      const n = 8 + (trial % 5) * 6;
      const d = randomDistances(500 + trial, n, 1 + (trial % 4), trial % 2 ? 'float32' : 'float64');
      const threshold = enclosingRadius(d) * (0.4 + 0.05 * (trial % 14));
      const expected = edgeStrings({ n, edges: naiveCollapse(n, condensedEdges(d, threshold)) });
      for (const lookup of lookups) {
        const got = collapseEdges(d, { threshold, lookup });
        expect(edgeStrings(got.edges), `trial ${trial} ${lookup}`).toEqual(expected);
      }
      const removalOnly = naiveCollapse(n, condensedEdges(d, threshold), false);
      const got = collapseEdges(d, { threshold, shift: false });
      expect(edgeStrings(got.edges)).toEqual(edgeStrings({ n, edges: removalOnly }));
    }
  });

  it('handles ties exactly (integer distances)', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 20; trial++) {
      const n = 6 + rng.int(20);
      const data = new Float64Array((n * (n - 1)) / 2);
      for (let k = 0; k < data.length; k++) data[k] = 1 + rng.int(3);
      const d = { n, data };
      const expected = edgeStrings({ n, edges: naiveCollapse(n, condensedEdges(d, 3)) });
      for (const lookup of lookups) {
        expect(edgeStrings(collapseEdges(d, { threshold: 3, lookup }).edges)).toEqual(expected);
      }
    }
  });
});

describe('collapseEdges hand cases', () => {
  it('collapses a complete graph with one dominating vertex to a star', () => {
    // vertex 0 at distance 1 from everyone, the others at distances 2, 3, ... from each other
    const edges: [number, number, number][] = [];
    let next = 2;
    for (let i = 1; i < 6; i++) {
      edges.push([i, 0, 1]);
      for (let j = 1; j < i; j++) edges.push([i, j, next++]);
    }
    for (const lookup of lookups) {
      const result = collapseEdges(sparse(6, edges), { lookup });
      expect(result.inputEdges).toBe(15);
      expect(edgeStrings(result.edges)).toEqual(['1 0 1', '2 0 1', '3 0 1', '4 0 1', '5 0 1']);
    }
  });

  it('keeps a 4-cycle whose diagonal comes late (the hole lives from 1 to 2)', (ctx) => {
    const square = sparse(4, [
      [1, 0, 1],
      [2, 1, 1],
      [3, 2, 1],
      [3, 0, 1],
      [2, 0, 2],
    ]);
    for (const lookup of lookups) {
      const result = collapseEdges(square, { lookup });
      expect(edgeStrings(result.edges)).toEqual(['1 0 1', '2 0 2', '2 1 1', '3 0 1', '3 2 1']);
    }
    requireTool(ctx, 'ripser');
    expect(ripserSparse(collapseEdges(square).edges, 1)).toEqual([
      ['[0,)', '[0,1)', '[0,1)', '[0,1)'],
      ['[1,2)'],
    ]);
  });

  it('removes the sides of a 4-cycle whose diagonal comes with them', () => {
    const square = sparse(4, [
      [1, 0, 1],
      [2, 1, 1],
      [3, 2, 1],
      [3, 0, 1],
      [2, 0, 1],
    ]);
    // contractible at 1: a tree with the same H0 remains
    const result = collapseEdges(square);
    expect(result.keptEdges).toBe(3);
    expect(edgeStrings(result.edges)).toEqual(
      edgeStrings({
        n: 4,
        edges: naiveCollapse(
          4,
          [...Array(5).keys()].map((k) => ({ i: square.i[k], j: square.j[k], value: 1 })),
        ),
      }),
    );
  });

  it('shifts a dominated edge to the time it stops being dominated', (ctx) => {
    // Visited from the last edge: 4-2 (5) has common neighbours 0 and 3, not adjacent: kept.
    // 4-0 (5) has the single common neighbour 2: removed. 3-2 (4) is dominated by 1 (its only
    // common neighbour at 4) until 4 joins both 3 and 2 at 5, and 4 is not adjacent to 1: the
    // edge moves from 4 to 5. The other edges have no dominator and stay.
    const g = sparse(5, [
      [2, 0, 3],
      [2, 1, 2],
      [3, 1, 2],
      [3, 2, 4],
      [4, 0, 5],
      [4, 2, 5],
      [4, 3, 1],
    ]);
    for (const lookup of lookups) {
      const shifted = collapseEdges(g, { lookup });
      expect(edgeStrings(shifted.edges)).toEqual([
        '2 0 3',
        '2 1 2',
        '3 1 2',
        '3 2 5',
        '4 2 5',
        '4 3 1',
      ]);
      const removal = collapseEdges(g, { lookup, shift: false });
      expect(edgeStrings(removal.edges)).toEqual([
        '2 0 3',
        '2 1 2',
        '3 1 2',
        '3 2 4',
        '4 2 5',
        '4 3 1',
      ]);
    }
    requireTool(ctx, 'ripser');
    const full = ripserSparse(g, 2);
    expect(ripserSparse(collapseEdges(g).edges, 2)).toEqual(full);
    expect(ripserSparse(collapseEdges(g, { shift: false }).edges, 2)).toEqual(full);
  });

  it('returns values bit-identical to input values, in ascending order', () => {
    const d = randomDistances(5, 120, 3, 'float32');
    const result = collapseEdges(d, { threshold: 1.7 });
    expect(result.edges.values).toBeInstanceOf(Float32Array);
    const input = new Set(Array.from(d.data));
    for (let k = 0; k < result.keptEdges; k++) {
      expect(input.has(result.edges.values[k])).toBe(true);
      if (k > 0) expect(result.edges.values[k]).toBeGreaterThanOrEqual(result.edges.values[k - 1]);
      expect(result.edges.i[k]).toBeGreaterThan(result.edges.j[k]);
    }
    const d64 = randomDistances(5, 50, 3, 'float64');
    expect(collapseEdges(d64).edges.values).toBeInstanceOf(Float64Array);
  });

  it('handles empty and tiny inputs', () => {
    expect(collapseEdges({ n: 0, data: new Float32Array(0) }).keptEdges).toBe(0);
    expect(collapseEdges({ n: 1, data: new Float32Array(0) }).keptEdges).toBe(0);
    const two = collapseEdges({ n: 2, data: Float32Array.of(0.5) });
    expect(edgeStrings(two.edges)).toEqual(['1 0 0.5']);
    const none = collapseEdges(sparse(5, []));
    expect(none.keptEdges).toBe(0);
    expect(none.edges.n).toBe(5);
  });

  it('reports progress from 0 to 1', () => {
    const seen: number[] = [];
    collapseEdges(randomDistances(1, 60, 2, 'float32'), { onProgress: (f) => seen.push(f) });
    expect(seen[0]).toBeGreaterThanOrEqual(0);
    expect(seen[seen.length - 1]).toBe(1);
    for (let k = 1; k < seen.length; k++) expect(seen[k]).toBeGreaterThanOrEqual(seen[k - 1]);
  });
});

describe('collapseEdges input errors', () => {
  it('names NaN and negative distances', () => {
    const d = { n: 3, data: Float64Array.of(1, NaN, 2) };
    expect(() => collapseEdges(d)).toThrow(TopolensError);
    expect(() => collapseEdges(d)).toThrow(/\(2, 0\) is NaN/);
    expect(() => collapseEdges({ n: 2, data: Float64Array.of(-1) })).toThrow(/negative/);
    expect(() => collapseEdges(sparse(3, [[1, 0, NaN]]))).toThrow(/edge 0 \(1, 0\) is NaN/);
  });

  it('names bad sizes, indices and options', () => {
    expect(() => collapseEdges({ n: 4, data: new Float64Array(5) })).toThrow(/need 6 values/);
    expect(() => collapseEdges(sparse(3, [[3, 0, 1]]))).toThrow(/joins 3 and 0/);
    expect(() => collapseEdges(sparse(3, [[1, 1, 1]]))).toThrow(/joins 1 and 1/);
    const bad = {
      n: 3,
      i: Int32Array.of(1, 2),
      j: Int32Array.of(0),
      values: Float64Array.of(1, 1),
    };
    expect(() => collapseEdges(bad)).toThrow(/2 row indices, 1 column indices/);
    expect(() => collapseEdges(sparse(2, []), { threshold: NaN })).toThrow(/threshold/);
    expect(() => collapseEdges(sparse(2, []), { lookup: 'fast' as unknown as 'dense' })).toThrow(
      /lookup/,
    );
  });
});

describe('collapseEdges properties', () => {
  const cloud = fc.record({
    seed: fc.integer({ min: 0, max: 1e6 }),
    n: fc.integer({ min: 4, max: 40 }),
    dim: fc.integer({ min: 1, max: 4 }),
    scale: fc.double({ min: 0.3, max: 1.6, noNaN: true }),
  });

  it('keeps a subset of the edges, each at a value >= its own taken from the input', () => {
    fc.assert(
      fc.property(cloud, fc.boolean(), ({ seed, n, dim, scale }, shift) => {
        const d = randomDistances(seed, n, dim, 'float32');
        const threshold = Math.fround(enclosingRadius(d) * scale);
        const result = collapseEdges(d, { threshold, shift });
        const values = new Set(Array.from(d.data));
        for (let k = 0; k < result.keptEdges; k++) {
          const own = d.data[condensedIndex(result.edges.i[k], result.edges.j[k])];
          expect(own).toBeLessThanOrEqual(threshold);
          if (shift) {
            expect(result.edges.values[k]).toBeGreaterThanOrEqual(own);
            expect(values.has(result.edges.values[k])).toBe(true);
          } else {
            expect(result.edges.values[k]).toBe(own);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('gives the same diagrams for permuted points', (ctx) => {
    requireTool(ctx, 'ripser');
    fc.assert(
      fc.property(cloud, ({ seed, n, dim, scale }) => {
        const d = randomDistances(seed, n, dim, 'float32');
        const perm = permutation(n, createRng(seed + 1));
        const data = new Float32Array(d.data.length);
        for (let i = 1; i < n; i++) {
          for (let j = 0; j < i; j++)
            data[condensedIndex(i, j)] = d.data[condensedIndex(perm[i], perm[j])];
        }
        const threshold = Math.fround(enclosingRadius(d) * scale);
        const a = ripserSparse(collapseEdges(d, { threshold }).edges, 2);
        const b = ripserSparse(collapseEdges({ n, data }, { threshold }).edges, 2);
        expect(b).toEqual(a);
      }),
      { numRuns: 15 },
    );
  });

  it('is idempotent in diagrams', (ctx) => {
    requireTool(ctx, 'ripser');
    fc.assert(
      fc.property(cloud, ({ seed, n, dim, scale }) => {
        const d = randomDistances(seed, n, dim, 'float32');
        const threshold = Math.fround(enclosingRadius(d) * scale);
        const once = collapseEdges(d, { threshold }).edges;
        const twice = collapseEdges(once);
        expect(twice.keptEdges).toBeLessThanOrEqual(once.i.length);
        expect(ripserSparse(twice.edges, 2)).toEqual(ripserSparse(once, 2));
      }),
      { numRuns: 15 },
    );
  });
});
