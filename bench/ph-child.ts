/**
 * One Rips computation in a fresh process (so that peak memory is per case): reads a point
 * cloud, runs ripsPersistence, prints one JSON line with the timings, peak RSS and bar counts.
 * Besides the computation's wall and process CPU time: the calling thread's own CPU time (Linux
 * /proc; with threads the critical path, what the wall time would be on a free machine with a
 * core per thread), and both for the reduction stages alone (`reducing dimension d`, from the
 * progress callback).
 * Usage: tsx bench/ph-child.ts <cloud.txt> <maxDimension> [threshold] [--threads k]
 * [--min-batch m] [--collapse on|off|auto] (threads default: all cores, as ripsPersistence's default with the Node
 * driver registered; --min-batch overrides PARALLEL_MIN_TESTS, to measure the threshold).
 */
import { readFileSync } from 'node:fs';
import { ripsPersistence } from '../src/homology/rips.js';
import { setRipsThreadDriver } from '../src/homology/ripsParallel.js';
import { createNodeRipsThreadDriver } from '../src/run/ripsThreads.js';

const argv = process.argv.slice(2);
const flag = (name: string): number | undefined => {
  const at = argv.indexOf(name);
  return at >= 0 ? Number(argv.splice(at, 2)[1]) : undefined;
};
const threads = flag('--threads');
const minBatch = flag('--min-batch');
// --collapse on|off|auto (default auto, as ripsPersistence)
const collapseAt = argv.indexOf('--collapse');
const collapseArg = collapseAt >= 0 ? argv.splice(collapseAt, 2)[1] : 'auto';
const collapse = collapseArg === 'on' ? true : collapseArg === 'off' ? false : 'auto';
if (minBatch !== undefined) setRipsThreadDriver(createNodeRipsThreadDriver({ minBatch }));
const [file, dimArg, thresholdArg] = argv;
const lines = readFileSync(file, 'utf8').trim().split('\n');
const rows = lines.map((l) =>
  l
    .trim()
    .split(/[\s,]+/)
    .map(Number),
);
const d = rows[0].length;
const data = new Float32Array(rows.length * d);
rows.forEach((r, i) => r.forEach((v, j) => (data[i * d + j] = v)));
/** CPU seconds of the calling (main) thread so far; NaN where /proc is missing. */
function mainThreadCpuS(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, clock ticks
  } catch {
    return NaN;
  }
}
// the reduction stages' wall and calling-thread CPU time, from the progress callback
let stage = '';
let stageWall = 0;
let stageMain = 0;
let reduceWallS = 0;
let reduceMainS = 0;
const onProgress = (_fraction: number, next: string): void => {
  if (next === stage) return;
  const wall = performance.now() / 1000;
  const main = mainThreadCpuS();
  if (stage.startsWith('reducing')) {
    reduceWallS += wall - stageWall;
    reduceMainS += main - stageMain;
  }
  stage = next;
  stageWall = wall;
  stageMain = main;
};
const baselineRssKB = process.resourceUsage().maxRSS;
const cpu0 = process.cpuUsage();
const main0 = mainThreadCpuS();
const t0 = performance.now();
const result = ripsPersistence(
  { data, rows: rows.length, cols: d },
  {
    maxDimension: Number(dimArg),
    threshold: thresholdArg === undefined ? undefined : Number(thresholdArg),
    threads,
    collapse,
    onProgress,
  },
);
const wallS = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const mainCpuS = mainThreadCpuS() - main0;
console.log(
  JSON.stringify({
    wallS,
    cpuS: (cpu.user + cpu.system) / 1e6,
    mainCpuS,
    reduceWallS,
    reduceMainS,
    maxRssKB: process.resourceUsage().maxRSS,
    baselineRssKB,
    bars: result.diagrams.map((x) => x.births.length),
    stats: result.stats,
  }),
);
