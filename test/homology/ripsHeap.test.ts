/**
 * The working heap's compaction (src/homology/ripsEngine.ts, EntryHeap; docs/bench-ph.md,
 * "Memory"): combining equal indices before growing keeps the same formal sum, so the same
 * pivots. Checked against a heap that never compacts (fast-check, random pushes and pivot pops
 * over Z/p), directly on compact()'s output, and on the engine: with compaction from 16 entries
 * (it then runs in nearly every column) the diagrams, cocycles and reduction statistics equal
 * those without it, and the fixture barcodes equal Ripser's.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EntryHeap, runRipsEngine, type EngineOutput } from '../../src/homology/ripsEngine.js';
import { pairwiseDistances } from '../../src/linalg/distances.js';
import { FIXTURES, compareBars, parseRipserOutput, readCloud, type Bar } from './ripsHelpers.js';

/** An entry's diameter as a function of its index (as in the engine: one simplex, one value). */
const diamOf = (i: number): number => Math.fround((i % 7) * 0.375 + 0.125);

/** Ripser's pop_pivot: the top entry with the coefficients of its index summed, or null. */
function popPivot(h: EntryHeap, p: number): [number, number, number] | null {
  let pd = 0;
  let pi = -1;
  let pc = 0;
  while (h.size > 0) {
    if (pc === 0) {
      pd = h.diam[0];
      pi = h.idx[0];
      pc = h.coef[0];
    } else if (h.idx[0] !== pi) {
      break;
    } else {
      pc = (pc + h.coef[0]) % p;
    }
    h.pop();
  }
  return pc === 0 ? null : [pd, pi, pc];
}

const PRIMES = [2, 3, 5, 7, 65521];

/**
 * ops: an entry (index, coefficient) to push, or null (one in 30) for a pivot pop; long enough
 * that the heap fills its first 64 slots and compacts.
 */
const opsArb = fc.array(
  fc.option(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 65520 })), {
    freq: 30,
  }),
  { minLength: 100, maxLength: 1000 },
);

describe('EntryHeap.compact', () => {
  it('pops the same pivots as a heap that never compacts', () => {
    let compactions = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...PRIMES),
        fc.integer({ min: 1, max: 64 }),
        opsArb,
        (p, from, ops) => {
          const plain = new EntryHeap(p, Infinity);
          const compacting = new EntryHeap(p, from);
          const popped: [unknown, unknown][] = [];
          for (const op of ops) {
            if (op === null) {
              popped.push([popPivot(plain, p), popPivot(compacting, p)]);
            } else {
              const [i, c] = op;
              plain.push(diamOf(i), i, c % p);
              compacting.push(diamOf(i), i, c % p);
            }
          }
          for (;;) {
            const a = popPivot(plain, p);
            const b = popPivot(compacting, p);
            popped.push([a, b]);
            if (a === null && b === null) break;
          }
          for (const [a, b] of popped) expect(b).toEqual(a);
          expect(compacting.size).toBe(0);
          compactions += compacting.compactions;
        },
      ),
      { numRuns: 300 },
    );
    expect(compactions).toBeGreaterThan(300);
  });

  it('leaves distinct indices with nonzero sums, sorted in heap order', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PRIMES), opsArb, (p, ops) => {
        const h = new EntryHeap(p, Infinity);
        const sum = new Map<number, number>();
        for (const op of ops) {
          if (op === null) continue;
          const [i, c] = op;
          h.push(diamOf(i), i, c % p);
          sum.set(i, ((sum.get(i) ?? 0) + (c % p)) % p);
        }
        h.compact();
        const expected = [...sum]
          .filter(([, c]) => c !== 0)
          .sort(([a], [b]) => diamOf(a) - diamOf(b) || b - a);
        const got = Array.from({ length: h.size }, (_, k) => [h.idx[k], h.coef[k]]);
        expect(got).toEqual(expected);
        for (let k = 0; k < h.size; k++) expect(h.diam[k]).toBe(diamOf(h.idx[k]));
      }),
      { numRuns: 300 },
    );
  });

  it('compacts instead of growing when that frees half the heap', () => {
    const h = new EntryHeap(2, 64);
    for (let r = 0; r < 1000; r++) h.push(diamOf(r % 10), r % 10, 1);
    expect(h.compactions).toBeGreaterThan(0);
    expect(h.idx.length).toBe(64);
    expect(h.size).toBeLessThanOrEqual(64);
  });
});

/** The float32 n x n matrix the dense engine reads, of the first `rows` points of a fixture. */
function squareMatrix(file: string, rows?: number): { n: number; square: Float32Array } {
  const full = readCloud(file);
  const n = Math.min(rows ?? full.rows, full.rows);
  const cloud = { rows: n, cols: full.cols, data: full.data.subarray(0, n * full.cols) };
  const condensed = pairwiseDistances(cloud, { precision: 'float32' }).data;
  const square = new Float32Array(n * n);
  for (let i = 1, k = 0; i < n; i++)
    for (let j = 0; j < i; j++, k++) square[i * n + j] = square[j * n + i] = condensed[k];
  return { n, square };
}

function engine(
  m: { n: number; square: Float32Array },
  maxDimension: number,
  threshold: number,
  opts: { modulus?: number; cocycles?: boolean; heapCompactFrom?: number },
): EngineOutput {
  return runRipsEngine({
    n: m.n,
    maxDimension,
    threshold: Math.fround(threshold),
    modulus: opts.modulus ?? 2,
    cocycles: opts.cocycles ?? false,
    dense: m.square,
    sparse: null,
    heapCompactFrom: opts.heapCompactFrom,
  });
}

function bars(out: EngineOutput, dim: number): Bar[] {
  const d = out.diagrams[dim];
  return d.births.map((b, k) => [b, d.deaths[k]] as Bar);
}

describe('the engine with heap compaction', () => {
  const sphere = squareMatrix('sphere3.txt', 400);

  it('gives the diagrams, cocycles and counts of the engine without it (Z/2, Z/7)', () => {
    for (const modulus of [2, 7]) {
      const plain = engine(sphere, 2, 0.9, { modulus, cocycles: true, heapCompactFrom: Infinity });
      const compacting = engine(sphere, 2, 0.9, { modulus, cocycles: true, heapCompactFrom: 16 });
      expect(plain.stats.heapCompactions).toBe(0);
      expect(compacting.stats.heapCompactions).toBeGreaterThan(5);
      expect(compacting.diagrams).toEqual(plain.diagrams);
      const { heapCompactions: _a, maxHeapSize: _b, ...rest } = compacting.stats;
      const { heapCompactions: _c, maxHeapSize: _d, ...restPlain } = plain.stats;
      expect(rest).toEqual(restPlain);
      expect(compacting.stats.maxHeapSize).toBeLessThanOrEqual(plain.stats.maxHeapSize);
    }
  });

  it('matches Ripser on the gauss50 dimension-1 median fixture', () => {
    const gauss = squareMatrix('gauss50.txt');
    const out = engine(gauss, 1, 9.957, { heapCompactFrom: 16 });
    expect(out.stats.heapCompactions).toBeGreaterThan(5);
    const reference = parseRipserOutput(
      readFileSync(`${FIXTURES}gauss50_dim1_median.barcode.txt`, 'utf8'),
    );
    for (let dim = 0; dim <= 1; dim++) {
      expect(compareBars(bars(out, dim), reference[dim]), `dimension ${dim}`).toBeNull();
    }
  });
});
