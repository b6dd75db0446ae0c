/**
 * Seeded Fruchterman-Reingold layout (Fruchterman & Reingold 1991) of a graph in [-1, 1]^2.
 *
 * Initial positions are uniform in [-1, 1]^2 from `createRng(seed)`; then `iterations`
 * (default 300) rounds of: repulsion k^2 / d between every pair, attraction d^2 / k along every
 * edge (k = 2 / sqrt(V), the ideal edge length in a 2 x 2 frame), a displacement capped by a
 * temperature that falls linearly from 0.2 to 0, and clamping to the frame. Only deterministic
 * arithmetic in a fixed order: the same graph and seed give bit-identical coordinates, which
 * are then rounded to 6 decimals.
 */
import { createRng } from '../core/rng.js';

export interface LayoutOptions {
  /** Seed of the initial placement, default 0. */
  seed?: number;
  /** Number of force rounds, default 300. */
  iterations?: number;
}

export function fruchtermanReingold(
  nodeCount: number,
  edges: ArrayLike<readonly [number, number] | readonly [number, number, number]>,
  options: LayoutOptions = {},
): { x: Float64Array; y: Float64Array } {
  const V = nodeCount;
  const rng = createRng(options.seed ?? 0);
  const x = new Float64Array(V);
  const y = new Float64Array(V);
  for (let v = 0; v < V; v++) {
    x[v] = rng.next() * 2 - 1;
    y[v] = rng.next() * 2 - 1;
  }
  if (V <= 1) {
    if (V === 1) {
      x[0] = 0;
      y[0] = 0;
    }
    return { x, y };
  }
  const iterations = options.iterations ?? 300;
  const k = 2 / Math.sqrt(V);
  const k2 = k * k;
  const dx = new Float64Array(V);
  const dy = new Float64Array(V);
  for (let it = 0; it < iterations; it++) {
    dx.fill(0);
    dy.fill(0);
    for (let a = 0; a < V; a++) {
      for (let b = a + 1; b < V; b++) {
        let ex = x[a] - x[b];
        let ey = y[a] - y[b];
        let dist2 = ex * ex + ey * ey;
        if (dist2 < 1e-18) {
          // coincident: push apart along a fixed direction that depends on the pair
          ex = 1e-6 * (((a * 31 + b * 17) % 7) - 3 || 1);
          ey = 1e-6;
          dist2 = ex * ex + ey * ey;
        }
        const f = k2 / dist2; // (k^2 / d) / d
        dx[a] += ex * f;
        dy[a] += ey * f;
        dx[b] -= ex * f;
        dy[b] -= ey * f;
      }
    }
    for (let e = 0; e < edges.length; e++) {
      const a = edges[e][0];
      const b = edges[e][1];
      const ex = x[a] - x[b];
      const ey = y[a] - y[b];
      const dist = Math.sqrt(ex * ex + ey * ey);
      const f = dist / k; // (d^2 / k) / d
      dx[a] -= ex * f;
      dy[a] -= ey * f;
      dx[b] += ex * f;
      dy[b] += ey * f;
    }
    const temperature = 0.2 * (1 - it / iterations);
    for (let v = 0; v < V; v++) {
      const len = Math.sqrt(dx[v] * dx[v] + dy[v] * dy[v]);
      if (len > 0) {
        const step = Math.min(len, temperature) / len;
        x[v] = Math.min(1, Math.max(-1, x[v] + dx[v] * step));
        y[v] = Math.min(1, Math.max(-1, y[v] + dy[v] * step));
      }
    }
  }
  for (let v = 0; v < V; v++) {
    x[v] = Math.round(x[v] * 1e6) / 1e6;
    y[v] = Math.round(y[v] * 1e6) / 1e6;
  }
  return { x, y };
}
