import { describe, expect, it } from 'vitest';
import {
  ricciFlowNetwork,
  ricciFlowPool,
  ricciFlowStudy,
  type RicciNetwork,
} from '../../src/study/ricciFlowStudy.js';
import { decodeResult, encodeResult } from '../../src/run/queue/codec.js';
import { pooledShiftCorrelation, ricciFlow } from '../../src/geometry/ricciFlow.js';
import { correlationSummary } from '../../src/stats/correlationTests.js';
import type { Matrix } from '../../src/core/matrix.js';
import { gaussianCloud, network } from './helpers.js';

// A "network" that pulls two classes of a 3-D cloud towards their class centres, layer by
// layer (contracting within classes, as [B24]'s Ricci flow describes), by a factor `pull`.
function contracting(seed: number, layers: number, pull: number, apart = 0): Matrix[] {
  const n = 60;
  const X = gaussianCloud(n, 3, 0, seed);
  const out: Matrix[] = [];
  for (let l = 0; l < layers; l++) {
    const t = (pull * l) / (layers - 1);
    const data = new Float64Array(3 * n);
    for (let i = 0; i < n; i++) {
      const c = i < n / 2 ? -1 : 1;
      for (let a = 0; a < 3; a++) {
        const centre = a === 0 ? c * (1 + (l === layers - 1 ? apart : 0)) : 0;
        data[3 * i + a] = (1 - t) * X.data[3 * i + a] + t * centre;
      }
    }
    out.push({ data, rows: n, cols: 3 });
  }
  return out;
}

const nets: RicciNetwork[] = [
  { ...network('a', contracting(1, 6, 0.5)), accuracy: 0.995 },
  { ...network('b', contracting(2, 6, 0.7)), accuracy: 0.99 },
  { ...network('c', contracting(3, 6, 0.3)), accuracy: 0.97 },
  // the last layer puts the classes 100 apart: its 8-NN graph falls in two pieces
  { ...network('split', contracting(4, 6, 0.9, 100)), accuracy: 0.999 },
];

describe('ricciFlowStudy', () => {
  it('counts and explains exclusions, pools the included networks', () => {
    const result = ricciFlowStudy(nets, { ks: [8, 60, 200], bootstrap: { resamples: 200 } });
    expect(result.skippedKs.map((s) => s.k)).toEqual([60, 200]);
    expect(result.results).toHaveLength(1);
    const r = result.results[0];
    expect(r.k).toBe(8);
    expect(r.included).toBe(2);
    expect(r.excluded).toEqual({ disconnected: 1, lowAccuracy: 1 });
    const byName = Object.fromEntries(r.networks.map((n) => [n.network, n]));
    expect(byName.split.exclusion).toMatch(
      /disconnected kNN graph at layer 'layer5' \(2 components\)/,
    );
    expect(byName.split.rho).toBeNull();
    expect(byName.split.layers[5].geodesicMass).toBeNull();
    expect(byName.c.exclusion).toMatch(/accuracy 0.97 is not above 0.98/);
    // per-network coefficients are geometry/ricciFlow's
    const direct = ricciFlow(
      nets[0].layers.map((l) => l.points),
      { k: 8 },
    );
    expect(byName.a.rho).toBe(direct.rho);
    expect(byName.a.fisherZ).toBe(direct.fisherZ);
    // pooled over the included networks only: equals pooledShiftCorrelation on a and b
    const pooled = pooledShiftCorrelation(
      [0, 1].map((i) =>
        ricciFlow(
          nets[i].layers.map((l) => l.points),
          { k: 8 },
        ),
      ),
    );
    expect(r.pooled.pearson.r).toBeCloseTo(pooled.r, 14);
    expect(r.pooled.n).toBe(pooled.pairs);
    expect(r.pooled.pearson.fisher.low).toBeLessThan(r.pooled.pearson.r);
    // flow against accuracy over the connected networks (a, b, c)
    expect(r.flowVsAccuracy.n).toBe(3);
    expect(JSON.parse(JSON.stringify(result)).results[0].networks[3].rho).toBeNull();
  });

  it('flow strength against an accuracy set by construction', () => {
    // accuracies that rise exactly as rho falls: the correlation is -1 with every interval at -1
    const rhos = nets.slice(0, 3).map(
      (n) =>
        ricciFlow(
          n.layers.map((l) => l.points),
          { k: 8 },
        ).rho,
    );
    const family = nets.slice(0, 3).map((n, i) => ({ ...n, accuracy: 0.9 - 0.05 * rhos[i] }));
    const r = ricciFlowStudy(family, {
      ks: [8],
      accuracyThreshold: 0,
      bootstrap: { resamples: 100 },
    }).results[0];
    expect(r.included).toBe(3);
    expect(r.flowVsAccuracy.pearson.r).toBeCloseTo(-1, 12);
    expect(r.flowVsAccuracy.spearman.r).toBe(-1);
    const byHand = correlationSummary(
      rhos,
      family.map((n) => n.accuracy),
      {
        bootstrap: { resamples: 100 },
      },
    );
    expect(r.flowVsAccuracy).toEqual(byHand);
    expect(r.negativeShare).toBe(rhos.filter((v) => v < 0).length / 3);
  });

  it('pools per architecture, each over its own included networks', () => {
    const labelled: RicciNetwork[] = [
      { ...nets[0], architecture: 'x' },
      { ...nets[1], architecture: 'y' },
      { ...network('a2', contracting(5, 6, 0.6)), accuracy: 0.995, architecture: 'x' },
      { ...nets[3], architecture: 'y' }, // disconnected: excluded from y's pool
    ];
    const r = ricciFlowStudy(labelled, { ks: [8], bootstrap: { resamples: 0 } }).results[0];
    expect(r.architectures.map((a) => a.architecture)).toEqual(['x', 'y']);
    const [x, y] = r.architectures;
    expect([x.networks, x.included, y.networks, y.included]).toEqual([2, 2, 2, 1]);
    const flows = labelled.map((n) =>
      ricciFlow(
        n.layers.map((l) => l.points),
        { k: 8 },
      ),
    );
    // x pools networks 0 and 2 only; y pools network 1 only (network 3 is disconnected)
    const px = pooledShiftCorrelation([flows[0], flows[2]]);
    expect(x.pooled.pearson.r).toBeCloseTo(px.r, 14);
    expect(x.pooled.n).toBe(px.pairs);
    expect(y.pooled.pearson.r).toBeCloseTo(pooledShiftCorrelation([flows[1]]).r, 14);
    expect(y.pooled.n).toBe(5);
    expect(x.meanRho).toBeCloseTo((flows[0].rho + flows[2].rho) / 2, 14);
    expect(x.negativeShare).toBe([flows[0].rho, flows[2].rho].filter((v) => v < 0).length / 2);
    expect(y.meanRho).toBe(flows[1].rho);
    // the experiment-wide pool still covers every included network
    expect(r.pooled.n).toBe(15);
    // networks without an architecture give no groups
    expect(
      ricciFlowStudy(nets, { ks: [8], bootstrap: { resamples: 0 } }).results[0].architectures,
    ).toEqual([]);
  });

  it('names bad input', () => {
    expect(() => ricciFlowStudy([{ ...nets[0], accuracy: 98 }])).toThrow(/accuracy 98/);
    expect(() => ricciFlowStudy(nets, { ks: [0] })).toThrow(/positive integer/);
    expect(() => ricciFlowStudy([])).toThrow(/got none/);
  });

  it('is the pool of the per-network parts, which need not know the other networks', () => {
    const options = { ks: [8, 20, 59], accuracyThreshold: 0.98, bootstrap: { resamples: 100 } };
    // a network with fewer points: k = 20 and 59 are left out for every network
    const few = contracting(5, 6, 0.6).map((m) => ({
      ...m,
      data: m.data.slice(0, 3 * 20),
      rows: 20,
    }));
    const all = [...nets, { ...network('few', few), accuracy: 0.99, architecture: 'small' }];
    const parts = all.map((n) => ricciFlowNetwork(n, options));
    // each part has every k its own clouds allow
    expect(parts.map((p) => p.results.map((r) => r.k))).toEqual([
      [8, 20, 59],
      [8, 20, 59],
      [8, 20, 59],
      [8, 20, 59],
      [8],
    ]);
    expect(parts[4].architecture).toBe('small');
    // through JSON and back (as the runner keeps them), pooled: the whole study exactly
    const kept = parts.map((p) => decodeResult<typeof p>(encodeResult(p)));
    const pooled = ricciFlowPool(kept, options);
    expect(pooled).toEqual(ricciFlowStudy(all, options));
    expect(pooled.results.map((r) => r.k)).toEqual([8]);
    expect(pooled.skippedKs.map((s) => s.k)).toEqual([20, 59]);
    expect(pooled.results[0].architectures.map((a) => a.architecture)).toEqual(['small']);
    // a part missing a k the pool uses is refused
    expect(() => ricciFlowPool([{ ...kept[0], results: [] }, kept[1]], options)).toThrow(
      /part of network 'a' has no result at k = 8/,
    );
    expect(() => ricciFlowPool([], options)).toThrow(/needs networks/);
  });
});
