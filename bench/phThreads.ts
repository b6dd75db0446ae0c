/**
 * Threads against one thread on one fixture case, in one process (after a warm-up run):
 * whether diagrams and stats are identical, the computation's wall time, process CPU and the
 * calling thread's own CPU time (Linux /proc: the critical path, meaningful on a loaded
 * machine). For tuning the parallel reduction (docs/persistent-homology.md, "Threads").
 * Usage: tsx bench/phThreads.ts <cloud> <maxDimension> [threshold] [--threads k]
 * [--batch columns] [--min-columns m] [--arena entries]
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { ripsPersistence } from '../src/homology/rips.js';
import { setRipsThreadDriver } from '../src/homology/ripsParallel.js';
import { createNodeRipsThreadDriver } from '../src/run/ripsThreads.js';

const argv = process.argv.slice(2);
const flag = (name: string): number | undefined => {
  const at = argv.indexOf(name);
  return at >= 0 ? Number(argv.splice(at, 2)[1]) : undefined;
};
const threads = flag('--threads') ?? 2;
setRipsThreadDriver(
  createNodeRipsThreadDriver({
    batchColumns: flag('--batch'),
    minColumns: flag('--min-columns'),
    arenaEntries: flag('--arena'),
  }),
);
const [cloud, dimArg, thresholdArg] = argv;
const rows = readFileSync(new URL(`../test/fixtures/ph/${cloud}.txt`, import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) =>
    l
      .trim()
      .split(/[\s,]+/)
      .map(Number),
  );
const d = rows[0].length;
const data = new Float32Array(rows.length * d);
rows.forEach((r, i) => r.forEach((v, j) => (data[i * d + j] = v)));
const options = {
  maxDimension: Number(dimArg),
  threshold: thresholdArg === undefined ? undefined : Number(thresholdArg),
};

/** CPU seconds of the calling thread so far (utime + stime in 10 ms ticks). */
function mainThreadCpuS(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function run(t: number) {
  const main0 = mainThreadCpuS();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = ripsPersistence({ data, rows: rows.length, cols: d }, { ...options, threads: t });
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { result, wallS, cpuS: (cpu.user + cpu.system) / 1e6, mainS: mainThreadCpuS() - main0 };
}

run(1); // warm-up: V8 compiles the engine
const one = run(1);
run(threads); // the workers start and compile
const more = run(threads);
const same =
  isDeepStrictEqual(one.result.diagrams, more.result.diagrams) &&
  isDeepStrictEqual(one.result.stats, more.result.stats);
const f = (x: number) => x.toFixed(2);
console.log(
  `${cloud} dim ${dimArg}: identical ${same}; wall ${f(one.wallS)} / ${f(more.wallS)} s, ` +
    `process cpu ${f(one.cpuS)} / ${f(more.cpuS)} s, calling thread cpu ${f(one.mainS)} / ` +
    `${f(more.mainS)} s (1 / ${threads} threads): speed-up by the calling thread ${f(one.mainS / more.mainS)}`,
);
if (!same) process.exitCode = 1;
