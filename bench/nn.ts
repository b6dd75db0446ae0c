/**
 * `npm run bench:nn`: training and capture speed beside PyTorch (CPU) in the same run. Three
 * workloads:
 * 1. one training step of the [B24] dense network 784-50x5-1, batch 32, RMSprop (MNIST 1 vs 7);
 *    tfjs layers `trainOnBatch` on wasm, topolens' fused typed-array step, PyTorch;
 * 2. one epoch of a small MNIST CNN (VGG-like, widths 8 and 16, flatten head, Adam, batch 32) on
 *    up to 10,000 digits (all the `mnist` package holds: ~9,900): topolens' fused CNN step
 *    (what `trainClassifier` uses) on one thread and on two (`threads: 2`, data-parallel
 *    shards), one epoch of the general tfjs path, PyTorch on one thread and on two. Both sides run BENCH_EPOCHS epochs (default 3), leave the first out (warm-up)
 *    and report the fastest of the others; both gather each shuffled batch inside the epoch;
 * 3. capturing every block output of that CNN on 2,000 inputs (batch 256).
 *
 * PyTorch runs in one process per thread count, with OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and
 * MKL_NUM_THREADS set to it and this machine's OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed for
 * that command only (docs/bench-nn.md, "PyTorch's threads"). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/nn/backend.js';
import { benchCnn } from './benchCnn.js';
import { denseNetwork } from '../src/nn/architectures/index.js';
import { compileClassifier, trainClassifier } from '../src/nn/train.js';
import {
  createFusedDenseTrainer,
  denseStackLayers,
  readDenseParams,
} from '../src/nn/fusedDense.js';
import { captureActivations } from '../src/nn/capture.js';
import { loadMnist } from '../src/data/mnist.js';

const PYTHON = '/usr/bin/python3';
/** CNN epochs on each side (the first is a warm-up, left out). */
const EPOCHS = Number(process.env.BENCH_EPOCHS ?? 3);
if (!Number.isInteger(EPOCHS) || EPOCHS < 2)
  throw new Error(`BENCH_EPOCHS must be an integer >= 2 (one warm-up epoch), got ${EPOCHS}`);

/** The digits of the `mnist` package, up to `limitPerDigit` of each, interleaved by class;
 * labels are positions in `digits`. */
function mnist(digits: number[], limitPerDigit = Infinity): { x: Float32Array; y: Int32Array } {
  const set = loadMnist();
  const byDigit = digits.map((d) => {
    const rows: number[] = [];
    set.labels.forEach((l, i) => {
      if (l === d && rows.length < limitPerDigit) rows.push(i);
    });
    return rows;
  });
  const n = byDigit.reduce((a, r) => a + r.length, 0);
  const x = new Float32Array(n * 784);
  const y = new Int32Array(n);
  let k = 0;
  const maxCount = Math.max(...byDigit.map((r) => r.length));
  for (let i = 0; i < maxCount; i++) {
    for (let c = 0; c < digits.length; c++) {
      if (i >= byDigit[c].length) continue;
      x.set(set.images.subarray(byDigit[c][i] * 784, (byDigit[c][i] + 1) * 784), k * 784);
      y[k++] = c;
    }
  }
  return { x, y };
}

const PY = String.raw`
import sys, json, time, numpy as np, torch
a = json.loads(sys.stdin.read())
threads = a['threads']
# the process's thread counts are also fixed by OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and
# MKL_NUM_THREADS (set by the caller before the libraries start): torch.set_num_threads alone
# leaves OpenBLAS with one thread per core
torch.set_num_threads(threads)
torch.set_num_interop_threads(1)
# subnormal floats appear as the CNN trains and made its later epochs up to 3x slower (the
# denormal slow path); flushing them to zero gives PyTorch its best speed (this sets the
# calling thread's flag: with 2 threads the OpenMP worker thread does not flush)
torch.set_flush_denormal(True)
torch.manual_seed(0)
out = {'threads': torch.get_num_threads()}
try:
    import threadpoolctl
    out['pools'] = [
        '%s %s %d' % (p['internal_api'], p.get('architecture') or '', p['num_threads'])
        for p in threadpoolctl.threadpool_info()
    ]
except ImportError:
    out['pools'] = []
# 1. dense 784-50x5-1, RMSprop, batch 32
def dense_ms():
    x = torch.from_numpy(np.fromfile(a['dense_x'], dtype=np.float32).reshape(-1, 784))
    y = torch.from_numpy(np.fromfile(a['dense_y'], dtype=np.float32).reshape(-1, 1))
    layers = []
    d = 784
    for _ in range(5):
        layers += [torch.nn.Linear(d, 50), torch.nn.ReLU()]
        d = 50
    net = torch.nn.Sequential(*layers, torch.nn.Linear(50, 1), torch.nn.Sigmoid())
    opt = torch.optim.RMSprop(net.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)
    lossf = torch.nn.BCELoss()
    steps = a['steps']
    def dense_step(i):
        s = (i * 32) % (x.shape[0] - 32)
        opt.zero_grad()
        l = lossf(net(x[s:s+32]), y[s:s+32])
        l.backward()
        opt.step()
    for i in range(20): dense_step(i)
    best = float('inf')
    for r in range(5):
        t = time.perf_counter()
        for i in range(steps // 5): dense_step(i)
        best = min(best, (time.perf_counter() - t) / (steps // 5) * 1000)
    return best
if a['dense']:
    out['dense_ms'] = dense_ms()
# 2. CNN epoch
cx = torch.from_numpy(np.fromfile(a['cnn_x'], dtype=np.float32).reshape(-1, 1, 28, 28))
cy = torch.from_numpy(np.fromfile(a['cnn_y'], dtype=np.int32).astype(np.int64))
class Vgg(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.block1 = torch.nn.Sequential(torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2))
        self.block2 = torch.nn.Sequential(torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2))
        self.fc = torch.nn.Linear(16 * 7 * 7, 10)
    def forward(self, x):
        return self.fc(torch.flatten(self.block2(self.block1(x)), 1))
def cnn_epochs():
    cnn = Vgg()
    copt = torch.optim.Adam(cnn.parameters(), lr=1e-3, eps=1e-7)
    ce = torch.nn.CrossEntropyLoss()
    epochs = []
    cpu = []
    for epoch in range(a['epochs']):
        perm = torch.randperm(cx.shape[0])
        t = time.perf_counter()
        c = time.process_time()
        for s in range(0, cx.shape[0], 32):
            idx = perm[s:s+32]
            copt.zero_grad()
            l = ce(cnn(cx[idx]), cy[idx])
            l.backward()
            copt.step()
        epochs.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return cnn, epochs, cpu
cnn, epochs, cpu = cnn_epochs()
# the first epoch warms up (allocator, oneDNN primitives) and is left out, as on our side
out['cnn_epoch_s'] = min(epochs[1:])
out['cnn_epoch_cpu_s'] = min(cpu[1:])
out['cnn_epochs_s'] = epochs
# 3. capture block outputs on 2000 inputs
if a['capture']:
    got = []
    cnn.block1.register_forward_hook(lambda m, i, o: got.append(o.numpy().copy()))
    cnn.block2.register_forward_hook(lambda m, i, o: got.append(o.numpy().copy()))
    t = time.perf_counter()
    with torch.no_grad():
        for s in range(0, 2000, 256):
            cnn(cx[s:s+256])
    out['capture_s'] = time.perf_counter() - t
print(json.dumps(out))
`;

function ms(t0: number): number {
  return performance.now() - t0;
}

async function main(): Promise<void> {
  await initBackend({ backend: 'wasm' });
  const steps = Number(process.env.BENCH_STEPS ?? 300);
  const dir = mkdtempSync(join(tmpdir(), 'topolens-bench-nn-'));
  try {
    // data: MNIST 1 vs 7 for the dense net; all digits for the CNN
    const pair = mnist([1, 7]);
    const cnnData = mnist([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 1000);
    const n = pair.y.length;
    writeFileSync(join(dir, 'dx.bin'), pair.x);
    writeFileSync(join(dir, 'dy.bin'), Float32Array.from(pair.y));
    writeFileSync(join(dir, 'cx.bin'), cnnData.x);
    writeFileSync(join(dir, 'cy.bin'), cnnData.y);

    // 1a. tfjs layers trainOnBatch
    const model = denseNetwork({ inputDim: 784, widths: [50, 50, 50, 50, 50], seed: 1 });
    compileClassifier(model, 'rmsprop', 1e-3);
    const batchX = (i: number) => {
      const s = (i * 32) % (n - 32);
      return tf.tensor2d(pair.x.subarray(s * 784, (s + 32) * 784), [32, 784]);
    };
    const batchY = (i: number) => {
      const s = (i * 32) % (n - 32);
      return tf.tensor2d(Float32Array.from(pair.y.subarray(s, s + 32)), [32, 1]);
    };
    const tfjsSteps = Math.min(steps, 100);
    for (let i = 0; i < 10; i++) {
      const xb = batchX(i);
      const yb = batchY(i);
      await model.trainOnBatch(xb, yb);
      tf.dispose([xb, yb]);
    }
    let tfjsStep = Infinity;
    let t0 = 0;
    for (let r = 0; r < 5; r++) {
      t0 = performance.now();
      for (let i = 0; i < tfjsSteps / 5; i++) {
        const xb = batchX(i);
        const yb = batchY(i);
        await model.trainOnBatch(xb, yb);
        tf.dispose([xb, yb]);
      }
      tfjsStep = Math.min(tfjsStep, ms(t0) / (tfjsSteps / 5));
    }

    // 1b. fused step, both engines
    const params = readDenseParams(denseStackLayers(model)!);
    const labels = new Int32Array(32);
    const timeFused = (engine: 'wasm' | 'js'): number => {
      const trainer = createFusedDenseTrainer(params, {
        optimizer: 'rmsprop',
        learningRate: 1e-3,
        maxBatch: 32,
        engine,
      });
      const fusedStep = (i: number) => {
        const s = (i * 32) % (n - 32);
        labels.set(pair.y.subarray(s, s + 32));
        trainer.step(pair.x.subarray(s * 784, (s + 32) * 784), labels, 32);
      };
      for (let i = 0; i < 50; i++) fusedStep(i);
      // the machine is shared: the best of 5 rounds (PyTorch is timed the same way)
      let best = Infinity;
      for (let r = 0; r < 5; r++) {
        t0 = performance.now();
        for (let i = 0; i < steps / 5; i++) fusedStep(i);
        best = Math.min(best, ms(t0) / (steps / 5));
      }
      return best;
    };
    const fused = timeFused('wasm');
    const fusedJs = timeFused('js');
    model.dispose();

    // 2. CNN epoch, on one thread and on two (data-parallel shards, `threads: 2`)
    const makeCnn = benchCnn;
    const nc = cnnData.y.length;
    /** EPOCHS epochs of `model`; the first warms up (JIT, caches, the workers' start) and is
     * left out, the fastest of the others counts (wall and processor time apart) */
    const cnnEpochs = async (model: tf.LayersModel, threads: number) => {
      const out = { wall: Infinity, cpu: Infinity, epochs: [] as number[] };
      let t = performance.now();
      let c = process.cpuUsage();
      await trainClassifier(
        model,
        { inputs: { data: cnnData.x, shape: [nc, 28, 28, 1] }, labels: cnnData.y },
        {
          optimizer: 'adam',
          epochs: EPOCHS,
          batchSize: 32,
          validationSplit: 0,
          threads,
          onProgress: (p) => {
            out.epochs.push(ms(t) / 1000);
            const used = process.cpuUsage(c);
            if (p.epoch > 1) {
              out.wall = Math.min(out.wall, ms(t) / 1000);
              // process.cpuUsage counts every thread of the process, the workers' included
              out.cpu = Math.min(out.cpu, (used.user + used.system) / 1e6);
            }
            t = performance.now();
            c = process.cpuUsage();
          },
        },
      );
      return out;
    };
    const cnn = makeCnn();
    const one = await cnnEpochs(cnn, 1);
    const cnnEpoch = one.wall;
    const cnn2 = makeCnn();
    const two = await cnnEpochs(cnn2, 2);
    cnn2.dispose();

    // 3. capture every block output on 2,000 inputs
    t0 = performance.now();
    await captureActivations(
      cnn,
      { data: cnnData.x.subarray(0, 2000 * 784), shape: [2000, 28, 28, 1] },
      {
        layers: ['block1', 'block2'],
        batchSize: 256,
      },
    );
    const capture = ms(t0) / 1000;
    cnn.dispose();

    // 2b. the same epoch on the general tfjs path (trainOnBatch; one epoch, for the record)
    const general = benchCnn();
    t0 = performance.now();
    await trainClassifier(
      general,
      { inputs: { data: cnnData.x, shape: [nc, 28, 28, 1] }, labels: cnnData.y },
      { optimizer: 'adam', epochs: 1, batchSize: 32, validationSplit: 0, fused: false },
    );
    const generalEpoch = ms(t0) / 1000;
    general.dispose();

    /** PyTorch in a process of its own with `threads` threads everywhere (torch, OpenMP,
     * OpenBLAS, MKL); OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, set on this machine for older
     * OpenBLAS builds, are removed for this command alone (they pin a slower kernel). */
    const pytorch = (threads: number, parts: { dense: boolean; capture: boolean }) => {
      const env: NodeJS.ProcessEnv = { ...process.env };
      delete env.OPENBLAS_CORETYPE;
      delete env.OPENBLAS_L2_SIZE;
      for (const k of ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'])
        env[k] = String(threads);
      return JSON.parse(
        execFileSync(PYTHON, ['-c', PY], {
          input: JSON.stringify({
            threads,
            ...parts,
            steps,
            epochs: EPOCHS,
            dense_x: join(dir, 'dx.bin'),
            dense_y: join(dir, 'dy.bin'),
            cnn_x: join(dir, 'cx.bin'),
            cnn_y: join(dir, 'cy.bin'),
          }),
          encoding: 'utf8',
          env,
          timeout: 600_000,
        }),
      ) as {
        threads: number;
        pools: string[];
        dense_ms: number;
        cnn_epoch_s: number;
        cnn_epoch_cpu_s: number;
        cnn_epochs_s: number[];
        capture_s: number;
      };
    };
    const py = pytorch(1, { dense: true, capture: true });
    const py2 = pytorch(2, { dense: false, capture: false });

    const flops = 2 * 32 * (784 * 50 + 4 * 50 * 50 + 50) * 3; // forward + two backward products
    const row = (name: string, ours: number, ref: number, unit: string) =>
      console.log(
        `${name.padEnd(44)} ${ours.toFixed(3).padStart(9)} ${unit}  pytorch ${ref.toFixed(3).padStart(8)} ${unit}  ratio ${(ours / ref).toFixed(2)}x`,
      );
    console.log(
      `${new Date().toISOString()}  load average ${loadavg()
        .map((v) => v.toFixed(1))
        .join(' ')}  cores ${cpus().length}  ${cpus()[0]?.model ?? ''}`,
    );
    console.log(
      `dense 784-50x5-1 step: ${(flops / 1e6).toFixed(1)} MFLOP dense arithmetic (batch 32)`,
    );
    row('dense step, tfjs layers trainOnBatch (wasm)', tfjsStep, py.dense_ms, 'ms');
    row('dense step, topolens fused, wasm SIMD', fused, py.dense_ms, 'ms');
    row('dense step, topolens fused, plain JS', fusedJs, py.dense_ms, 'ms');
    row(`CNN epoch on ${nc} MNIST digits, fused (wasm)`, cnnEpoch, py.cnn_epoch_s, 's ');
    const list = (v: number[]) => v.map((t) => t.toFixed(2)).join(', ');
    console.log(`  (epochs: topolens ${list(one.epochs)} s; pytorch ${list(py.cnn_epochs_s)} s)`);
    // on a loaded machine the processor time of each side is the steadier comparison
    row('CNN epoch, fused, processor time', one.cpu, py.cnn_epoch_cpu_s, 's ');
    row('CNN epoch, general tfjs path (trainOnBatch)', generalEpoch, py.cnn_epoch_s, 's ');
    row('CNN epoch, fused 1 thread vs PyTorch 2 threads', cnnEpoch, py2.cnn_epoch_s, 's ');
    row('CNN epoch, fused, 2 threads vs 2 threads', two.wall, py2.cnn_epoch_s, 's ');
    console.log(
      `  (epochs: topolens 2 threads ${list(two.epochs)} s; pytorch 2 threads ${list(py2.cnn_epochs_s)} s)`,
    );
    row('CNN epoch, 2 threads, processor time', two.cpu, py2.cnn_epoch_cpu_s, 's ');
    console.log(
      `CNN epoch, topolens speed-up of 2 threads over 1: ${(cnnEpoch / two.wall).toFixed(2)}x wall ` +
        `(${cnnEpoch.toFixed(3)} s -> ${two.wall.toFixed(3)} s); processor time ` +
        `${one.cpu.toFixed(3)} s -> ${two.cpu.toFixed(3)} s; pytorch 1 -> 2 threads ` +
        `${(py.cnn_epoch_s / py2.cnn_epoch_s).toFixed(2)}x wall`,
    );
    console.log(
      `  (pytorch thread pools: 1 thread: ${py.pools.join(', ')}; 2 threads: ${py2.pools.join(', ')})`,
    );
    row('capture 2 CNN blocks on 2,000 inputs (wasm)', capture, py.capture_s, 's ');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
