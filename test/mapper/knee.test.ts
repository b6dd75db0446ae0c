import { describe, expect, it } from 'vitest';
import { kneeOfSortedCurve } from '../../src/mapper/index.js';

describe('kneeOfSortedCurve', () => {
  it('finds the corner of a flat-then-steep curve', () => {
    // 90 values rising slowly from 1 to 1.09, then 10 rising steeply to 10
    const y = [
      ...Array.from({ length: 90 }, (_, i) => 1 + i / 1000),
      ...Array.from({ length: 10 }, (_, i) => 2 + i),
    ];
    const k = kneeOfSortedCurve(y);
    expect(k.method).toBe('knee');
    expect(k.index).toBe(89);
    expect(k.value).toBeCloseTo(1.089, 12);
  });

  it('falls back to the median on a straight line and on a flat curve', () => {
    const line = Array.from({ length: 11 }, (_, i) => i);
    expect(kneeOfSortedCurve(line)).toMatchObject({ method: 'median', value: 5, index: -1 });
    expect(kneeOfSortedCurve([2, 2, 2, 2])).toMatchObject({ method: 'median', value: 2 });
  });

  it('is independent of the input order', () => {
    const y = [5, 1, 1.1, 1.2, 9, 1.05, 1.15];
    expect(kneeOfSortedCurve(y)).toEqual(kneeOfSortedCurve([...y].sort((a, b) => a - b)));
  });
});
