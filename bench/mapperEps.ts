/**
 * How Mapper's default eps was chosen (docs/mapper.md, "Choosing eps"): candidate rules on a table
 * of sampled shapes whose Mapper graph is known (components and cycles), and on the Mapper
 * benchmark's 512-dimensional Gaussian mixture (10 clusters). Prints, per setting, how many cases
 * each rule gets right. Every rule is a `mapper()` option set, so the numbers are those of the
 * library as shipped (k-distance curve of 1000 sampled points).
 *
 * Usage: npm run bench:mapper-eps   (a few minutes)
 */
import { coordinateLens, mapper, type MapperOptions } from '../src/mapper/index.js';
import {
  gaussianMixture,
  graphCycles,
  noisyShape,
  shapeTopology,
  type NoisyShape,
} from './mapperData.js';

const rules: Record<string, MapperOptions> = {
  knee: { epsRule: 'knee' },
  '4 x median': { epsQuantile: 0.5, epsFactor: 4, epsDimensionAdjust: false },
  '1.5 x max': { epsQuantile: 1, epsFactor: 1.5, epsDimensionAdjust: false },
  '4 x Q0.75': { epsQuantile: 0.75, epsFactor: 4, epsDimensionAdjust: false },
  '4.5 x Q0.75': { epsQuantile: 0.75, epsFactor: 4.5, epsDimensionAdjust: false },
  '3 x Q0.9': { epsQuantile: 0.9, epsFactor: 3, epsDimensionAdjust: false },
  '2.5 x Q0.95': { epsQuantile: 0.95, epsFactor: 2.5, epsDimensionAdjust: false },
  default: {},
};

const shapes: NoisyShape[] = [
  'circle',
  'two-circles',
  'two-circles-uneven',
  'figure-eight',
  'line',
];
const settings: {
  name: string;
  seeds: number[];
  intervals: number;
  overlap: number;
  background?: number;
  dims?: number;
}[] = [
  { name: 'in the plane, 8 intervals, overlap 0.3', seeds: [1, 2, 3], intervals: 8, overlap: 0.3 },
  { name: 'in the plane, 10 intervals, overlap 0.5', seeds: [1, 2], intervals: 10, overlap: 0.5 },
  {
    name: 'plus 3% uniform background points, 8 / 0.3',
    seeds: [1, 2],
    intervals: 8,
    overlap: 0.3,
    background: 0.03,
  },
  {
    name: 'in R^10, noise in all 10 coordinates, 8 / 0.3',
    seeds: [1, 2],
    intervals: 8,
    overlap: 0.3,
    dims: 10,
  },
];

console.log(`| setting | cases | ${Object.keys(rules).join(' | ')} |`);
for (const s of settings) {
  const right: Record<string, number> = {};
  let cases = 0;
  for (const shape of shapes)
    for (const n of [200, 500, 1000, 2000])
      for (const noise of [0.01, 0.03, 0.06])
        for (const seed of s.seeds) {
          const cloud = noisyShape(shape, n, noise, seed, s.background ?? 0, s.dims ?? 2);
          const lens = coordinateLens(cloud, 0);
          cases++;
          for (const [name, options] of Object.entries(rules)) {
            const g = mapper(cloud, {
              ...options,
              lens,
              intervals: s.intervals,
              overlap: s.overlap,
              layoutIterations: 1,
            });
            const ok =
              g.summary.components === shapeTopology[shape].components &&
              graphCycles(g.summary) === shapeTopology[shape].cycles;
            right[name] = (right[name] ?? 0) + (ok ? 1 : 0);
          }
        }
  console.log(
    `| ${s.name} | ${cases} | ${Object.keys(rules)
      .map((r) => right[r])
      .join(' | ')} |`,
  );
}
{
  const right: Record<string, number> = {};
  const seeds = [1, 2];
  for (const seed of seeds) {
    const { cloud, labels } = gaussianMixture({
      n: 2000,
      d: 512,
      components: 10,
      latentDim: 8,
      latentScale: 0.5,
      meanScale: 1,
      noise: 0.05,
      seed,
    });
    for (const [name, options] of Object.entries(rules)) {
      const g = mapper(cloud, { ...options, labels: Array.from(labels), layoutIterations: 1 });
      const ok = g.summary.components === 10 && g.summary.purity === 1;
      right[name] = (right[name] ?? 0) + (ok ? 1 : 0);
    }
  }
  console.log(
    `| 512-D Gaussian mixture, 10 clusters, 2,000 points | ${seeds.length} | ${Object.keys(rules)
      .map((r) => right[r])
      .join(' | ')} |`,
  );
}
