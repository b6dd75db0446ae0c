/**
 * bench:study -- the experiment runner's own cost (issue 9, part 4).
 *
 * 1. Overhead per job: a sweep of 6 dense networks (width 32, depth 6, [B24]'s 50 epochs on
 *    3,000 training points; capture of 1,000 test points; a layer profile with 400 inputs per
 *    class) run in process; the runner's wall time minus the jobs' own time (measured where they ran), per
 *    job, against the mean job time. Also on a 1-worker pool, where it includes starting the
 *    worker and moving the rows between it and the coordinator.
 * 2. Speed-up of 2 workers over 1 on the same sweep (fresh stores, nothing cached), with separate
 *    train, capture and study jobs and with one unit per network (units.ts); for process workers
 *    (the default) and worker threads, each with the CPU time the whole run used (on Linux).
 *    Options: `--kinds process,thread` (which kinds, in order), `--exec-argv "<node flags>"`
 *    (for process workers), `--only-pools` (section 2 alone).
 * 3. A layer profile of one network through the runner (`topolens profile`'s path: model file,
 *    store, jobs) against the same analysis written directly against the library (load the model,
 *    layerClouds, layerProfile).
 * Every case is timed in the same run; the load average is printed with each, because the
 * machine may be shared.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../src/nn/backend.js';
import { denseNetwork } from '../src/nn/architectures/index.js';
import { saveModel } from '../src/nn/modelIO.js';
import { encodeNpyFloat32 } from '../src/nn/npyWrite.js';
import { layerClouds } from '../src/nn/layerClouds.js';
import { layerProfile } from '../src/study/layerProfile.js';
import { syntheticDataset } from '../src/data/synthetic.js';
import { resolveExperiment } from '../src/run/experimentSchema.js';
import { absolutePaths } from '../src/run/experimentFile.js';
import { loadModelFile } from '../src/run/experimentNetworks.js';
import { planExperiment } from '../src/run/plan.js';
import { networkUnits } from '../src/run/units.js';
import { runExperiment, type RunSummary } from '../src/run/runner.js';
import {
  InProcessExecutor,
  WorkerPoolExecutor,
  type Executor,
  type WorkerKind,
} from '../src/run/executor.js';
import { openStore } from '../src/run/store.js';
import { profileExperiment } from '../src/cli/commands/profile.js';

const dir = mkdtempSync(join(tmpdir(), 'topolens-bench-study-'));
// options: see the header
const argValue = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const kinds = (argValue('--kinds') ?? 'process,thread').split(',') as WorkerKind[];
const execArgv = (argValue('--exec-argv') ?? '').split(' ').filter((a) => a !== '');
const onlyPools = process.argv.includes('--only-pools');
const load = () => loadavg()[0].toFixed(1);

const sweep = {
  name: 'bench sweep',
  data: { dataset: 'entangled-spirals-3d', size: 4000, noise: 0.05 },
  networks: [
    { train: { width: 32, depth: 6, seed: [0, 1, 2, 3, 4, 5], training: { epochs: 50 } } },
  ],
  layers: { includeInput: true },
  studies: [
    {
      study: 'layer-profile',
      options: { perClass: 400, descriptors: ['h0', 'h1', 'twoNN', 'mle'] },
    },
  ],
};

async function runSweep(name: string, executor: Executor, units = false): Promise<RunSummary> {
  const storePath = join(dir, `${name}.duckdb`);
  const spec = absolutePaths(resolveExperiment(sweep, 'bench.yaml'), dir);
  const planned = planExperiment(spec, storePath);
  // units: one job per network (train, capture, profile), as queue sweeps run (units.ts)
  const plan = units ? networkUnits(planned, { ship: false }) : planned;
  const store = await openStore(storePath);
  const c0 = process.cpuUsage();
  try {
    const summary = await runExperiment(plan, { store, executor });
    const c = process.cpuUsage(c0);
    // CPU seconds of the whole run: this process (with its threads) and the worker processes
    const children =
      executor instanceof WorkerPoolExecutor ? executor.workerPids().map(cpuSeconds) : [];
    cpu.set(summary, (c.user + c.system) / 1e6 + children.reduce((a, b) => a + b, 0));
    return summary;
  } finally {
    await executor.close();
    await store.close();
  }
}

/** CPU seconds (user and system) used so far by process `pid`, from /proc (Linux); 0 elsewhere. */
function cpuSeconds(pid: number): number {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return 0;
  const fields = readFileSync(stat, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks of 1/100 s
}
const cpu = new WeakMap<RunSummary, number>();

function overheadLine(label: string, s: RunSummary): string {
  const jobs = s.completed;
  const perJob = (s.seconds - s.jobSeconds) / jobs;
  const meanJob = s.jobSeconds / jobs;
  return (
    `${label}: ${jobs} jobs, wall ${s.seconds.toFixed(2)} s, jobs' own ${s.jobSeconds.toFixed(2)} s; ` +
    `overhead ${(perJob * 1000).toFixed(1)} ms per job against a mean job of ${(meanJob * 1000).toFixed(0)} ms ` +
    `= ${((100 * perJob) / meanJob).toFixed(1)}%, of which store writes ${((1000 * s.storeSeconds) / jobs).toFixed(1)} ms; ` +
    `CPU ${cpu.get(s)?.toFixed(1) ?? '?'} s in all (load ${load()})`
  );
}

async function main(): Promise<void> {
  console.log(`bench:study, ${new Date().toISOString()}, load average ${load()}`);

  // 1. overhead per job
  if (!onlyPools) {
    const inProcess = await runSweep('in-process', new InProcessExecutor());
    console.log(overheadLine('in process', inProcess));
    for (const [k, t] of Object.entries(inProcess.timings))
      console.log(`  ${k}: ${t.jobs} jobs, ${(t.seconds / t.jobs).toFixed(3)} s each`);
  }

  // worker start-up: a pool of 1 running one tiny job (a capture of dumped activations)
  const act = join(dir, 'act.npy');
  writeFileSync(
    act,
    encodeNpyFloat32(
      new Float32Array(40 * 3).map((_, i) => Math.sin(i)),
      [40, 3],
    ),
  );
  const tiny = absolutePaths(
    resolveExperiment(
      {
        networks: [{ name: 'tiny', activations: { layers: [{ name: 'a', path: act }] } }],
        studies: [{ study: 'layer-profile', options: { descriptors: ['h0'], perClass: 20 } }],
      },
      'tiny.yaml',
    ),
    dir,
  );
  const tinyPlan = planExperiment(tiny, join(dir, 'tiny.duckdb'));
  const startups = {} as Record<WorkerKind, number>;
  for (const kind of kinds) {
    const startPool = new WorkerPoolExecutor({ size: 1, kind, execArgv });
    const ts = performance.now();
    const first = await startPool.execute(tinyPlan.jobs[0]);
    startups[kind] = (performance.now() - ts) / 1000 - first.seconds;
    await startPool.close();
    console.log(
      `worker start-up (${kind}: modules, backend), before its first job: ${startups[kind].toFixed(2)} s (load ${load()})`,
    );
  }

  // 2. 1 worker against 2 (both pools include starting their workers), for each kind of worker
  for (const kind of kinds) {
    const pool = (size: number) => new WorkerPoolExecutor({ size, kind, execArgv });
    const one = await runSweep(`${kind}-1`, pool(1));
    console.log(overheadLine(`pool of 1 ${kind} worker`, one));
    const two = await runSweep(`${kind}-2`, pool(2));
    console.log(overheadLine(`pool of 2 ${kind} workers`, two));
    const startup = startups[kind];
    console.log(
      `speed-up of 2 ${kind} workers over 1: ${(one.seconds / two.seconds).toFixed(2)}x (wall ${one.seconds.toFixed(2)} s against ${two.seconds.toFixed(2)} s); ` +
        `without one worker start-up each: ${((one.seconds - startup) / (two.seconds - startup)).toFixed(2)}x; ` +
        `each job ${((100 * two.jobSeconds) / one.jobSeconds - 100).toFixed(0)}% slower with 2 than with 1 (jobs' own ${two.jobSeconds.toFixed(2)} s against ${one.jobSeconds.toFixed(2)} s)`,
    );
    if (kind !== kinds[0]) continue;
    const oneUnits = await runSweep(`${kind}-1-units`, pool(1), true);
    console.log(overheadLine(`pool of 1 ${kind} worker, one unit per network`, oneUnits));
    const twoUnits = await runSweep(`${kind}-2-units`, pool(2), true);
    console.log(overheadLine(`pool of 2 ${kind} workers, one unit per network`, twoUnits));
    console.log(
      `speed-up of 2 ${kind} workers over 1 in units: ${(oneUnits.seconds / twoUnits.seconds).toFixed(2)}x ` +
        `(wall ${oneUnits.seconds.toFixed(2)} s against ${twoUnits.seconds.toFixed(2)} s); ` +
        `2 workers in units against 1 worker in jobs: ${(one.seconds / twoUnits.seconds).toFixed(2)}x`,
    );
  }

  // 3. one network's layer profile: through the runner against the library directly
  if (onlyPools) {
    rmSync(dir, { recursive: true, force: true });
    return;
  }
  await initBackend({ backend: 'wasm' });
  const data = syntheticDataset('entangled-spirals-3d', { n: 1000, seed: 7, noise: 0.05 });
  const model = denseNetwork({ inputDim: 3, widths: [32, 32, 32, 32], seed: 1 });
  const saved = await saveModel(model);
  model.dispose();
  mkdirSync(join(dir, 'net'));
  writeFileSync(join(dir, 'net', 'model.json'), saved.modelJson);
  writeFileSync(join(dir, 'net', 'weights.bin'), saved.weights);
  writeFileSync(
    join(dir, 'x.npy'),
    encodeNpyFloat32(Float32Array.from(data.inputs.data), data.inputs.shape),
  );
  writeFileSync(
    join(dir, 'y.npy'),
    encodeNpyFloat32(Float32Array.from(data.labels), [data.labels.length]),
  );
  const profileOptions = { perClass: 250, descriptors: ['h0', 'h1', 'twoNN', 'mle'] as const };

  const t0 = performance.now();
  const loaded = await loadModelFile(join(dir, 'net', 'model.json'));
  const clouds = await layerClouds(loaded.model, { inputs: data.inputs, labels: data.labels }, {});
  layerProfile(
    { network: 'net', layers: clouds },
    { ...profileOptions, descriptors: [...profileOptions.descriptors] },
  );
  const direct = (performance.now() - t0) / 1000;
  if (loaded.kind === 'tfjs') loaded.model.dispose();

  const t1 = performance.now();
  const raw = profileExperiment(join(dir, 'net', 'model.json'), {
    inputs: join(dir, 'x.npy'),
    labels: join(dir, 'y.npy'),
    store: join(dir, 'profile.duckdb'),
  });
  (raw.studies as { options: Record<string, unknown> }[])[0].options = {
    ...profileOptions,
    descriptors: [...profileOptions.descriptors],
  };
  const spec = absolutePaths(resolveExperiment(raw, 'bench'), dir);
  const store = await openStore(spec.store.path);
  const executor = new InProcessExecutor();
  try {
    await runExperiment(planExperiment(spec, spec.store.path), { store, executor });
  } finally {
    await executor.close();
    await store.close();
  }
  const viaRunner = (performance.now() - t1) / 1000;
  console.log(
    `layer profile of one network (1,000 inputs, 4 blocks): through the runner ${viaRunner.toFixed(2)} s, ` +
      `the library directly ${direct.toFixed(2)} s, ratio ${(viaRunner / direct).toFixed(2)} (load ${load()})`,
  );
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
});
