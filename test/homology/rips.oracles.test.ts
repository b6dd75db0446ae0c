/**
 * Random clouds and distance matrices against two independent implementations:
 * - Debian's `ripser` (Z/2), fed OUR float32 distances printed with 9 significant digits (exact
 *   for float32) in its lower-distance format, so that both see identical values;
 * - GUDHI's RipsComplex over Z/3 and Z/5 (and Z/2), fed the same values.
 * Seeded RNG; sizes 5..300, ambient dimensions 1..3, maxDimension 1..2, with and without a
 * threshold (a quantile of the distances, below the enclosing radius).
 */
import { describe, expect, it } from 'vitest';
import type { CondensedDistances } from '../../src/core/distances.js';
import { createRng, type Rng } from '../../src/core/rng.js';
import { ripsPersistence } from '../../src/homology/rips.js';
import { pairwiseDistances } from '../../src/linalg/distances.js';
import { PYTHON, requireTool } from '../helpers/oracles.js';
import { type Bar, compareBars, diagramBars, parseRipserOutput, runAsync } from './ripsHelpers.js';

interface OracleCase {
  name: string;
  dist: CondensedDistances;
  maxDimension: number;
  threshold?: number;
}

function cloudDistances(
  rng: Rng,
  n: number,
  d: number,
  kind: 'gauss' | 'circle',
): CondensedDistances {
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    if (kind === 'circle' && d >= 2) {
      const t = 2 * Math.PI * rng.next();
      data[i * d] = Math.cos(t) + 0.1 * rng.normal();
      data[i * d + 1] = Math.sin(t) + 0.1 * rng.normal();
      for (let k = 2; k < d; k++) data[i * d + k] = 0.1 * rng.normal();
    } else {
      for (let k = 0; k < d; k++) data[i * d + k] = rng.normal();
    }
  }
  return pairwiseDistances({ data, rows: n, cols: d }, { precision: 'float32' });
}

/** A random (non-Euclidean) matrix; `levels` > 0 gives integer distances with many ties. */
function randomMatrix(rng: Rng, n: number, levels: number): CondensedDistances {
  const data = new Float32Array((n * (n - 1)) / 2);
  for (let k = 0; k < data.length; k++) {
    data[k] = levels > 0 ? 1 + rng.int(levels) : Math.fround(0.01 + rng.next());
  }
  return { n, data };
}

function quantile(dist: CondensedDistances, q: number): number {
  const s = Float32Array.from(dist.data).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function makeCases(seed: number): OracleCase[] {
  const rng = createRng(seed);
  const cases: OracleCase[] = [];
  const sizes1 = [5, 8, 13, 40, 90, 160, 300];
  for (const n of sizes1) {
    for (const d of [1, 2, 3]) {
      const kind = d >= 2 && n % 2 === 0 ? 'circle' : 'gauss';
      const dist = cloudDistances(rng, n, d, kind);
      cases.push({ name: `${kind} n=${n} d=${d} dim1`, dist, maxDimension: 1 });
      cases.push({
        name: `${kind} n=${n} d=${d} dim1 threshold q0.3`,
        dist,
        maxDimension: 1,
        threshold: quantile(dist, 0.3),
      });
    }
  }
  for (const n of [6, 12, 30, 60]) {
    const dist = cloudDistances(rng, n, 3, 'gauss');
    cases.push({ name: `gauss n=${n} d=3 dim2`, dist, maxDimension: 2 });
    cases.push({
      name: `gauss n=${n} d=3 dim2 threshold q0.5`,
      dist,
      maxDimension: 2,
      threshold: quantile(dist, 0.5),
    });
  }
  for (const n of [7, 25, 50]) {
    cases.push({
      name: `random matrix n=${n} dim2`,
      dist: randomMatrix(rng, n, 0),
      maxDimension: 2,
    });
    cases.push({
      name: `integer matrix (ties) n=${n} dim2`,
      dist: randomMatrix(rng, n, 5),
      maxDimension: 2,
    });
  }
  cases.push({
    name: 'integer matrix (ties) n=120 dim1 threshold 3',
    dist: randomMatrix(rng, 120, 6),
    maxDimension: 1,
    threshold: 3,
  });
  return cases;
}

/** Lower-distance text with 9 significant digits (exact for float32). */
function lowerDistanceText(dist: CondensedDistances): string {
  const parts: string[] = [];
  for (let k = 0; k < dist.data.length; k++) parts.push(dist.data[k].toPrecision(9));
  return parts.join('\n') + '\n';
}

async function runRipser(c: OracleCase): Promise<Bar[][]> {
  const args = ['--format', 'lower-distance', '--dim', String(c.maxDimension)];
  if (c.threshold !== undefined) args.push('--threshold', c.threshold.toPrecision(9));
  return parseRipserOutput(await runAsync('ripser', args, lowerDistanceText(c.dist)));
}

const GUDHI_SCRIPT = `
import sys, json, math, gudhi
jobs = json.load(sys.stdin)
out = []
for job in jobs:
    n = job['n']; flat = job['data']; p = job['p']; maxdim = job['maxdim']
    m = [[0.0] * n for _ in range(n)]
    k = 0
    for i in range(1, n):
        for j in range(i):
            m[i][j] = m[j][i] = flat[k]; k += 1
    t = job['threshold']
    rc = gudhi.RipsComplex(distance_matrix=m, max_edge_length=(math.inf if t is None else t))
    st = rc.create_simplex_tree(max_dimension=maxdim + 1)
    pers = st.persistence(homology_coeff_field=p)
    bars = [[] for _ in range(maxdim + 1)]
    for dim, (b, d) in pers:
        if dim <= maxdim:
            bars[dim].append([b, None if math.isinf(d) else d])
    out.append(bars)
print(json.dumps(out))
`;

async function runGudhi(cases: OracleCase[], p: number): Promise<Bar[][][]> {
  const jobs = cases.map((c) => ({
    n: c.dist.n,
    data: Array.from(c.dist.data),
    p,
    maxdim: c.maxDimension,
    threshold: c.threshold ?? null,
  }));
  const text = await runAsync(PYTHON, ['-c', GUDHI_SCRIPT], JSON.stringify(jobs));
  const result = JSON.parse(text) as [number, number | null][][][];
  return result.map((dims) => dims.map((bars) => bars.map(([b, d]) => [b, d ?? Infinity] as Bar)));
}

function expectSameDiagrams(
  c: OracleCase,
  reference: Bar[][],
  coefficient: number,
  digits: number,
  rel: number,
): void {
  const r = ripsPersistence(c.dist, {
    maxDimension: c.maxDimension,
    threshold: c.threshold,
    coefficient,
  });
  for (let dim = 0; dim <= c.maxDimension; dim++) {
    const problem = compareBars(diagramBars(r.diagrams[dim]), reference[dim] ?? [], rel, digits);
    expect(problem, `${c.name}, Z/${coefficient}, dimension ${dim}`).toBeNull();
  }
}

describe('Rips persistence against Debian ripser (Z/2)', () => {
  const cases = makeCases(20261123);
  it(`${cases.length} random clouds and matrices`, async (ctx) => {
    requireTool(ctx, 'ripser');
    for (const c of cases) expectSameDiagrams(c, await runRipser(c), 2, 6, 1e-5);
  });
});

describe('Rips persistence against GUDHI over Z/2, Z/3, Z/5', () => {
  // GUDHI builds the whole complex (up to maxDimension + 1): keep the cases small
  const cases = makeCases(7).filter((c) => c.dist.n <= (c.maxDimension === 1 ? 90 : 30));
  for (const p of [2, 3, 5]) {
    it(`Z/${p}: ${cases.length} random clouds and matrices`, async (ctx) => {
      requireTool(ctx, 'gudhi');
      const reference = await runGudhi(cases, p);
      cases.forEach((c, k) => expectSameDiagrams(c, reference[k], p, 15, 1e-9));
    });
  }
});
