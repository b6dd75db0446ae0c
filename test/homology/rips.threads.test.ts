/**
 * Threads (docs/persistent-homology.md, "Threads"): ripsPersistence with threads 2, 3 and 4
 * gives exactly the diagrams, cocycles and stats of threads 1, and Ripser's barcodes. The Node
 * driver is registered with minBatch 1 and minColumns 1 so that every apparent-pair batch and
 * every dimension's reduction goes to the workers even on small clouds, with small reduction
 * batches (many batches, pivots owned inside and across batches) and small arenas (columns that
 * overflow and are reduced again); 3 and 4 threads on a 2-core machine force interleavings, and
 * a counting wrapper checks that the threads really ran.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersistenceDiagram } from '../../src/core/diagram.js';
import type { CondensedDistances } from '../../src/core/distances.js';
import { createRng } from '../../src/core/rng.js';
import { ripsPersistence, type RipsOptions, type RipsResult } from '../../src/homology/rips.js';
import {
  getRipsThreadDriver,
  setRipsThreadDriver,
  sharedArray,
  type ReductionJob,
  type RipsThreadDriver,
} from '../../src/homology/ripsParallel.js';
import { pairwiseDistances } from '../../src/linalg/distances.js';
import { createNodeRipsThreadDriver, nodeRipsThreadDriver } from '../../src/run/ripsThreads.js';
import { requireTool } from '../helpers/oracles.js';
import { fixtureCases, caseName } from './ripsFixtureCases.js';
import { FIXTURES, compareBars, diagramBars, parseRipserOutput, readCloud } from './ripsHelpers.js';
import { fmt, lowerDistanceText, runRipser } from './ripserOracle.js';

/**
 * Counts the batches and tests the workers were given, the reduction batches, and the lowest
 * dimension of any batch. Its default is at least two threads, so that `threads: 'auto'` uses
 * threads on any machine.
 */
const counts = { batches: 0, tests: 0, reductions: 0, columns: 0, lowestDim: Infinity };
function counting(inner: RipsThreadDriver): RipsThreadDriver {
  return {
    defaultThreads: Math.max(2, inner.defaultThreads),
    open(data, threads) {
      const s = inner.open(data, threads);
      return {
        threads: s.threads,
        minBatch: s.minBatch,
        minColumns: s.minColumns,
        batchColumns: s.batchColumns,
        arenaEntries: s.arenaEntries,
        apparentFlags(idx, diam, count, dim, flags) {
          counts.batches++;
          counts.tests += count;
          counts.lowestDim = Math.min(counts.lowestDim, dim);
          s.apparentFlags(idx, diam, count, dim, flags);
        },
        reduceColumns(job) {
          counts.reductions++;
          counts.columns += job.count;
          counts.lowestDim = Math.min(counts.lowestDim, job.dim);
          s.reduceColumns(job);
        },
        close: () => s.close(),
      };
    },
  };
}

/** Registers the counting Node driver with every batch on the threads. */
function useDriver(batchColumns: number, arenaEntries: number): void {
  setRipsThreadDriver(
    counting(
      createNodeRipsThreadDriver({ minBatch: 1, minColumns: 1, batchColumns, arenaEntries }),
    ),
  );
}

let saved: RipsThreadDriver | null = null;
beforeAll(() => {
  saved = getRipsThreadDriver();
  useDriver(37, 1 << 16);
});
afterAll(() => setRipsThreadDriver(saved));

function expectSame(a: RipsResult, b: RipsResult, label: string): void {
  expect(b.diagrams.length, label).toBe(a.diagrams.length);
  a.diagrams.forEach((d: PersistenceDiagram, dim) => {
    const e = b.diagrams[dim];
    expect(Array.from(e.births), `${label} births dim ${dim}`).toEqual(Array.from(d.births));
    expect(Array.from(e.deaths), `${label} deaths dim ${dim}`).toEqual(Array.from(d.deaths));
    expect(e.cocycles?.length, `${label} cocycles dim ${dim}`).toBe(d.cocycles?.length);
    d.cocycles?.forEach((c, k) => {
      expect(Array.from(e.cocycles![k].simplices)).toEqual(Array.from(c.simplices));
      expect(Array.from(e.cocycles![k].coefficients)).toEqual(Array.from(c.coefficients));
    });
  });
  expect(b.stats, `${label} stats`).toEqual(a.stats);
}

/** threads 1 and each of `more`, identical; the batches went to the workers. */
function runAll(input: Parameters<typeof ripsPersistence>[0], opts: RipsOptions, more: number[]) {
  const one = ripsPersistence(input, { ...opts, threads: 1 });
  for (const t of more) {
    const before = counts.batches;
    const reductions = counts.reductions;
    const r = ripsPersistence(input, { ...opts, threads: t });
    expectSame(one, r, `threads ${t}`);
    if (r.stats.apparentPairs > 0)
      expect(counts.batches, `threads ${t} used`).toBeGreaterThan(before);
    if (r.stats.columnsReduced > 0)
      expect(counts.reductions, `threads ${t} reduced`).toBeGreaterThan(reductions);
  }
  return one;
}

describe('Rips persistence on threads', () => {
  it('defaults to the registered driver, validates threads', () => {
    expect(nodeRipsThreadDriver.defaultThreads).toBeGreaterThanOrEqual(1);
    const cloud = { data: new Float64Array([0, 0, 1, 0, 0, 1]), rows: 3, cols: 2 };
    const positive = /threads must be 'auto' or a positive integer/;
    expect(() => ripsPersistence(cloud, { threads: 0 })).toThrow(positive);
    expect(() => ripsPersistence(cloud, { threads: 1.5 })).toThrow(positive);
    expect(() => ripsPersistence(cloud, { threads: 'all' as never })).toThrow(positive);
  });

  it("defaults to 'auto': every core for dimensions 2 and up, dimensions 0 and 1 on the caller", () => {
    const cloud = readCloud('gauss50.txt');
    const dist = pairwiseDistances(cloud);
    const threshold = 8.718; // gauss50's q10 case
    const before = { ...counts };
    const h1 = ripsPersistence(dist, { maxDimension: 1, threshold });
    expect(counts, 'dimension 1 alone: no thread ran').toEqual(before);
    expect(h1.threads).toEqual({ count: 1, fromDimension: 2, collapse: 1 });
    const two = ripsPersistence(dist, { maxDimension: 1, threshold, threads: 2 });
    expect(two.threads).toEqual({ count: 2, fromDimension: 1, collapse: 1 });
    expect(counts.batches + counts.reductions).toBeGreaterThan(before.batches + before.reductions);
    expect(counts.lowestDim, 'a number of threads: every dimension').toBe(1);

    counts.lowestDim = Infinity;
    const mid = { ...counts };
    const auto = ripsPersistence(dist, { maxDimension: 2, threshold, collapse: false });
    expect(counts.batches, 'apparent pairs of dimension 2 tested on the threads').toBeGreaterThan(
      mid.batches,
    );
    expect(counts.reductions, 'dimension 2 reduced on the threads').toBeGreaterThan(mid.reductions);
    expect(counts.lowestDim, "'auto': nothing of dimension 1 on the threads").toBe(2);
    expect(auto.threads.count).toBe(getRipsThreadDriver()!.defaultThreads);
    expect(auto.threads.fromDimension).toBe(2);
    const one = ripsPersistence(dist, { maxDimension: 2, threshold, collapse: false, threads: 1 });
    expectSame(one, auto, "threads 'auto'");
  });

  // the fixture clouds against Ripser's barcodes, threads 1 and 2 (3 and 4 on two of them)
  const picked: Record<string, number[]> = {
    sphere3_dim1_q10: [2, 3, 4],
    gauss50_dim1_q10: [2],
    sphere3_dim1_median: [2],
    torus4_dim1_q10: [2, 4],
    sphere3_dim2_q10: [2, 3],
    digits64_dim1_q10: [3],
    circles2_dim1_q10: [2],
  };
  for (const c of fixtureCases.filter((c) => caseName(c) in picked)) {
    it(
      `fixture ${caseName(c)}: threads ${picked[caseName(c)].join(', ')} as 1 and as Ripser`,
      {
        timeout: 120_000,
      },
      () => {
        const cloud = readCloud(`${c.cloud}.txt`);
        const opts: RipsOptions = {
          maxDimension: c.maxdim,
          threshold: c.threshold === null ? undefined : Number(c.threshold),
        };
        const one = runAll(cloud, opts, picked[caseName(c)]);
        const reference = parseRipserOutput(
          readFileSync(`${FIXTURES}${caseName(c)}.barcode.txt`, 'utf8'),
        );
        for (let dim = 0; dim <= c.maxdim; dim++) {
          expect(compareBars(diagramBars(one.diagrams[dim]), reference[dim])).toBeNull();
        }
      },
    );
  }

  it('random clouds: threads 2 and 4 against Debian ripser (dense and sparse, H2)', (ctx) => {
    requireTool(ctx, 'ripser');
    const rng = createRng(1303);
    for (let trial = 0; trial < 6; trial++) {
      const n = 60 + Math.floor(rng.next() * 80);
      const d = 2 + (trial % 2);
      const data = new Float32Array(n * d);
      for (let i = 0; i < n * d; i++) data[i] = rng.normal();
      const dist: CondensedDistances = pairwiseDistances({ data, rows: n, cols: d }, {});
      const f32 = { n, data: Float32Array.from(dist.data) };
      const sorted = Array.from(f32.data).sort((a, b) => a - b);
      const threshold = trial < 3 ? sorted[Math.floor(sorted.length * 0.3)] : Infinity;
      const maxDimension = 2;
      const opts: RipsOptions = {
        maxDimension,
        threshold: Number.isFinite(threshold) ? threshold : undefined,
        collapse: false,
      };
      const one = runAll(f32, opts, [2, 4]);
      const text = runRipser(lowerDistanceText(f32), [
        '--format',
        'lower-distance',
        '--dim',
        String(maxDimension),
        '--threshold',
        fmt(one.threshold),
      ]);
      const reference = parseRipserOutput(text);
      for (let dim = 0; dim <= maxDimension; dim++) {
        const bars = diagramBars(one.diagrams[dim]);
        expect(compareBars(bars, reference[dim]), `trial ${trial} dim ${dim}`).toBeNull();
      }
    }
  }, 120_000);

  it('property: threads k gives exactly what threads 1 gives (random clouds, Z/2 and Z/3, cocycles)', () => {
    fc.assert(
      fc.property(
        fc.record({
          n: fc.integer({ min: 4, max: 70 }),
          d: fc.integer({ min: 1, max: 3 }),
          seed: fc.integer({ min: 0, max: 2 ** 30 }),
          maxDimension: fc.integer({ min: 1, max: 2 }),
          coefficient: fc.constantFrom(2, 3),
          cocycles: fc.boolean(),
          quantile: fc.constantFrom(0.2, 0.5, 1),
          threads: fc.integer({ min: 2, max: 4 }),
          batchColumns: fc.constantFrom(1, 2, 5, 37, 256),
          arenaEntries: fc.constantFrom(4, 64, 1 << 16),
        }),
        ({ n, d, seed, maxDimension, coefficient, cocycles, quantile, threads, ...sizes }) => {
          useDriver(sizes.batchColumns, sizes.arenaEntries);
          const rng = createRng(seed);
          const data = new Float32Array(n * d);
          // a coarse grid: many equal distances, so ties and apparent pairs abound
          for (let i = 0; i < n * d; i++) data[i] = Math.round(rng.normal() * 4);
          const dist = pairwiseDistances({ data, rows: n, cols: d }, {});
          const sorted = Array.from(dist.data).sort((a, b) => a - b);
          const threshold =
            quantile === 1 ? undefined : sorted[Math.floor(sorted.length * quantile)];
          const opts: RipsOptions = { maxDimension, coefficient, cocycles, threshold };
          runAll(dist, opts, [threads]);
        },
      ),
      { numRuns: 60, seed: 13 },
    );
    useDriver(37, 1 << 16);
  }, 120_000);

  it('an error in a reduction batch is thrown, and the threads work on afterwards', () => {
    const n = 40;
    const rng = createRng(7);
    const data = new Float32Array(n * 2);
    for (let i = 0; i < n * 2; i++) data[i] = rng.normal();
    const dist = pairwiseDistances({ data, rows: n, cols: 2 }, {});
    const session = createNodeRipsThreadDriver().open(
      {
        n,
        maxDimension: 1,
        threshold: Infinity,
        modulus: 2,
        dense: new Float32Array(new SharedArrayBuffer(4 * n * n)),
        sparse: null,
      },
      2,
    );
    try {
      // no pivot map: every thread's first column throws (the caller's and the worker's)
      const bad = sharedArray(Float64Array, 64, 8);
      const job = {
        dim: 1,
        first: 0,
        count: 64,
        colIdx: bad,
        colDiam: sharedArray(Float32Array, 64, 4),
        pivotKeys: null,
      } as unknown as ReductionJob;
      expect(() => session.reduceColumns(job)).toThrow();
    } finally {
      session.close();
    }
    runAll(dist, { maxDimension: 1 }, [2]);
  });

  it('a reduction in many batches whose columns overflow the arenas gives the one-thread result', () => {
    // sparse and dense, H1 and H2, Z/3 with cocycles: batches of 1 and 2 columns (every column
    // reads its predecessors' reduction columns in phase 1), of 3 and 16 columns with arenas of
    // 8 entries (most columns overflow) and 256 (some do)
    const rng = createRng(2027);
    const n = 90;
    const data = new Float32Array(n * 3);
    for (let i = 0; i < n * 3; i++) data[i] = rng.normal();
    const dist = pairwiseDistances({ data, rows: n, cols: 3 }, {});
    const sorted = Array.from(dist.data).sort((a, b) => a - b);
    try {
      for (const [batch, arena] of [
        [1, 1 << 16],
        [2, 1 << 16],
        [3, 8],
        [16, 256],
      ]) {
        useDriver(batch, arena);
        for (const threshold of [sorted[Math.floor(sorted.length * 0.4)], undefined]) {
          const opts: RipsOptions = { maxDimension: 2, coefficient: 3, cocycles: true, threshold };
          const one = runAll(dist, opts, [2, 3]);
          expect(one.stats.columnsReduced).toBeGreaterThan(100);
          expect(one.stats.reductionEntries).toBeGreaterThan(50);
        }
      }
    } finally {
      useDriver(37, 1 << 16);
    }
  }, 120_000);
});
