/**
 * The edge collapse on two threads with the real worker (docs/edge-collapse.md, "Two
 * threads"; the split itself is checked edge by edge in collapseDenseSplit.test.ts): the kept
 * edges are those of one thread, whether the worker did its part, part of it or none; the
 * worker really took part; a run of ripsPersistence on threads gives one thread's diagrams.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { CondensedDistances } from '../../src/core/distances.js';
import { createRng } from '../../src/core/rng.js';
import { COLLAPSE_SPLIT_MIN_EDGES } from '../../src/homology/collapseSplit.js';
import { collapseEdges, type EdgeCollapseResult } from '../../src/homology/edgeCollapse.js';
import { getRipsThreadDriver, setRipsThreadDriver } from '../../src/homology/ripsParallel.js';
import { ripsPersistence } from '../../src/homology/rips.js';
import { pairwiseDistances } from '../../src/linalg/distances.js';
import { createNodeRipsThreadDriver, nodeRipsThreadDriver } from '../../src/run/ripsThreads.js';

const saved = getRipsThreadDriver();
afterAll(() => setRipsThreadDriver(saved));

/** n points on a noisy 2-torus in R^4 (the collapse keeps a good share of their edges). */
function torusDistances(n: number, seed: number): CondensedDistances {
  const rng = createRng(seed);
  const data = new Float64Array(4 * n);
  for (let i = 0; i < n; i++) {
    const a = 2 * Math.PI * rng.next();
    const b = 2 * Math.PI * rng.next();
    const noise = () => 0.05 * (rng.next() - 0.5);
    data.set(
      [Math.cos(a) + noise(), Math.sin(a) + noise(), Math.cos(b) + noise(), Math.sin(b) + noise()],
      4 * i,
    );
  }
  return pairwiseDistances({ data, rows: n, cols: 4 }, { precision: 'float32' });
}

const d = torusDistances(800, 11);
const threshold = 2.2;
/** Node's driver, splitting collapses from 100,000 edges (this cloud has 214,029) */
const driver = createNodeRipsThreadDriver({ collapseMinEdges: 100_000 });

function sameEdges(a: EdgeCollapseResult, b: EdgeCollapseResult): void {
  expect(a.keptEdges).toBe(b.keptEdges);
  expect(Array.from(a.edges.i)).toEqual(Array.from(b.edges.i));
  expect(Array.from(a.edges.j)).toEqual(Array.from(b.edges.j));
  expect(Array.from(a.edges.values)).toEqual(Array.from(b.edges.values));
}

describe('edge collapse on two threads', () => {
  const one = collapseEdges(d, { threshold, threads: 1 });

  it('keeps one thread’s edges, the worker taking part', async () => {
    setRipsThreadDriver(driver);
    expect(one.inputEdges).toBeGreaterThanOrEqual(driver.collapseMinEdges!);
    expect(one.keptEdges).toBeLessThan(one.inputEdges);
    expect(one.split).toBeUndefined();
    // the first run may start the worker (from source, through tsx: seconds on a loaded
    // machine); later runs find it ready and it does its part
    let fromWorker = 0;
    for (let attempt = 0; attempt < 12 && fromWorker === 0; attempt++) {
      if (attempt > 0) await new Promise((done) => setTimeout(done, 250));
      const two = collapseEdges(d, { threshold, threads: 2 });
      sameEdges(two, one);
      expect(two.split!.earlyEdges).toBeGreaterThan(0.35 * one.inputEdges);
      expect(two.split!.earlyEdges).toBeLessThan(0.45 * one.inputEdges);
      fromWorker = two.split!.fromWorker;
    }
    expect(fromWorker).toBeGreaterThan(0);
  }, 120_000);

  it('keeps one thread’s edges when the worker never comes', () => {
    const jobs: unknown[] = [];
    setRipsThreadDriver({ ...driver, startCollapseEarly: (job) => jobs.push(job) });
    const two = collapseEdges(d, { threshold, threads: 2 });
    expect(jobs).toHaveLength(1);
    expect(two.split!.fromWorker).toBe(0);
    sameEdges(two, one);
  });

  it('stays on one thread below the driver’s minimum, without shift, or without a driver', () => {
    const jobs: unknown[] = [];
    setRipsThreadDriver({ ...nodeRipsThreadDriver, startCollapseEarly: (job) => jobs.push(job) });
    expect(nodeRipsThreadDriver.collapseMinEdges).toBe(COLLAPSE_SPLIT_MIN_EDGES);
    expect(one.inputEdges).toBeLessThan(COLLAPSE_SPLIT_MIN_EDGES);
    expect(collapseEdges(d, { threshold, threads: 2 }).split).toBeUndefined();
    setRipsThreadDriver({ ...driver, startCollapseEarly: (job) => jobs.push(job) });
    expect(collapseEdges(d, { threshold: 0.5, threads: 2 }).split).toBeUndefined();
    expect(collapseEdges(d, { threshold, threads: 2, shift: false }).split).toBeUndefined();
    expect(jobs).toHaveLength(0);
    setRipsThreadDriver(null);
    const alone = collapseEdges(d, { threshold, threads: 2 });
    expect(alone.split).toBeUndefined();
    sameEdges(alone, one);
  });

  it('refuses a thread count that is not a positive integer', () => {
    expect(() => collapseEdges(d, { threshold, threads: 0 })).toThrow(/threads must be/);
    expect(() => collapseEdges(d, { threshold, threads: 1.5 })).toThrow(/threads must be/);
  });

  it('gives ripsPersistence on two threads one thread’s diagrams', () => {
    setRipsThreadDriver(driver);
    const options = { maxDimension: 1, threshold, collapse: true } as const;
    const a = ripsPersistence(d, { ...options, threads: 1 });
    const b = ripsPersistence(d, { ...options, threads: 2 });
    expect(b.stats.collapse).toEqual(a.stats.collapse);
    expect(a.threads.collapse).toBe(1);
    expect(b.threads.collapse).toBe(2);
    expect(b.diagrams).toEqual(a.diagrams);
  }, 120_000);
});
