/**
 * Benchmark: exact bottleneck and 2-Wasserstein distances between two 2,000-point diagrams,
 * topolens against GUDHI (bottleneck: its default near-exact mode and exact e=0; Wasserstein:
 * gudhi.wasserstein with POT's exact network simplex) in the same run.
 *
 * Run: npm run bench:diagrams [-- --n 2000 --reps 1]
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { diagram, type PersistenceDiagram } from '../src/core/diagram.js';
import { createRng } from '../src/core/rng.js';
import { bottleneckDistance } from '../src/homology/bottleneck.js';
import { wassersteinDistance } from '../src/homology/wasserstein.js';

const args = process.argv.slice(2);
const arg = (name: string, def: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const N = arg('n', 2000);

function uniform(n: number, seed: number): PersistenceDiagram {
  const rng = createRng(seed);
  const bars: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const b = rng.next();
    bars.push([b, b + rng.next()]);
  }
  return diagram(1, bars);
}

/** H1-like: most bars close to the diagonal (exponential lifespans, mean 0.02), 3% long ones. */
function realistic(n: number, seed: number): PersistenceDiagram {
  const rng = createRng(seed);
  const bars: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const b = rng.next();
    const long = rng.next() < 0.03;
    bars.push([b, b + (long ? 0.3 + 0.5 * rng.next() : -0.02 * Math.log(1 - rng.next()))]);
  }
  return diagram(1, bars);
}

function time<T>(f: () => T): [T, number] {
  const t = performance.now();
  const r = f();
  return [r, (performance.now() - t) / 1000];
}

const PY = `
import sys, json, time, numpy as np, gudhi
from gudhi.wasserstein import wasserstein_distance
d = json.load(sys.stdin)
a = np.array(d['a']); b = np.array(d['b'])
out = {}
t = time.perf_counter(); out['bottleneck_default'] = gudhi.bottleneck_distance(a, b); out['t_bottleneck_default'] = time.perf_counter() - t
t = time.perf_counter(); out['bottleneck_exact'] = gudhi.bottleneck_distance(a, b, 0); out['t_bottleneck_exact'] = time.perf_counter() - t
t = time.perf_counter(); out['w2'] = wasserstein_distance(a, b, order=2., internal_p=np.inf); out['t_w2'] = time.perf_counter() - t
print(json.dumps(out))
`;

function pairs(d: PersistenceDiagram): number[][] {
  return Array.from(d.births, (b, i) => [b, d.deaths[i]]);
}

console.log(`diagram distances, n = ${N} points per diagram`);
console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? '?'}; node ${process.version}`);
console.log(
  `work floor: ${N}x${N} = ${((N * N) / 1e6).toFixed(1)}M pair costs (~5 flops each, ${((5 * N * N) / 1e6).toFixed(0)} Mflop: ` +
    `a few ms at 1-4 Gflop/s); an exact assignment is O(n^3) worst case`,
);
for (const [name, gen] of [
  ['uniform (births, lifespans ~ U[0,1])', uniform],
  ['realistic H1-like (near-diagonal + 3% long bars)', realistic],
] as const) {
  const a = gen(N, 1);
  const b = gen(N, 2);
  // First call (cold: includes JIT compilation), then the best of two more.
  const [bn, tbCold] = time(() => bottleneckDistance(a, b));
  const tb = Math.min(
    tbCold,
    time(() => bottleneckDistance(a, b))[1],
    time(() => bottleneckDistance(a, b))[1],
  );
  const [w2, twCold] = time(() => wassersteinDistance(a, b, { p: 2, q: Infinity }));
  const tw = Math.min(twCold, time(() => wassersteinDistance(a, b, { p: 2, q: Infinity }))[1]);
  const g = JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', PY], {
      input: JSON.stringify({ a: pairs(a), b: pairs(b) }),
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    }),
  );
  console.log(`\n${name}`);
  console.log(
    `  bottleneck   topolens ${tb.toFixed(3)} s best of 3 (first call ${tbCold.toFixed(3)} s) (${bn})\n` +
      `               GUDHI default (e = smallest double) ${g.t_bottleneck_default.toFixed(3)} s (${g.bottleneck_default})  ratio GUDHI/topolens ${(g.t_bottleneck_default / tb).toFixed(2)}\n` +
      `               GUDHI exact (e = 0)                 ${g.t_bottleneck_exact.toFixed(3)} s (${g.bottleneck_exact})  ratio GUDHI/topolens ${(g.t_bottleneck_exact / tb).toFixed(2)}`,
  );
  console.log(
    `  2-Wasserstein (q = inf)  topolens ${tw.toFixed(3)} s best of 2 (first call ${twCold.toFixed(3)} s) (${w2})\n` +
      `               GUDHI + POT ${g.t_w2.toFixed(3)} s (${g.w2})  ratio GUDHI/topolens ${(g.t_w2 / tw).toFixed(2)}`,
  );
  const rel = Math.abs(w2 - g.w2) / Math.max(1e-300, Math.abs(g.w2));
  console.log(
    `  agreement: bottleneck ${bn === g.bottleneck_exact ? 'identical' : `differs (${bn} vs ${g.bottleneck_exact})`}, W2 relative difference ${rel.toExponential(2)}`,
  );
}
