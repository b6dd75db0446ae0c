import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  cloudDiameter,
  diameterScale,
  resolveScaling,
  scaleCloud,
} from '../../src/study/cloudScaling.js';
import { cloudDescriptor } from '../../src/study/descriptors.js';
import { layerProfile } from '../../src/study/layerProfile.js';
import { layerProfileRunner } from '../../src/run/studies/layerProfile.js';
import { TopolensError } from '../../src/core/errors.js';
import type { Matrix } from '../../src/core/matrix.js';
import { network, uniformCube } from './helpers.js';

// The right triangle (0, 0), (3, 0), (0, 4): sides 3, 4, 5, so diameter 5 and minimum spanning
// tree 3 + 4. H0 lifespan sum with [M22]'s half: raw 3.5; divided by the diameter (3 + 4) / 5 / 2
// = 0.7; min-max per feature maps it to (0, 0), (1, 0), (0, 1), tree 1 + 1, half 1.
const triangle: Matrix<Float64Array> = {
  data: Float64Array.of(0, 0, 3, 0, 0, 4),
  rows: 3,
  cols: 2,
};

/** The cloud with every column repeated `times` times (a layer k times as wide, same shape). */
function repeatColumns(m: Matrix, times: number): Matrix<Float64Array> {
  const cols = m.cols * times;
  const data = new Float64Array(m.rows * cols);
  for (let i = 0; i < m.rows; i++)
    for (let t = 0; t < times; t++)
      for (let j = 0; j < m.cols; j++) data[i * cols + t * m.cols + j] = m.data[i * m.cols + j];
  return { data, rows: m.rows, cols };
}

const h0 = (cloud: Matrix, scaling: 'minmax' | 'diameter' | 'none') =>
  cloudDescriptor(cloud, 'h0', { scaling }, 0, 'test');

describe('cloud scaling before the lifespan sums', () => {
  it('divides the hand-computed triangle by its diameter 5', () => {
    expect(cloudDiameter(triangle)).toBe(5);
    expect(Array.from(diameterScale(triangle).data)).toEqual([0, 0, 0.6, 0, 0, 0.8]);
    expect(h0(triangle, 'none')).toBeCloseTo(3.5, 12);
    expect(h0(triangle, 'diameter')).toBeCloseTo(0.7, 12);
    expect(h0(triangle, 'minmax')).toBeCloseTo(1, 12);
    // the older boolean keeps its meaning
    expect(cloudDescriptor(triangle, 'h0', { minMaxScale: false }, 0, 't')).toBeCloseTo(3.5, 12);
    expect(cloudDescriptor(triangle, 'h0', {}, 0, 't')).toBeCloseTo(1, 12);
  });

  it('leaves a cloud of identical points and a single point unchanged', () => {
    const same: Matrix = { data: Float64Array.of(2, 2, 2, 2), rows: 2, cols: 2 };
    expect(cloudDiameter(same)).toBe(0);
    expect(Array.from(diameterScale(same).data)).toEqual([2, 2, 2, 2]);
    expect(cloudDiameter({ data: Float64Array.of(1, 2), rows: 1, cols: 2 })).toBe(0);
    expect(scaleCloud(same, 'none')).toBe(same);
  });

  it('the diameter is the largest pairwise distance (brute force over pairs)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 1, max: 5 }),
        fc.nat(),
        (n, d, seed) => {
          const cloud = uniformCube(n, d, seed);
          let best = 0;
          for (let i = 0; i < n; i++)
            for (let j = 0; j < n; j++) {
              let s = 0;
              for (let t = 0; t < d; t++) s += (cloud.data[i * d + t] - cloud.data[j * d + t]) ** 2;
              best = Math.max(best, Math.sqrt(s));
            }
          expect(cloudDiameter(cloud)).toBeCloseTo(best, 12);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('diameter-normalised sums do not depend on the width or scale; min-max sums grow with width', () => {
    const cloud = uniformCube(40, 3, 7);
    const wide = repeatColumns(cloud, 4); // distances x 2
    const big = { ...cloud, data: cloud.data.map((v) => 9 * v) };
    const base = h0(cloud, 'diameter');
    expect(h0(wide, 'diameter')).toBeCloseTo(base, 10);
    expect(h0(big, 'diameter')).toBeCloseTo(base, 10);
    // the confound the option removes: min-max sums grow as sqrt(width), raw sums with scale
    expect(h0(wide, 'minmax')).toBeCloseTo(2 * h0(cloud, 'minmax'), 10);
    expect(h0(big, 'none')).toBeCloseTo(9 * h0(cloud, 'none'), 10);
    // H1 as well (Rips filtration values are single precision, as Ripser's)
    const h1 = (m: Matrix) => cloudDescriptor(m, 'h1', { scaling: 'diameter' }, 0, 't');
    expect(h1(wide)).toBeCloseTo(h1(cloud), 6);
    expect(h1(cloud)).toBeGreaterThan(0);
  });

  it('rejects a scaling that contradicts minMaxScale, and an unknown one', () => {
    expect(resolveScaling({})).toBe('minmax');
    expect(resolveScaling({ minMaxScale: false })).toBe('none');
    expect(resolveScaling({ scaling: 'minmax', minMaxScale: true })).toBe('minmax');
    expect(() => resolveScaling({ scaling: 'diameter', minMaxScale: true })).toThrow(
      /contradicts minMaxScale/,
    );
    expect(() => resolveScaling({ scaling: 'max' as 'none' })).toThrow(TopolensError);
  });

  it('the profile and its runner take the option', () => {
    const net = network('tri', [triangle, repeatColumns(triangle, 4)]);
    const profile = layerProfile(net, {
      descriptors: ['h0'],
      homologyScope: 'global',
      scaling: 'diameter',
    });
    expect(profile.profiles[0].mean[0]).toBeCloseTo(0.7, 12);
    expect(profile.profiles[0].mean[1]).toBeCloseTo(0.7, 12);
    const run = (options: Record<string, unknown>) =>
      layerProfileRunner.run([{ ...net, networkId: 'n1' }] as never, {
        descriptors: ['h0'],
        homologyScope: 'global',
        diagrams: 'none',
        ...options,
      });
    const values = (options: Record<string, unknown>) =>
      (run(options) as { measures: { repeat: number; value: number }[] }).measures
        .filter((m) => m.repeat === -1)
        .map((m) => m.value);
    expect(values({ scaling: 'diameter' })[1]).toBeCloseTo(0.7, 12);
    expect(values({})[1]).toBeCloseTo(2, 12); // min-max, 8 columns: tree 2 sqrt(4), half
    expect(values({ scaling: 'none' })[1]).toBeCloseTo(7, 12);
    expect(() => run({ scaling: 'diameter', minMaxScale: true })).toThrow(/contradicts/);
    expect(() => run({ scaling: 'width' })).toThrow();
  });
});
