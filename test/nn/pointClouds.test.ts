import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  allPositions,
  classToken,
  denseOutput,
  flattenOutput,
  globalAveragePooling,
  maskWeightedPositions,
  meanToken,
  minMaxScale,
  perClassSample,
  pointCloud,
  randomInteriorPosition,
  strategyForRank,
  topL2Position,
} from '../../src/nn/pointClouds.js';

// a [2, 2, 3, 2] conv output: value = 1000*i + 100*y + 10*x + k
const n = 2,
  h = 2,
  w = 3,
  c = 2;
const conv = new Float32Array(n * h * w * c);
for (let i = 0; i < n; i++)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let k = 0; k < c; k++)
        conv[((i * h + y) * w + x) * c + k] = 1000 * i + 100 * y + 10 * x + k;
const t = { data: conv, shape: [n, h, w, c] };

describe('point-cloud strategies (hand-computed)', () => {
  it('global average pooling is the per-channel mean over positions', () => {
    const g = globalAveragePooling(t);
    // mean over y of 100y = 50, over x of 10x = 10
    expect(Array.from(g.data)).toEqual([60, 61, 1060, 1061]);
    expect([g.rows, g.cols]).toEqual([2, 2]);
  });

  it('flatten keeps every value; dense passes 2-D outputs through', () => {
    const f = flattenOutput(t);
    expect([f.rows, f.cols]).toEqual([2, 12]);
    expect(f.data[12]).toBe(1000);
    // the layer's own shape per input, [2, 3, 2], not the batch's [2, 2, 3, 2]
    expect(() => denseOutput(t)).toThrow(/dense output .*outputs \[2, 3, 2\] per input/);
    expect(denseOutput({ data: new Float32Array(6), shape: [3, 2] }).rows).toBe(3);
  });

  it('top-l2 picks the position with the largest norm', () => {
    const data = new Float32Array(1 * 2 * 2 * 2);
    data.set([3, 4], 2 * 2); // position (1,0): norm 5
    data.set([1, 1], 1 * 2);
    const r = topL2Position({ data, shape: [1, 2, 2, 2] });
    expect(Array.from(r.data)).toEqual([3, 4]);
  });

  it('random interior position is seeded and avoids the border', () => {
    const big = new Float32Array(50 * 5 * 5 * 1);
    for (let i = 0; i < 50; i++)
      for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) big[(i * 5 + y) * 5 + x] = y * 10 + x;
    const a = randomInteriorPosition({ data: big, shape: [50, 5, 5, 1] }, { seed: 3 });
    const b = randomInteriorPosition({ data: big, shape: [50, 5, 5, 1] }, { seed: 3 });
    expect(a.data).toEqual(b.data);
    const seen = new Set<number>();
    for (const v of a.data) {
      const y = Math.floor(v / 10),
        x = v % 10;
      expect(y >= 1 && y <= 3 && x >= 1 && x <= 3).toBe(true);
      seen.add(v);
    }
    expect(seen.size).toBeGreaterThan(3);
  });

  it('all positions with a cap subsample rows of the n*h*w x c matrix', () => {
    const full = allPositions(t);
    expect([full.rows, full.cols]).toEqual([12, 2]);
    const capped = allPositions(t, { cap: 5, seed: 1 });
    expect(capped.rows).toBe(5);
    const fullRows = new Set<string>();
    for (let r = 0; r < 12; r++) fullRows.add(`${full.data[2 * r]},${full.data[2 * r + 1]}`);
    const keys = new Set<string>();
    for (let r = 0; r < 5; r++) keys.add(`${capped.data[2 * r]},${capped.data[2 * r + 1]}`);
    expect(keys.size).toBe(5);
    for (const k of keys) expect(fullRows.has(k)).toBe(true);
  });

  it('mask-weighted positions average the masked positions (nearest-neighbour resize)', () => {
    // mask at twice the resolution [2, 4, 6]; foreground = the first row of the layer grid
    const mask = new Float32Array(2 * 4 * 6);
    for (let i = 0; i < 2; i++)
      for (let x = 0; x < 6; x++) mask[(i * 4 + 0) * 6 + x] = mask[(i * 4 + 1) * 6 + x] = 1;
    const r = maskWeightedPositions(t, { data: mask, shape: [2, 4, 6] });
    expect(Array.from(r.data)).toEqual([10, 11, 1010, 1011]);
    expect(() => maskWeightedPositions(t, { data: mask, shape: [1, 8, 6] })).toThrow(
      /mask has shape/,
    );
  });

  it('class token and mean token of a [n, tokens, dim] output', () => {
    const tok = {
      data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
      shape: [2, 3, 2],
    };
    expect(Array.from(classToken(tok).data)).toEqual([1, 2, 7, 8]);
    expect(Array.from(meanToken(tok).data)).toEqual([3, 4, 9, 10]);
    expect(Array.from(meanToken(tok, { skipClassToken: true }).data)).toEqual([4, 5, 10, 11]);
    expect(() => classToken(t, 'block3')).toThrow(
      /class-token strategy needs a Transformer output .*layer 'block3' outputs \[2, 3, 2\] per input/,
    );
  });

  it('auto chooses by rank: 4-D gap, 3-D class token, 2-D dense; other ranks name the layer shape', () => {
    const tok = { data: Float32Array.from({ length: 12 }, (_, i) => i), shape: [2, 3, 2] };
    const flat = { data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [3, 2] };
    expect(strategyForRank(t)).toBe('gap');
    expect(strategyForRank(tok)).toBe('class-token');
    expect(strategyForRank(flat)).toBe('dense');
    expect(Array.from(pointCloud(t, 'auto').data)).toEqual([60, 61, 1060, 1061]);
    expect(Array.from(pointCloud(tok, 'auto').data)).toEqual([0, 1, 6, 7]);
    expect(pointCloud(flat, 'auto').data).toBe(flat.data);
    const five = { data: new Float32Array(2 * 2 * 2 * 2 * 2), shape: [2, 2, 2, 2, 2] };
    expect(() => pointCloud(five, 'auto', {}, 'conv3d')).toThrow(
      /layer 'conv3d', which outputs \[2, 2, 2, 2\] per input[\s\S]*flatten/,
    );
    const one = { data: new Float32Array(3), shape: [3] };
    expect(() => strategyForRank(one, 'logit')).toThrow(
      /layer 'logit', which outputs \[\] per input/,
    );
  });

  it('pointCloud dispatches by name and rejects unknown strategies', () => {
    expect(pointCloud(t, 'gap').data).toEqual(globalAveragePooling(t).data);
    expect(() => pointCloud(t, 'nope' as 'gap')).toThrow(/unknown point-cloud strategy 'nope'/);
  });
});

describe('sampling and scaling', () => {
  it('per-class sampling: at most K per class, distinct, right class, seeded', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 30 }),
        (ls, k) => {
          const labels = Int32Array.from(ls);
          const s = perClassSample(labels, { perClass: k, repeats: 2, seed: 5 });
          expect(s).toEqual(perClassSample(labels, { perClass: k, repeats: 2, seed: 5 }));
          const classes = [...new Set(ls)].sort((a, b) => a - b);
          for (const batch of s) {
            expect(batch.length).toBe(classes.length);
            batch.forEach((idx, ci) => {
              const count = ls.filter((l) => l === classes[ci]).length;
              expect(idx.length).toBe(Math.min(k, count));
              expect(new Set(idx).size).toBe(idx.length);
              for (const i of idx) expect(labels[i]).toBe(classes[ci]);
            });
          }
        },
      ),
    );
  });

  it('min-max scaling maps each column onto [0, 1]; constant columns to 0', () => {
    const m = minMaxScale({
      data: Float32Array.from([1, 5, 7, 3, 5, 7, 2, 5, 8]),
      rows: 3,
      cols: 3,
    });
    expect(Array.from(m.data)).toEqual([0, 0, 0, 1, 0, 0, 0.5, 0, 1]);
  });
});
