import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { matrix, type Matrix } from '../../src/core/matrix.js';
import {
  localRicciFlow,
  pooledShiftCorrelation,
  ricciCoefficient,
  ricciFlow,
  rhoAccuracyCorrelation,
} from '../../src/geometry/ricciFlow.js';
import { pearson } from '../../src/linalg/correlation.js';
import { knnGraph } from '../../src/geometry/knnGraph.js';
import { formanCurvature } from '../../src/geometry/forman.js';
import { bfsHopDistances } from '../../src/geometry/shortestPaths.js';

const n = 200;
const d = 3;
const rng = createRng(1);
const blob = Float64Array.from({ length: n * d }, () => rng.normal());
const spiral = new Float64Array(n * d);
for (let i = 0; i < n; i++) {
  const u = (i / n) * 12;
  spiral[i * d] = Math.cos(u) * u;
  spiral[i * d + 1] = Math.sin(u) * u;
  spiral[i * d + 2] = 0.05 * rng.normal();
}
/** t = 0: a long spiral (flat-ish graph, large geodesic mass); t = 1: a compact Gaussian blob. */
const morph = (t: number): Matrix =>
  matrix(
    blob.map((b, j) => t * b + (1 - t) * spiral[j]),
    n,
    d,
  );
// contraction: biggest shrinking of geodesics first, while the curvature is still high
const contracting = [0, 0.45, 0.6, 0.7, 0.78, 0.85, 0.9].map(morph);
const expanding = [...contracting].reverse();

describe('Ricci-flow coefficient', () => {
  for (const graph of ['undirected', 'directed'] as const) {
    it(`is negative for a contracting sequence and positive for an expanding one (${graph})`, () => {
      const c = ricciFlow(contracting, { k: 10, graph });
      expect(c.connected).toBe(true);
      expect(c.L).toBe(6);
      expect(c.eta.slice(0, 5).every((e) => e < 0)).toBe(true);
      expect(c.rho).toBeLessThan(-0.5);
      const e = ricciFlow(expanding, { k: 10, graph });
      expect(e.eta.slice(1).every((v) => v > 0)).toBe(true);
      expect(e.rho).toBeGreaterThan(0.5);
      // definition check: rho is Pearson of (Ric_0..Ric_{L-1}, eta_0..eta_{L-1})
      const ric = c.layers.slice(0, 6).map((s) => s.curvature);
      expect(c.rho).toBeCloseTo(pearson(ric, c.eta), 14);
    });
  }
  it('the mutual graph of the same sequence falls apart: reported, not thrown', () => {
    const c = ricciFlow(contracting, { k: 10, graph: 'mutual' });
    expect(c.connected).toBe(false);
    expect(Number.isNaN(c.rho)).toBe(true);
    expect(c.layers.some((s) => s.components > 1 && s.geodesicMass === Infinity)).toBe(true);
  });
  it('Fisher-z adjustment in both forms', () => {
    const curv = [5, 3, 4, 1, 0, -2, 1];
    const mass = [10, 8, 7, 9, 6, 6.5, 3];
    const m = ricciCoefficient(curv, mass);
    const dv = ricciCoefficient(curv, mass, { fisher: 'divide' });
    expect(m.L).toBe(6);
    expect(m.fisherZ).toBeCloseTo(Math.atanh(m.rho) * Math.sqrt(2), 14);
    expect(dv.fisherZ).toBeCloseTo(Math.atanh(m.rho) / Math.sqrt(2), 14);
    expect(Number.isNaN(ricciCoefficient([1, 2, 3], [3, 1, 2]).fisherZ)).toBe(true);
  });
  it('a disconnected layer makes rho NaN, and pooled/accuracy analyses exclude and count it', () => {
    const good = ricciCoefficient([1, 2, 3, 4, 5, 6], [10, 9, 7, 6, 4, 3.5]);
    const bad = ricciCoefficient([1, 2, 3, 4, 5, 6], [10, 9, Infinity, 6, 4, 3]);
    expect(bad.connected).toBe(false);
    expect(Number.isNaN(bad.rho)).toBe(true);
    const nets = [
      { layers: [1, 2, 3, 4].map((c, l) => ({ curvature: c, geodesicMass: [10, 8, 7, 7][l] })) },
      { layers: [2, 1, 0, 1].map((c, l) => ({ curvature: c, geodesicMass: [5, 6, 8, 9][l] })) },
      {
        layers: [2, 1, 0, 1].map((c, l) => ({
          curvature: c,
          geodesicMass: [5, Infinity, 8, 9][l],
        })),
      },
    ];
    const pooled = pooledShiftCorrelation(nets);
    expect(pooled.excluded).toBe(1);
    expect(pooled.included).toBe(2);
    expect(pooled.pairs).toBe(6);
    expect(pooled.r).toBeCloseTo(pearson([1, 2, 3, 2, 1, 0], [-2, -1, 0, 1, 2, 1]), 14);
    const acc = rhoAccuracyCorrelation([good, bad, good], [0.9, 0.8, 0.95]);
    expect(acc.excluded).toBe(1);
    expect(acc.included).toBe(2);
  });
  it('rejects mismatched point counts and too few layers', () => {
    const a = morph(0);
    const b = matrix(new Float64Array(150 * 3), 150, 3);
    expect(() => ricciFlow([a, b], { k: 5 })).toThrow(/layer 1 has 150 points but layer 0 has 200/);
    expect(() => ricciFlow([a], { k: 5 })).toThrow(/at least 2 layer clouds/);
  });
  it('local variants: per point over layers and per layer over points', () => {
    const r = localRicciFlow(contracting, { k: 10 });
    expect(r.L).toBe(6);
    expect(r.perPoint.length).toBe(n);
    expect(r.perLayer.length).toBe(6);
    expect(r.disconnectedLayers).toEqual([]);
    for (const v of r.perLayer) expect(Math.abs(v)).toBeLessThanOrEqual(1);
    // hopChange from its definition for a few points: BFS in graph l + 1 to graph-l neighbours
    for (const l of [0, 3]) {
      const gl = knnGraph(contracting[l], { k: 10 });
      const gnext = knnGraph(contracting[l + 1], { k: 10 });
      for (const i of [0, 57, 199]) {
        const dist = bfsHopDistances(gnext, i);
        let s = 0;
        const nb = gl.targets.subarray(gl.offsets[i], gl.offsets[i + 1]);
        for (const j of nb) s += dist[j] - 1;
        expect(r.hopChange[l * n + i]).toBeCloseTo(s / nb.length, 14);
      }
    }
    const node0 = formanCurvature(knnGraph(contracting[0], { k: 10 })).nodes;
    expect(Array.from(r.nodeCurvature.subarray(0, n))).toEqual(Array.from(node0));
    // recompute one entry of perLayer from its definition
    expect(r.perLayer[2]).toBeCloseTo(
      pearson(r.nodeCurvature.subarray(2 * n, 3 * n), r.hopChange.subarray(2 * n, 3 * n)),
      14,
    );
  });
});
