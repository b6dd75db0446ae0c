import { describe, expect, it } from 'vitest';
import { adversarialStudy, macroF1, type AttackedClouds } from '../../src/study/adversarial.js';
import { createRng } from '../../src/core/rng.js';
import type { Matrix } from '../../src/core/matrix.js';
import { hasTool, requireTool, runPython } from '../helpers/oracles.js';
import { gaussianCloud, network } from './helpers.js';

// Two classes of 40 inputs. At attack level q (eps = q / 10) a share q of each class's
// attacked points collapse onto their class centre (simpler topology: lower H0 sum), and a
// share q of class 0 is predicted as class 1 (a more successful attack).
const per = 40;
const trueLabels = Int32Array.from({ length: 2 * per }, (_, i) => (i < per ? 0 : 1));
function attacked(q: number): AttackedClouds {
  const layers: Matrix[] = [0, 1].map((l) => {
    const X = gaussianCloud(2 * per, 3, 0, 10 * l + 1);
    const rng = createRng(5 + l);
    for (let i = 0; i < 2 * per; i++) {
      const c = trueLabels[i];
      X.data[3 * i] += 6 * c;
      // keep points 0 and 1 of each class (their spread fixes the min-max range)
      if (i % per > 1 && rng.next() < q) {
        X.data[3 * i] = 6 * c;
        X.data[3 * i + 1] = 0;
        X.data[3 * i + 2] = 0;
      }
    }
    return X;
  });
  const predicted = Int32Array.from(trueLabels, (c, i) => (c === 0 && i < q * per ? 1 : c));
  return { eps: q / 10, layers: network('x', layers).layers, trueLabels, predicted };
}
const attacks = [0, 0.25, 0.5, 0.75].map(attacked);

describe('adversarialStudy', () => {
  it('attack success rises and the topology simplifies with eps', () => {
    const result = adversarialStudy(attacks, { grouping: 'true', descriptors: ['h0'] });
    expect(result.results.map((r) => r.accuracy)).toEqual([1, 0.875, 0.75, 0.625]);
    expect(result.results[0].macroF1).toBe(1);
    const h0 = result.results.map((r) => r.profiles[0].mean[0]);
    for (let t = 1; t < h0.length; t++) expect(h0[t]).toBeLessThan(h0[t - 1]);
    expect(result.trend[0].spearman).toBe(-1);
    expect(result.layers.map((l) => l.name)).toEqual(['layer0', 'layer1']);
  });

  it('the grouping is explicit and changes the answer', () => {
    const byTrue = adversarialStudy(attacks, { grouping: 'true', descriptors: ['h0'] });
    const byPred = adversarialStudy(attacks, { grouping: 'predicted', descriptors: ['h0'] });
    const global = adversarialStudy(attacks, { grouping: 'global', descriptors: ['h0'] });
    // clean inputs: predictions equal the truth, so both groupings agree
    expect(byPred.results[0].profiles[0].mean).toEqual(byTrue.results[0].profiles[0].mean);
    expect(byPred.results[2].profiles[0].mean[0]).not.toBeCloseTo(
      byTrue.results[2].profiles[0].mean[0],
      3,
    );
    expect(global.results[0].profiles[0].scope).toBe('global');
    expect(() => adversarialStudy(attacks, {} as never)).toThrow(/grouping must be given/);
  });

  it('macro-F1 equals scikit-learn', (ctx) => {
    requireTool(ctx, 'sklearn');
    const rng = createRng(3);
    const t = Array.from({ length: 60 }, () => rng.int(4));
    const p = t.map((c) => (rng.next() < 0.4 ? rng.int(5) : c));
    if (!hasTool('sklearn')) return;
    const want = Number(
      runPython(
        'import json,sys\nfrom sklearn.metrics import f1_score\nd=json.load(sys.stdin)\nprint(repr(float(f1_score(d[0], d[1], average="macro", zero_division=0))))',
        JSON.stringify([t, p]),
      ),
    );
    expect(macroF1(t, p)).toBeCloseTo(want, 14);
    expect(macroF1([0, 0, 1], [0, 0, 1])).toBe(1);
    // class 2 only predicted: F1 0 there
    expect(macroF1([0, 1], [0, 2])).toBeCloseTo(1 / 3, 15);
  });
});
