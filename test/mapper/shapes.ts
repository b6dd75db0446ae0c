/** Hand-built clouds with known Mapper graphs. */
import { createRng } from '../../src/core/rng.js';
import { fromRows, type Matrix } from '../../src/core/matrix.js';

/** n points on the unit circle with a little seeded jitter. */
export function circle(n: number, seed = 0): Matrix<Float64Array> {
  const rng = createRng(seed);
  return fromRows(
    Array.from({ length: n }, (_, i) => {
      const a = (2 * Math.PI * i) / n + rng.normal() * 0.002;
      return [Math.cos(a), Math.sin(a)];
    }),
  );
}

/** Two unit squares, 4 apart along x, each filled with a jittered grid. */
export function twoSquares(perSide = 15, seed = 0): Matrix<Float64Array> {
  const rng = createRng(seed);
  const rows: number[][] = [];
  for (const ox of [0, 5]) {
    for (let a = 0; a < perSide; a++) {
      for (let b = 0; b < perSide; b++) {
        rows.push([
          ox + (a + 0.5 + rng.normal() * 0.05) / perSide,
          (b + 0.5 + rng.normal() * 0.05) / perSide,
        ]);
      }
    }
  }
  return fromRows(rows);
}

/** A "Y": a stem from (0, -2) to (0, 0) and two arms from (0, 0) to (-+2, 2), densely sampled. */
export function yShape(step = 0.02): Matrix<Float64Array> {
  const rows: number[][] = [];
  for (let t = -2; t < 0; t += step) rows.push([0, t]);
  for (let t = 0; t <= 2 + 1e-9; t += step) {
    rows.push([-t, t]);
    if (t > 0) rows.push([t, t]);
  }
  return fromRows(rows);
}

/**
 * Two classes along x in [0, 1]: class 0 on the line y = 0 at x = 0, 0.01, ..., 1; class 1 on
 * the same line at x = 0.005, 0.015, ... while x < `split`, then on the line y = 3.
 */
export function separatingClasses(split: number): {
  cloud: Matrix<Float64Array>;
  labels: number[];
} {
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i <= 100; i++) {
    rows.push([i / 100, 0]);
    labels.push(0);
    const x = i / 100 + 0.005;
    if (x > 1) continue;
    rows.push([x, x < split ? 0 : 3]);
    labels.push(1);
  }
  return { cloud: fromRows(rows), labels };
}

export function degrees(nodes: number, edges: { source: number; target: number }[]): number[] {
  const deg = new Array(nodes).fill(0);
  for (const e of edges) {
    deg[e.source]++;
    deg[e.target]++;
  }
  return deg;
}

export { noisyShape, shapeTopology, graphCycles, type NoisyShape } from '../../bench/mapperData.js';
