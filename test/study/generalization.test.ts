import { describe, expect, it } from 'vitest';
import { generalizationStudy } from '../../src/study/generalization.js';
import { createRng } from '../../src/core/rng.js';
import { selectRows, type Matrix } from '../../src/core/matrix.js';
import { h0Diagram } from '../../src/homology/mst.js';
import { lifespanSum } from '../../src/homology/lifespan.js';
import { minMaxScaleColumns } from '../../src/study/sampling.js';

// A family whose accuracy is set by construction: network i's training logits are three class
// clusters at 4 e_c with spread sd_i, and its test accuracy is 1 - 0.1 sd_i. A looser logits
// cloud (larger H0 lifespan sum) goes with a lower accuracy.
const spreads = [0.2, 0.35, 0.5, 0.7, 0.9, 1.2, 1.5];
function logits(sd: number, seed: number): { X: Matrix; labels: Int32Array } {
  const rng = createRng(seed);
  const per = 40;
  const data = new Float64Array(3 * per * 3);
  const labels = new Int32Array(3 * per);
  for (let i = 0; i < 3 * per; i++) {
    const c = i % 3;
    labels[i] = c;
    for (let a = 0; a < 3; a++) data[3 * i + a] = (a === c ? 4 : 0) + sd * rng.normal();
  }
  return { X: { data, rows: 3 * per, cols: 3 }, labels };
}
const family = spreads.map((sd, i) => {
  const { X, labels } = logits(sd, i + 1);
  return { network: `net${i}`, logits: X, labels, accuracy: 1 - 0.1 * sd };
});

describe('generalizationStudy', () => {
  it('the descriptor falls as accuracy rises, and predicts it out of sample', () => {
    const result = generalizationStudy(family, { bootstrap: { resamples: 500 } });
    expect(result.study).toBe('generalization');
    expect(result.correlation.spearman.r).toBe(-1);
    expect(result.correlation.pearson.r).toBeLessThan(-0.95);
    expect(result.correlation.pearson.pValue).toBeLessThan(0.01);
    expect(result.correlation.pearson.fisher.high).toBeLessThan(0);
    expect(result.leaveOneOut.q2).toBeGreaterThan(0.8);
    expect(result.leaveOneOut.slope).toBeLessThan(0);
    // the descriptor by hand: global min-max scaling, then class 0's H0, half of the sum
    const { logits: X, labels } = family[2];
    const scaled = minMaxScaleColumns(X);
    const rows = [...labels.keys()].filter((i) => labels[i] === 0);
    const want = 0.5 * lifespanSum(h0Diagram(selectRows(scaled, rows)));
    expect(result.networks[2].perClass['0']).toBeCloseTo(want, 12);
    const h1 = generalizationStudy(family, {
      descriptor: 'h1',
      classes: 1,
      bootstrap: { resamples: 0 },
    });
    expect(Object.keys(h1.networks[0].perClass)).toEqual(['1']);
    expect(JSON.parse(JSON.stringify(h1)).networks[0].descriptor).toBe(h1.networks[0].descriptor);
  });

  it('names bad input', () => {
    expect(() => generalizationStudy(family.slice(0, 2))).toThrow(/at least 3/);
    expect(() => generalizationStudy(family, { classes: 7 })).toThrow(/class 7 has 0/);
    expect(() =>
      generalizationStudy([...family.slice(0, 2), { ...family[2], accuracy: 1.5 }]),
    ).toThrow(/accuracy 1.5/);
  });
});
