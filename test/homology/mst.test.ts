import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  h0Diagram,
  minimumSpanningTree,
  minimumSpanningTreeLengths,
  mstWeight,
} from '../../src/homology/mst.js';
import { pairwiseDistances } from '../../src/linalg/distances.js';
import { createRng } from '../../src/core/rng.js';
import { requireTool } from '../helpers/oracles.js';
import type { Matrix } from '../../src/core/matrix.js';

function randomCloud(n: number, d: number, seed: number): Matrix<Float64Array> {
  const rng = createRng(seed);
  return { data: Float64Array.from({ length: n * d }, () => rng.normal()), rows: n, cols: d };
}

/** Independent reference: Kruskal with union-find on all n(n-1)/2 edges. */
function kruskalLengths(cloud: Matrix): number[] {
  const { data, rows: n, cols: d } = cloud;
  const edges: [number, number, number][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) s += (data[i * d + t] - data[j * d + t]) ** 2;
      edges.push([Math.sqrt(s), i, j]);
    }
  }
  edges.sort((a, b) => a[0] - b[0]);
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x])));
  const out: number[] = [];
  for (const [w, i, j] of edges) {
    const a = find(i),
      b = find(j);
    if (a !== b) {
      parent[a] = b;
      out.push(w);
    }
  }
  return out;
}

describe('minimum spanning tree (Prim, O(n^2))', () => {
  it('has the same edge lengths as Kruskal on random clouds', () => {
    for (const [n, d, seed] of [
      [2, 3, 1],
      [50, 2, 2],
      [300, 7, 3],
    ]) {
      const cloud = randomCloud(n, d, seed);
      const ours = Array.from(minimumSpanningTreeLengths(cloud));
      const ref = kruskalLengths(cloud);
      expect(ours.length).toBe(n - 1);
      ours.forEach((v, i) => expect(v).toBeCloseTo(ref[i], 12));
    }
  });

  it('gives the same tree on CondensedDistances as on the cloud', () => {
    const cloud = randomCloud(120, 4, 5);
    const D = pairwiseDistances(cloud, { precision: 'float64' });
    const a = minimumSpanningTreeLengths(cloud);
    const b = minimumSpanningTreeLengths(D);
    Array.from(a).forEach((v, i) => expect(b[i]).toBeCloseTo(v, 12));
    const tree = minimumSpanningTree(D);
    // each edge's endpoints are at the edge's length
    for (let e = 0; e < tree.lengths.length; e++) {
      const i = tree.from[e],
        j = tree.to[e];
      let s = 0;
      for (let t = 0; t < 4; t++) s += (cloud.data[i * 4 + t] - cloud.data[j * 4 + t]) ** 2;
      expect(tree.lengths[e]).toBeCloseTo(Math.sqrt(s), 12);
    }
  });

  it('computes E_alpha^0 by hand on a square with a tail', () => {
    // unit square plus a point 3 away from a corner: MST = three sides + the tail
    const cloud = {
      data: Float64Array.from([0, 0, 1, 0, 1, 1, 0, 1, 0, 4]),
      rows: 5,
      cols: 2,
    };
    expect(mstWeight(cloud)).toBeCloseTo(6, 14);
    expect(mstWeight(cloud, 2)).toBeCloseTo(12, 14);
    const dgm = h0Diagram(cloud);
    expect(Array.from(dgm.deaths)).toEqual([1, 1, 1, 3, Infinity]);
    expect(Array.from(dgm.births)).toEqual([0, 0, 0, 0, 0]);
    expect(h0Diagram({ data: new Float64Array(0), rows: 0, cols: 2 }).deaths.length).toBe(0);
  });

  it('H0 deaths agree with Debian ripser', (ctx) => {
    requireTool(ctx, 'ripser');
    const cloud = randomCloud(400, 5, 17);
    const dir = mkdtempSync(join(tmpdir(), 'topolens-mst-'));
    try {
      const file = join(dir, 'cloud.txt');
      const lines: string[] = [];
      for (let i = 0; i < cloud.rows; i++) {
        lines.push(Array.from(cloud.data.subarray(i * 5, i * 5 + 5)).join(' '));
      }
      writeFileSync(file, lines.join('\n') + '\n');
      // Debian's ripser 1.2 aborts on --dim 0 (binomial table assertion); --dim 1 prints the
      // same dimension-0 intervals first.
      const out = execFileSync('ripser', ['--format', 'point-cloud', '--dim', '1', file], {
        encoding: 'utf8',
      });
      const section = out.split('persistence intervals in dim 0:')[1].split('persistence')[0];
      const bars = [...section.matchAll(/\[([^,]+),([^)]*)\)/g)].map((m) => [
        Number(m[1]),
        m[2].trim() === '' ? Infinity : Number(m[2]),
      ]);
      const ripserDeaths = bars.map((b) => b[1]).sort((a, b) => a - b);
      const ours = Array.from(h0Diagram(cloud).deaths).filter((v) => v > 0);
      expect(ours.length).toBe(ripserDeaths.length);
      // ripser works in single precision and prints 6 significant digits
      ours.forEach((v, i) => {
        if (Number.isFinite(v)) expect(Math.abs(v - ripserDeaths[i])).toBeLessThan(2e-5 * v);
        else expect(ripserDeaths[i]).toBe(Infinity);
      });
      expect(bars.every((b) => b[0] === 0)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
