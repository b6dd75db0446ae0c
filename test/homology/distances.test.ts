import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagram, type PersistenceDiagram } from '../../src/core/diagram.js';
import { bottleneckDistance, bottleneckMatching } from '../../src/homology/bottleneck.js';
import { diagramDistanceMatrix } from '../../src/homology/diagramDistanceMatrix.js';
import type { DiagramMatching } from '../../src/homology/matching.js';
import { slicedWasserstein } from '../../src/homology/slicedWasserstein.js';
import {
  diagonalDistance,
  groundDistance,
  wassersteinDistance,
  wassersteinMatching,
} from '../../src/homology/wasserstein.js';
import { requireTool } from '../helpers/oracles.js';
import {
  arbDiagram,
  gudhiBatch,
  nearDiagonalDiagram,
  relClose,
  toPairs,
  uniformDiagram,
} from './diagramTestUtils.js';

const D = (bars: [number, number][]) => diagram(1, bars);
const EMPTY = D([]);

/** Cost of a matching, recomputed from scratch: max (p = Infinity) or (sum cost^p)^(1/p). */
function matchingCost(
  a: PersistenceDiagram,
  b: PersistenceDiagram,
  m: DiagramMatching,
  p: number,
  q: number,
): number {
  const costs: number[] = [];
  for (let i = 0; i < a.births.length; i++) {
    const j = m.matchA[i];
    if (j >= 0) {
      expect(m.matchB[j]).toBe(i);
      if (a.deaths[i] === Infinity) costs.push(Math.abs(a.births[i] - b.births[j]));
      else costs.push(groundDistance(a.births[i] - b.births[j], a.deaths[i] - b.deaths[j], q));
    } else {
      expect(a.deaths[i]).not.toBe(Infinity);
      costs.push(diagonalDistance(a.births[i], a.deaths[i], q));
    }
  }
  for (let j = 0; j < b.births.length; j++)
    if (m.matchB[j] < 0) costs.push(diagonalDistance(b.births[j], b.deaths[j], q));
  if (p === Infinity) return Math.max(0, ...costs);
  return Math.pow(
    costs.reduce((s, c) => s + Math.pow(c, p), 0),
    1 / p,
  );
}

describe('bottleneck distance: hand-computed cases', () => {
  it('one bar against the empty diagram is half its lifespan', () => {
    expect(bottleneckDistance(D([[0, 2]]), EMPTY)).toBe(1);
    expect(bottleneckDistance(EMPTY, D([[0, 2]]))).toBe(1);
  });
  it('prefers matching two bars to sending both to the diagonal', () => {
    // |(0,4) - (1,4)|_inf = 1 < max(2, 1.5)
    expect(bottleneckDistance(D([[0, 4]]), D([[1, 4]]))).toBe(1);
    // far apart: both to the diagonal costs max(0.5, 0.5)
    expect(bottleneckDistance(D([[0, 1]]), D([[10, 11]]))).toBe(0.5);
  });
  it('solves a two-by-two case where the greedy choice is wrong', () => {
    // a1=(0,10) a2=(0,6); b1=(0,8) b2=(0,4.5): a1-b1 (2), a2-b2 (1.5) => 2;
    // greedy a1-b1 is right, but a2->b1 (2) a1->b2 (5.5) is worse.
    expect(
      bottleneckDistance(
        D([
          [0, 10],
          [0, 6],
        ]),
        D([
          [0, 8],
          [0, 4.5],
        ]),
      ),
    ).toBe(2);
  });
  it('is 0 for identical diagrams and ignores zero-length bars', () => {
    const a = D([
      [0, 1],
      [0.5, 3],
      [2, 2.25],
    ]);
    expect(bottleneckDistance(a, a)).toBe(0);
    expect(
      bottleneckDistance(
        D([
          [1, 1],
          [3, 3],
        ]),
        EMPTY,
      ),
    ).toBe(0);
    expect(bottleneckDistance(EMPTY, EMPTY)).toBe(0);
  });
  it('matches essential bars by sorted birth, Infinity when the counts differ', () => {
    const a = diagram(0, [
      [0, 1],
      [0, Infinity],
    ]);
    const b = diagram(0, [
      [0, 2],
      [1, Infinity],
    ]);
    expect(bottleneckDistance(a, b)).toBe(1);
    expect(bottleneckDistance(diagram(0, [[0, Infinity]]), diagram(0, [[3, Infinity]]))).toBe(3);
    expect(bottleneckDistance(a, D([[0, 1]]))).toBe(Infinity);
    expect(bottleneckDistance(a, D([[0, 1]]), { infinite: 'ignore' })).toBe(0);
    // only essential bars
    const c = diagram(0, [
      [0, Infinity],
      [2, Infinity],
    ]);
    const d = diagram(0, [
      [0.5, Infinity],
      [1, Infinity],
    ]);
    expect(bottleneckDistance(c, d)).toBe(1);
  });
  it('returns a matching that realises the distance', () => {
    const a = diagram(0, [
      [0, 1],
      [0, Infinity],
      [0.2, 0.3],
    ]);
    const b = diagram(0, [
      [0, 2],
      [1, Infinity],
    ]);
    const m = bottleneckMatching(a, b);
    expect(m.matchA[1]).toBe(1);
    expect(matchingCost(a, b, m, Infinity, Infinity)).toBe(m.distance);
  });
  it('rejects NaN and deaths before births with a clear message', () => {
    expect(() => bottleneckDistance(D([[0, NaN]]), EMPTY)).toThrow(/bar 0 has death NaN/);
    expect(() => bottleneckDistance(EMPTY, D([[2, 1]]))).toThrow(/second diagram: bar 0 dies/);
  });
});

describe('Wasserstein distance: hand-computed cases', () => {
  it('uses GUDHI defaults p = 1, q = Infinity', () => {
    // (0,2) vs (0,3): match costs 1; diagonal costs 1 + 1.5
    expect(wassersteinDistance(D([[0, 2]]), D([[0, 3]]))).toBe(1);
    expect(
      wassersteinDistance(
        D([
          [0, 2],
          [5, 6],
        ]),
        D([[0, 3]]),
      ),
    ).toBe(1.5);
  });
  it('measures the distance to the diagonal in L_q', () => {
    // (0,2) to the diagonal: (1,1) in L_q, so 1 (q=inf), 2 (q=1), sqrt(2) (q=2)
    expect(wassersteinDistance(D([[0, 2]]), EMPTY, { p: 1, q: Infinity })).toBe(1);
    expect(wassersteinDistance(D([[0, 2]]), EMPTY, { p: 1, q: 1 })).toBe(2);
    expect(wassersteinDistance(D([[0, 2]]), EMPTY, { p: 2, q: 2 })).toBeCloseTo(Math.SQRT2, 14);
    // two bars to the diagonal, p = 2: sqrt(1^2 + 2^2)
    expect(
      wassersteinDistance(
        D([
          [0, 2],
          [0, 4],
        ]),
        EMPTY,
        { p: 2 },
      ),
    ).toBeCloseTo(Math.sqrt(5), 14);
  });
  it('trades matches against the diagonal exactly', () => {
    // a=(0,4), b=(1,4.5): match costs 1 (q=inf), diagonal costs 2 + 1.75
    expect(wassersteinDistance(D([[0, 4]]), D([[1, 4.5]]), { p: 2 })).toBe(1);
    // three-by-two: a=(0,10),(0,6),(3,3.2); b=(0,8),(0,4.5): 2 + 1.5 + 0.1 for p = 1
    expect(
      wassersteinDistance(
        D([
          [0, 10],
          [0, 6],
          [3, 3.2],
        ]),
        D([
          [0, 8],
          [0, 4.5],
        ]),
      ),
    ).toBeCloseTo(3.6, 14);
  });
  it('adds essential bars and handles degenerate diagrams', () => {
    const a = diagram(0, [
      [0, 1],
      [0, Infinity],
    ]);
    const b = diagram(0, [
      [0, 2],
      [1, Infinity],
    ]);
    expect(wassersteinDistance(a, b)).toBe(2);
    expect(wassersteinDistance(a, b, { p: 2 })).toBeCloseTo(Math.SQRT2, 14);
    expect(wassersteinDistance(a, D([[0, 1]]))).toBe(Infinity);
    expect(wassersteinDistance(a, D([[0, 1]]), { infinite: 'ignore' })).toBe(0);
    expect(wassersteinDistance(EMPTY, EMPTY)).toBe(0);
    expect(wassersteinDistance(D([[2, 2]]), EMPTY)).toBe(0);
    const c = uniformDiagram(40, 3);
    expect(wassersteinDistance(c, c, { p: 2 })).toBe(0);
  });
  it('p = Infinity is the bottleneck distance', () => {
    const a = uniformDiagram(30, 1);
    const b = uniformDiagram(25, 2);
    expect(wassersteinDistance(a, b, { p: Infinity })).toBe(bottleneckDistance(a, b));
    expect(() => wassersteinDistance(a, b, { p: Infinity, q: 2 })).toThrow(/q = Infinity/);
    expect(() => wassersteinDistance(a, b, { p: 0.5 })).toThrow(/p must be >= 1/);
  });
  it('returns a matching whose cost is the distance (spread-out and near-diagonal diagrams)', () => {
    for (const [a, b] of [
      [uniformDiagram(60, 11), uniformDiagram(45, 12)],
      [nearDiagonalDiagram(200, 13), nearDiagonalDiagram(150, 14)],
    ]) {
      for (const [p, q] of [
        [1, Infinity],
        [2, 2],
        [3, 1],
      ]) {
        const m = wassersteinMatching(a, b, { p, q });
        expect(relClose(matchingCost(a, b, m, p, q), m.distance, 1e-12)).toBe(true);
      }
    }
  });
});

describe('metric properties (fast-check)', () => {
  const params = { numRuns: 60 };
  it('bottleneck and Wasserstein are symmetric, zero on equal diagrams, and satisfy the triangle inequality', () => {
    fc.assert(
      fc.property(arbDiagram(), arbDiagram(), arbDiagram(), (a, b, c) => {
        for (const dist of [
          (x: PersistenceDiagram, y: PersistenceDiagram) => bottleneckDistance(x, y),
          (x: PersistenceDiagram, y: PersistenceDiagram) => wassersteinDistance(x, y),
          (x: PersistenceDiagram, y: PersistenceDiagram) =>
            wassersteinDistance(x, y, { p: 2, q: 2 }),
        ]) {
          const ab = dist(a, b);
          expect(ab).toBeGreaterThanOrEqual(0);
          expect(relClose(ab, dist(b, a), 1e-12)).toBe(true);
          expect(dist(a, a)).toBe(0);
          expect(ab).toBeLessThanOrEqual((dist(a, c) + dist(c, b)) * (1 + 1e-12) + 1e-12);
        }
      }),
      params,
    );
  });
  it('bottleneck <= p-Wasserstein (q = inf) for p = 1, 2, and W_2 <= W_1', () => {
    fc.assert(
      fc.property(arbDiagram(), arbDiagram(), (a, b) => {
        const bn = bottleneckDistance(a, b);
        const w1 = wassersteinDistance(a, b, { p: 1 });
        const w2 = wassersteinDistance(a, b, { p: 2 });
        expect(bn).toBeLessThanOrEqual(w2 * (1 + 1e-12) + 1e-15);
        expect(w2).toBeLessThanOrEqual(w1 * (1 + 1e-12) + 1e-15);
      }),
      params,
    );
  });
  it('the bottleneck matching realises the distance', () => {
    fc.assert(
      fc.property(arbDiagram(20), arbDiagram(20), (a, b) => {
        const m = bottleneckMatching(a, b);
        expect(matchingCost(a, b, m, Infinity, Infinity)).toBe(m.distance);
      }),
      params,
    );
  });
  it('sliced Wasserstein is symmetric, non-negative and zero on equal diagrams', () => {
    fc.assert(
      fc.property(arbDiagram(), arbDiagram(), (a, b) => {
        const ab = slicedWasserstein(a, b);
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(relClose(ab, slicedWasserstein(b, a), 1e-12)).toBe(true);
        expect(slicedWasserstein(a, a)).toBe(0);
      }),
      params,
    );
  });
});

/** Every partial matching of two tiny diagrams, by brute force: [bottleneck, W_p^p]. */
function bruteForce(
  a: PersistenceDiagram,
  b: PersistenceDiagram,
  p: number,
  q: number,
): [number, number] {
  const n = a.births.length;
  const m = b.births.length;
  let bestB = Infinity;
  let bestW = Infinity;
  const assign = new Int32Array(n);
  const used = new Uint8Array(m);
  const rec = (i: number): void => {
    if (i === n) {
      const costs: number[] = [];
      for (let k = 0; k < n; k++)
        costs.push(
          assign[k] < 0
            ? diagonalDistance(a.births[k], a.deaths[k], q)
            : groundDistance(
                a.births[k] - b.births[assign[k]],
                a.deaths[k] - b.deaths[assign[k]],
                q,
              ),
        );
      for (let j = 0; j < m; j++)
        if (!used[j]) costs.push(diagonalDistance(b.births[j], b.deaths[j], q));
      bestB = Math.min(bestB, Math.max(0, ...costs));
      bestW = Math.min(
        bestW,
        costs.reduce((s2, c) => s2 + Math.pow(c, p), 0),
      );
      return;
    }
    assign[i] = -1;
    rec(i + 1);
    for (let j = 0; j < m; j++)
      if (!used[j]) {
        used[j] = 1;
        assign[i] = j;
        rec(i + 1);
        used[j] = 0;
      }
  };
  rec(0);
  return [bestB, bestW];
}

describe('brute force over all partial matchings (no external tool)', () => {
  it('bottleneck and Wasserstein equal the best of every partial matching on tiny diagrams', () => {
    fc.assert(
      fc.property(arbDiagram(5), arbDiagram(5), (a, b) => {
        const [, w2p] = bruteForce(a, b, 2, 2);
        const w = wassersteinDistance(a, b, { p: 2, q: 2 });
        expect(relClose(w * w, w2p, 1e-9) || Math.abs(w * w - w2p) < 1e-12).toBe(true);
        const [bn, w1] = bruteForce(a, b, 1, Infinity);
        expect(bottleneckDistance(a, b)).toBe(bn);
        expect(relClose(wassersteinDistance(a, b), w1, 1e-12)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

/** docs/diagrams.md's formula, written out independently: exact float64 directions and (b+d)/2. */
function slicedReference(a: [number, number][], b: [number, number][], M = 50): number {
  const proj = (x: [number, number][]) =>
    x.map(([u, v]) => [(u + v) / 2, (u + v) / 2] as [number, number]);
  const V1 = [...a, ...proj(b)];
  const V2 = [...b, ...proj(a)];
  let sw = 0;
  for (let i = 0; i < M; i++) {
    const th = (0.5 + i / M) * Math.PI;
    const dot = (p: [number, number]) => Math.cos(th) * p[0] + Math.sin(th) * p[1];
    const s1 = V1.map(dot).sort((x, y) => x - y);
    const s2 = V2.map(dot).sort((x, y) => x - y);
    sw += s1.reduce((s, x, k) => s + Math.abs(x - s2[k]), 0);
  }
  return sw / M;
}

/** persim.sliced_wasserstein, line by line, with np.float32 directions. */
function persimReference(a: [number, number][], b: [number, number][], M = 50): number {
  const f = Math.fround;
  const diag = [f(Math.cos(0.25 * Math.PI)), f(Math.sin(0.25 * Math.PI))];
  const delta = (x: [number, number][]) =>
    x.map(([u, v]) => {
      const l = diag[0] * u + diag[1] * v;
      const z = Math.sqrt(l ** 2 / 2.0);
      return [z, z] as [number, number];
    });
  const d1 = delta(a);
  const d2 = delta(b);
  let sw = 0;
  let theta = 0.5;
  const step = 1.0 / M;
  for (let i = 0; i < M; i++) {
    const l = [f(Math.cos(theta * Math.PI)), f(Math.sin(theta * Math.PI))];
    const dot = (p: [number, number]) => l[0] * p[0] + l[1] * p[1];
    const V1 = [...a.map(dot), ...d2.map(dot)].sort((x, y) => x - y);
    const V2 = [...b.map(dot), ...d1.map(dot)].sort((x, y) => x - y);
    sw += step * V1.reduce((s, x, k) => s + Math.abs(x - V2[k]), 0);
    theta += step;
  }
  return sw;
}

describe('sliced Wasserstein ([P23], persim variant)', () => {
  const pairs = (d: PersistenceDiagram) =>
    Array.from(d.births, (b, i) => [b, d.deaths[i]] as [number, number]);
  it('one bar against the empty diagram, by hand', () => {
    // V1 = {(0,2)}, V2 = {(1,1)}: (1/M) sum |sin t - cos t| - hmm: <l,(0,2)> - <l,(1,1)> = sin t - cos t
    let expected = 0;
    for (let i = 0; i < 50; i++) {
      const t = (0.5 + i / 50) * Math.PI;
      expected += Math.abs(Math.sin(t) - Math.cos(t)) / 50;
    }
    expect(slicedWasserstein(D([[0, 2]]), EMPTY, { arithmetic: 'float64' })).toBeCloseTo(
      expected,
      14,
    );
  });
  it('float64 arithmetic matches the documented formula written out independently', () => {
    for (let s = 0; s < 5; s++) {
      const a = uniformDiagram(10 + s * 7, 100 + s);
      const b = nearDiagonalDiagram(5 + s * 11, 200 + s);
      const ref = slicedReference(pairs(a), pairs(b));
      expect(relClose(slicedWasserstein(a, b, { arithmetic: 'float64' }), ref, 1e-12)).toBe(true);
    }
  });
  it("default arithmetic reproduces persim's float32 directions", () => {
    for (let s = 0; s < 5; s++) {
      const a = uniformDiagram(10 + s * 7, 300 + s);
      const b = uniformDiagram(12 + s * 5, 400 + s);
      const ref = persimReference(pairs(a), pairs(b));
      const ours = slicedWasserstein(a, b);
      expect(relClose(ours, ref, 1e-12)).toBe(true);
      // and differs from the float64 formula only at float32 precision
      expect(relClose(ours, slicedWasserstein(a, b, { arithmetic: 'float64' }), 1e-6)).toBe(true);
    }
  });
  it('handles essential bars by the 1-Wasserstein distance of their births', () => {
    const a = diagram(0, [
      [0, 1],
      [0, Infinity],
    ]);
    const b = diagram(0, [
      [0, 1],
      [2, Infinity],
    ]);
    expect(slicedWasserstein(a, b)).toBe(2);
    expect(slicedWasserstein(a, D([[0, 1]]))).toBe(Infinity);
    expect(slicedWasserstein(a, D([[0, 1]]), { infinite: 'ignore' })).toBe(0);
  });
});

describe('diagramDistanceMatrix', () => {
  it('fills a symmetric matrix with the pairwise distances and matchings', () => {
    const ds = [uniformDiagram(10, 1), uniformDiagram(12, 2), nearDiagonalDiagram(15, 3)];
    const m = diagramDistanceMatrix(ds, 'wasserstein', { p: 2, matching: true });
    expect(m.n).toBe(3);
    for (let i = 0; i < 3; i++) {
      expect(m.data[i * 3 + i]).toBe(0);
      for (let j = i + 1; j < 3; j++) {
        expect(m.data[i * 3 + j]).toBe(wassersteinDistance(ds[i], ds[j], { p: 2 }));
        expect(m.data[j * 3 + i]).toBe(m.data[i * 3 + j]);
        expect(m.matchings![i][j]!.distance).toBe(m.data[i * 3 + j]);
      }
    }
    const s = diagramDistanceMatrix(ds, 'sliced');
    expect(s.data[1]).toBe(slicedWasserstein(ds[0], ds[1]));
    const b = diagramDistanceMatrix(ds, 'bottleneck');
    expect(b.data[5]).toBe(bottleneckDistance(ds[1], ds[2]));
    let calls = 0;
    diagramDistanceMatrix(ds, 'landscape', { onProgress: () => calls++ });
    expect(calls).toBe(3);
    expect(() => diagramDistanceMatrix(ds, 'sliced', { matching: true })).toThrow(/matching/);
  });
});

describe('agreement with GUDHI', () => {
  it('bottleneck (exact, e=0) and Wasserstein (POT) on random diagrams to 1e-9', (ctx) => {
    requireTool(ctx, 'gudhi');
    const cases: { a: [number, number | null][]; b: [number, number | null][] }[] = [];
    const ds: [PersistenceDiagram, PersistenceDiagram][] = [];
    for (let s = 0; s < 24; s++) {
      const gen = s % 2 === 0 ? uniformDiagram : nearDiagonalDiagram;
      const a = gen((s * 7) % 60, 1000 + s);
      const b = gen(((s * 11) % 70) + (s === 5 ? 0 : 1), 2000 + s);
      ds.push([a, b]);
      cases.push({ a: toPairs(a), b: toPairs(b) });
    }
    // bigger ones: many useful pairs (uniform) and few (near-diagonal)
    for (const [a, b] of [
      [uniformDiagram(300, 7), uniformDiagram(280, 8)],
      [nearDiagonalDiagram(600, 9), nearDiagonalDiagram(650, 10)],
    ]) {
      ds.push([a, b]);
      cases.push({ a: toPairs(a), b: toPairs(b) });
    }
    const out = gudhiBatch<number[]>(
      cases,
      `out = [gudhi.bottleneck_distance(a, b, 0),
       wasserstein_distance(a, b, order=1., internal_p=np.inf),
       wasserstein_distance(a, b, order=2., internal_p=2.),
       wasserstein_distance(a, b, order=3., internal_p=1.)]`,
    );
    ds.forEach(([a, b], k) => {
      const ours = [
        bottleneckDistance(a, b),
        wassersteinDistance(a, b, { p: 1, q: Infinity }),
        wassersteinDistance(a, b, { p: 2, q: 2 }),
        wassersteinDistance(a, b, { p: 3, q: 1 }),
      ];
      ours.forEach((x, t) => {
        if (!relClose(x, out[k][t], 1e-9))
          throw new Error(`case ${k}, measure ${t}: ours ${x}, GUDHI ${out[k][t]}`);
      });
    });
  });
  it('essential bars as GUDHI (keep_essential_parts)', (ctx) => {
    requireTool(ctx, 'gudhi');
    const a = diagram(0, [
      [0, 1],
      [0, Infinity],
      [0.5, Infinity],
      [0.2, 0.9],
    ]);
    const b = diagram(0, [
      [0, 2],
      [1, Infinity],
      [0.1, Infinity],
    ]);
    const c = diagram(0, [
      [0, 2],
      [1, Infinity],
    ]);
    const out = gudhiBatch<number[]>(
      [
        { a: toPairs(a), b: toPairs(b) },
        { a: toPairs(a), b: toPairs(c) },
      ],
      `out = [gudhi.bottleneck_distance(a, b, 0), wasserstein_distance(a, b, order=2., internal_p=np.inf)]`,
    );
    expect(bottleneckDistance(a, b)).toBeCloseTo(out[0][0], 12);
    expect(wassersteinDistance(a, b, { p: 2 })).toBeCloseTo(out[0][1], 12);
    expect(out[1]).toEqual([Infinity, Infinity]);
    expect(bottleneckDistance(a, c)).toBe(Infinity);
    expect(wassersteinDistance(a, c, { p: 2 })).toBe(Infinity);
  });
});
