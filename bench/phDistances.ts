/**
 * The float32 Euclidean distance kernels (Ripser's rounding) on a fixture cloud: the plain
 * pair-by-pair loop, the JavaScript fallback (four pairs at a time) and the WebAssembly SIMD
 * kernel that pairwiseDistances uses. CPU time of this process (process.cpuUsage), best of 5,
 * with the load average; checks the three agree bit for bit.
 * Usage: tsx bench/phDistances.ts [cloud name, default digits64]
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { euclideanFloat32Js, pairwiseDistances } from '../src/linalg/distances.js';

const name = process.argv[2] ?? 'digits64';
const root = new URL('../', import.meta.url).pathname;
const rows = readFileSync(`${root}test/fixtures/ph/${name}.txt`, 'utf8')
  .trim()
  .split('\n')
  .map((l) =>
    l
      .trim()
      .split(/[\s,]+/)
      .map(Number),
  );
const n = rows.length;
const d = rows[0].length;
const data = new Float32Array(n * d);
rows.forEach((r, i) => r.forEach((v, j) => (data[i * d + j] = v)));

function plain(out: Float32Array): void {
  const f = Math.fround;
  let k = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = f(data[i * d + t] - data[j * d + t]);
        s = f(s + f(diff * diff));
      }
      out[k++] = f(Math.sqrt(s));
    }
  }
}

const size = (n * (n - 1)) / 2;
const kernels: Record<string, () => Float32Array> = {
  plain: () => {
    const o = new Float32Array(size);
    plain(o);
    return o;
  },
  'js 4-way': () => {
    const o = new Float32Array(size);
    euclideanFloat32Js(data, n, d, o);
    return o;
  },
  'wasm simd (pairwiseDistances)': () =>
    pairwiseDistances({ data, rows: n, cols: d }).data as Float32Array,
};
const results: Record<string, Float32Array> = {};
console.log(
  `${name}: n ${n}, d ${d}; load before ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
for (const [label, run] of Object.entries(kernels)) {
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const c0 = process.cpuUsage();
    results[label] = run();
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1e6);
  }
  console.log(`${label.padEnd(30)} best of 5: ${best.toFixed(3)} s CPU`);
}
const ref = new Uint32Array(results.plain.buffer);
for (const [label, r] of Object.entries(results)) {
  const u = new Uint32Array(r.buffer, r.byteOffset, r.length);
  const same = u.length === ref.length && u.every((v, k) => v === ref[k]);
  console.log(`${label}: ${same ? 'bit-identical to plain' : 'DIFFERS'}`);
}
console.log(
  `load after ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
