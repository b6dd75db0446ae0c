/**
 * Mapper benchmark: topolens' pipeline beside the same pipeline written with scikit-learn's
 * DBSCAN (bench/mapper_sklearn.py: numpy l2-norm lens + KeplerMapper cover + sklearn DBSCAN per
 * interval + nerve), in the same run, on the same data (passed through a temporary .npy) and
 * the same eps (topolens chooses it by its default rule; sklearn is given it).
 *
 * Usage: npm run bench:mapper [-- N]   (default N = 50000 points in R^512)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mapper } from '../src/mapper/mapper.js';
import { l2NormLens } from '../src/mapper/lenses.js';
import { buildCover } from '../src/mapper/cover.js';
import { gaussianMixture } from './mapperData.js';

const N = Number(process.argv[2] ?? 50000);
const D = 512;
const mix = {
  n: N,
  d: D,
  components: 10,
  latentDim: 8,
  latentScale: 0.5,
  meanScale: 1,
  noise: 0.05,
  seed: 1,
};

function npyBytes(data: Float32Array, rows: number, cols: number): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  while ((10 + header.length + 1) % 64) header += ' ';
  header += '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([
    head,
    Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  ]);
}

const fmt = (s: number): string => s.toFixed(2);

console.log(
  `Mapper benchmark, ${new Date().toISOString()}, ${cpus().length} cores (${cpus()[0]?.model})`,
);
console.log(
  `data: ${N} points in R^${D}, seeded Gaussian mixture (${mix.components} components near ${mix.latentDim}-dim subspaces), float32`,
);
console.log(
  'pipeline: l2-norm lens, uniform cover 10 intervals, overlap 0.5, DBSCAN min points 5, nerve',
);
const { cloud } = gaussianMixture(mix);
const dir = mkdtempSync(join(tmpdir(), 'topolens-bench-mapper-'));
const npyPath = join(dir, 'cloud.npy');
writeFileSync(npyPath, npyBytes(cloud.data, N, D));

// topolens
const stageAt: Record<string, number> = {};
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const graph = mapper(cloud, {
  onProgress: (_f, stage) => {
    if (!(stage in stageAt)) stageAt[stage] = performance.now() - t0;
  },
});
const oursWall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const oursCpu = (cpu.user + cpu.system) / 1e6;
const eps = graph.clusterer.eps!;
const work = graph.clusterer.work!;
const sizes = buildCover(l2NormLens(cloud), {}).elements.map((e) => e.members.length);
console.log(`cover element sizes: ${sizes.join(', ')}`);
console.log(`topolens: eps = ${eps.eps.toPrecision(8)} (${eps.description})`);
const at = (stage: string): number => (stageAt[stage] ?? 0) / 1000;
console.log(
  `  ${fmt(oursWall)} s wall, ${fmt(oursCpu)} s CPU; stages (wall): lens+cover ${fmt(at('neighbour index'))} s, search groups ${fmt(at('eps') - at('neighbour index'))} s, eps ${fmt(at('dbscan') - at('eps'))} s, DBSCAN+nerve+layout ${fmt(oursWall - at('dbscan'))} s`,
);
console.log(
  `  graph: ${graph.summary.nodes} nodes, ${graph.summary.edges} edges, ${graph.summary.components} components, ${graph.summary.noiseAssignments} noise assignments`,
);

// scikit-learn, same eps
const script = join(dirname(fileURLToPath(import.meta.url)), 'mapper_sklearn.py');
const w0 = performance.now();
const py = spawnSync('/usr/bin/python3', [script, npyPath, String(eps.eps), '5', '10', '0.5'], {
  encoding: 'utf8',
  maxBuffer: 1 << 26,
});
const pyWall = (performance.now() - w0) / 1000;
rmSync(dir, { recursive: true, force: true });
if (py.status !== 0) {
  console.log(`scikit-learn run failed: ${py.stderr}`);
  process.exit(1);
}
const ref = JSON.parse(py.stdout.trim().split('\n').pop()!) as {
  seconds: number;
  cpu: number;
  nodes: number;
  edges: number;
  noise: number;
  sklearn: string;
};
console.log(
  `scikit-learn ${ref.sklearn} pipeline (same eps): ${fmt(ref.seconds)} s wall (pipeline after np.load; ${fmt(pyWall)} s with start-up and load), ${fmt(ref.cpu)} s CPU (all threads)`,
);
console.log(
  `  graph: ${ref.nodes} nodes, ${ref.edges} edges, ${ref.noise} noise assignments (border points may join another cluster: see docs/mapper.md)`,
);
console.log(
  `ratio scikit-learn / topolens: ${(ref.seconds / oursWall).toFixed(2)}x wall, ${(ref.cpu / oursCpu).toFixed(2)}x CPU`,
);
// neighbour-search floor
let pairsHalf = 0;
let pairsFull = 0;
for (const m of sizes) {
  pairsHalf += (m * (m - 1)) / 2;
  pairsFull += m * m;
}
const g = (flops: number): string => `${(flops / 1e9).toFixed(1)} GFLOP`;
console.log(
  `neighbour search: brute force needs sum m(m-1)/2 = ${pairsHalf.toExponential(3)} pair distances = ${g(pairsHalf * 2 * D)} (2d flops each; sklearn's brute-force radius search computes all m^2: ${g(pairsFull * 2 * D)})`,
);
const ours = (work.pairDistances + work.centreDistances) * 2 * D;
console.log(
  `  topolens evaluated ${work.pairDistances.toExponential(3)} pair + ${work.centreDistances.toExponential(3)} centre distances = ${g(ours)} (${((100 * ours) / (pairsHalf * 2 * D)).toFixed(2)}% of the brute-force floor), ${(ours / 1e9 / oursCpu).toFixed(2)} GFLOP/s`,
);
