/**
 * Rips persistence: topolens beside Debian's `ripser` on the fixture clouds
 * (test/fixtures/ph/cases.json). Each engine runs in a fresh child process per case; we report
 * wall time, CPU time (user + sys; fairer on a loaded machine) and peak RSS of each, and the
 * ratios topolens / ripser. Default: the cases where Ripser took < 10 s on the reference
 * machine; `--all` adds the hard ones; `--only <substring>` filters by case name. The medians
 * are over the cases where ripser needs < 10 s of CPU here (CPU, not wall: the machine is
 * shared and wall times depend on the load).
 *
 * topolens' time covers the distances and the persistence computation (not parsing the text
 * file); ripser's covers its whole run (parsing included, a few ms for these files).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

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
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
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
}

function runRipser(c: Case): Run {
  const args = [
    '-f',
    '%e %U %S %M',
    'ripser',
    '--format',
    'point-cloud',
    '--dim',
    String(c.maxdim),
  ];
  if (c.threshold !== null) args.push('--threshold', c.threshold);
  args.push(`${fixtures}${c.cloud}.txt`);
  const r = spawnSync('/usr/bin/time', args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`ripser failed: ${r.stderr}`);
  const last = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  const bars: number[] = [];
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('persistence intervals in dim')) bars.push(0);
    else if (line.startsWith(' [') && bars.length) bars[bars.length - 1]++;
  }
  return { wallS: last[0], cpuS: last[1] + last[2], rssMB: last[3] / 1024, bars };
}

function runTopolens(c: Case): Run & { baseMB: number } {
  const args = [
    '--import',
    'tsx',
    `${root}bench/ph-child.ts`,
    `${fixtures}${c.cloud}.txt`,
    String(c.maxdim),
  ];
  if (c.threshold !== null) args.push(c.threshold);
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', ...args], {
    encoding: 'utf8',
    cwd: root,
    maxBuffer: 1 << 28,
  });
  if (r.status !== 0) throw new Error(`topolens child failed: ${r.stderr}`);
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!);
  return {
    wallS: j.wallS,
    cpuS: j.cpuS,
    rssMB: j.maxRssKB / 1024,
    baseMB: j.baselineRssKB / 1024,
    bars: j.bars,
  };
}

const median = (xs: number[]) => {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`# Rips persistence: topolens vs Debian ripser`);
console.log(`${new Date().toISOString()}, ${cpus().length} cores, ${cpu}, node ${process.version}`);
console.log('');
console.log(
  '| case | ripser wall s | ripser cpu s | ripser MB | topolens wall s | topolens cpu s | topolens MB (node+tsx baseline) | wall ratio | cpu ratio | MB ratio | MB ratio above baseline | bars agree |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
const wallRatios: number[] = [];
const cpuRatios: number[] = [];
const memRatios: number[] = [];
for (const c of cases) {
  const name = `${c.cloud}_dim${c.maxdim}_${c.threshold_kind}`;
  const rip = runRipser(c);
  const ours = runTopolens(c);
  const wr = ours.wallS / rip.wallS;
  const cr = ours.cpuS / rip.cpuS;
  const agree =
    JSON.stringify(rip.bars) === JSON.stringify(ours.bars)
      ? 'yes'
      : `NO ${rip.bars} vs ${ours.bars}`;
  if (rip.cpuS < 10) {
    wallRatios.push(wr);
    cpuRatios.push(cr);
    memRatios.push((ours.rssMB - ours.baseMB) / rip.rssMB);
  }
  console.log(
    `| ${name} | ${rip.wallS.toFixed(2)} | ${rip.cpuS.toFixed(2)} | ${rip.rssMB.toFixed(0)} | ${ours.wallS.toFixed(2)} | ${ours.cpuS.toFixed(2)} | ${ours.rssMB.toFixed(0)} (${ours.baseMB.toFixed(0)}) | ${wr.toFixed(2)} | ${cr.toFixed(2)} | ${(ours.rssMB / rip.rssMB).toFixed(2)} | ${((ours.rssMB - ours.baseMB) / rip.rssMB).toFixed(2)} | ${agree} |`,
  );
}
console.log('');
if (wallRatios.length) {
  console.log(
    `median ratio topolens/ripser over the ${wallRatios.length} cases ripser finishes in < 10 s of CPU here: wall ${median(wallRatios).toFixed(2)}, cpu ${median(cpuRatios).toFixed(2)}; max cpu ratio ${Math.max(...cpuRatios).toFixed(2)}; median memory ratio above the node baseline ${median(memRatios).toFixed(2)}`,
  );
}
