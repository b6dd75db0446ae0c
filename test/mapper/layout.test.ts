/**
 * The Mapper layout: deterministic, inside the frame with a margin (nodes used to pile on the
 * frame's edge: 28 of 34 on the noisy circle of the report issue), components apart, a cycle
 * drawn without crossings.
 */
import { describe, expect, it } from 'vitest';
import { fruchtermanReingold } from '../../src/mapper/layout.js';
import { mapper } from '../../src/mapper/mapper.js';
import { coordinateLens } from '../../src/mapper/lenses.js';
import { createRng } from '../../src/core/rng.js';
import { fromRows } from '../../src/core/matrix.js';

function cycle(n: number, offset = 0): [number, number][] {
  return Array.from({ length: n }, (_, i) => [offset + i, offset + ((i + 1) % n)]);
}

function crosses(
  p: [number, number],
  q: [number, number],
  r: [number, number],
  s: [number, number],
): boolean {
  const orient = (a: [number, number], b: [number, number], c: [number, number]) =>
    Math.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]));
  return orient(p, q, r) * orient(p, q, s) < 0 && orient(r, s, p) * orient(r, s, q) < 0;
}

function boxes(x: Float64Array, y: Float64Array, groups: number[][]) {
  return groups.map((g) => ({
    x0: Math.min(...g.map((v) => x[v])),
    x1: Math.max(...g.map((v) => x[v])),
    y0: Math.min(...g.map((v) => y[v])),
    y1: Math.max(...g.map((v) => y[v])),
  }));
}

describe('fruchtermanReingold', () => {
  it('is deterministic and depends on the seed', () => {
    const edges = [...cycle(10), ...cycle(5, 10)];
    const a = fruchtermanReingold(20, edges, { seed: 2 });
    const b = fruchtermanReingold(20, edges, { seed: 2 });
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Array.from(a.y)).toEqual(Array.from(b.y));
    const c = fruchtermanReingold(20, edges, { seed: 3 });
    expect(Array.from(c.x)).not.toEqual(Array.from(a.x));
  });

  it('keeps every node inside the margin, and components in disjoint boxes', () => {
    // 1 cycle of 12, a path of 6, and 16 isolated nodes: the shape of a fragmented Mapper graph
    const edges: [number, number][] = [...cycle(12)];
    for (let i = 12; i < 17; i++) edges.push([i, i + 1]);
    const V = 34;
    const { x, y } = fruchtermanReingold(V, edges);
    for (let v = 0; v < V; v++) {
      expect(Math.abs(x[v])).toBeLessThanOrEqual(0.95 + 1e-9);
      expect(Math.abs(y[v])).toBeLessThanOrEqual(0.95 + 1e-9);
    }
    const groups = [
      Array.from({ length: 12 }, (_, i) => i),
      Array.from({ length: 6 }, (_, i) => 12 + i),
      ...Array.from({ length: 16 }, (_, i) => [18 + i]),
    ];
    const b = boxes(x, y, groups);
    for (let i = 0; i < b.length; i++) {
      for (let j = i + 1; j < b.length; j++) {
        const apart =
          b[i].x1 < b[j].x0 || b[j].x1 < b[i].x0 || b[i].y1 < b[j].y0 || b[j].y1 < b[i].y0;
        expect(apart, `components ${i} and ${j} overlap`).toBe(true);
      }
    }
  });

  it('draws a cycle without crossings and uses the frame', () => {
    const n = 14;
    const edges = cycle(n);
    const { x, y } = fruchtermanReingold(n, edges, { seed: 5 });
    const pt = (v: number): [number, number] => [x[v], y[v]];
    for (let e = 0; e < n; e++) {
      for (let f = e + 2; f < n; f++) {
        if (e === 0 && f === n - 1) continue; // adjacent through the wrap
        expect(crosses(pt(edges[e][0]), pt(edges[e][1]), pt(edges[f][0]), pt(edges[f][1]))).toBe(
          false,
        );
      }
    }
    const width = Math.max(...x) - Math.min(...x);
    const height = Math.max(...y) - Math.min(...y);
    expect(Math.max(width, height)).toBeGreaterThan(1.5);
  });

  it('puts no node of the issue example on the frame', () => {
    // 800 points on a noisy circle, coordinate lens, 8 intervals, overlap 0.3, eps 0.026: the
    // fragmented graph (dozens of components) whose stored layout piled nodes on the frame
    const rng = createRng(1);
    const rows = Array.from({ length: 800 }, () => {
      const a = rng.next() * 2 * Math.PI;
      return [Math.cos(a) + 0.05 * rng.normal(), Math.sin(a) + 0.05 * rng.normal()];
    });
    const cloud = fromRows(rows);
    const g = mapper(cloud, {
      lens: coordinateLens(cloud, 0),
      intervals: 8,
      overlap: 0.3,
      eps: 0.026,
    });
    expect(g.nodes.length).toBeGreaterThan(20);
    const onEdge = g.nodes.filter((n) => Math.max(Math.abs(n.x), Math.abs(n.y)) > 0.97);
    expect(onEdge.length).toBe(0);
  });
});
