/**
 * Rips persistence: topolens beside Debian's `ripser` on the fixture clouds
 * (test/fixtures/ph/cases.json). Each engine runs in a fresh process per case under
 * /usr/bin/time: ripser, and topolens' compiled child (dist/bench/ph-child.js, built first with
 * `tsc -p tsconfig.bench.json`; `--tsx` runs the TypeScript source through tsx instead) with
 * threads 1, threads 2 and the default ('auto': every core for dimensions 2 and up). Per case: whole-process wall time, CPU time (user + sys; fairer on
 * a loaded machine) and peak RSS of each, the ratios topolens / ripser (one thread against
 * one), the computation's own wall time with 1 and 2 threads and the speed-up of 2 over 1, and
 * whether the bar counts agree; for threads, also the reduction stages alone and the calling
 * thread's CPU time (its own, from /proc: on a loaded machine the wall time mostly measures the
 * queue for a core, while the calling thread's CPU time is the critical path a free machine
 * would show, the workers running beside it) with 1 and 2 threads. Default: the cases where Ripser took < 10 s on the reference
 * machine; `--all` adds the hard ones; `--only <substring>` filters by case name; `--collapse
 * on|off|auto` sets topolens' edge collapse (default auto). The medians
 * are over the cases where ripser needs < 10 s of CPU here.
 *
 * Whole process means what a user waits for: node's start-up and module loading, reading the
 * text file, the distances and the persistence (ripser: the same, in C++).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';

interface Case {
  cloud: string;
  maxdim: number;
  threshold_kind: string;
  threshold: string | null;
  ripser_wall_s: number;
}

const root = new URL('../', import.meta.url).pathname;
const fixtures = `${root}test/fixtures/ph/`;
const all = process.argv.includes('--all');
const viaTsx = process.argv.includes('--tsx');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
const collapseAt = process.argv.indexOf('--collapse');
/** topolens' edge collapse: on | off | auto (default auto, the library's default) */
const collapse = collapseAt >= 0 ? process.argv[collapseAt + 1] : 'auto';
const cases = (JSON.parse(readFileSync(fixtures + 'cases.json', 'utf8')) as Case[]).filter(
  (c) =>
    (all || c.ripser_wall_s < 10) &&
    (only === undefined || `${c.cloud}_dim${c.maxdim}_${c.threshold_kind}`.includes(only)),
);

interface Run {
  wallS: number;
  cpuS: number;
  rssMB: number;
  bars?: number[];
  /** topolens: the computation's own wall time (inside the process) */
  computeS?: number;
  /** topolens: the calling thread's CPU time in the computation */
  mainCpuS?: number;
  /** topolens: wall and calling-thread CPU time of the reduction stages */
  reduceWallS?: number;
  reduceMainS?: number;
}

/** Runs argv under /usr/bin/time; returns its stdout and the last line's numbers. */
function timed(argv: string[]): { stdout: string; wallS: number; cpuS: number; rssMB: number } {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', ...argv], {
    encoding: 'utf8',
    cwd: root,
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`${argv[0]} failed: ${r.stderr}`);
  const last = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { stdout: r.stdout, wallS: last[0], cpuS: last[1] + last[2], rssMB: last[3] / 1024 };
}

function runRipser(c: Case): Run {
  const args = ['ripser', '--format', 'point-cloud', '--dim', String(c.maxdim)];
  if (c.threshold !== null) args.push('--threshold', c.threshold);
  args.push(`${fixtures}${c.cloud}.txt`);
  const t = timed(args);
  const bars: number[] = [];
  for (const line of t.stdout.split('\n')) {
    if (line.startsWith('persistence intervals in dim')) bars.push(0);
    else if (line.startsWith(' [') && bars.length) bars[bars.length - 1]++;
  }
  return { ...t, bars };
}

/** One topolens run; threads 'auto' passes no flag (ripsPersistence's default). */
function runTopolens(c: Case, threads: number | 'auto'): Run {
  const child = viaTsx
    ? ['--import', 'tsx', `${root}bench/ph-child.ts`]
    : [`${root}dist/bench/ph-child.js`];
  const args = [
    process.execPath,
    '--max-old-space-size=8192',
    ...child,
    `${fixtures}${c.cloud}.txt`,
    String(c.maxdim),
  ];
  if (c.threshold !== null) args.push(c.threshold);
  if (threads !== 'auto') args.push('--threads', String(threads));
  args.push('--collapse', collapse);
  const t = timed(args);
  const j = JSON.parse(t.stdout.trim().split('\n').pop()!);
  return {
    ...t,
    bars: j.bars,
    computeS: j.wallS,
    mainCpuS: j.mainCpuS,
    reduceWallS: j.reduceWallS,
    reduceMainS: j.reduceMainS,
  };
}

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

if (!viaTsx) {
  const b = spawnSync(
    process.execPath,
    [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.bench.json'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (b.status !== 0) throw new Error(`building the bench child failed: ${b.stdout}${b.stderr}`);
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const load = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
console.log(`# Rips persistence: topolens vs Debian ripser`);
console.log(
  `${new Date().toISOString()}, ${cpus().length} cores, ${cpu}, node ${process.version}, ${viaTsx ? 'tsx source' : 'compiled child'}, load average ${load()}`,
);
console.log('');
console.log(
  '| case | ripser wall s | ripser cpu s | ripser MB | topolens wall s | topolens cpu s | topolens MB | wall ratio | cpu ratio | MB ratio | compute 1 thread s | compute 2 threads s | speed-up 2/1 | caller cpu 1 / 2 threads s | speed-up 2/1 by caller cpu | reduction 1 / 2 threads s | reduction caller cpu 1 / 2 threads s | reduction speed-up 2/1 by caller cpu | process cpu 2 threads s | process wall 2 threads s | MB 2 threads | default (auto) wall / cpu s / MB | default cpu ratio | bars agree |',
);
console.log(
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
);
const wallRatios: number[] = [];
const cpuRatios: number[] = [];
const memRatios: number[] = [];
const speedups: number[] = [];
const callerSpeedups: number[] = [];
const reductionSpeedups: number[] = [];
const autoWallRatios: number[] = [];
const autoCpuRatios: number[] = [];
const autoMemRatios: number[] = [];
for (const c of cases) {
  const name = `${c.cloud}_dim${c.maxdim}_${c.threshold_kind}`;
  const rip = runRipser(c);
  const one = runTopolens(c, 1);
  const two = runTopolens(c, 2);
  const auto = runTopolens(c, 'auto');
  const wr = one.wallS / rip.wallS;
  const cr = one.cpuS / rip.cpuS;
  const mr = one.rssMB / rip.rssMB;
  const sp = one.computeS! / two.computeS!;
  const same = (a?: number[], b?: number[]) => JSON.stringify(a) === JSON.stringify(b);
  const agree =
    same(rip.bars, one.bars) && same(one.bars, two.bars) && same(one.bars, auto.bars)
      ? 'yes'
      : `NO ${rip.bars} vs ${one.bars} / ${two.bars} / ${auto.bars}`;
  speedups.push(sp);
  const csp = one.mainCpuS! / two.mainCpuS!;
  const rsp = one.reduceMainS! / two.reduceMainS!;
  callerSpeedups.push(csp);
  // a reduction under 0.1 s of CPU is within the clock's 10 ms ticks: not counted
  if (one.reduceMainS! >= 0.1) reductionSpeedups.push(rsp);
  if (rip.cpuS < 10) {
    wallRatios.push(wr);
    cpuRatios.push(cr);
    memRatios.push(mr);
    autoWallRatios.push(auto.wallS / rip.wallS);
    autoCpuRatios.push(auto.cpuS / rip.cpuS);
    autoMemRatios.push(auto.rssMB / rip.rssMB);
  }
  console.log(
    `| ${name} | ${rip.wallS.toFixed(2)} | ${rip.cpuS.toFixed(2)} | ${rip.rssMB.toFixed(0)} | ${one.wallS.toFixed(2)} | ${one.cpuS.toFixed(2)} | ${one.rssMB.toFixed(0)} | ${wr.toFixed(2)} | ${cr.toFixed(2)} | ${mr.toFixed(2)} | ${one.computeS!.toFixed(2)} | ${two.computeS!.toFixed(2)} | ${sp.toFixed(2)} | ${one.mainCpuS!.toFixed(2)} / ${two.mainCpuS!.toFixed(2)} | ${csp.toFixed(2)} | ${one.reduceWallS!.toFixed(2)} / ${two.reduceWallS!.toFixed(2)} | ${one.reduceMainS!.toFixed(2)} / ${two.reduceMainS!.toFixed(2)} | ${one.reduceMainS! >= 0.1 ? rsp.toFixed(2) : '-'} | ${two.cpuS.toFixed(2)} | ${two.wallS.toFixed(2)} | ${two.rssMB.toFixed(0)} | ${auto.wallS.toFixed(2)} / ${auto.cpuS.toFixed(2)} / ${auto.rssMB.toFixed(0)} | ${(auto.cpuS / rip.cpuS).toFixed(2)} | ${agree} |`,
  );
}
console.log('');
if (wallRatios.length) {
  console.log(
    `whole-process ratio topolens (1 thread) / ripser over the ${wallRatios.length} cases ripser finishes in < 10 s of CPU here: median wall ${median(wallRatios).toFixed(2)}, cpu ${median(cpuRatios).toFixed(2)}; max wall ${Math.max(...wallRatios).toFixed(2)}, cpu ${Math.max(...cpuRatios).toFixed(2)}; peak memory median ${median(memRatios).toFixed(2)}, max ${Math.max(...memRatios).toFixed(2)}`,
  );
  console.log(
    `whole-process ratio topolens (default threads 'auto') / ripser, same cases: median wall ${median(autoWallRatios).toFixed(2)}, cpu ${median(autoCpuRatios).toFixed(2)}; max wall ${Math.max(...autoWallRatios).toFixed(2)}, cpu ${Math.max(...autoCpuRatios).toFixed(2)}; peak memory median ${median(autoMemRatios).toFixed(2)}, max ${Math.max(...autoMemRatios).toFixed(2)}`,
  );
}
if (speedups.length) {
  console.log(
    `speed-up of 2 threads over 1 (the computation's wall time): median ${median(speedups).toFixed(2)}, min ${Math.min(...speedups).toFixed(2)}, max ${Math.max(...speedups).toFixed(2)}; by the calling thread's CPU time: median ${median(callerSpeedups).toFixed(2)}, min ${Math.min(...callerSpeedups).toFixed(2)}, max ${Math.max(...callerSpeedups).toFixed(2)}; load average at the end ${load()}`,
  );
  if (reductionSpeedups.length) {
    console.log(
      `the reduction alone, 2 threads over 1 by the calling thread's CPU time (cases with >= 0.1 s): median ${median(reductionSpeedups).toFixed(2)}, min ${Math.min(...reductionSpeedups).toFixed(2)}, max ${Math.max(...reductionSpeedups).toFixed(2)} over ${reductionSpeedups.length} cases`,
    );
  }
}
