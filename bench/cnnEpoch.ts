/**
 * Fused CNN epoch alone (docs/bench-nn.md): the `bench:nn` CNN (VGG-like widths 8 and 16,
 * flatten head, Adam, batch 32) on the first 9,756 MNIST digits through the fused trainer,
 * printing each epoch's wall and processor time. For profiling (`node --cpu-prof`) and for
 * measuring one change at a time. BENCH_EPOCHS (default 3), BENCH_ENGINE ('wasm' or 'js'),
 * BENCH_THREADS (default 1: data-parallel shards over that many threads, ./fusedCnnThreads.ts;
 * the processor time counts every thread), BENCH_SPIN_MS (the `spinMs` option, default 0.3), BENCH_CHUNK (images per chunk, default 8).
 */
import { initBackend } from '../src/nn/backend.js';
import { benchCnn } from './benchCnn.js';
import { cnnStackLayers } from '../src/nn/fusedCnn.js';
import { createThreadedCnnTrainer } from '../src/nn/fusedCnnThreads.js';
import { loadMnist } from '../src/data/mnist.js';
import { loadavg } from 'node:os';

async function main(): Promise<void> {
  await initBackend({ backend: 'wasm' });
  const epochs = Number(process.env.BENCH_EPOCHS ?? 3);
  const engine = (process.env.BENCH_ENGINE ?? 'wasm') as 'wasm' | 'js';
  const threads = Number(process.env.BENCH_THREADS ?? 1);
  const spinMs =
    process.env.BENCH_SPIN_MS === undefined ? undefined : Number(process.env.BENCH_SPIN_MS);
  const set = loadMnist();
  // up to 1,000 of each digit, interleaved by class (as bench/nn.ts)
  const byDigit = Array.from({ length: 10 }, () => [] as number[]);
  set.labels.forEach((l, i) => {
    if (byDigit[l].length < 1000) byDigit[l].push(i);
  });
  const rows: number[] = [];
  for (let i = 0; i < 1000; i++)
    for (let d = 0; d < 10; d++) if (i < byDigit[d].length) rows.push(byDigit[d][i]);
  const n = rows.length;
  const x = new Float32Array(n * 784);
  const y = new Int32Array(n);
  rows.forEach((r, k) => {
    x.set(set.images.subarray(r * 784, (r + 1) * 784), k * 784);
    y[k] = set.labels[r];
  });
  const cnn = benchCnn();
  const { plan } = cnnStackLayers(cnn)!;
  const trainer = createThreadedCnnTrainer(plan, {
    threads,
    spinMs,
    chunk: process.env.BENCH_CHUNK === undefined ? undefined : Number(process.env.BENCH_CHUNK),
    optimizer: 'adam',
    learningRate: 1e-3,
    maxBatch: 32,
    engine,
  });
  const xb = new Float32Array(32 * 784);
  const yb = new Int32Array(32);
  let seed = 1;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let e = 1; e <= epochs; e++) {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let loss = 0;
    let correct = 0;
    for (let s = 0; s < n; s += 32) {
      const B = Math.min(32, n - s);
      for (let i = 0; i < B; i++) {
        const r = order[s + i];
        xb.set(x.subarray(r * 784, (r + 1) * 784), i * 784);
        yb[i] = y[r];
      }
      const st = trainer.step(xb, yb, B);
      loss += st.loss * B;
      correct += st.correct;
    }
    const c = process.cpuUsage(c0);
    console.log(
      `epoch ${e} (${trainer.engine}, ${threads} thread${threads > 1 ? 's' : ''}): ${((performance.now() - t0) / 1000).toFixed(3)} s wall ` +
        `${((c.user + c.system) / 1e6).toFixed(3)} s cpu  loss ${(loss / n).toFixed(4)} ` +
        `acc ${(correct / n).toFixed(4)}  load ${loadavg()[0].toFixed(1)}` +
        (threads > 1
          ? `  chunks by the caller ${trainer.stats.callerChunks}/${trainer.stats.chunks}`
          : ''),
    );
  }
  trainer.close();
  cnn.dispose();
}

void main();
