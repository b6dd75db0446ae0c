/**
 * Hand-computed cases, trivial inputs, option handling and bad input.
 */
import { describe, expect, it } from 'vitest';
import { TopolensError } from '../../src/core/errors.js';
import { fromRows } from '../../src/core/matrix.js';
import { estimateRipsMemory, ripsPersistence, squareToCondensed } from '../../src/homology/rips.js';
import { diagramBars } from './ripsHelpers.js';

/** n points on a circle of radius 1 (regular polygon). */
function polygon(n: number) {
  return fromRows(
    Array.from({ length: n }, (_, i) => [
      Math.cos((2 * Math.PI * i) / n),
      Math.sin((2 * Math.PI * i) / n),
    ]),
  );
}

describe('hand-computed diagrams', () => {
  it('a square with unit sides: H1 = [1, sqrt 2)', () => {
    const d = { n: 4, data: new Float64Array([1, Math.SQRT2, 1, 1, Math.SQRT2, 1]) };
    const r = ripsPersistence(d, { threshold: Infinity });
    expect(diagramBars(r.diagrams[0])).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
      [0, Infinity],
    ]);
    expect(diagramBars(r.diagrams[1])).toEqual([[1, Math.fround(Math.SQRT2)]]);
  });

  it('a regular hexagon: H1 = [side, short diagonal), H2 = [short, long diagonal)', () => {
    const r = ripsPersistence(polygon(6), { maxDimension: 2, threshold: 3 });
    expect(r.diagrams[1].births.length).toBe(1);
    expect(r.diagrams[1].births[0]).toBeCloseTo(1, 6);
    // at sqrt 3 every pair but the antipodal ones is an edge: the octahedron, a 2-sphere
    expect(r.diagrams[1].deaths[0]).toBeCloseTo(Math.sqrt(3), 6);
    expect(r.diagrams[2].births.length).toBe(1);
    expect(r.diagrams[2].births[0]).toBeCloseTo(Math.sqrt(3), 6);
    expect(r.diagrams[2].deaths[0]).toBeCloseTo(2, 6);
  });

  it('the octahedron (6 points at +-e_i): H2 = [sqrt 2, 2)', () => {
    const pts = fromRows([
      [1, 0, 0],
      [-1, 0, 0],
      [0, 1, 0],
      [0, -1, 0],
      [0, 0, 1],
      [0, 0, -1],
    ]);
    const r = ripsPersistence(pts, { maxDimension: 2, threshold: Infinity });
    expect(diagramBars(r.diagrams[2])).toEqual([[Math.fround(Math.SQRT2), 2]]);
    expect(r.diagrams[1].births.length).toBe(0);
  });
});

describe('trivial inputs', () => {
  it('no points', () => {
    const r = ripsPersistence({ n: 0, data: new Float64Array(0) }, { maxDimension: 2 });
    expect(r.diagrams.map((d) => d.births.length)).toEqual([0, 0, 0]);
  });
  it('one point: one infinite H0 bar, dropped by reducedHomology', () => {
    const pt = fromRows([[1, 2, 3]]);
    expect(diagramBars(ripsPersistence(pt).diagrams[0])).toEqual([[0, Infinity]]);
    expect(ripsPersistence(pt, { reducedHomology: true }).diagrams[0].births.length).toBe(0);
  });
  it('all points equal: one infinite H0 bar and nothing else', () => {
    const pts = fromRows(Array.from({ length: 7 }, () => [0.5, -2]));
    const r = ripsPersistence(pts, { maxDimension: 2 });
    expect(diagramBars(r.diagrams[0])).toEqual([[0, Infinity]]);
    expect(r.diagrams[1].births.length + r.diagrams[2].births.length).toBe(0);
  });
  it('a threshold below every edge: n infinite H0 bars', () => {
    const r = ripsPersistence(polygon(5), { threshold: 0.1 });
    expect(diagramBars(r.diagrams[0])).toEqual(Array.from({ length: 5 }, () => [0, Infinity]));
  });
});

describe('bad input and options', () => {
  const expectError = (f: () => unknown, re: RegExp) => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TopolensError);
    expect((err as Error).message).toMatch(re);
  };

  it('NaN or Infinity in a cloud names the row and column', () => {
    const pts = fromRows([
      [0, 0],
      [1, NaN],
      [2, 2],
    ]);
    expectError(() => ripsPersistence(pts), /NaN in row 1, column 1/);
    const inf = fromRows([
      [0, 0],
      [1, 1],
      [Infinity, 2],
    ]);
    expectError(() => ripsPersistence(inf), /Infinity in row 2, column 0/);
  });
  it('negative, NaN and infinite distances are named by their pair', () => {
    expectError(
      () => ripsPersistence({ n: 3, data: new Float64Array([1, 2, -1]) }),
      /Negative distance -1 at \(2, 1\)/,
    );
    expectError(
      () => ripsPersistence({ n: 3, data: new Float64Array([1, NaN, 1]) }),
      /NaN distance at \(2, 0\)/,
    );
    expectError(
      () => ripsPersistence({ n: 3, data: new Float64Array([Infinity, 1, 1]) }),
      /Infinite distance at \(1, 0\).*SparseDistances/s,
    );
  });
  it('a condensed matrix of the wrong length', () => {
    expectError(() => ripsPersistence({ n: 4, data: new Float64Array(5) }), /has 6 entries/);
  });
  it('asymmetric square matrices and asymmetric sparse duplicates', () => {
    const m = fromRows([
      [0, 1, 2],
      [1, 0, 3],
      [2, 3.5, 0],
    ]);
    expectError(() => squareToCondensed(m), /not symmetric: d\(2, 1\) = 3.5 but d\(1, 2\) = 3/);
    const s = {
      n: 3,
      i: Int32Array.from([1, 0]),
      j: Int32Array.from([0, 1]),
      values: Float64Array.from([1, 2]),
    };
    expectError(() => ripsPersistence(s), /pair \(1, 0\) twice with different lengths/);
  });
  it('a non-prime coefficient', () => {
    expectError(() => ripsPersistence(polygon(4), { coefficient: 4 }), /must be a prime/);
    expectError(() => ripsPersistence(polygon(4), { coefficient: 1 }), /must be a prime/);
  });
  it('the index bound C(n, maxDimension + 2) < 2^53', () => {
    // C(2000, 8) ~ 6e21
    const big = { n: 2000, data: new Float32Array((2000 * 1999) / 2) };
    expectError(
      () => ripsPersistence(big, { maxDimension: 6 }),
      /beyond 2\^53.*Lower maxDimension/s,
    );
  });
  it('the memory estimate above maxMemoryBytes', () => {
    const pts = polygon(200);
    const estimate = estimateRipsMemory(pts, { maxDimension: 2 });
    expect(estimate).toBeGreaterThan(0);
    expectError(
      () => ripsPersistence(pts, { maxDimension: 2, maxMemoryBytes: estimate / 2 }),
      /estimated to need (at least )?\d+ MiB.*maxMemoryBytes (of at least|well above).*threshold.*maxDimension.*subsample/s,
    );
    expect(() => ripsPersistence(pts, { maxDimension: 2, maxMemoryBytes: estimate })).not.toThrow();
  });
});

describe('progress', () => {
  it('reports a non-decreasing fraction in [0, 1], ending at 1', () => {
    const seen: [number, string][] = [];
    ripsPersistence(polygon(40), {
      maxDimension: 2,
      threshold: 1.5,
      onProgress: (f, stage) => seen.push([f, stage]),
    });
    expect(seen.length).toBeGreaterThan(3);
    for (let k = 1; k < seen.length; k++) expect(seen[k][0]).toBeGreaterThanOrEqual(seen[k - 1][0]);
    expect(seen[0][0]).toBeGreaterThanOrEqual(0);
    expect(seen[seen.length - 1]).toEqual([1, 'done']);
    expect(seen.map((s) => s[1])).toContain('assembling dimension 2');
  });
});
