import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import type { Matrix } from '../../src/core/matrix.js';
import { matrixValue } from '../../src/core/labelledMatrix.js';
import { layerComparison, specificityFromMatrix } from '../../src/study/layerComparison.js';
import { specificityTest } from '../../src/similarity/tests.js';
import { procrustesDistance } from '../../src/similarity/procrustes.js';
import { linearCKA } from '../../src/similarity/cka.js';
import { network, squashedCircle } from './helpers.js';

// Layer l of every seed is the same map of the inputs (a circle, then random tanh features of
// it), plus a little seed-specific noise: the same layer across seeds is by construction closer
// than different layers.
function layerMaps(n: number, L: number): Matrix[] {
  const base = squashedCircle(n, 1);
  const rng = createRng(99);
  const out: Matrix[] = [base];
  let prev = base;
  for (let l = 1; l < L; l++) {
    const width = 4 + l;
    const W = Float64Array.from({ length: prev.cols * width }, () => (1.5 * rng.normal()) / l);
    const data = new Float64Array(n * width);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < width; j++) {
        let s = 0;
        for (let a = 0; a < prev.cols; a++) s += prev.data[i * prev.cols + a] * W[a * width + j];
        data[i * width + j] = Math.tanh(s);
      }
    }
    prev = { data, rows: n, cols: width };
    out.push(prev);
  }
  return out;
}

function seedNetwork(seed: number, maps: Matrix[]) {
  const rng = createRng(seed);
  const clouds = maps.map((m) => ({
    data: Float64Array.from(m.data, (v) => v + 0.01 * rng.normal()),
    rows: m.rows,
    cols: m.cols,
  }));
  return network(`seed${seed}`, clouds);
}

describe('layerComparison', () => {
  const maps = layerMaps(50, 3);
  const nets = [1, 2, 3].map((s) => seedNetwork(s, maps));

  it('fills one matrix per measure over network/layer rows, with specificity', () => {
    const progress: string[] = [];
    const result = layerComparison(nets, {
      measures: ['sw-h1', 'sw-h0', 'cka', 'procrustes'],
      sensitivity: { step: 1, maxK: 2, layers: ['layer2'] },
      onProgress: (_d, _t, step) => progress.push(step),
    });
    expect(result.study).toBe('layer-comparison');
    expect(result.inputsUsed).toBe(50);
    const [sw, sw0, cka, proc] = result.comparisons;
    expect(sw.matrix.names).toEqual(
      nets.flatMap((n) => n.layers.map((l) => `${n.network}/${l.name}`)),
    );
    expect(sw.kind).toBe('distance');
    expect(cka.kind).toBe('similarity');
    expect(sw0.matrix.measure).toBe('sw-h0');
    // the same layer across seeds is closer than different layers, for every measure
    for (const c of result.comparisons) expect(c.specificity!.score).toBe(1);
    // the matrix entries are the measures themselves
    const X = nets[0].layers[1].points;
    const Y = nets[2].layers[2].points;
    expect(matrixValue(cka.matrix, 1, 8)).toBe(linearCKA(X, Y).value);
    expect(matrixValue(proc.matrix, 1, 8)).toBe(procrustesDistance(X, Y).value);
    // specificity read from the matrix equals the direct specificityTest
    const direct = specificityTest(
      nets.map((n) => n.layers.map((l) => l.points)),
      procrustesDistance,
    );
    expect(proc.specificity!.score).toBe(direct.score);
    expect(proc.specificity!.comparisons).toBe(direct.comparisons);
    proc.specificity!.sameLayerMean.forEach((v, l) =>
      expect(v).toBeCloseTo(direct.sameLayerMean[l], 12),
    );
    proc.specificity!.otherLayerMean.forEach((v, l) =>
      expect(v).toBeCloseTo(direct.otherLayerMean[l], 12),
    );
    // sensitivity: removing top directions moves CKA and Procrustes the right way
    expect(cka.sensitivity![0].layer).toBe('layer2');
    expect(cka.sensitivity![0].ks).toEqual([0, 1, 2]);
    expect(cka.sensitivity![0].trend).toBe(1);
    expect(proc.sensitivity![0].trend).toBe(1);
    expect(sw.sensitivity![0].values[0]).toBe(0);
    expect(progress[0]).toBe('matrix sw-h1');
  });

  it('specificity from a matrix counts wrong orders and ties as misses', () => {
    // 2 networks x 2 layers of a distance; rows a0, a1, b0, b1
    const values = Float64Array.from([0, 5, 1, 2, 5, 0, 4, 4, 1, 4, 0, 5, 2, 4, 5, 0]);
    const m = { measure: 'x', kind: 'distance' as const, names: ['a0', 'a1', 'b0', 'b1'], values };
    const s = specificityFromMatrix(m, 2, 2);
    // a0: same 1 < other 2 (hit); a1: same 4 = other 4 (tie: miss); b0: 1 < 4 (hit); b1: 4 > 2 (miss)
    expect(s.score).toBe(0.5);
    expect(s.comparisons).toBe(4);
    expect(s.sameLayerMean).toEqual([1, 4]);
    expect(s.otherLayerMean).toEqual([3, 3]);
    const sim = specificityFromMatrix({ ...m, kind: 'similarity' }, 2, 2);
    expect(sim.score).toBe(0.25);
  });

  it('one network: no specificity; bad names are refused before any work', () => {
    const one = layerComparison(nets[0], { measures: ['cka'], sensitivity: false });
    expect(one.comparisons[0].specificity).toBeUndefined();
    expect(one.comparisons[0].sensitivity).toBeUndefined();
    expect(() => layerComparison(nets, { measures: ['cosine'] })).toThrow(/unknown measure/);
    expect(() =>
      layerComparison(nets, { measures: ['cka'], sensitivity: { layers: ['x'] } }),
    ).toThrow(/no layer named 'x'/);
  });
});
