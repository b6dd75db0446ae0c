import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { requireTool } from '../helpers/oracles.js';
import { fromRows, matrix } from '../../src/core/matrix.js';
import { createRng } from '../../src/core/rng.js';
import {
  connectedComponents,
  degrees,
  graphFromEdges,
  underlyingUndirected,
} from '../../src/geometry/graph.js';
import { knnGraph } from '../../src/geometry/knnGraph.js';
import { formanCurvature } from '../../src/geometry/forman.js';
import {
  bfsHopDistances,
  hopDistances,
  weightedGeodesicMass,
  UNREACHABLE,
} from '../../src/geometry/shortestPaths.js';

function randomGraph(n: number, p: number, seed: number) {
  const rng = createRng(seed);
  const e: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (rng.next() < p) e.push([i, j]);
  return graphFromEdges(n, e);
}

function randomCloud(n: number, d: number, seed: number) {
  const rng = createRng(seed);
  return matrix(
    Float64Array.from({ length: n * d }, () => rng.normal()),
    n,
    d,
  );
}

describe('kNN graphs', () => {
  // points on a line at 0, 1, 3, 6, 10: nearest of each is unambiguous
  const line = fromRows([[0], [1], [3], [6], [10]]);
  it('undirected (either) vs mutual on a line with k = 1', () => {
    const u = knnGraph(line, { k: 1 });
    // nn: 0->1, 1->0, 2->1, 3->2, 4->3
    expect(Array.from(degrees(u))).toEqual([1, 2, 2, 2, 1]);
    const m = knnGraph(line, { k: 1, kind: 'mutual' });
    expect(Array.from(degrees(m))).toEqual([1, 1, 0, 0, 0]);
    expect(connectedComponents(m).count).toBe(4);
  });
  it('directed: ties included, degree = in + out', () => {
    // 0 at origin, 1 and 2 both at distance 1 from 0; k = 1 from 0 gives both (tie)
    const X = fromRows([
      [0, 0],
      [1, 0],
      [-1, 0],
      [5, 5],
    ]);
    const d = knnGraph(X, { k: 1, kind: 'directed' });
    expect(Array.from(d.targets.subarray(d.offsets[0], d.offsets[1]))).toEqual([1, 2]);
    // 1 -> 0, 2 -> 0, 3 -> 1 (|3-1| = sqrt(16+25) < |3-2| = sqrt(36+25))
    expect(Array.from(d.inDegree!)).toEqual([2, 2, 1, 0]);
    expect(Array.from(degrees(d))).toEqual([4, 3, 2, 1]);
    // without ties only the smaller index
    const noTies = knnGraph(X, { k: 1, kind: 'directed', ties: false });
    expect(noTies.offsets[1] - noTies.offsets[0]).toBe(1);
  });
  it('directed with ties on duplicated points agrees with a brute-force rule', () => {
    const rng = createRng(11);
    // integer grid coordinates: many exact ties
    const n = 60;
    const X = matrix(
      Float64Array.from({ length: n * 2 }, () => rng.int(5)),
      n,
      2,
    );
    const k = 4;
    const g = knnGraph(X, { k, kind: 'directed' });
    for (let i = 0; i < n; i++) {
      const ds: number[] = [];
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        ds.push(
          (X.data[2 * i] - X.data[2 * j]) ** 2 + (X.data[2 * i + 1] - X.data[2 * j + 1]) ** 2,
        );
      }
      const kth = [...ds].sort((a, b) => a - b)[k - 1];
      const expected: number[] = [];
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const dd =
          (X.data[2 * i] - X.data[2 * j]) ** 2 + (X.data[2 * i + 1] - X.data[2 * j + 1]) ** 2;
        if (dd <= kth) expected.push(j);
      }
      expect(Array.from(g.targets.subarray(g.offsets[i], g.offsets[i + 1]))).toEqual(expected);
    }
  });
  it('the undirected graph is the union of the directed arcs when there are no ties', () => {
    const X = randomCloud(80, 3, 2);
    const u = knnGraph(X, { k: 5 });
    const d = underlyingUndirected(knnGraph(X, { k: 5, kind: 'directed' }));
    expect(Array.from(u.targets)).toEqual(Array.from(d.targets));
    expect(Array.from(u.offsets)).toEqual(Array.from(d.offsets));
  });
  it('bad input: k >= n, n < 3, NaN rows, unknown kind', () => {
    const X = randomCloud(10, 2, 1);
    expect(() => knnGraph(X, { k: 10 })).toThrow(/k = 10 needs more than 10 points/);
    expect(() => knnGraph(fromRows([[0], [1]]), { k: 1 })).toThrow(/at least 3/);
    const Y = fromRows([[0], [1], [NaN], [2]]);
    expect(() => knnGraph(Y, { k: 1 })).toThrow(/NaN in row 2/);
    expect(() => knnGraph(X, { k: 2, kind: 'weird' as never })).toThrow(/unknown kNN graph kind/);
  });
});

describe('hop distances', () => {
  it('bit-parallel BFS equals plain BFS on random graphs (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 150 }),
        fc.double({ min: 0.005, max: 0.3, noNaN: true }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 1, max: 5 }),
        (n, p, seed, W) => {
          const g = randomGraph(n, p, seed);
          const r = hopDistances(g, { matrix: true, wordsPerNode: W });
          let mass = 0;
          let connected = true;
          for (let s = 0; s < n; s++) {
            const d = bfsHopDistances(g, s);
            for (let v = 0; v < n; v++) {
              expect(r.distances![s * n + v]).toBe(d[v] < 0 ? UNREACHABLE : d[v]);
              if (d[v] < 0) connected = false;
              else if (v > s) mass += d[v];
            }
          }
          expect(r.connected).toBe(connected);
          expect(r.finiteMass).toBe(mass);
          expect(r.geodesicMass).toBe(connected ? mass : Infinity);
          expect(connectedComponents(g).count === 1).toBe(connected);
        },
      ),
      { numRuns: 60 },
    );
  });
  it('path graph: mass = sum_{d=1}^{n-1} d (n - d); cycle with a chord', () => {
    const n = 300;
    const g = graphFromEdges(
      n,
      Array.from({ length: n - 1 }, (_, i) => [i, i + 1]),
    );
    let expected = 0;
    for (let d = 1; d < n; d++) expected += d * (n - d);
    expect(hopDistances(g).geodesicMass).toBe(expected);
    expect(hopDistances(g).diameter).toBe(n - 1);
  });
  it('a disconnected graph gives Infinity and the component count, not an error', () => {
    const g = graphFromEdges(5, [
      [0, 1],
      [2, 3],
    ]);
    const r = hopDistances(g);
    expect(r.connected).toBe(false);
    expect(r.geodesicMass).toBe(Infinity);
    expect(r.finiteMass).toBe(2);
    expect(connectedComponents(g).count).toBe(3);
  });
  it('weighted Dijkstra with unit weights equals the hop mass', () => {
    const g = randomGraph(70, 0.08, 4);
    const w = new Float64Array(g.targets.length).fill(1);
    const h = hopDistances(g);
    expect(weightedGeodesicMass(g, w).geodesicMass).toBe(h.geodesicMass);
  });
  it('geodesic mass of kNN graphs equals igraph distances() (both conventions)', (ctx) => {
    requireTool(ctx, 'igraph');
    const n = 300;
    const X = randomCloud(n, 3, 9);
    // round to a grid so that ties occur and the directed rule matters
    for (let t = 0; t < X.data.length; t++) X.data[t] = Math.round(X.data[t] * 4) / 4;
    const text = Array.from({ length: n }, (_, i) =>
      Array.from(X.data.subarray(3 * i, 3 * i + 3)).join(' '),
    ).join('\n');
    const k = 6;
    const script = `
      library(igraph)
      X <- as.matrix(read.table(file("stdin")))
      D <- as.matrix(dist(X)); diag(D) <- Inf
      n <- nrow(X); k <- ${k}
      A <- matrix(0, n, n)
      for (i in 1:n) { q <- sort(D[i, ])[k]; A[i, D[i, ] <= q] <- 1 }
      gd <- graph_from_adjacency_matrix(A, mode = "directed")
      B <- matrix(0, n, n)
      for (i in 1:n) B[i, order(D[i, ])[1:k]] <- 1
      gu <- graph_from_adjacency_matrix(pmax(B, t(B)), mode = "undirected")
      deg <- degree(gd)
      cat(sum(distances(gd)) / 2, sum(distances(gu)) / 2, sum(4 - deg[as_edgelist(gd)[,1]] - deg[as_edgelist(gd)[,2]]), "\\n")
    `;
    const out = execFileSync('Rscript', ['-e', script], { input: text, encoding: 'utf8' })
      .trim()
      .split(/\s+/)
      .map(Number);
    const directed = knnGraph(X, { k, kind: 'directed' });
    const hd = hopDistances(directed);
    expect(hd.geodesicMass).toBe(out[0]);
    // R's order() breaks ties by index like knn(); the undirected graph matches exactly
    expect(hopDistances(knnGraph(X, { k })).geodesicMass).toBe(out[1]);
    const total = formanCurvature(directed).total;
    expect(total).toBe(out[2]);
  });
});
