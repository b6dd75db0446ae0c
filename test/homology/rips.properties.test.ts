/**
 * Properties of Vietoris-Rips persistence (fast-check): invariance under relabelling the
 * points, equivariance under scaling, thresholds at or above the enclosing radius, torsion
 * (the real projective plane over Z/2 and Z/3), and representative cocycles that are cocycles.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PersistenceDiagram } from '../../src/core/diagram.js';
import type { Matrix } from '../../src/core/matrix.js';
import { ripsPersistence } from '../../src/homology/rips.js';
import { pairwiseDistances } from '../../src/linalg/distances.js';
import { type Bar, diagramBars } from './ripsHelpers.js';

function sorted(d: PersistenceDiagram): Bar[] {
  return diagramBars(d).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

const cloudArb = fc
  .record({
    n: fc.integer({ min: 1, max: 40 }),
    d: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer({ min: 0, max: 2 ** 30 }),
  })
  .chain(({ n, d }) =>
    fc.record({
      n: fc.constant(n),
      d: fc.constant(d),
      // multiples of 1/64 in [-4, 4] (plenty of ties, no subnormals to underflow when scaled)
      coords: fc
        .array(fc.integer({ min: -256, max: 256 }), { minLength: n * d, maxLength: n * d })
        .map((a) => a.map((x) => x / 64)),
      perm: fc.shuffledSubarray(
        Array.from({ length: n }, (_, i) => i),
        { minLength: n, maxLength: n },
      ),
      maxDimension: fc.integer({ min: 1, max: 2 }),
    }),
  );

function cloudOf(n: number, d: number, coords: number[]): Matrix {
  return { data: Float32Array.from(coords), rows: n, cols: d };
}

describe('Rips persistence properties', () => {
  it('is invariant under permutations of the points (exactly)', () => {
    fc.assert(
      fc.property(cloudArb, ({ n, d, coords, perm, maxDimension }) => {
        const cloud = cloudOf(n, d, coords);
        const permuted = new Float32Array(n * d);
        perm.forEach((src, dst) =>
          permuted.set(cloud.data.subarray(src * d, src * d + d), dst * d),
        );
        const a = ripsPersistence(cloud, { maxDimension });
        const b = ripsPersistence({ data: permuted, rows: n, cols: d }, { maxDimension });
        for (let k = 0; k <= maxDimension; k++) {
          expect(sorted(b.diagrams[k])).toEqual(sorted(a.diagrams[k]));
        }
      }),
      { numRuns: 60, seed: 11 },
    );
  });

  it('scales every bar by c when the points are scaled by c (powers of 2: exact in float32)', () => {
    fc.assert(
      fc.property(
        cloudArb,
        fc.integer({ min: -6, max: 6 }),
        ({ n, d, coords, maxDimension }, e) => {
          const c = 2 ** e;
          const a = ripsPersistence(cloudOf(n, d, coords), { maxDimension });
          const b = ripsPersistence(
            cloudOf(
              n,
              d,
              coords.map((x) => x * c),
            ),
            { maxDimension },
          );
          for (let k = 0; k <= maxDimension; k++) {
            expect(sorted(b.diagrams[k])).toEqual(
              sorted(a.diagrams[k]).map(([x, y]) => [x * c, y * c]),
            );
          }
        },
      ),
      { numRuns: 60, seed: 12 },
    );
  });

  it('a threshold at or above the enclosing radius gives the diagrams of no threshold', () => {
    fc.assert(
      fc.property(cloudArb, fc.double({ min: 1, max: 3, noNaN: true }), (c, factor) => {
        const cloud = cloudOf(c.n, c.d, c.coords);
        const free = ripsPersistence(cloud, { maxDimension: c.maxDimension });
        const enc = free.enclosingRadius;
        // the sparse engine on the whole complex (threshold Infinity on sparse input) too
        const dist = pairwiseDistances(cloud);
        const edges = { i: [] as number[], j: [] as number[], v: [] as number[] };
        for (let i = 1, k = 0; i < c.n; i++) {
          for (let j = 0; j < i; j++, k++) {
            edges.i.push(i);
            edges.j.push(j);
            edges.v.push(dist.data[k]);
          }
        }
        const sparse = ripsPersistence(
          {
            n: c.n,
            i: Int32Array.from(edges.i),
            j: Int32Array.from(edges.j),
            values: Float32Array.from(edges.v),
          },
          { maxDimension: c.maxDimension },
        );
        for (const t of [enc, enc * factor, Infinity]) {
          const r = ripsPersistence(cloud, { maxDimension: c.maxDimension, threshold: t });
          for (let k = 0; k <= c.maxDimension; k++) {
            expect(sorted(r.diagrams[k])).toEqual(sorted(free.diagrams[k]));
          }
        }
        for (let k = 0; k <= c.maxDimension; k++) {
          expect(sorted(sparse.diagrams[k])).toEqual(sorted(free.diagrams[k]));
        }
      }),
      { numRuns: 40, seed: 13 },
    );
  });
});

/**
 * The real projective plane: well-spread points of the upper unit hemisphere (Fibonacci
 * lattice) through the Veronese map x -> (x1^2, x2^2, x3^2, sqrt2 x1x2, sqrt2 x1x3, sqrt2 x2x3),
 * which identifies antipodes and embeds RP^2 in R^6. H1(RP^2; Z/2) = Z/2 but H1(RP^2; Z/3) = 0,
 * and H2(RP^2; Z/2) = Z/2 but H2(RP^2; Z/3) = 0.
 */
function projectivePlane(m: number): Matrix {
  const rows: number[][] = [];
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < m; i++) {
    const z = 1 - (i + 0.5) / m; // upper hemisphere
    const r = Math.sqrt(1 - z * z);
    const x = r * Math.cos(golden * i);
    const y = r * Math.sin(golden * i);
    rows.push([x * x, y * y, z * z, Math.SQRT2 * x * y, Math.SQRT2 * x * z, Math.SQRT2 * y * z]);
  }
  return { data: Float32Array.from(rows.flat()), rows: m, cols: 6 };
}

function longest(d: PersistenceDiagram): number {
  let best = 0;
  for (let i = 0; i < d.births.length; i++) best = Math.max(best, d.deaths[i] - d.births[i]);
  return best;
}

describe('torsion: the real projective plane', () => {
  it('has a long H1 and H2 bar over Z/2 and none over Z/3', () => {
    const cloud = projectivePlane(120);
    const z2 = ripsPersistence(cloud, { maxDimension: 2, coefficient: 2 });
    const z3 = ripsPersistence(cloud, { maxDimension: 2, coefficient: 3 });
    // H0 does not see the coefficients
    expect(sorted(z3.diagrams[0])).toEqual(sorted(z2.diagrams[0]));
    const h1z2 = longest(z2.diagrams[1]);
    const h1z3 = longest(z3.diagrams[1]);
    expect(h1z2).toBeGreaterThan(0.3);
    expect(h1z2).toBeGreaterThan(3 * h1z3); // measured: 0.91 vs 0.17
    expect(longest(z2.diagrams[2])).toBeGreaterThan(5 * longest(z3.diagrams[2])); // 0.77 vs 0.035
  });
});

/** Checks that each cocycle is a cocycle of the complex just before its bar's death. */
function checkCocycles(cloud: Matrix, p: number): number {
  const r = ripsPersistence(cloud, { maxDimension: 1, coefficient: p, cocycles: true });
  const dist = pairwiseDistances(cloud);
  const n = cloud.rows;
  const d = (i: number, j: number) =>
    i === j ? 0 : dist.data[i > j ? (i * (i - 1)) / 2 + j : (j * (j - 1)) / 2 + i];
  const h1 = r.diagrams[1];
  expect(h1.cocycles).toBeDefined();
  expect(h1.cocycles!.length).toBe(h1.births.length);
  let checked = 0;
  h1.cocycles!.forEach((cocycle, bar) => {
    const birth = h1.births[bar];
    const death = h1.deaths[bar];
    // value of the cocycle on the oriented edge (a > b)
    const value = new Map<number, number>();
    let hasBirthEdge = false;
    for (let s = 0; s < cocycle.coefficients.length; s++) {
      const a = cocycle.simplices[2 * s];
      const b = cocycle.simplices[2 * s + 1];
      expect(a).toBeGreaterThan(b);
      const c = cocycle.coefficients[s];
      expect(c).toBeGreaterThan(0);
      expect(c).toBeLessThan(p);
      value.set(a * n + b, c);
      if (d(a, b) === birth) hasBirthEdge = true;
      expect(d(a, b)).toBeGreaterThanOrEqual(birth);
    }
    expect(hasBirthEdge).toBe(true);
    const f = (a: number, b: number) => value.get(a * n + b) ?? 0; // a > b
    // coboundary on every triangle a > b > c present before the death: f(bc) - f(ac) + f(ab)
    for (let a = 2; a < n; a++) {
      for (let b = 1; b < a; b++) {
        for (let c = 0; c < b; c++) {
          const diam = Math.max(d(a, b), d(a, c), d(b, c));
          if (!(diam < death)) continue;
          const delta = (((f(b, c) - f(a, c) + f(a, b)) % p) + p) % p;
          expect(delta, `bar ${bar}, triangle ${a} ${b} ${c}`).toBe(0);
          checked++;
        }
      }
    }
  });
  return checked;
}

describe('representative cocycles', () => {
  const noisyCircles = (): Matrix => {
    const rows: number[][] = [];
    for (let i = 0; i < 36; i++) {
      const t = (2 * Math.PI * i) / 18;
      const r = i < 18 ? 1 : 0.45;
      const cx = i < 18 ? 0 : 3;
      rows.push([
        cx + r * Math.cos(t) + 0.03 * Math.sin(7 * i),
        r * Math.sin(t) + 0.03 * Math.cos(5 * i),
      ]);
    }
    return { data: Float32Array.from(rows.flat()), rows: rows.length, cols: 2 };
  };
  it('are cocycles over Z/2 up to the death, containing the birth edge', () => {
    expect(checkCocycles(noisyCircles(), 2)).toBeGreaterThan(0);
  });
  it('are cocycles over Z/3 and Z/5', () => {
    expect(checkCocycles(noisyCircles(), 3)).toBeGreaterThan(0);
    expect(checkCocycles(noisyCircles(), 5)).toBeGreaterThan(0);
  });
  it('are cocycles of the real projective plane over Z/3 (with signs)', () => {
    expect(checkCocycles(projectivePlane(60), 3)).toBeGreaterThan(0);
  });
  it('are absent unless asked for, and H0 never has them', () => {
    const r = ripsPersistence(noisyCircles(), { cocycles: true });
    expect(r.diagrams[0].cocycles).toBeUndefined();
    expect(ripsPersistence(noisyCircles()).diagrams[1].cocycles).toBeUndefined();
  });
});

describe('edge collapse inside ripsPersistence', () => {
  it('collapse on gives the diagrams of collapse off (every dimension, thresholds, Z/2 and Z/3)', () => {
    fc.assert(
      fc.property(
        cloudArb,
        fc.double({ min: 0.2, max: 1.2, noNaN: true }),
        fc.constantFrom(2, 3),
        (c, fraction, coefficient) => {
          const cloud = cloudOf(c.n, c.d, c.coords);
          const full = ripsPersistence(cloud, { maxDimension: c.maxDimension, coefficient });
          for (const threshold of [undefined, full.enclosingRadius * fraction]) {
            const common = { maxDimension: c.maxDimension, coefficient, threshold };
            const off = ripsPersistence(cloud, { ...common, collapse: false });
            const on = ripsPersistence(cloud, { ...common, collapse: true });
            expect(off.stats.collapse.applied).toBe(false);
            if (c.n > 1) expect(on.stats.collapse.applied).toBe(true);
            expect(on.threshold).toBe(off.threshold);
            for (let k = 0; k <= c.maxDimension; k++) {
              expect(sorted(on.diagrams[k])).toEqual(sorted(off.diagrams[k]));
            }
          }
        },
      ),
      { numRuns: 60, seed: 29 },
    );
  });

  it('is chosen by the cost model on a dense low-dimensional cloud and gives the same bars', () => {
    // 400 points on a noisy circle: dense at its enclosing radius, most edges dominated
    const n = 400;
    const data = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const t = (2 * Math.PI * i) / n;
      data[2 * i] = Math.cos(t) + 0.05 * Math.sin(7.3 * i);
      data[2 * i + 1] = Math.sin(t) + 0.05 * Math.cos(5.1 * i);
    }
    const cloud = { data, rows: n, cols: 2 };
    const auto = ripsPersistence(cloud, { maxDimension: 1 });
    const off = ripsPersistence(cloud, { maxDimension: 1, collapse: false });
    expect(auto.stats.collapse.applied).toBe(true);
    expect(auto.stats.collapse.keptEdges!).toBeLessThan(auto.stats.collapse.inputEdges! / 5);
    for (let k = 0; k <= 1; k++) expect(sorted(auto.diagrams[k])).toEqual(sorted(off.diagrams[k]));
  });

  it('is never applied with cocycles, and refused clearly when forced with them', () => {
    const cloud = cloudOf(4, 2, [0, 0, 1, 0, 1, 1, 0, 1]);
    const r = ripsPersistence(cloud, { cocycles: true });
    expect(r.stats.collapse.applied).toBe(false);
    expect(() => ripsPersistence(cloud, { cocycles: true, collapse: true })).toThrow(
      /cocycles need the full complex/,
    );
  });
});
