/**
 * The dense edge collapse split between two threads (docs/edge-collapse.md, "Two threads"): the
 * early part on the graph of the early edges alone, the late part and the replay of the early
 * part on the caller. Run here one after the other on one thread (the real worker is tested in
 * collapseThreads.test.ts), the split must give the
 * one-thread pass's new times bit for bit, wherever the split falls (ties across it included:
 * the split is at a change of value), WebAssembly or JavaScript search. The split needs the
 * shift: without it an edge dominated up to the split value may still be kept at its own value,
 * below the split, which the early run cannot know (a counterexample is pinned below).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { FilteredAdjacency } from '../../src/homology/collapseGraph.js';
import { graphOf } from './collapseTestGraph.js';
import { SPLIT_WATCH_EDGES, collapseDenseKernel } from '../../src/homology/collapseDense.js';
import { pairwiseDistances } from '../../src/linalg/distances.js';
import { enclosingRadius } from '../../src/core/distances.js';
import type { FloatArray } from '../../src/core/matrix.js';

/** A copy of the adjacency whose lists the kernel may rewrite. */
function copyOf(g: FilteredAdjacency): FilteredAdjacency {
  return { ...g, nbr: g.nbr.slice(), et: g.et.slice() as FloatArray };
}

/** The calls of the last split run on its early run's view, in order. */
let lastCalls: string[] = [];

/**
 * The new times of the one-thread pass (mid left out), or of a split at `mid` run one part
 * after the other: the early run writes `workerEdges` edges at most (it publishes every 32
 * and stops once past that: a worker that started late, or is slower than the caller).
 */
function newTimes(
  g: FilteredAdjacency,
  shift: boolean,
  wasm: boolean,
  mid?: number,
  workerEdges = Infinity,
): number[] {
  const Float = g.val instanceof Float32Array ? Float32Array : Float64Array;
  const out = new Float(g.m);
  if (mid === undefined) {
    expect(collapseDenseKernel(copyOf(g), shift, out, undefined, wasm)).toBe(0);
    return Array.from(out);
  }
  const times = new Float(g.m);
  const dominators = new Int32Array(g.m).fill(-1);
  let published = 0;
  collapseDenseKernel(copyOf(g), shift, times, undefined, wasm, {
    part: 'early',
    mid,
    dominators,
    publish: (k) => {
      published = k;
      return k < workerEdges;
    },
  });
  const calls: string[] = [];
  const taken = collapseDenseKernel(copyOf(g), shift, out, undefined, wasm, {
    part: 'late',
    mid,
    early: {
      times,
      dominators,
      finished: () => (calls.push('finished'), published),
      stop: () => calls.push('stop'),
    },
  });
  expect(calls).toContain('stop');
  lastCalls = calls;
  expect(taken).toBe(Math.min(mid, published));
  if (workerEdges === Infinity) expect(taken).toBe(mid);
  return Array.from(out);
}

/** Split points at changes of value (where the runner may split), spread over the order. */
function splitPoints(g: FilteredAdjacency, count: number): number[] {
  const out: number[] = [];
  for (let q = 1; q <= count; q++) {
    let mid = Math.floor((q * g.m) / (count + 1));
    while (mid > 0 && mid < g.m && g.val[g.order[mid - 1]] === g.val[g.order[mid]]) mid++;
    if (mid > 0 && mid < g.m) out.push(mid);
  }
  return out;
}

function cloud(seed: number, n: number, dim: number, integer: boolean): Float64Array {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const data = new Float64Array(n * dim);
  for (let q = 0; q < data.length; q++) data[q] = integer ? Math.floor(next() * 6) : next() * 2 - 1;
  return data;
}

describe('dense collapse split between two threads', () => {
  it('gives the one-thread new times on random clouds, float32 and float64, both searches', () => {
    for (let trial = 0; trial < 16; trial++) {
      const n = 30 + 11 * trial;
      const dim = 2 + (trial % 3);
      const precision = trial % 2 ? 'float32' : 'float64';
      const d = pairwiseDistances(
        { data: cloud(77 + trial, n, dim, false), rows: n, cols: dim },
        { precision },
      );
      const g = graphOf(d, enclosingRadius(d) * (0.6 + 0.1 * (trial % 5)));
      for (const wasm of [true, false]) {
        const whole = newTimes(g, true, wasm);
        expect(whole.some((t) => t === Infinity)).toBe(true);
        expect(whole.some((t, e) => t !== Infinity && t !== g.val[e])).toBe(true);
        for (const mid of splitPoints(g, 3)) {
          expect(newTimes(g, true, wasm, mid), `trial ${trial} mid ${mid} wasm ${wasm}`).toEqual(
            whole,
          );
        }
      }
    }
  });

  it('gives the one-thread new times with integer distances full of ties', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 12, max: 60 }), (seed, n) => {
        const shift = true;
        const d = pairwiseDistances(
          { data: cloud(seed, n, 3, true), rows: n, cols: 3 },
          { precision: 'float64' },
        );
        const g = graphOf(d, enclosingRadius(d));
        const whole = newTimes(g, shift, true);
        for (const mid of splitPoints(g, 2)) {
          expect(newTimes(g, shift, true, mid)).toEqual(whole);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('stops the early run during the late part when most of its edges are capped', () => {
    // a plane cloud at its enclosing radius: nearly every edge is dominated to the end (capped
    // in the early run); 20-dimensional Gaussian points: few edges are dominated at all
    const cases = [
      { dim: 2, capped: true },
      { dim: 20, capped: false },
    ];
    for (const { dim, capped } of cases) {
      const n = 120;
      const d = pairwiseDistances(
        { data: cloud(9 + dim, n, dim, false), rows: n, cols: dim },
        { precision: 'float32' },
      );
      const g = graphOf(d, enclosingRadius(d));
      const whole = newTimes(g, true, true);
      const [mid] = splitPoints(g, 1);
      expect(mid).toBeGreaterThan(2 * SPLIT_WATCH_EDGES);
      expect(newTimes(g, true, true, mid)).toEqual(whole);
      const firstStop = lastCalls.indexOf('stop');
      const stoppedEarly = firstStop < lastCalls.lastIndexOf('finished');
      expect(stoppedEarly, `dim ${dim}: ${lastCalls.length} calls`).toBe(capped);
      expect(lastCalls.filter((c) => c === 'stop').length).toBe(capped ? 2 : 1);
    }
  });

  it('is not exact without the shift (why collapseEdges splits only with shift)', () => {
    const d = pairwiseDistances(
      { data: cloud(1, 17, 3, true), rows: 17, cols: 3 },
      { precision: 'float64' },
    );
    const g = graphOf(d, enclosingRadius(d));
    const whole = newTimes(g, false, true);
    const differs = splitPoints(g, 2).some(
      (mid) => JSON.stringify(newTimes(g, false, true, mid)) !== JSON.stringify(whole),
    );
    expect(differs).toBe(true);
  });

  it('visits the early part itself where the early run has not got to', () => {
    const n = 80;
    const d = pairwiseDistances(
      { data: cloud(5, n, 2, false), rows: n, cols: 2 },
      { precision: 'float32' },
    );
    const g = graphOf(d, enclosingRadius(d));
    const whole = newTimes(g, true, true);
    const [mid] = splitPoints(g, 1);
    expect(mid).toBeGreaterThan(200);
    // no edge written (the worker never came), a few, about half
    for (const workerEdges of [0, 40, Math.floor(mid / 2)]) {
      expect(newTimes(g, true, true, mid, workerEdges), `worker edges ${workerEdges}`).toEqual(
        whole,
      );
    }
  });
});
