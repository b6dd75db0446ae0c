import { describe, expect, it } from 'vitest';
import { layerProfile } from '../../src/study/layerProfile.js';
import { network, squashedCircle, stackRows, uniformCube } from './helpers.js';

// A "network" that maps a circle to a segment: layer 0 is the circle, later layers squash it
// along a diagonal (so that per-feature min-max scaling cannot undo the squashing), the last
// layer is a segment. The H1 bar must shrink and be gone at the last layer.
const SQUASH = [1, 0.6, 0.3, 0.02, 0];
const circleToSegment = (n: number, seed = 0, noise = 0) =>
  network(
    `squash-${seed}`,
    SQUASH.map((s, l) => squashedCircle(n, s, l === 0 ? 0 : Math.PI / 4, noise, seed + l)),
  );

describe('layerProfile', () => {
  it('loses the H1 bar of a circle squashed to a segment at the known layer', () => {
    const result = layerProfile(circleToSegment(60), {
      descriptors: ['h0', 'h1'],
      homologyScope: 'global',
    });
    expect(result.study).toBe('layer-profile');
    expect(result.layers.map((l) => l.depth)).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    const h1 = result.profiles.find((p) => p.descriptor === 'h1')!;
    // Regular 60-gon, min-max scaled by exactly 1/2: the one H1 bar is born at the side
    // 2 sin(pi/60) and dies at the chord of 20 steps, sqrt(3) (the Rips complex of the n-gon
    // stops being a circle at n/3 steps); half of it, scaled by 1/2.
    const expected = 0.5 * 0.5 * (Math.sqrt(3) - 2 * Math.sin(Math.PI / 60));
    expect(h1.mean[0]).toBeCloseTo(expected, 5);
    for (let l = 1; l < SQUASH.length; l++) expect(h1.mean[l]).toBeLessThan(h1.mean[l - 1]);
    expect(h1.mean[4]).toBe(0);
    expect(h1.mean[3]).toBeLessThan(0.2 * h1.mean[0]);
    expect(h1.scaled[0]).toBe(1);
    expect(h1.scaled[4]).toBe(0);
    // one repeat: no spread
    expect(h1.repeatStd).toEqual([0, 0, 0, 0, 0]);
    expect(h1.low).toEqual(h1.mean);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('without the half convention the sums double', () => {
    const net = circleToSegment(30);
    const half = layerProfile(net, { descriptors: ['h0', 'h1'], homologyScope: 'global' });
    const full = layerProfile(net, {
      descriptors: ['h0', 'h1'],
      homologyScope: 'global',
      half: false,
    });
    for (let d = 0; d < 2; d++) {
      full.profiles[d].mean.forEach((v, l) =>
        expect(v).toBeCloseTo(2 * half.profiles[d].mean[l], 12),
      );
    }
  });

  it('class-local sums average the classes and report their spread', () => {
    // class 0: a circle, class 1: a segment, at every layer
    const n = 40;
    const circle = squashedCircle(n, 1);
    const segment = squashedCircle(n, 0, Math.PI / 4);
    const labels = Int32Array.from({ length: 2 * n }, (_, i) => (i < n ? 0 : 1));
    const net = network('two-classes', [stackRows([circle, segment])], labels);
    const result = layerProfile(net, { descriptors: ['h1'] });
    const h1 = result.profiles[0];
    expect(h1.scope).toBe('class');
    const c0 = h1.perClass!['0'][0];
    // n = 40: the bar dies at the chord of ceil(40 / 3) = 14 steps
    expect(c0).toBeCloseTo(
      0.25 * (2 * Math.sin((14 * Math.PI) / n) - 2 * Math.sin(Math.PI / n)),
      5,
    );
    expect(h1.perClass!['1'][0]).toBe(0);
    expect(h1.mean[0]).toBeCloseTo(c0 / 2, 12);
    expect(h1.classStd[0]).toBeCloseTo(Math.SQRT1_2 * c0, 10);
    expect(() => layerProfile(network('x', [circle]), { descriptors: ['h1'] })).toThrow(
      /need a label per input/,
    );
  });

  it('spreads over repeats: networks and batches', () => {
    const nets = [0, 1, 2].map((s) => circleToSegment(50, 10 * s, 0.05));
    const result = layerProfile(nets, { descriptors: ['h1'], homologyScope: 'global' });
    const h1 = result.profiles[0];
    expect(h1.repeats).toHaveLength(3);
    expect(result.networks).toEqual(['squash-0', 'squash-10', 'squash-20']);
    for (let l = 0; l < 5; l++) {
      const col = h1.repeats.map((r) => r[l]);
      const m = col.reduce((a, b) => a + b) / 3;
      expect(h1.mean[l]).toBeCloseTo(m, 12);
      const sd = Math.sqrt(col.reduce((a, b) => a + (b - m) ** 2, 0) / 2);
      expect(h1.repeatStd[l]).toBeCloseTo(sd, 12);
      expect(h1.high[l]).toBeCloseTo(m + sd, 12);
    }
    expect(h1.repeatStd[0]).toBeGreaterThan(0);

    // batches: 2 draws of 30 of 60 points per class give different values
    const labels = new Int32Array(60);
    const one = network('b', [squashedCircle(60, 1, 0, 0.05, 3)], labels);
    const batched = layerProfile(one, { descriptors: ['h0'], perClass: 30, batches: 2 });
    expect(batched.inputsUsed).toBe(30);
    expect(batched.profiles[0].repeats).toHaveLength(2);
    expect(batched.profiles[0].repeats[0][0]).not.toBe(batched.profiles[0].repeats[1][0]);
  });

  it('intrinsic dimensions follow the dimension of the layer', () => {
    const dims = [1, 2, 3];
    const net = network(
      'cubes',
      dims.map((d, l) => uniformCube(600, d, l)),
    );
    const progress: number[] = [];
    const result = layerProfile(net, {
      descriptors: ['twoNN', 'mle', 'phDim'],
      onProgress: (done) => progress.push(done),
    });
    expect(progress).toEqual([1, 2, 3]);
    for (const p of result.profiles) {
      expect(p.scope).toBe('global');
      p.mean.forEach((v, l) => expect(Math.abs(v - dims[l])).toBeLessThan(0.35 * dims[l]));
      expect(p.mean[0]).toBeLessThan(p.mean[1]);
      expect(p.mean[1]).toBeLessThan(p.mean[2]);
    }
    expect(result.notes.join(' ')).toMatch(/PH-dim/);
    const sized = layerProfile(net, {
      descriptors: ['phDim'],
      phDim: { sizes: [150, 300, 450, 600] },
    });
    expect(sized.notes).toEqual([]);
  });

  it('names bad options', () => {
    const net = circleToSegment(20);
    expect(() => layerProfile(net, { descriptors: ['h2' as never] })).toThrow(/unknown descriptor/);
    expect(() => layerProfile(net, { batches: 0 })).toThrow(/batches/);
    expect(() => layerProfile([net, network('short', [squashedCircle(20, 1)])])).toThrow(
      /has 1 layers/,
    );
  });
});
