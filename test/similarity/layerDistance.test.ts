import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { requireTool } from '../helpers/oracles.js';
import { createRng } from '../../src/core/rng.js';
import { matrix, type Matrix } from '../../src/core/matrix.js';
import {
  crossLayerDistanceMatrix,
  layerDistanceMatrix,
  persistenceLayerDistance,
} from '../../src/similarity/layerDistance.js';

function circles(n: number, radii: number[], noise: number, seed: number): Matrix {
  const rng = createRng(seed);
  const data = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const r = radii[i % radii.length];
    const t = 2 * Math.PI * rng.next();
    const c = (i % radii.length) * 3;
    data[2 * i] = c + r * Math.cos(t) + noise * rng.normal();
    data[2 * i + 1] = r * Math.sin(t) + noise * rng.normal();
  }
  return matrix(data, n, 2);
}

function rotate(X: Matrix, angle: number): Matrix {
  const out = new Float64Array(X.data.length);
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  for (let i = 0; i < X.rows; i++) {
    out[2 * i] = c * X.data[2 * i] - s * X.data[2 * i + 1] + 5;
    out[2 * i + 1] = s * X.data[2 * i] + c * X.data[2 * i + 1];
  }
  return matrix(out, X.rows, 2);
}

/** The sliced Wasserstein of docs/diagrams.md, written out directly in double precision. */
function referenceSW(a: [number, number][], b: [number, number][], M = 50): number {
  const proj = (p: [number, number]): [number, number] => [(p[0] + p[1]) / 2, (p[0] + p[1]) / 2];
  const V1 = [...a, ...b.map(proj)];
  const V2 = [...b, ...a.map(proj)];
  let sum = 0;
  for (let i = 0; i < M; i++) {
    const th = (0.5 + i / M) * Math.PI;
    const l = [Math.cos(th), Math.sin(th)];
    const s1 = V1.map((p) => l[0] * p[0] + l[1] * p[1]).sort((x, y) => x - y);
    const s2 = V2.map((p) => l[0] * p[0] + l[1] * p[1]).sort((x, y) => x - y);
    for (let t = 0; t < s1.length; t++) sum += Math.abs(s1[t] - s2[t]);
  }
  return sum / M;
}

function ripserH1(X: Matrix): [number, number][] {
  const text = Array.from({ length: X.rows }, (_, i) =>
    Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols)).join(' '),
  ).join('\n');
  const out = execFileSync('ripser', ['--format', 'point-cloud', '--dim', '1'], {
    input: text,
    encoding: 'utf8',
  });
  const bars: [number, number][] = [];
  let dim = -1;
  for (const line of out.split('\n')) {
    const m = /dim (\d+):/.exec(line);
    if (m) dim = Number(m[1]);
    const b = /\[([^,]+),([^)]*)\)/.exec(line);
    if (b && dim === 1 && b[2].trim() !== '') bars.push([Number(b[1]), Number(b[2])]);
  }
  return bars;
}

describe('persistence-based layer distance', () => {
  const one = circles(120, [1], 0.05, 1);
  const two = circles(120, [1, 0.5], 0.03, 2);
  it('is ~0 for an isometric copy and clearly positive for different topology', () => {
    const same = persistenceLayerDistance(one, rotate(one, 0.7));
    expect(same.kind).toBe('distance');
    expect(same.measure).toBe('sw-h1');
    expect(same.value).toBeLessThan(1e-5);
    expect(persistenceLayerDistance(one, two).value).toBeGreaterThan(0.1);
  });
  it('equals the documented formula on diagrams from the ripser program', (ctx) => {
    requireTool(ctx, 'ripser');
    const ref = referenceSW(ripserH1(one), ripserH1(two));
    const ours = persistenceLayerDistance(one, two, {
      slicedWasserstein: { arithmetic: 'float64' },
    }).value;
    // Ripser prints bars with 6 significant digits: the reference carries that rounding
    expect(ref).toBeGreaterThan(0.1);
    expect(Math.abs(ours - ref)).toBeLessThan(2e-5 * ref);
  });
  it('layer-by-layer matrices within one network and across two', () => {
    const layers = [one, two, rotate(one, 1.1)];
    const m = layerDistanceMatrix(layers);
    expect([m.rows, m.cols]).toEqual([3, 3]);
    for (let a = 0; a < 3; a++) {
      expect(m.values[a * 3 + a]).toBe(0);
      for (let b = 0; b < 3; b++) expect(m.values[a * 3 + b]).toBe(m.values[b * 3 + a]);
    }
    expect(m.values[0 * 3 + 1]).toBeCloseTo(persistenceLayerDistance(one, two).value, 12);
    expect(m.values[0 * 3 + 2]).toBeLessThan(1e-5);
    const c = crossLayerDistanceMatrix([one, two], [two, one, rotate(two, 2)]);
    expect([c.rows, c.cols]).toEqual([2, 3]);
    expect(c.values[0 * 3 + 0]).toBeCloseTo(m.values[1], 12);
    expect(c.values[1 * 3 + 0]).toBe(0);
    expect(c.values[1 * 3 + 2]).toBeLessThan(1e-5);
  });
  it('bad input: too few points, bad dimension', () => {
    const tiny = matrix(Float64Array.of(0, 0), 1, 2);
    expect(() => persistenceLayerDistance(tiny, one)).toThrow(/at least 2 points/);
    expect(() => persistenceLayerDistance(one, one, { dimension: -1 })).toThrow(/dimension/);
  });
});
