import { describe, expect, it } from 'vitest';
import { ricciFlowRunner } from '../../src/run/studies/ricciFlow.js';
import { ricciFlowStudy } from '../../src/study/ricciFlowStudy.js';
import type { Matrix } from '../../src/core/matrix.js';
import { gaussianCloud, network } from '../study/helpers.js';

// layers that pull a Gaussian cloud's two halves towards +-1 on the first axis, step by step
function layers(seed: number, pull: number): Matrix[] {
  const n = 40;
  const X = gaussianCloud(n, 3, 0, seed);
  return Array.from({ length: 5 }, (_, l) => {
    const t = (pull * l) / 4;
    const data = Float64Array.from(X.data, (v, k) =>
      k % 3 === 0 ? (1 - t) * v + t * (k / 3 < n / 2 ? -1 : 1) : (1 - t) * v,
    );
    return { data, rows: n, cols: 3 };
  });
}

describe('ricci-flow runner rows', () => {
  it('store the pooled r and negative share of each architecture, as the study computes them', async () => {
    const inputs = [
      { arch: 'dense-w8-d3', seed: 1, pull: 0.5 },
      { arch: 'dense-w8-d3', seed: 2, pull: 0.7 },
      { arch: 'dense-w16-d3', seed: 3, pull: 0.3 },
    ].map((o, i) => ({
      ...network(`net${i}`, layers(o.seed, o.pull)),
      networkId: `id${i}`,
      architecture: o.arch,
      testAccuracy: 0.99,
    }));
    const options = { ks: [6], bootstrap: { resamples: 0 } };
    const rows = await ricciFlowRunner.run(inputs, options);
    const study = ricciFlowStudy(
      inputs.map((n) => ({ ...n, accuracy: n.testAccuracy })),
      options,
    ).results[0];
    const pooled = rows.measures!.filter((m) => m.descriptor === 'ricci-architecture-pooled-r');
    expect(pooled.map((m) => m.group)).toEqual(['dense-w8-d3', 'dense-w16-d3']);
    expect(pooled.map((m) => m.value)).toEqual(study.architectures.map((a) => a.pooled.pearson.r));
    expect(pooled[0].params).toMatchObject({ n: 8, networks: 2, included: 2 });
    expect(pooled.every((m) => m.k === 6 && m.repeat === -1)).toBe(true);
    const share = rows.measures!.filter(
      (m) => m.descriptor === 'ricci-architecture-negative-share',
    );
    expect(share.map((m) => m.value)).toEqual(study.architectures.map((a) => a.negativeShare));
  });
});
