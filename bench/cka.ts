/**
 * bench:cka -- linear CKA beside NumPy in the same run (issue 4), plus the rate of the float64
 * WebAssembly SIMD kernel that does the work.
 *
 * 1. Kernel rate: one 256-row chunk, C (512 x 512) += A^T B, best of 3, GFLOP/s per CPU second.
 * 2. Feature space: two 10,000 x 512 clouds (the bench:graph case); X^T Y, X^T X, Y^T Y.
 * 3. Sample space: two 1,000 x 2,048 clouds (n < p + q: the n x n Gram matrices, rowGram, on
 *    the same chunked kernel path as X^T X of the transposes).
 * Times: best of 3 for both sides, wall and CPU (NumPy's BLAS may use both cores).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { linearCKA } from '../src/similarity/cka.js';
import { loadPointCloud } from '../src/data/load.js';
import { createWasmDotKernel } from '../src/linalg/wasmDotKernel.js';

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function kernelRate(): void {
  const p = 512;
  const chunk = 256;
  const kernel = createWasmDotKernel(4, 2, { precision: 'f64', accumulate: true });
  if (!kernel) {
    console.log('Kernel: WebAssembly SIMD unavailable');
    return;
  }
  const cBytes = p * p * 8;
  const packBytes = p * chunk * 8;
  kernel.memory.grow(Math.ceil((cBytes + 2 * packBytes) / 65536));
  const packs = new Float64Array(kernel.memory.buffer, cBytes, 2 * p * chunk);
  for (let t = 0; t < packs.length; t++) packs[t] = Math.sin(t);
  const reps = 20;
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const c = cpuSeconds();
    for (let k = 0; k < reps; k++) {
      for (let j0 = 0; j0 < p; j0 += 64) {
        kernel.dots(cBytes, cBytes + packBytes + j0 * chunk * 8, j0 * 8, p, 64, chunk * 8, p * 8);
      }
    }
    best = Math.min(best, cpuSeconds() - c);
  }
  const flops = 2 * reps * chunk * p * p;
  console.log(
    `Kernel (f64x2, 4 x 2 block): C(512 x 512) += A^T B over 256 rows, ${(flops / best / 1e9).toFixed(1)} GFLOP/s per CPU second`,
  );
}

function compare(label: string, N: number, P: number, flops: number): void {
  const dir = mkdtempSync(join(tmpdir(), 'topolens-bench-cka-'));
  try {
    const py = `
import numpy as np, time
rng = np.random.default_rng(0)
X = rng.standard_normal((${N}, ${P}))
Y = np.tanh(X @ rng.standard_normal((${P}, ${P})) / 20) + 0.1 * rng.standard_normal((${N}, ${P}))
np.save('${dir}/x.npy', X); np.save('${dir}/y.npy', Y)
def cka(X, Y):
    x = X - X.mean(0); y = Y - Y.mean(0)
    if ${N} < 2 * ${P}:
        K = x @ x.T; L = y @ y.T
        return (K * L).sum() / (np.linalg.norm(K) * np.linalg.norm(L))
    return np.linalg.norm(x.T @ y) ** 2 / (np.linalg.norm(x.T @ x) * np.linalg.norm(y.T @ y))
best = 1e9
bestcpu = 1e9
for r in range(3):
    t = time.perf_counter()
    c = time.process_time()
    v = cka(X, Y)
    best = min(best, time.perf_counter() - t)
    bestcpu = min(bestcpu, time.process_time() - c)
print(best, v, bestcpu)
`;
    const out = execFileSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' })
      .trim()
      .split(/\s+/);
    const [npTime, npValue, npCpu] = out.map(Number);
    const X = loadPointCloud(join(dir, 'x.npy'));
    const Y = loadPointCloud(join(dir, 'y.npy'));
    let ours = Infinity;
    let oursCpu = Infinity;
    let value = NaN;
    for (let r = 0; r < 3; r++) {
      const c0 = cpuSeconds();
      const t0 = performance.now();
      value = linearCKA(X, Y).value;
      ours = Math.min(ours, (performance.now() - t0) / 1000);
      oursCpu = Math.min(oursCpu, cpuSeconds() - c0);
    }
    console.log(`${label}: linear CKA, two ${N} x ${P} clouds (float64)`);
    console.log(
      `  topolens ${ours.toFixed(3)} s wall, ${oursCpu.toFixed(3)} s CPU (best of 3; ${(flops / oursCpu / 1e9).toFixed(1)} GFLOP/s per CPU second on ${(flops / 1e9).toFixed(2)} GFLOP), value ${value.toFixed(12)}`,
    );
    console.log(
      `  NumPy (BLAS) ${npTime.toFixed(3)} s wall, ${npCpu.toFixed(3)} s CPU (best of 3), value ${npValue.toFixed(12)}`,
    );
    console.log(
      `  ratio topolens / NumPy: ${(ours / npTime).toFixed(2)}x wall, ${(oursCpu / npCpu).toFixed(2)}x CPU time; |difference| ${Math.abs(value - npValue).toExponential(1)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `topolens bench:cka on ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, ${new Date().toISOString()}`,
);
kernelRate();
/** entries of a symmetric m x m product the kernel computes: upper parts of 64-column blocks */
function symmetricEntries(m: number): number {
  const m4 = Math.ceil(m / 4) * 4;
  let e = 0;
  for (let j0 = 0; j0 < m4; j0 += 64) {
    const nj = Math.min(64, m4 - j0);
    e += Math.min(m4, j0 + nj) * nj;
  }
  return e;
}
// flops as computed: X^T Y in full, X^T X and Y^T Y on the upper column blocks
const n1 = 10000;
const p1 = 512;
compare('Feature space', n1, p1, 2 * n1 * (p1 * p1 + 2 * symmetricEntries(p1)));
// sample space: the two n x n Gram matrices over 2048 coordinates (rowGram), upper blocks
const n2 = 1000;
const p2 = 2048;
compare('Sample space', n2, p2, 2 * p2 * 2 * symmetricEntries(n2));
