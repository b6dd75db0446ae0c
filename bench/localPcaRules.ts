/**
 * The lPCA rules on planted dimensions (docs/intrinsic-dimension.md, "Local PCA and participation
 * ratio"): 1,000 points uniform in [0, 1]^d, zero in the other coordinates of R^10, plus isotropic
 * Gaussian noise in all ten coordinates; k = 50; the mean of the pointwise estimates per rule.
 *
 * Usage: npx tsx bench/localPcaRules.ts   (about a minute)
 */
import { localPca } from '../src/geometry/intrinsicDimension/index.js';
import { createRng } from '../src/core/rng.js';

const D = 10;
const n = 1000;
const rules = ['ratio', 'fan', 'fan-gap', 'fo'] as const;
console.log(`| d | noise | ${rules.join(' | ')} |`);
for (const d of [1, 2, 3, 5]) {
  for (const noise of [0, 0.01, 0.03, 0.1]) {
    const rng = createRng(d * 100 + noise * 1000);
    const data = new Float64Array(n * D);
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < D; t++) data[i * D + t] = (t < d ? rng.next() : 0) + noise * rng.normal();
    }
    const cloud = { data, rows: n, cols: D };
    const cells = rules.map((rule) => localPca(cloud, { k: 50, rule }).estimate.toFixed(2));
    console.log(`| ${d} | ${noise} | ${cells.join(' | ')} |`);
  }
}
