import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/core/rng.js';
import { matrix, type Matrix } from '../../src/core/matrix.js';
import { matrixValue } from '../../src/core/labelledMatrix.js';
import { diagramsToJSON } from '../../src/core/diagram.js';
import { linearCKA } from '../../src/similarity/cka.js';
import { procrustesDistance } from '../../src/similarity/procrustes.js';
import { rsa } from '../../src/similarity/rsa.js';
import { layerDistanceMatrix } from '../../src/similarity/layerDistance.js';
import { pairwiseMatrix, measureKind } from '../../src/similarity/pairwiseMatrix.js';
import { sensitivityTest, specificityTest } from '../../src/similarity/tests.js';
import { bottleneckDistance } from '../../src/homology/bottleneck.js';
import { wassersteinDistance } from '../../src/homology/wasserstein.js';
import { ripsPersistence } from '../../src/homology/rips.js';

function cloud(n: number, p: number, seed: number, radius = 1): Matrix {
  const rng = createRng(seed);
  const data = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n;
    data[i * p] = radius * Math.cos(t);
    data[i * p + 1] = radius * Math.sin(t);
    for (let a = 2; a < p; a++) data[i * p + a] = 0.1 * rng.normal();
    for (let a = 0; a < 2; a++) data[i * p + a] += 0.05 * rng.normal();
  }
  return matrix(data, n, p);
}

const clouds = [
  { name: 'a', points: cloud(40, 3, 1) },
  { name: 'b', points: cloud(40, 3, 2, 2) },
  { name: 'c', points: cloud(40, 3, 3, 0.5) },
];

describe('pairwiseMatrix', () => {
  it('sw-h1 equals layerDistanceMatrix and returns the diagrams', () => {
    const progress: number[] = [];
    const { matrix: m, diagrams } = pairwiseMatrix(clouds, {
      onProgress: (done, total) => progress.push(done / total),
    });
    const ref = layerDistanceMatrix(
      clouds.map((c) => c.points),
      { names: ['a', 'b', 'c'] },
    );
    expect(m.measure).toBe('sw-h1');
    expect(m.kind).toBe('distance');
    expect(m.names).toEqual(['a', 'b', 'c']);
    expect(Array.from(m.values)).toEqual(Array.from(ref.values));
    expect(ref.names).toEqual(m.names);
    expect(progress.at(-1)).toBe(1);
    expect(diagrams).toHaveLength(3);
    expect(diagramsToJSON(diagrams![0])).toEqual(
      diagramsToJSON(ripsPersistence(clouds[0].points, { maxDimension: 1 }).diagrams),
    );
    // larger circles sit further apart
    expect(matrixValue(m, 0, 1)).toBeGreaterThan(matrixValue(m, 0, 2));
  });

  it('reuses given diagrams instead of recomputing them', () => {
    const { diagrams } = pairwiseMatrix(clouds, { measure: 'sw-h1' });
    // give cloud 0 the diagrams of cloud 1: the (0, 1) entry must become 0
    const swapped = [diagrams![1], diagrams![1], undefined];
    const again = pairwiseMatrix(clouds, { measure: 'sw-h1', diagrams: swapped });
    expect(matrixValue(again.matrix, 0, 1)).toBe(0);
    expect(again.diagrams![0][1]).toBe(diagrams![1][1]);
    // an H0 list is not enough for an H1 measure: it is recomputed
    const h0only = [[diagrams![1][0]], undefined, undefined];
    const third = pairwiseMatrix(clouds, { diagrams: h0only });
    expect(matrixValue(third.matrix, 0, 1)).toBeGreaterThan(0);
  });

  it('bottleneck and Wasserstein over the same diagrams', () => {
    const b = pairwiseMatrix(clouds, { measure: 'bottleneck-h0' });
    const w = pairwiseMatrix(clouds, { measure: 'wasserstein-h1', diagrams: b.diagrams });
    const d = w.diagrams!;
    expect(matrixValue(b.matrix, 1, 2)).toBe(bottleneckDistance(d[1][0], d[2][0]));
    expect(matrixValue(w.matrix, 0, 2)).toBe(wassersteinDistance(d[0][1], d[2][1]));
    expect(matrixValue(b.matrix, 1, 1)).toBe(0);
  });

  it('representational measures: CKA, RSA, Procrustes, and a custom one', () => {
    const ckaResult = pairwiseMatrix(clouds, { measure: 'cka' });
    expect(ckaResult.diagrams).toBeUndefined();
    const cka = ckaResult.matrix;
    expect(cka.kind).toBe('similarity');
    expect(matrixValue(cka, 0, 0)).toBeCloseTo(1, 12);
    expect(matrixValue(cka, 0, 2)).toBe(linearCKA(clouds[0].points, clouds[2].points).value);
    expect(matrixValue(cka, 2, 0)).toBe(matrixValue(cka, 0, 2));
    const r = pairwiseMatrix(clouds, { measure: 'rsa' }).matrix;
    expect(matrixValue(r, 1, 2)).toBe(rsa(clouds[1].points, clouds[2].points).value);
    const p = pairwiseMatrix(clouds, { measure: 'procrustes' }).matrix;
    expect(p.kind).toBe('distance');
    expect(matrixValue(p, 0, 1)).toBe(procrustesDistance(clouds[0].points, clouds[1].points).value);
    const custom = pairwiseMatrix(clouds, {
      measure: { name: 'rows', kind: 'distance', compute: (X, Y) => Math.abs(X.rows - Y.rows) },
    }).matrix;
    expect(Array.from(custom.values)).toEqual(new Array(9).fill(0));
    expect(JSON.parse(JSON.stringify({ ...cka, values: Array.from(cka.values) })).names).toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  it('names bad input', () => {
    expect(() => pairwiseMatrix(clouds, { measure: 'cosine' })).toThrow(/unknown measure 'cosine'/);
    expect(() => measureKind('sw')).toThrow(/unknown measure/);
    expect(() => pairwiseMatrix([clouds[0], clouds[0]])).toThrow(/two clouds are named 'a'/);
    expect(() => pairwiseMatrix(clouds, { diagrams: [undefined] })).toThrow(/1 precomputed/);
  });
});

describe('sensitivity and specificity take record-returning measures as they are', () => {
  const rng = createRng(7);
  const X = matrix(
    Float64Array.from({ length: 100 * 12 }, (_, i) => rng.normal() * 0.8 ** (i % 12)),
    100,
    12,
  );
  it('sensitivity of linear CKA and Procrustes, with the trend', () => {
    const s = sensitivityTest(X, linearCKA, { maxK: 8 });
    expect(s.kind).toBe('similarity');
    expect(s.trend).toBeCloseTo(1, 12);
    const d = sensitivityTest(X, procrustesDistance, { maxK: 8 });
    expect(d.kind).toBe('distance');
    expect(d.trend).toBeCloseTo(1, 12);
    // a measure that moves the wrong way gets trend -1
    const wrong = sensitivityTest(
      X,
      (A, B) => ({ ...linearCKA(A, B), kind: 'distance' as const }),
      {
        maxK: 8,
      },
    );
    expect(wrong.trend).toBeCloseTo(-1, 12);
  });
  it('specificity takes the kind from the records', () => {
    const seeds = [0, 1].map((s) => [0, 1, 2].map((l) => cloud(30, 3, 10 * s + l, 1 + l)));
    const withKind = specificityTest(seeds, (A, B) => procrustesDistance(A, B).value, 'distance');
    const fromRecord = specificityTest(seeds, procrustesDistance);
    expect(fromRecord).toEqual(withKind);
    expect(() => specificityTest(seeds, () => 1)).toThrow(/no kind was given/);
  });
});
