/**
 * The dense edge-collapse kernel's two searches: WebAssembly (the default where available) and
 * the JavaScript loops it falls back to. Both must give bit-identical new times, on random
 * clouds in float32 and float64 and on integer distances full of ties.
 */
import { describe, expect, it } from 'vitest';
import { collapseDenseKernel } from '../../src/homology/collapseDense.js';
import { denseSearch } from '../../src/homology/collapseDenseWasm.js';
import { pairwiseDistances } from '../../src/linalg/distances.js';
import { createRng } from '../../src/core/rng.js';
import { enclosingRadius, type CondensedDistances } from '../../src/core/distances.js';
import { readCloud } from './ripsHelpers.js';
import { graphOf } from './collapseTestGraph.js';

/** New times of the dense kernel on the edges of d up to threshold, with either search. */
function newTimes(d: CondensedDistances, threshold: number, wasm: boolean): number[] {
  const g = graphOf(d, threshold);
  const Float = g.val instanceof Float32Array ? Float32Array : Float64Array;
  const out = new Float(g.m);
  collapseDenseKernel(g, true, out, undefined, wasm);
  return Array.from(out);
}

describe('dense collapse: WebAssembly search and JavaScript fallback', () => {
  it('WebAssembly is available here (else the default path would be the fallback itself)', () => {
    expect(denseSearch(50, false)).not.toBeNull();
    expect(denseSearch(50, true)).not.toBeNull();
  });

  it('give the same new times on random clouds, float32 and float64', () => {
    for (let trial = 0; trial < 24; trial++) {
      const rng = createRng(900 + trial);
      const n = 20 + 9 * trial;
      const dim = 2 + (trial % 4);
      const data = new Float64Array(n * dim);
      for (let q = 0; q < data.length; q++) data[q] = rng.normal();
      const precision = trial % 2 ? 'float32' : 'float64';
      const d = pairwiseDistances({ data, rows: n, cols: dim }, { precision });
      const threshold = enclosingRadius(d) * (0.5 + 0.1 * (trial % 6));
      const js = newTimes(d, threshold, false);
      expect(
        js.some((t) => t === Infinity),
        `trial ${trial} removes edges`,
      ).toBe(true);
      expect(newTimes(d, threshold, true), `trial ${trial}`).toEqual(js);
    }
  });

  it('give the same new times with ties (integer distances)', () => {
    const rng = createRng(31);
    for (let trial = 0; trial < 20; trial++) {
      const n = 10 + rng.int(40);
      const data = new Float32Array((n * (n - 1)) / 2);
      for (let q = 0; q < data.length; q++) data[q] = 1 + rng.int(4);
      const d = { n, data };
      expect(newTimes(d, 4, true), `trial ${trial}`).toEqual(newTimes(d, 4, false));
    }
  });

  it('give the same new times on a fixture cloud where most edges are shifted (sphere3 at 1.1)', () => {
    const d = pairwiseDistances(readCloud('sphere3.txt'));
    const js = newTimes(d, 1.1, false);
    const kept = js.filter((t) => t !== Infinity).length;
    expect(kept).toBeGreaterThan(0);
    expect(newTimes(d, 1.1, true)).toEqual(js);
  });
});
