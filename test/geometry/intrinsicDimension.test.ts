import { describe, expect, it } from 'vitest';
import {
  localPca,
  mle,
  participationRatio,
  phDim,
  phDimSizes,
  spectrumDimension,
  twoNN,
  twoNNBlockAnalysis,
} from '../../src/geometry/intrinsicDimension/index.js';
import { knn } from '../../src/linalg/knn.js';
import { pairwiseDistances } from '../../src/linalg/distances.js';
import { createRng } from '../../src/core/rng.js';
import { circle, gaussian, sphere, swissRoll, uniformCube } from './shapes.js';
import { requireTool, runPython } from '../helpers/oracles.js';

/**
 * Tolerances. At N = 3000 the sampling spread of TwoNN and of the MLE aggregate is about
 * d / sqrt(N) ~ 0.02 d (Facco et al.; Levina-Bickel), so +-0.1 d is about 5 standard deviations.
 * All these estimators are biased DOWN on a cube for d >= 5 (points near the faces see fewer
 * neighbours; the MLE at k = 20 also has the known finite-k bias), which
 * docs/intrinsic-dimension.md expects ("slightly under for d >= 5"): the lower limit allows 15%
 * (MLE 20%, PH-dim 20%), the upper limit only 5% (PH-dim 15%: one subsample per size makes its
 * slope noisier; its regression band at d = 8 is +-0.7). Linear estimators on a cube see the exact
 * isotropic covariance, so lPCA and PR must be within 10% / 2% of d.
 */
const limits = {
  twoNN: [0.85, 1.05],
  mle: [0.8, 1.05],
  phDimM22: [0.8, 1.15],
  phDimBirdal: [0.8, 1.15],
  localPca: [0.9, 1.01],
  participationRatio: [0.98, 1.01],
} as const;

function expectWithin(value: number, d: number, [lo, hi]: readonly [number, number]): void {
  expect(value).toBeGreaterThanOrEqual(lo * d);
  expect(value).toBeLessThanOrEqual(hi * d);
}

describe('intrinsic dimension of uniform cubes [0,1]^d (3000 points)', () => {
  for (const d of [2, 3, 5, 8]) {
    it(`d = ${d}: every estimator lands near d`, () => {
      const cube = uniformCube(3000, d, 100 + d);
      const neighbours = knn(cube, 50);
      expectWithin(twoNN(cube, { neighbours }).estimate, d, limits.twoNN);
      expectWithin(twoNN(cube, { neighbours, variant: 'mle' }).estimate, d, limits.twoNN);
      expectWithin(mle(cube, { neighbours }).estimate, d, limits.mle);
      expectWithin(phDim(cube, { seed: d }).estimate, d, limits.phDimM22);
      expectWithin(phDim(cube, { estimator: 'birdal', seed: d }).estimate, d, limits.phDimBirdal);
      expectWithin(localPca(cube, { neighbours }).estimate, d, limits.localPca);
      expectWithin(participationRatio(cube).estimate, d, limits.participationRatio);
    });
  }
});

describe('intrinsic dimension of manifolds', () => {
  it('a circle embedded in R^10 is close to 1', () => {
    const c = circle(3000, 10, 5);
    for (const est of [
      twoNN(c).estimate,
      mle(c).estimate,
      phDim(c).estimate,
      localPca(c).estimate,
    ]) {
      expect(Math.abs(est - 1)).toBeLessThan(0.05);
    }
    // the participation ratio is linear: a circle spans a plane, PR = 2
    expect(participationRatio(c).estimate).toBeCloseTo(2, 1);
  });

  it('the swiss roll and the sphere S^2 are 2-dimensional', () => {
    for (const cloud of [swissRoll(3000, 6), sphere(3000, 7)]) {
      for (const est of [twoNN(cloud).estimate, mle(cloud).estimate, localPca(cloud).estimate]) {
        expect(Math.abs(est - 2)).toBeLessThan(0.1);
      }
      expect(Math.abs(phDim(cloud).estimate - 2)).toBeLessThan(0.15);
      expect(Math.abs(phDim(cloud, { estimator: 'birdal' }).estimate - 2)).toBeLessThan(0.2);
      // linear estimators see the ambient span, 3
      expect(participationRatio(cloud).estimate).toBeGreaterThan(2.5);
    }
  });

  it('Gaussian data in R^50 is estimated well above 10 (curse of dimensionality: under 50)', () => {
    const g = gaussian(3000, 50, 8);
    const neighbours = knn(g, 50);
    const values = {
      twoNN: twoNN(g, { neighbours }).estimate,
      mle: mle(g, { neighbours }).estimate,
      phDim: phDim(g).estimate,
      localPca: localPca(g, { neighbours }).estimate,
      pr: participationRatio(g).estimate,
    };
    for (const v of Object.values(values)) expect(v).toBeGreaterThan(20);
    // the nonlinear estimators are far below 50 at N = 3000; PR sees the isotropic covariance
    expect(values.twoNN).toBeLessThan(45);
    expect(values.mle).toBeLessThan(45);
    expect(values.pr).toBeGreaterThan(45);
  });
});

describe('against an independent NumPy / scikit-learn implementation', () => {
  it('TwoNN (both variants) and MLE agree to 1e-9 relative', (ctx) => {
    requireTool(ctx, 'sklearn');
    const cloud = gaussian(600, 6, 21);
    const text = Array.from({ length: cloud.rows }, (_, i) =>
      Array.from(cloud.data.subarray(i * 6, i * 6 + 6), (v) => v.toPrecision(17)).join(' '),
    ).join('\n');
    const py = `
import sys, json, numpy as np
from sklearn.neighbors import NearestNeighbors
from sklearn.linear_model import LinearRegression
X = np.loadtxt(sys.stdin)
k = 20
nn = NearestNeighbors(n_neighbors=k + 1).fit(X)
_, ind = nn.kneighbors(X)
ind = ind[:, 1:]  # drop self (no duplicates in this cloud)
T = np.sqrt(((X[ind] - X[:, None, :]) ** 2).sum(axis=2))  # exact, from differences
T = np.sort(T, axis=1)
# TwoNN, Ansuini et al.
mu = np.sort(T[:, 1] / T[:, 0])
N = len(mu)
npts = int(np.floor(N * 0.9))
F = np.arange(1, N + 1) / N
x = np.log(mu[:npts]); y = -np.log(1 - F[:npts])
fit = LinearRegression(fit_intercept=False).fit(x[:, None], y).coef_[0]
twonn_mle = N / np.log(mu).sum()
# Levina-Bickel with MacKay-Ghahramani aggregation
inv = np.log(T[:, k - 1:k] / T[:, :k - 1]).sum(axis=1) / (k - 1)
print(json.dumps({"fit": fit, "twonnMle": twonn_mle, "mle": 1 / inv.mean(), "pw": (1 / inv).tolist()}))
`;
    const ref = JSON.parse(runPython(py, text));
    const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);
    const t = twoNN(cloud);
    expect(rel(t.fit, ref.fit)).toBeLessThan(1e-9);
    expect(rel(t.mle, ref.twonnMle)).toBeLessThan(1e-9);
    const m = mle(cloud, { k: 20 });
    expect(rel(m.estimate, ref.mle)).toBeLessThan(1e-9);
    m.pointwise.forEach((v, i) => expect(rel(v, ref.pw[i])).toBeLessThan(1e-9));
  });

  it('participation ratio and lPCA spectra agree with numpy.linalg.eigvalsh', (ctx) => {
    requireTool(ctx, 'numpy');
    const cloud = gaussian(80, 12, 3);
    // stretch the axes so the spectrum is far from flat
    for (let i = 0; i < 80; i++) for (let t = 0; t < 12; t++) cloud.data[i * 12 + t] *= 1 + t;
    const text = Array.from({ length: 80 }, (_, i) =>
      Array.from(cloud.data.subarray(i * 12, i * 12 + 12), (v) => v.toPrecision(17)).join(' '),
    ).join('\n');
    const ref = JSON.parse(
      runPython(
        `import sys, json, numpy as np
X = np.loadtxt(sys.stdin)
ev = np.sort(np.linalg.eigvalsh(np.cov(X.T)))[::-1]
print(json.dumps({"ev": ev.tolist(), "pr": float(ev.sum() ** 2 / (ev ** 2).sum())}))`,
        text,
      ),
    );
    const pr = participationRatio(cloud);
    expect(Math.abs(pr.estimate - ref.pr) / ref.pr).toBeLessThan(1e-10);
    pr.spectrum.forEach((v, i) => expect(Math.abs(v - ref.ev[i])).toBeLessThan(1e-9 * ref.ev[0]));
  });
});

describe('estimator details', () => {
  it('PH-dim schedules and confidence band', () => {
    expect(phDimSizes('m22', 2000)).toEqual([500, 850, 1200, 1550, 1900]);
    expect(phDimSizes('m22', 1900)).toEqual([500, 850, 1200, 1550]);
    expect(phDimSizes('birdal', 5000)).toEqual([
      200, 250, 300, 350, 400, 450, 500, 550, 600, 650, 700, 750, 800, 850, 900, 950,
    ]);
    const cube = uniformCube(1500, 3, 1);
    const r = phDim(cube, { estimator: 'birdal', samples: 3, seed: 4 });
    expect(r.weights.length).toBe(16);
    expect(r.weights[0].length).toBe(3);
    expect(r.band.low).toBeLessThan(r.estimate);
    expect(r.band.high).toBeGreaterThan(r.estimate);
    expect(r.repeatEstimates!.length).toBe(3);
    expect(Math.abs(r.repeatMean! - 3)).toBeLessThan(0.4);
    // same seed, same result; another seed, another subsample
    expect(phDim(cube, { estimator: 'birdal', samples: 3, seed: 4 }).estimate).toBe(r.estimate);
    expect(phDim(cube, { estimator: 'birdal', samples: 3, seed: 5 }).estimate).not.toBe(r.estimate);
  });

  it('PH-dim on a condensed distance matrix equals PH-dim on the cloud', () => {
    const cube = uniformCube(1000, 3, 2);
    const D = pairwiseDistances(cube, { precision: 'float64' });
    const a = phDim(cube, { estimator: 'birdal', seed: 3 });
    const b = phDim(D, { estimator: 'birdal', seed: 3 });
    expect(b.sizes).toEqual(a.sizes);
    b.weights.forEach((w, s) => expect(w[0]).toBeCloseTo(a.weights[s][0], 9));
    expect(b.estimate).toBeCloseTo(a.estimate, 9);
  });

  it('TwoNN block analysis reports mean and spread per block count', () => {
    const cube = uniformCube(2000, 2, 9);
    const blocks = twoNNBlockAnalysis(cube, { blocks: 5, seed: 1 });
    expect(blocks.map((b) => b.blocks)).toEqual([1, 2, 3, 4, 5]);
    expect(blocks.map((b) => b.size)).toEqual([2000, 1000, 666, 500, 400]);
    expect(blocks[0].std).toBe(0);
    for (const b of blocks) expect(Math.abs(b.mean - 2)).toBeLessThan(0.2);
    expect(blocks[4].std).toBeGreaterThan(0);
    expect(twoNN(cube, { blocks: 2 }).blockAnalysis!.length).toBe(2);
    expect(twoNN(cube).pointwise).toBeUndefined();
  });

  it('spectrum rules: ratio threshold, Fukunaga-Olsen and Fan on hand-made spectra', () => {
    const ev = Float64Array.from([10, 9, 8, 0.1, 0.1, 0.1]);
    expect(spectrumDimension(ev, 'ratio', 0.95)).toBe(3);
    expect(spectrumDimension(ev, 'ratio', 0.5)).toBe(2);
    expect(spectrumDimension(ev, 'fo')).toBe(3);
    // Fan: cumulative fractions .366 .696 .989: r = 2, so sigma = mean(8, .1, .1, .1) = 2.075
    // swallows the third signal eigenvalue; mu = 7.925 6.925 5.925 -1.975 x3, sum 14.85;
    // cumulative mu / 14.85 = .534, .998: scikit-dimension's rule says 2 (no gap > 10 before);
    // the gap-first variant stops where mu changes sign, after the third value: 3
    expect(spectrumDimension(ev, 'fan')).toBe(2);
    expect(spectrumDimension(ev, 'fan-gap')).toBe(3);
    expect(spectrumDimension(Float64Array.from([1, 1, 1, 1]), 'ratio', 0.95)).toBe(4);
  });

  it("Fan: scikit-dimension's rule and the gap-first variant, by hand", () => {
    // sum 11.2; cumulative fractions .357 .625 .804 .893 .9375 .973 1: r = 5 (first > 0.95),
    // sigma = (0.4 + 0.3) / 2 = 0.35, mu = 3.65 2.65 1.65 0.65 0.15 0.05 -0.05 (sum 8.75).
    // No gap ratio exceeds 10; cumulative mu / 8.75 = .417 .720 .909: first > 0.8 at m = 3.
    // The gap-first variant stops where mu changes sign (mu_6 > 0 >= mu_7): 6.
    const ev = Float64Array.from([4, 3, 2, 1, 0.5, 0.4, 0.3]);
    expect(spectrumDimension(ev, 'fan')).toBe(3);
    expect(spectrumDimension(ev, 'fan-gap')).toBe(6);
    // the gap test deciding: sum 10.7, fractions .467 .935 .981: r = 2, sigma = 0.7 / 3;
    // mu = 4.767 4.767 0.267 -0.133 -0.133 (sum 9.533); at m = 1 the gap is 1 and the cumulative
    // fraction .5; at m = 2 the gap 4.767 / 0.267 = 17.9 > 10
    expect(spectrumDimension(Float64Array.from([5, 5, 0.5, 0.1, 0.1]), 'fan')).toBe(2);
    // isotropic: every mu is zero, neither test holds: the full dimension
    expect(spectrumDimension(Float64Array.from([2, 2, 2]), 'fan')).toBe(3);
    // end to end, a square in R^5 (zeros elsewhere): spectra [a, b, 0, 0, 0] with a ~ b give
    // r = 1, sigma = b / 4, mu = [a - b/4, 3b/4, -b/4, ...]: Fan's cumulative test holds at m = 1
    // (mu_1 / sum(mu) = 1), the gap-first rule stops at the sign change after m = 2
    const square = uniformCube(400, 2, 5);
    const inR5 = { data: new Float64Array(400 * 5), rows: 400, cols: 5 };
    for (let i = 0; i < 400; i++) inR5.data.set(square.data.subarray(2 * i, 2 * i + 2), 5 * i);
    const fan = localPca(inR5, { k: 20, rule: 'fan' });
    const fanGap = localPca(inR5, { k: 20, rule: 'fan-gap' });
    expect(fan.rule).toBe('fan');
    expect(fan.estimate).toBe(1);
    expect(fanGap.rule).toBe('fan-gap');
    // (a few neighbourhoods at the square's edges are elongated enough to say 1)
    expect(fanGap.median).toBe(2);
    expect(fanGap.estimate).toBeGreaterThan(1.95);
    expect(() => localPca(uniformCube(100, 2, 1), { rule: 'fan2' as never })).toThrow(
      /unknown lPCA rule 'fan2'[\s\S]*fan-gap/,
    );
  });

  it("Fan agrees with a NumPy transcription of scikit-dimension's lPCA._fan on 400 spectra", (ctx) => {
    requireTool(ctx, 'numpy');
    const rng = createRng(11);
    const spectra: number[][] = [];
    for (let s = 0; s < 400; s++) {
      const n = 2 + rng.int(19);
      // a mix of shapes: random decreasing, a planted block of large values over a noise floor,
      // exact zeros at the end (rank-deficient neighbourhoods), and one large value over many
      // moderate ones with a random step ratio (where the gap test decides before the cumulative)
      const kind = s % 4;
      const planted = 1 + rng.int(n);
      const step = 1 + rng.next() * 25;
      const v = Array.from({ length: n }, (_, i) =>
        kind === 0
          ? rng.next() * 10
          : kind === 1
            ? (i < planted ? 5 + rng.next() * 20 : 0) + rng.next() * 0.5
            : kind === 2
              ? i < planted
                ? rng.next() * 10
                : 0
              : (i < planted ? step : 1) + rng.next() * 0.2,
      );
      v.sort((a, b) => b - a);
      if (v[0] === 0) v[0] = 1;
      spectra.push(v);
    }
    // the rule of skdim.id.lPCA(ver='Fan') with its defaults (alphaFan 10, betaFan 0.8, PFan 0.95),
    // written out from its definition: the first index where either test holds, plus one. With
    // r = 0 the shifted values sum to zero in exact arithmetic and scikit-dimension's answer
    // depends on how that zero rounds (1 or the full length); topolens documents 1, and so does
    // the transcription.
    const ref = JSON.parse(
      runPython(
        `import sys, json, numpy as np
np.seterr(all='ignore')
out = []
for spec in json.loads(sys.stdin.read()):
    ev = np.array(spec, dtype=float)
    r = np.nonzero(np.cumsum(ev) / ev.sum() > 0.95)[0][0]
    if r == 0:
        out.append(1)
        continue
    mu = ev - ev[r:].mean()
    gap_hits = np.nonzero(mu[:-1] / mu[1:] > 10)[0]
    beta_hits = np.nonzero(np.cumsum(mu) / mu.sum() > 0.8)[0]
    hits = np.concatenate((gap_hits, beta_hits))
    out.append(int(hits.min()) + 1 if hits.size else len(ev))
print(json.dumps(out))`,
        JSON.stringify(spectra),
      ),
    ) as number[];
    let differFromGap = 0;
    spectra.forEach((v, i) => {
      const ev = Float64Array.from(v);
      expect(spectrumDimension(ev, 'fan'), JSON.stringify(v)).toBe(ref[i]);
      if (spectrumDimension(ev, 'fan-gap') !== ref[i]) differFromGap++;
    });
    // the two rules really are different rules
    expect(differFromGap).toBeGreaterThan(30);
  });
});

describe('degenerate input', () => {
  it('duplicates: TwoNN and MLE drop them, count them and stay finite', () => {
    const cube = uniformCube(500, 2, 3);
    const data = new Float64Array(600 * 2);
    data.set(cube.data);
    data.set(cube.data.subarray(0, 200), 1000); // rows 500..599 duplicate rows 0..99
    const cloud = { data, rows: 600, cols: 2 };
    const t = twoNN(cloud);
    expect(t.droppedDuplicates).toBe(200);
    // a point whose nearest neighbour is a duplicated point has r1 = r2: dropped as a tie
    expect(t.droppedTies).toBeGreaterThan(0);
    expect(t.used + t.droppedTies).toBe(400);
    expect(Number.isFinite(t.estimate)).toBe(true);
    const m = mle(cloud);
    expect(m.droppedDuplicates).toBe(200);
    expect(Number.isNaN(m.pointwise[0])).toBe(true);
    expect(Number.isFinite(m.estimate)).toBe(true);
    expect(Math.abs(m.estimate - 2)).toBeLessThan(0.3);
  });

  it('all points equal: a clear error, never NaN', () => {
    const same = { data: new Float64Array(40).fill(3), rows: 20, cols: 2 };
    expect(() => twoNN(same)).toThrow(/0 usable points after dropping 20 duplicates/);
    expect(() => mle(same, { k: 5 })).toThrow(/every point has a duplicate/);
    expect(() => participationRatio(same)).toThrow(/all points are equal/);
    expect(() => phDim(same, { sizes: [5, 10] })).toThrow(/total MST length 0/);
  });

  it('too few points for k or for the PH-dim schedule: clear errors', () => {
    const small = uniformCube(15, 2, 1);
    expect(() => mle(small)).toThrow(/MLE with k = 20 needs at least 21 points.*has 15/s);
    expect(() => localPca(small)).toThrow(/needs at least 51 points/);
    expect(() => twoNN(uniformCube(2, 2, 1))).toThrow(/needs at least 3 points/);
    expect(() => phDim(uniformCube(800, 2, 1))).toThrow(
      /at least 2 distinct sample sizes.*800 points.*more than 850 points/s,
    );
    expect(() => phDim(uniformCube(240, 2, 1), { estimator: 'birdal' })).toThrow(
      /at least 250 points/,
    );
    expect(() => mle(uniformCube(100, 2, 1), { k: 1 })).toThrow(/k >= 2/);
  });

  it('a line: every estimator gives 1', () => {
    const n = 1000;
    const data = new Float64Array(n * 3);
    const rng = createRng(12);
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      data.set([u, 2 * u, -u], 3 * i);
    }
    const line = { data, rows: n, cols: 3 };
    expect(Math.abs(twoNN(line).estimate - 1)).toBeLessThan(0.1);
    expect(Math.abs(mle(line).estimate - 1)).toBeLessThan(0.1);
    expect(localPca(line).estimate).toBe(1);
    expect(participationRatio(line).estimate).toBeCloseTo(1, 10);
    expect(Math.abs(phDim(line, { estimator: 'birdal' }).estimate - 1)).toBeLessThan(0.1);
  });
});
