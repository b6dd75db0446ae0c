import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveExperiment } from '../src/run/experimentSchema.js';
import { planExperiment } from '../src/run/plan.js';
import { runExperiment } from '../src/run/runner.js';
import { WorkerPoolExecutor } from '../src/run/executor.js';
import { openStore } from '../src/run/store.js';
const which = process.argv[2];
const variant = process.argv[3] ?? 'wide';
const depth = Number(process.argv[4] ?? 5);
const data = which === 'fashion'
  ? { dataset: 'fashion-mnist', classes: [5, 9], size: Number(process.argv[5] ?? 14000), testFraction: 0.5 }
  : { dataset: 'blobs-in-shell', size: 4000, testFraction: 0.5 };
const spec = {
  name: 'probe ' + which, data,
  networks: [{ train: { architecture: 'ricci', variant, depth, seed: 0, training: { epochs: Number(process.argv[6] ?? 50), batchSize: 32, learningRate: 0.001, optimizer: 'rmsprop', validationSplit: 0.2 } } }],
  layers: { select: 'blocks', includeInput: true }, sampling: { split: 'test' },
  studies: [{ study: 'ricci-flow', options: { ks: [30, 120, 300], accuracyThreshold: 0.98, graph: 'undirected', curvature: 'forman', bootstrap: { resamples: 999 } } }],
};
const dir = mkdtempSync(join(tmpdir(), 'probe-'));
const plan = planExperiment(resolveExperiment(spec, 'p.yaml'), join(dir, 's.duckdb'));
const store = await openStore(join(dir, 's.duckdb'));
const ex = new WorkerPoolExecutor(1);
const t0 = performance.now();
const r = await runExperiment(plan, { store, executor: ex });
console.log(which, variant, depth, JSON.stringify(r.timings), ((performance.now() - t0) / 1000).toFixed(1), 'failed', r.failed.length);
await ex.close(); await store.close();
