/**
 * Benchmark: the full Ricci-flow analysis of one network ([B24]'s setting: 2,000 test points,
 * k = 300, 7 layer clouds = input + 6 hidden layers of a random ReLU MLP on a 3-D two-class
 * data set), both graph conventions, beside the same analysis in R with igraph as the published
 * reference computes it (base R `dist`, kNN adjacency rows, `degree()` for Forman,
 * `distances()` for hop counts); and linear CKA of two 10,000 x 512 clouds beside NumPy.
 *
 * Run: npm run bench:graph   (env BENCH_N, BENCH_K to change the size)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../src/core/rng.js';
import { matrix, type Matrix } from '../src/core/matrix.js';
import { ricciFlow } from '../src/geometry/ricciFlow.js';
import { knnGraph } from '../src/geometry/knnGraph.js';
import { hopDistances } from '../src/geometry/shortestPaths.js';
import { linearCKA } from '../src/similarity/cka.js';
import { loadPointCloud } from '../src/data/load.js';

const n = Number(process.env.BENCH_N ?? 2000);
const k = Number(process.env.BENCH_K ?? 300);
const width = 50;
const hidden = 6;

/** Two entangled spirals in 3-D (two classes), then a random ReLU MLP (He init). */
function layers(seed: number): Matrix[] {
  const rng = createRng(seed);
  const X = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const t = 0.5 + 3 * rng.next();
    X[i * 3] = t * Math.cos(2 * t + Math.PI * c) + 0.1 * rng.normal();
    X[i * 3 + 1] = t * Math.sin(2 * t + Math.PI * c) + 0.1 * rng.normal();
    X[i * 3 + 2] = 0.5 * t + 0.1 * rng.normal();
  }
  const out: Matrix[] = [matrix(X, n, 3)];
  let cur = X;
  let p = 3;
  for (let l = 0; l < hidden; l++) {
    const W = Float64Array.from({ length: p * width }, () => rng.normal() * Math.sqrt(2 / p));
    const b = Float64Array.from({ length: width }, () => 0.1 * rng.normal());
    const next = new Float64Array(n * width);
    for (let i = 0; i < n; i++)
      for (let o = 0; o < width; o++) {
        let s = b[o];
        for (let a = 0; a < p; a++) s += cur[i * p + a] * W[a * width + o];
        next[i * width + o] = s > 0 ? s : 0;
      }
    out.push(matrix(next, n, width));
    cur = next;
    p = width;
  }
  return out;
}

const rScript = (dir: string, count: number) => `
suppressMessages(library(igraph))
n <- ${n}; k <- ${k}
res <- c()
pt0 <- proc.time()
for (l in 0:${count - 1}) {
  hdr <- scan(file.path("${dir}", paste0("layer", l, ".dim")), quiet = TRUE)
  X <- matrix(readBin(file.path("${dir}", paste0("layer", l, ".bin")), "double", hdr[1] * hdr[2]),
              nrow = hdr[1], byrow = TRUE)
  D <- as.matrix(dist(X)); diag(D) <- Inf
  # directed reference (published code): ties included, degree = in + out, sum over arcs
  A <- matrix(0, n, n)
  for (i in 1:n) { q <- sort(D[i, ], partial = k)[k]; A[i, D[i, ] <= q] <- 1 }
  g <- graph_from_adjacency_matrix(A, mode = "directed")
  deg <- degree(g)
  F <- 4 - outer(deg, deg, "+"); F[A == 0] <- 0
  ricD <- sum(F); gD <- sum(distances(g)) / 2
  # undirected (paper): either point among the other's k nearest
  B <- matrix(0, n, n)
  for (i in 1:n) B[i, order(D[i, ])[1:k]] <- 1
  gu <- graph_from_adjacency_matrix(pmax(B, t(B)), mode = "undirected")
  du <- degree(gu); el <- as_edgelist(gu, names = FALSE)
  ricU <- sum(4 - du[el[, 1]] - du[el[, 2]]); gU <- sum(distances(gu)) / 2
  res <- rbind(res, c(ricU, gU, ricD, gD))
}
pt <- proc.time() - pt0
elapsed <- pt[["elapsed"]]; cpu <- pt[["user.self"]] + pt[["sys.self"]]
etaU <- diff(res[, 2]); etaD <- diff(res[, 4])
rhoU <- cor(res[1:(nrow(res) - 1), 1], etaU); rhoD <- cor(res[1:(nrow(res) - 1), 3], etaD)
cat(elapsed, rhoU, rhoD, cpu, "\\n")
write.table(res, row.names = FALSE, col.names = FALSE)
`;

function machine(): string {
  const model = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} cores, ${model}`;
}

function benchRicci(): void {
  const L = layers(7);
  const dir = mkdtempSync(join(tmpdir(), 'topolens-bench-graph-'));
  try {
    L.forEach((X, l) => {
      writeFileSync(join(dir, `layer${l}.bin`), new Uint8Array(Float64Array.from(X.data).buffer));
      writeFileSync(join(dir, `layer${l}.dim`), `${X.rows} ${X.cols}\n`);
    });
    console.log(
      `Ricci-flow analysis: ${n} points, k = ${k}, ${L.length} layer clouds (3-D input + ${hidden} x ReLU(${width})), both conventions`,
    );
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const und = ricciFlow(L, { k, graph: 'undirected' });
    const t1 = performance.now();
    const dir2 = ricciFlow(L, { k, graph: 'directed' });
    const t2 = performance.now();
    const ours = (t2 - t0) / 1000;
    const cpuUsed = process.cpuUsage(cpu0);
    const oursCpu = (cpuUsed.user + cpuUsed.system) / 1e6;
    const wordOps = [...und.layers, ...dir2.layers].reduce((s, x) => s + x.wordOps, 0);
    const edges = und.layers.map((s) => s.edges);
    const r0 = performance.now();
    const rOut = execFileSync('Rscript', ['-e', rScript(dir, L.length)], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const rWall = (performance.now() - r0) / 1000;
    const lines = rOut.trim().split('\n');
    const [rElapsed, rhoU, rhoD, rCpu] = lines[0].trim().split(/\s+/).map(Number);
    const table = lines.slice(1).map((s) => s.trim().split(/\s+/).map(Number));
    let agree = true;
    table.forEach((row, l) => {
      if (row[0] !== und.layers[l].curvature || row[1] !== und.layers[l].geodesicMass)
        agree = false;
      if (row[2] !== dir2.layers[l].curvature || row[3] !== dir2.layers[l].geodesicMass)
        agree = false;
    });
    console.log(`  undirected edges per layer: ${edges.join(', ')}`);
    console.log(
      `  topolens: undirected ${((t1 - t0) / 1000).toFixed(2)} s, directed ${((t2 - t1) / 1000).toFixed(2)} s, total ${ours.toFixed(2)} s wall, ${oursCpu.toFixed(2)} s CPU`,
    );
    console.log(
      `  bit-parallel BFS word operations (both conventions): ${(wordOps / 1e9).toFixed(3)} G`,
    );
    console.log(
      `  rho undirected ${und.rho.toFixed(6)} (R ${rhoU.toFixed(6)}), directed ${dir2.rho.toFixed(6)} (R ${rhoD.toFixed(6)})`,
    );
    console.log(
      `  R + igraph: ${rElapsed.toFixed(2)} s inside R (${rWall.toFixed(2)} s with start-up and reading)`,
    );
    console.log(`  Ric_l and g_l identical to igraph's in every layer and convention: ${agree}`);
    console.log(
      `  ratio R / topolens: ${(rElapsed / ours).toFixed(2)}x wall, ${(rCpu / oursCpu).toFixed(2)}x CPU time`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function benchCKA(): void {
  const dir = mkdtempSync(join(tmpdir(), 'topolens-bench-cka-'));
  try {
    const N = 10000;
    const P = 512;
    const py = `
import numpy as np, time
rng = np.random.default_rng(0)
X = rng.standard_normal((${N}, ${P}))
Y = np.tanh(X @ rng.standard_normal((${P}, ${P})) / 20) + 0.1 * rng.standard_normal((${N}, ${P}))
np.save('${dir}/x.npy', X); np.save('${dir}/y.npy', Y)
best = 1e9
bestcpu = 1e9
for r in range(3):
    t = time.perf_counter()
    c = time.process_time()
    x = X - X.mean(0); y = Y - Y.mean(0)
    v = np.linalg.norm(x.T @ y) ** 2 / (np.linalg.norm(x.T @ x) * np.linalg.norm(y.T @ y))
    best = min(best, time.perf_counter() - t)
    bestcpu = min(bestcpu, time.process_time() - c)
print(best, v, bestcpu)
`;
    const out = execFileSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' })
      .trim()
      .split(/\s+/);
    const npTime = Number(out[0]);
    const npValue = Number(out[1]);
    const npCpu = Number(out[2]);
    const X = loadPointCloud(join(dir, 'x.npy'));
    const Y = loadPointCloud(join(dir, 'y.npy'));
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = linearCKA(X, Y);
    const ours = (performance.now() - t0) / 1000;
    const cu = process.cpuUsage(c0);
    const oursCpu = (cu.user + cu.system) / 1e6;
    const flops = 2 * N * ((P * P) / 2 + (P * P) / 2 + P * P);
    console.log(`Linear CKA, two ${N} x ${P} clouds (float64)`);
    console.log(
      `  topolens ${ours.toFixed(2)} s wall, ${oursCpu.toFixed(2)} s CPU (${(flops / oursCpu / 1e9).toFixed(2)} GFLOP/s per CPU second), value ${r.value.toFixed(10)}`,
    );
    console.log(
      `  NumPy (BLAS) ${npTime.toFixed(3)} s wall, ${npCpu.toFixed(3)} s CPU (best of 3), value ${npValue.toFixed(10)}`,
    );
    console.log(
      `  ratio topolens / NumPy: ${(ours / npTime).toFixed(1)}x wall, ${(oursCpu / npCpu).toFixed(1)}x CPU time`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Scale check without a reference: hop distances of a 10,000-node kNN graph. */
function benchScale(): void {
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const N = 10000;
  const d = 10;
  const kk = 30;
  const rng = createRng(3);
  const X = matrix(
    Float64Array.from({ length: N * d }, () => rng.normal()),
    N,
    d,
  );
  let c = cpu();
  const g = knnGraph(X, { k: kk });
  const tk = cpu() - c;
  c = cpu();
  const h = hopDistances(g);
  const th = cpu() - c;
  console.log(
    `Scale: undirected kNN graph of ${N} Gaussian points in R^${d}, k = ${kk} (no reference)`,
  );
  console.log(`  kNN graph ${tk.toFixed(2)} s CPU, ${g.targets.length / 2} edges`);
  console.log(
    `  all-pairs hop distances ${th.toFixed(2)} s CPU, ${(h.wordOps / 1e9).toFixed(3)} G word operations, diameter ${h.diameter}, g = ${h.geodesicMass}`,
  );
}

console.log(`topolens bench:graph on ${machine()}, ${new Date().toISOString()}`);
if (!process.env.BENCH_SKIP_RICCI) benchRicci();
if (!process.env.BENCH_SKIP_CKA) benchCKA();
if (!process.env.BENCH_SKIP_SCALE) benchScale();
