import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { graphFromEdges, degrees } from '../../src/geometry/graph.js';
import { formanCurvature, formanTotal } from '../../src/geometry/forman.js';
import { ollivierCurvature } from '../../src/geometry/ollivier.js';
import { exactTransportCost, sinkhornTransportCost } from '../../src/geometry/transport.js';
import { createRng } from '../../src/core/rng.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/graphs/${name}`, import.meta.url), 'utf8'));

const path = (n: number) =>
  graphFromEdges(
    n,
    Array.from({ length: n - 1 }, (_, i) => [i, i + 1]),
  );
const cycle = (n: number) =>
  graphFromEdges(
    n,
    Array.from({ length: n }, (_, i) => [i, (i + 1) % n]),
  );
const complete = (n: number) => {
  const e: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) e.push([i, j]);
  return graphFromEdges(n, e);
};
const grid = (r: number, c: number) => {
  const e: [number, number][] = [];
  for (let i = 0; i < r; i++)
    for (let j = 0; j < c; j++) {
      if (j + 1 < c) e.push([i * c + j, i * c + j + 1]);
      if (i + 1 < r) e.push([i * c + j, (i + 1) * c + j]);
    }
  return graphFromEdges(r * c, e);
};

describe('Forman curvature on known graphs', () => {
  it('path: ends 1, interior 0', () => {
    const f = formanCurvature(path(6));
    expect(Array.from(f.values)).toEqual([1, 0, 0, 0, 1]);
    expect(f.total).toBe(2);
    expect(formanTotal(path(6))).toBe(2);
  });
  it('complete graph K_n: 4 - 2(n - 1) everywhere; augmented adds 3(n - 2)', () => {
    for (const n of [3, 5, 8]) {
      const f = formanCurvature(complete(n));
      for (const v of f.values) expect(v).toBe(4 - 2 * (n - 1));
      const a = formanCurvature(complete(n), { augmented: true });
      for (const v of a.values) expect(v).toBe(4 - 2 * (n - 1) + 3 * (n - 2));
      expect(formanTotal(complete(n))).toBe(f.total);
    }
  });
  it('cycle: 0 everywhere (triangle: augmented 3)', () => {
    for (const v of formanCurvature(cycle(7)).values) expect(v).toBe(0);
    for (const v of formanCurvature(cycle(3), { augmented: true }).values) expect(v).toBe(3);
  });
  it('grid: interior edges 4 - 4 - 4 = -4, corner edges 4 - 2 - 3 = -1', () => {
    const g = grid(4, 4);
    const f = formanCurvature(g);
    const deg = degrees(g);
    for (let e = 0; e < f.values.length; e++) {
      expect(f.values[e]).toBe(4 - deg[f.from[e]] - deg[f.to[e]]);
    }
    const at = (i: number, j: number) =>
      f.values[Array.from(f.from).findIndex((x, e) => x === i && f.to[e] === j)];
    expect(at(5, 6)).toBe(-4);
    expect(at(0, 1)).toBe(-1);
  });
  it('matches GraphRicciCurvature on small-forman.json (edges and nodes, plain and augmented)', () => {
    const fx = fixture('small-forman.json');
    const ids: number[] = fx.nodes;
    const edges = fx.edges.map((e: number[]) => [ids.indexOf(e[0]), ids.indexOf(e[1])]);
    const g = graphFromEdges(ids.length, edges);
    for (const [aug, ek, nk] of [
      [false, 'forman_1d_edges', 'forman_1d_nodes'],
      [true, 'forman_augmented_edges', 'forman_augmented_nodes'],
    ] as const) {
      const f = formanCurvature(g, { augmented: aug });
      edges.forEach(([a, b]: number[], idx: number) => {
        const e = Array.from(f.from).findIndex(
          (x, t) => (x === a && f.to[t] === b) || (x === b && f.to[t] === a),
        );
        expect(f.values[e]).toBeCloseTo(fx[ek][idx], 12);
      });
      fx[nk].forEach((v: number, i: number) => expect(f.nodes[i]).toBeCloseTo(v, 12));
    }
  });
  it('directed graph: degree = in + out, one term per arc', () => {
    // arcs 0->1, 1->0, 1->2: deg = [2, 3, 1]
    const g = graphFromEdges(
      3,
      [
        [0, 1],
        [1, 0],
        [1, 2],
      ],
      { directed: true },
    );
    expect(Array.from(degrees(g))).toEqual([2, 3, 1]);
    const f = formanCurvature(g);
    expect(f.values.length).toBe(3);
    expect(f.total).toBe(-1 + -1 + 0);
    expect(formanTotal(g)).toBe(f.total);
  });
});

describe('optimal transport', () => {
  it('exact solver matches brute force over permutations for uniform masses', () => {
    const rng = createRng(3);
    for (let trial = 0; trial < 20; trial++) {
      const m = 5;
      const cost = Float64Array.from({ length: m * m }, () => Math.floor(rng.next() * 10));
      const mu = new Float64Array(m).fill(1 / m);
      // Birkhoff: the optimum over doubly stochastic is at a permutation
      let best = Infinity;
      const perm = [0, 1, 2, 3, 4];
      const rec = (k: number) => {
        if (k === m) {
          let s = 0;
          for (let i = 0; i < m; i++) s += cost[i * m + perm[i]] / m;
          best = Math.min(best, s);
          return;
        }
        for (let t = k; t < m; t++) {
          [perm[k], perm[t]] = [perm[t], perm[k]];
          rec(k + 1);
          [perm[k], perm[t]] = [perm[t], perm[k]];
        }
      };
      rec(0);
      expect(exactTransportCost(mu, mu, cost)).toBeCloseTo(best, 12);
    }
  });
  it('1-D W1 equals the area between CDFs; Sinkhorn is close', () => {
    const rng = createRng(5);
    const a = 7;
    const b = 9;
    const mu = Float64Array.from({ length: a }, () => rng.next() + 0.1);
    const nu = Float64Array.from({ length: b }, () => rng.next() + 0.1);
    const sa = mu.reduce((s, v) => s + v, 0);
    const sb = nu.reduce((s, v) => s + v, 0);
    mu.forEach((v, i) => (mu[i] = v / sa));
    nu.forEach((v, i) => (nu[i] = v / sb));
    // points on a line: mu at 0..a-1, nu at 0.5..b-0.5
    const cost = new Float64Array(a * b);
    for (let i = 0; i < a; i++)
      for (let j = 0; j < b; j++) cost[i * b + j] = Math.abs(i - (j + 0.5));
    // all atoms sit on multiples of 0.5: W1 = sum over half-steps of |F - G| x 0.5
    let w1 = 0;
    let F = 0;
    let G = 0;
    for (let h = 0; h < 2 * b; h++) {
      const x = h / 2;
      if (h % 2 === 0 && h / 2 < a) F += mu[h / 2];
      if (h % 2 === 1) G += nu[(h - 1) / 2];
      w1 += Math.abs(F - G) * 0.5;
      void x;
    }
    expect(exactTransportCost(mu, nu, cost)).toBeCloseTo(w1, 10);
    expect(sinkhornTransportCost(mu, nu, cost, { epsilon: 0.05 })).toBeCloseTo(w1, 1);
  });
  it('rejects unequal masses', () => {
    expect(() =>
      exactTransportCost(Float64Array.of(1), Float64Array.of(0.5), Float64Array.of(1)),
    ).toThrow(/masses/);
  });
});

describe('Ollivier-Ricci curvature', () => {
  it('matches GraphRicciCurvature exact values on the karate club to 1e-6', () => {
    const fx = fixture('karate-ollivier.json');
    const g = graphFromEdges(34, fx.edges);
    const o = ollivierCurvature(g, { alpha: fx.alpha, transport: 'exact' });
    expect(o.values.length).toBe(78);
    fx.edges.forEach(([a, b]: number[], idx: number) => {
      const e = Array.from(o.from).findIndex(
        (x, t) => x === Math.min(a, b) && o.to[t] === Math.max(a, b),
      );
      expect(Math.abs(o.values[e] - fx.ollivier_exact[idx])).toBeLessThan(1e-6);
    });
  });
  it('Sinkhorn approximates the exact values on the karate club', () => {
    const fx = fixture('karate-ollivier.json');
    const g = graphFromEdges(34, fx.edges);
    const ex = ollivierCurvature(g, { transport: 'exact' });
    const sk = ollivierCurvature(g, { transport: 'sinkhorn', sinkhornEpsilon: 0.01 });
    let worst = 0;
    for (let e = 0; e < ex.values.length; e++)
      worst = Math.max(worst, Math.abs(ex.values[e] - sk.values[e]));
    expect(worst).toBeLessThan(0.05);
  });
  it('complete graph K_n with alpha 0.5: known closed form', () => {
    // m_x: 1/2 at x, 1/(2(n-1)) elsewhere in the clique. Moving mass: x and y differ by
    // (1/2 - 1/(2(n-1))) at each of x, y, and the transport cost is 1 per unit: kappa = 1 - that.
    const n = 6;
    const o = ollivierCurvature(complete(n), { alpha: 0.5 });
    for (const v of o.values) expect(v).toBeCloseTo(1 - (0.5 - 1 / (2 * (n - 1))), 12);
  });
});
