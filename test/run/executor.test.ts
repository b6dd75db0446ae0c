/**
 * The worker pool on child processes and on threads: the same outcome as in process, a child
 * that dies fails its job with a clear message and is replaced, Ctrl-C to the coordinator's
 * group leaves the children's jobs running, and no child outlives its pool or its coordinator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../../src/core/rng.js';
import { encodeNpyFloat32 } from '../../src/nn/npyWrite.js';
import { resolveExperiment } from '../../src/run/experimentSchema.js';
import { absolutePaths } from '../../src/run/experimentFile.js';
import { planExperiment, type Job } from '../../src/run/plan.js';
import { InProcessExecutor, WorkerPoolExecutor, createExecutor } from '../../src/run/executor.js';

const COORDINATOR = fileURLToPath(new URL('./poolCoordinator.ts', import.meta.url));

let dir = '';
let capture: Job;
let study: Job;
const started: ChildProcess[] = [];
const pools: WorkerPoolExecutor[] = [];
/** Every worker process seen, killed in afterAll should a test fail with one still running. */
const seen = new Set<number>();

/** Whether process `pid` is still running (a zombie, dead but not yet reaped, is not). */
function alive(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  try {
    return readFileSync(stat, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Waits (at most `ms`) until none of `pids` runs; returns those still running. */
async function gone(pids: number[], ms = 20_000): Promise<number[]> {
  const end = Date.now() + ms;
  while (pids.some(alive) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  return pids.filter(alive);
}

function pool(size: number, kind: 'process' | 'thread'): WorkerPoolExecutor {
  const p = new WorkerPoolExecutor({ size, kind });
  pools.push(p);
  return p;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'topolens-executor-'));
  const rng = createRng(11);
  const act = join(dir, 'act.npy');
  writeFileSync(
    act,
    encodeNpyFloat32(
      Float32Array.from({ length: 60 * 3 }, () => rng.next()),
      [60, 3],
    ),
  );
  const spec = absolutePaths(
    resolveExperiment(
      {
        networks: [{ name: 'tiny', activations: { layers: [{ name: 'a', path: act }] } }],
        studies: [{ study: 'layer-profile', options: { descriptors: ['h0'], perClass: 30 } }],
      },
      'tiny.yaml',
    ),
    dir,
  );
  const plan = planExperiment(spec, join(dir, 'tiny.duckdb'));
  capture = plan.jobs.find((j) => j.kind === 'capture')!;
  study = plan.jobs.find((j) => j.kind.startsWith('study'))!;
  writeFileSync(join(dir, 'quick.json'), JSON.stringify({ run: capture }));
  // a job long enough to kill its coordinator in the middle of it: H1 of 1,200 points (seconds
  // of synchronous work, when no event of the child's loop can run)
  const big = join(dir, 'big.npy');
  writeFileSync(
    big,
    encodeNpyFloat32(
      Float32Array.from({ length: 1200 * 3 }, () => rng.next()),
      [1200, 3],
    ),
  );
  const long = planExperiment(
    absolutePaths(
      resolveExperiment(
        {
          networks: [{ name: 'big', activations: { layers: [{ name: 'a', path: big }] } }],
          studies: [{ study: 'layer-profile', options: { descriptors: ['h1'], perClass: 1200 } }],
        },
        'long.yaml',
      ),
      dir,
    ),
    join(dir, 'long.duckdb'),
  );
  writeFileSync(
    join(dir, 'long.json'),
    JSON.stringify({
      warm: long.jobs.find((j) => j.kind === 'capture'),
      run: long.jobs.find((j) => j.kind.startsWith('study')),
    }),
  );
});

afterAll(async () => {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(pools.map((p) => p.close()));
  for (const pid of seen) if (alive(pid)) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('the worker pool', () => {
  // Regression: under load the job's send failed with EPIPE before the child's exit was seen,
  // and the job said "the job could not be sent: write EPIPE" (3 of 6 runs beside two busy
  // loops); a failed send now waits for the exit and reports its code.
  it('fails each job given to a worker that cannot start, without restarting it in a loop', async () => {
    const p = new WorkerPoolExecutor({ size: 1, execArgv: ['--no-such-node-flag'] });
    pools.push(p);
    for (let i = 0; i < 2; i++)
      await expect(p.execute(capture)).rejects.toThrow(
        `the worker process running '${capture.label}' died (exit code 9)`,
      );
    expect(p.workerPids()).toEqual([]); // no job waiting: no worker started again
    await p.close();
  }, 60_000);

  it('checks its options', () => {
    expect(() => new WorkerPoolExecutor({ size: 0 })).toThrow(/at least 1 worker, got 0/);
    expect(() => new WorkerPoolExecutor({ kind: 'fiber' as 'thread' })).toThrow(
      /unknown worker kind 'fiber'.*'process'.*'thread'/s,
    );
    expect((createExecutor(2) as WorkerPoolExecutor).kind).toBe('process');
    expect((createExecutor(2, 'thread') as WorkerPoolExecutor).kind).toBe('thread');
    expect(createExecutor(0)).toBeInstanceOf(InProcessExecutor);
  });

  it('gives the rows of the in-process run on processes and on threads, and closes its children', async () => {
    const here = new InProcessExecutor();
    const capHere = await here.execute(capture);
    const studyHere = await here.execute(study);
    await here.close();
    expect(studyHere.rows.measures?.length).toBeGreaterThan(0);
    for (const kind of ['process', 'thread'] as const) {
      const p = pool(1, kind);
      const cap = await p.execute(capture);
      const st = await p.execute(study);
      expect(cap.rows).toEqual(capHere.rows);
      expect(st.rows).toEqual(studyHere.rows);
      const pids = p.workerPids();
      for (const pid of pids) seen.add(pid);
      if (kind === 'process') {
        expect(pids).toHaveLength(1);
        expect(pids[0]).not.toBe(process.pid);
      } else expect(pids).toEqual([]);
      await p.close();
      expect(pids.filter(alive)).toEqual([]);
    }
  }, 120_000);

  it('fails the job of a child that dies with a message naming it, and replaces the child', async () => {
    const p = pool(1, 'process');
    const running = p.execute(capture);
    const [first] = p.workerPids();
    seen.add(first);
    process.kill(first, 'SIGKILL');
    await expect(running).rejects.toThrow(
      `the worker process running '${capture.label}' died (killed by SIGKILL)`,
    );
    expect(p.workerPids()).toEqual([]); // replaced only when there is work
    const again = await p.execute(capture);
    expect(Object.keys(again.rows).length).toBeGreaterThan(0);
    const [second] = p.workerPids();
    seen.add(second);
    expect(second).not.toBe(first);
    await p.close();
    expect(await gone([first, second], 5000)).toEqual([]);
  }, 120_000);
});

/** Starts the coordinator fixture in its own process group; resolves with its pids line. */
function coordinator(jobs: 'quick' | 'long'): {
  child: ChildProcess;
  out: () => string;
  pids: Promise<number[]>;
} {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', COORDINATOR, join(dir, `${jobs}.json`)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      timeout: 90_000,
    },
  );
  started.push(child);
  let out = '';
  const pids = new Promise<number[]>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^pids (\[.*\])$/m.exec(out);
      if (m) {
        const pids = JSON.parse(m[1]) as number[];
        for (const pid of pids) seen.add(pid);
        resolve(pids);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', () => reject(new Error(`the coordinator exited early:\n${out}`)));
  });
  return { child, out: () => out, pids };
}

const exited = (c: ChildProcess) =>
  new Promise<void>((r) =>
    c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r()),
  );

describe('child processes', () => {
  it('keep running their jobs when Ctrl-C reaches the coordinator, and end with the pool', async () => {
    const { child, out, pids } = coordinator('quick');
    const workers = await pids;
    expect(workers).toHaveLength(2);
    process.kill(-child.pid!, 'SIGINT'); // the terminal sends it to the foreground group
    await exited(child);
    expect(out()).toMatch(/ok \d+\nok \d+\ndone interrupted/);
    expect(child.exitCode).toBe(0);
    expect(await gone(workers, 5000)).toEqual([]);
  }, 120_000);

  it('die with their coordinator when it is killed (SIGKILL) while they are still starting', async () => {
    const { child, pids } = coordinator('quick');
    const workers = await pids; // sent their jobs, still loading their modules (seconds)
    child.kill('SIGKILL');
    await exited(child);
    // the watchdog starts before the worker's modules load (processWorker.ts), once Node and
    // tsx's loader are up: under a second on a quiet machine, seconds on a loaded one
    expect(await gone(workers)).toEqual([]);
  }, 120_000);

  it('die with their coordinator when it is killed (SIGKILL) mid-job', async () => {
    const { child, out, pids } = coordinator('long');
    const workers = await pids;
    expect(workers).toHaveLength(2);
    expect(workers.every(alive)).toBe(true);
    child.kill('SIGKILL');
    await exited(child);
    expect(out()).not.toMatch(/^ok/m); // killed in the middle of the long jobs
    // the watchdog thread of each child sees its parent gone within 0.2 s; without it a child
    // would run its job to the end (seconds) before noticing
    expect(await gone(workers, 1500)).toEqual([]);
  }, 120_000);
});
