/**
 * Benchmark: intrinsic dimension and exact kNN against NumPy + scikit-learn in the same run.
 *
 *   npm run bench:intdim            (full sizes, about 2 minutes)
 *   npm run bench:intdim -- --quick (a tenth of the sizes, for a smoke test)
 *
 * 1. PH-dim (Birdal sizes 200..950, alpha = 1, one subsample per size) on 3,000 points in R^128.
 *    Reference: the same subsamples (indices passed to Python), sklearn pairwise_distances +
 *    scipy minimum_spanning_tree + numpy polyfit.
 * 2. TwoNN and MLE (k = 20) on 20,000 points in R^512 (float32). Reference: sklearn
 *    NearestNeighbors (brute force, BLAS GEMM) + the formulas in NumPy.
 * 3. The flop floor of exact kNN: n^2 d / 2 multiply-adds (each pair once) = n^2 d flops, and
 *    this machine's measured JavaScript scalar rate and WebAssembly SIMD kernel rate.
 * 4. Approximate kNN (NN-descent): recall@k against the exact result, and times.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, sampleWithoutReplacement } from '../src/core/rng.js';
import type { Matrix } from '../src/core/matrix.js';
import { knn } from '../src/linalg/knn.js';
import { nnDescent } from '../src/linalg/approximateKnn.js';
import { createWasmDotKernel } from '../src/linalg/wasmDotKernel.js';
import { mle, phDim, twoNN } from '../src/geometry/intrinsicDimension/index.js';

const PYTHON = '/usr/bin/python3';
const quick = process.argv.includes('--quick');

function npy(m: Matrix<Float32Array>): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${m.rows}, ${m.cols}), }`;
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 11, ' ') + '\n';
  const out = new Uint8Array(total + m.data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 255, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength), total);
  return out;
}

/** n points near a 16-dimensional linear image of a Gaussian, in R^D, plus small noise. */
function latentCloud(n: number, D: number, seed: number): Matrix<Float32Array> {
  const rng = createRng(seed);
  const latent = 16;
  const W = Float64Array.from({ length: latent * D }, () => rng.normal() / Math.sqrt(latent));
  const data = new Float32Array(n * D);
  const z = new Float64Array(latent);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < latent; a++) z[a] = rng.normal();
    for (let t = 0; t < D; t++) {
      let s = 0;
      for (let a = 0; a < latent; a++) s += z[a] * W[a * D + t];
      data[i * D + t] = s + 0.01 * rng.normal();
    }
  }
  return { data, rows: n, cols: D };
}

function python(code: string, args: string[]): Record<string, number> {
  const r = spawnSync(PYTHON, ['-c', code, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`python failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/** value, wall seconds; the CPU seconds of the last call are kept in `lastCpu` */
let lastCpu = 0;
function time<T>(f: () => T): [T, number] {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const v = f();
  const c = process.cpuUsage(c0);
  lastCpu = (c.user + c.system) / 1e6;
  return [v, (performance.now() - t0) / 1000];
}

const fmt = (s: number): string => `${s.toFixed(3)} s`;
const rel = (a: number, b: number): string => (Math.abs(a - b) / Math.abs(b)).toExponential(1);

function line(label: string, ours: number, ref: Record<string, number>, extra = ''): void {
  console.log(
    `${label.padEnd(28)} wall: topolens ${fmt(ours).padStart(9)}  numpy/sklearn ${fmt(ref.seconds).padStart(9)}  ratio ${(ours / ref.seconds).toFixed(2)}` +
      ` | cpu: ${fmt(lastCpu)} / ${fmt(ref.cpu)} ratio ${(lastCpu / ref.cpu).toFixed(2)}\n${' '.repeat(29)}${extra}`,
  );
}

function machineRates(): { scalar: number; wasm: number } {
  // JS scalar: double-precision dot products on cached rows
  const d = 512,
    n = 64;
  const rng = createRng(1);
  const x = Float64Array.from({ length: n * d }, () => rng.normal());
  let sink = 0;
  const reps = 20;
  time(() => {
    for (let r = 0; r < reps; r++) {
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          let s = 0;
          for (let t = 0; t < d; t++) s += x[a * d + t] * x[b * d + t];
          sink += s;
        }
      }
    }
  });
  const scalar = (2 * reps * n * n * d) / lastCpu;
  // WebAssembly SIMD kernel on a cached 256 x 256 tile
  const k = createWasmDotKernel();
  let wasm = NaN;
  if (k) {
    const m = 256;
    k.memory.grow(Math.ceil((m * d * 4 + m * m * 4) / 65536));
    const f = new Float32Array(k.memory.buffer, 0, m * d);
    for (let i = 0; i < f.length; i++) f[i] = rng.normal();
    for (let w = 0; w < 20; w++) k.dots(0, 0, m * d * 4, m, m, d * 4, m * 4); // warm up, tier up
    const R = 100;
    time(() => {
      for (let r = 0; r < R; r++) k.dots(0, 0, m * d * 4, m, m, d * 4, m * 4);
    });
    wasm = (2 * R * m * m * d) / lastCpu;
  }
  if (sink === 42) console.log('');
  return { scalar, wasm };
}

const PH_PY = `
import sys, json, time, numpy as np
from sklearn.metrics import pairwise_distances
from scipy.sparse.csgraph import minimum_spanning_tree
X = np.load(sys.argv[1]).astype(np.float64)
idx = json.load(open(sys.argv[2]))
t = time.perf_counter(); c = time.process_time()
logn, logE = [], []
for sample in idx:
    D = pairwise_distances(X[sample])
    E = minimum_spanning_tree(D).sum()
    logn.append(np.log(len(sample))); logE.append(np.log(E))
m = np.polyfit(logn, logE, 1)[0]
print(json.dumps({"estimate": 1 / (1 - m), "seconds": time.perf_counter() - t, "cpu": time.process_time() - c}))
`;

const KNN_PY = `
import sys, json, time, numpy as np
from sklearn.neighbors import NearestNeighbors
X = np.load(sys.argv[1])
which = sys.argv[2]
t = time.perf_counter(); c = time.process_time()
if which == 'twonn':
    dist, _ = NearestNeighbors(n_neighbors=3).fit(X).kneighbors(X)
    r1, r2 = dist[:, 1], dist[:, 2]
    good = (r1 > 0) & (r1 != r2)
    mu = np.sort(r2[good] / r1[good]); N = len(mu); npts = int(np.floor(0.9 * N))
    x = np.log(mu[:npts]); y = -np.log(1 - np.arange(1, N + 1)[:npts] / N)
    est = float((x * y).sum() / (x * x).sum())
else:
    k = 20
    dist, _ = NearestNeighbors(n_neighbors=k + 1).fit(X).kneighbors(X)
    T = dist[:, 1:]
    inv = np.log(T[:, k - 1:k] / T[:, :k - 1]).sum(axis=1) / (k - 1)
    est = float(1 / inv.mean())
print(json.dumps({"estimate": est, "seconds": time.perf_counter() - t, "cpu": time.process_time() - c}))
`;

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'topolens-bench-intdim-'));
  try {
    const rates = machineRates();
    console.log(
      `machine rates: JavaScript scalar ${(rates.scalar / 1e9).toFixed(2)} GFLOP/s (f64 dot products, per CPU second), ` +
        `WebAssembly SIMD kernel ${(rates.wasm / 1e9).toFixed(2)} GFLOP/s (f32, one core, in cache)`,
    );

    // 1. PH-dim
    const phN = quick ? 1000 : 3000;
    const phCloud = latentCloud(phN, 128, 1);
    const phFile = join(dir, 'ph.npy');
    writeFileSync(phFile, npy(phCloud));
    // the same subsamples on both sides: draw them as phDim does (seed 0, sizes in order)
    const rng = createRng(0);
    const sizes = [];
    for (let s = 200; s <= 950 && s <= phN; s += 50) sizes.push(s);
    const idx = sizes.map((s) => Array.from(sampleWithoutReplacement(phN, s, rng)));
    const idxFile = join(dir, 'idx.json');
    writeFileSync(idxFile, JSON.stringify(idx));
    const [ph, tPh] = time(() => phDim(phCloud, { estimator: 'birdal', seed: 0 }));
    const phRef = python(PH_PY, [phFile, idxFile]);
    line(
      `PH-dim birdal, ${phN} x 128`,
      tPh,
      phRef,
      `estimates ${ph.estimate.toFixed(4)} / ${phRef.estimate.toFixed(4)} (rel. diff ${rel(ph.estimate, phRef.estimate)})`,
    );

    // 2. TwoNN and MLE
    const n = quick ? 4000 : 20000;
    const D = 512;
    const cloud = latentCloud(n, D, 2);
    const file = join(dir, 'cloud.npy');
    writeFileSync(file, npy(cloud));
    const [two, tTwo] = time(() => twoNN(cloud));
    const twoRef = python(KNN_PY, [file, 'twonn']);
    line(
      `TwoNN, ${n} x ${D}`,
      tTwo,
      twoRef,
      `estimates ${two.estimate.toFixed(4)} / ${twoRef.estimate.toFixed(4)} (rel. diff ${rel(two.estimate, twoRef.estimate)})`,
    );
    const [ml, tMle] = time(() => mle(cloud, { k: 20 }));
    const mleCpu = lastCpu;
    const mleRef = python(KNN_PY, [file, 'mle']);
    line(
      `MLE k = 20, ${n} x ${D}`,
      tMle,
      mleRef,
      `estimates ${ml.estimate.toFixed(4)} / ${mleRef.estimate.toFixed(4)} (rel. diff ${rel(ml.estimate, mleRef.estimate)})`,
    );
    const flops = n * n * D; // n^2 d / 2 multiply-adds, 2 flops each
    console.log(
      `flop floor of exact kNN: n^2 d = ${flops.toExponential(2)} flops (each pair once); at the ` +
        `measured kernel rate ${(flops / rates.wasm).toFixed(2)} s, at the JS scalar rate ` +
        `${(flops / rates.scalar).toFixed(1)} s; MLE time / floor = ${(tMle / (flops / rates.wasm)).toFixed(2)} (wall), ${(mleCpu / (flops / rates.wasm)).toFixed(2)} (cpu)`,
    );

    // 4. approximate kNN
    const an = quick ? 5000 : 20000;
    const small = latentCloud(an, 32, 3);
    const k = 20;
    const [exact, tExact] = time(() => knn(small, k));
    const [approx, tApprox] = time(() => nnDescent(small, k, { seed: 1 }));
    let hits = 0;
    for (let i = 0; i < an; i++) {
      const truth = new Set(exact.indices.subarray(i * k, i * k + k));
      for (let t = 0; t < k; t++) if (truth.has(approx.indices[i * k + t])) hits++;
    }
    console.log(
      `kNN k = 20 on ${an} x 32: exact ${fmt(tExact)}, NN-descent ${fmt(tApprox)} ` +
        `(${approx.iterations} rounds), recall@20 ${(hits / (an * k)).toFixed(4)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
