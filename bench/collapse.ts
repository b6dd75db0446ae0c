/**
 * Edge-collapse benchmark on the fixture cases (test/fixtures/ph/cases.json), independent of our
 * persistence engine: Debian Ripser on the original point cloud versus our collapse followed by
 * Ripser on the collapsed sparse edges, in the same run. Checks that the collapsed barcodes equal
 * the fixture barcodes bar for bar (relative 1e-5).
 *
 *   npm run bench:collapse [-- --timeout 600] [-- --only torus4]
 *
 * Each case runs in a child process (killed after --timeout seconds) so that peak memory is per
 * case. Timings: wall seconds and CPU (user + sys) seconds; on a shared machine CPU seconds are
 * the stabler measure.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collapseEdges, shouldCollapse } from '../src/homology/edgeCollapse.js';
import { pairwiseDistances } from '../src/linalg/distances.js';
import { enclosingRadius } from '../src/core/distances.js';

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(here, '..', 'test', 'fixtures', 'ph');

interface Case {
  cloud: string;
  maxdim: number;
  threshold_kind: string;
  threshold: string | null;
  ripser_wall_s: number;
  ripser_maxrss_mb: number;
}

interface Timed {
  wall: number;
  cpu: number;
  rssMb: number;
  stdout: string;
}

interface CaseResult {
  label: string;
  edgesIn: number;
  edgesOut: number;
  distanceS: number;
  decideS: number;
  decision: boolean;
  reason: string;
  collapseWallS: number;
  collapseCpuS: number;
  nodeRssMb: number;
  sparse: Timed;
  original: Timed | null;
  fixtureRipserS: number;
  fixtureRipserMb: number;
  check: string;
}

/** Runs a command under /usr/bin/time, returning wall, user + sys CPU and peak RSS. */
function timed(cmd: string, args: string[]): Timed {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const last = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { wall: last[0], cpu: last[1] + last[2], rssMb: last[3] / 1024, stdout: r.stdout };
}

function readCloud(name: string): { data: Float32Array; rows: number; cols: number } {
  const lines = readFileSync(join(FIXTURES, `${name}.txt`), 'utf8')
    .trim()
    .split('\n');
  const cols = lines[0].trim().split(/\s+/).length;
  const data = new Float32Array(lines.length * cols);
  lines.forEach((l, i) =>
    l
      .trim()
      .split(/\s+/)
      .forEach((v, j) => (data[i * cols + j] = Number(v))),
  );
  return { data, rows: lines.length, cols };
}

/** Bars per dimension as [birth, death] (death Infinity when empty), sorted. */
function parseBarcode(text: string): number[][][] {
  const dims: number[][][] = [];
  let dim = -1;
  for (const line of text.split('\n')) {
    const h = /persistence intervals in dim (\d+):/.exec(line);
    if (h) {
      dim = Number(h[1]);
      dims[dim] = [];
      continue;
    }
    const b = /^\s*\[([^,]*),([^)]*)\)/.exec(line);
    if (b && dim >= 0) dims[dim].push([Number(b[1]), b[2].trim() === '' ? Infinity : Number(b[2])]);
  }
  for (const d of dims) d?.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  return dims;
}

function compareBarcodes(got: number[][][], want: number[][][], padH0: number): string {
  const close = (a: number, b: number) =>
    a === b || Math.abs(a - b) <= 1e-5 * Math.max(Math.abs(a), Math.abs(b));
  for (let d = 0; d < want.length; d++) {
    const g = [...(got[d] ?? [])];
    if (d === 0) for (let k = 0; k < padH0; k++) g.push([0, Infinity]);
    g.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
    if (g.length !== want[d].length) return `dim ${d}: ${g.length} bars vs ${want[d].length}`;
    for (let k = 0; k < g.length; k++) {
      if (!close(g[k][0], want[d][k][0]) || !close(g[k][1], want[d][k][1])) {
        return `dim ${d} bar ${k}: [${g[k]}] vs [${want[d][k]}]`;
      }
    }
  }
  return `equal (${want.map((b) => b.length).join('/')} bars)`;
}

function runCase(index: number): CaseResult {
  const c = (JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as Case[])[index];
  const label = `${c.cloud} dim${c.maxdim} ${c.threshold_kind}`;
  const cloud = readCloud(c.cloud);
  let t = performance.now();
  const d = pairwiseDistances(cloud);
  const distanceS = (performance.now() - t) / 1000;
  const threshold = c.threshold === null ? enclosingRadius(d) : Math.fround(Number(c.threshold));
  t = performance.now();
  const decision = shouldCollapse(d, { threshold, maxDimension: c.maxdim });
  const decideS = (performance.now() - t) / 1000;
  t = performance.now();
  const cpu0 = process.cpuUsage();
  const result = collapseEdges(d, { threshold });
  const cpu = process.cpuUsage(cpu0);
  const collapseWallS = (performance.now() - t) / 1000;
  const nodeRssMb = process.resourceUsage().maxRSS / 1024;

  const dir = mkdtempSync(join(tmpdir(), 'topolens-bench-'));
  try {
    const { i, j, values } = result.edges;
    const lines: string[] = [];
    let top = -1;
    for (let k = 0; k < i.length; k++) {
      lines.push(`${i[k]} ${j[k]} ${values[k].toPrecision(9)}`);
      top = Math.max(top, i[k]);
    }
    const file = join(dir, 'collapsed.txt');
    writeFileSync(file, lines.join('\n') + '\n');
    const sparse = timed('ripser', ['--format', 'sparse', '--dim', String(c.maxdim), file]);
    const fixture = join(FIXTURES, `${c.cloud}_dim${c.maxdim}_${c.threshold_kind}.barcode.txt`);
    let check = 'no fixture barcode';
    try {
      const want = parseBarcode(readFileSync(fixture, 'utf8'));
      check = compareBarcodes(parseBarcode(sparse.stdout), want, d.n - 1 - top);
    } catch {
      /* no barcode file for this case */
    }
    let original: Timed | null = null;
    if (c.ripser_wall_s < 10) {
      const args = ['--format', 'point-cloud', '--dim', String(c.maxdim)];
      if (c.threshold !== null) args.push('--threshold', c.threshold);
      original = timed('ripser', [...args, join(FIXTURES, `${c.cloud}.txt`)]);
    }
    return {
      label,
      edgesIn: result.inputEdges,
      edgesOut: result.keptEdges,
      distanceS,
      decideS,
      decision: decision.collapse,
      reason: decision.reason,
      collapseWallS,
      collapseCpuS: (cpu.user + cpu.system) / 1e6,
      nodeRssMb,
      sparse: { ...sparse, stdout: '' },
      original: original && { ...original, stdout: '' },
      fixtureRipserS: c.ripser_wall_s,
      fixtureRipserMb: c.ripser_maxrss_mb,
      check,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Only the decisions of shouldCollapse for every case (fast: no collapse, no Ripser). */
function printDecisions(): void {
  const cases = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as Case[];
  const clouds = new Map<string, ReturnType<typeof pairwiseDistances>>();
  console.log('| case | Ripser on the cloud (fixture) | decision | time | reason |');
  console.log('|---|---|---|---|---|');
  for (const c of cases) {
    if (!clouds.has(c.cloud)) clouds.set(c.cloud, pairwiseDistances(readCloud(c.cloud)));
    const d = clouds.get(c.cloud)!;
    const threshold = c.threshold === null ? enclosingRadius(d) : Math.fround(Number(c.threshold));
    const t = performance.now();
    const decision = shouldCollapse(d, { threshold, maxDimension: c.maxdim });
    const s = ((performance.now() - t) / 1000).toFixed(2);
    const label = `${c.cloud} dim${c.maxdim} ${c.threshold_kind}`;
    console.log(
      `| ${label} | ${c.ripser_wall_s} s | ${decision.collapse ? 'collapse' : 'no'} | ${s} s | ${decision.reason} |`,
    );
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const caseArg = args.indexOf('--case');
  if (caseArg >= 0) {
    process.stdout.write(JSON.stringify(runCase(Number(args[caseArg + 1]))) + '\n');
    return;
  }
  if (args.includes('--decisions')) {
    printDecisions();
    return;
  }
  const timeoutArg = args.indexOf('--timeout');
  const timeoutS = timeoutArg >= 0 ? Number(args[timeoutArg + 1]) : 600;
  const onlyArg = args.indexOf('--only');
  const only = onlyArg >= 0 ? args[onlyArg + 1] : '';
  const cases = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as Case[];
  const out: string[] = [];
  const print = (s: string) => {
    out.push(s);
    console.log(s);
  };
  const cpu = cpus()[0]?.model ?? 'unknown';
  print(`# Edge collapse benchmark`);
  print('');
  print(
    `${new Date().toISOString()}, ${cpus().length} cores (${cpu}), load average at start ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}, per-case timeout ${timeoutS} s.`,
  );
  print(
    `Ripser: Debian \`ripser\` (${execFileSync('sh', ['-c', 'dpkg-query -W -f "\\${Version}" ripser 2>/dev/null || echo unknown']).toString()}).`,
  );
  print('');
  print(
    'Columns: edges at the threshold before -> after collapse; `decide`: shouldCollapse and its time; `collapse`: wall / CPU s of collapseEdges (forced on, whatever the decision) and peak RSS of the node process (distances included); `ripser sparse`: Ripser on the collapsed edges, wall / CPU s and peak RSS; `ripser orig`: Ripser on the point cloud, fixture wall time (quiet machine), and wall / CPU s re-measured in this run when the fixture time is under 10 s; `speed-up`: Ripser on the cloud (re-measured if any, else the fixture time) / (our distances + collapse + Ripser on the collapsed edges), by wall time and by CPU time (the fixture time stands for CPU when not re-measured); `barcode`: Ripser on the collapsed edges versus the fixture barcode, bar for bar, 1e-5 relative.',
  );
  print('');
  print(
    '| case | edges before -> after | decide | collapse wall/CPU s, RSS MB | ripser sparse wall/CPU s, RSS MB | ripser orig: fixture s, MB; here wall/CPU s | speed-up wall / CPU | barcode |',
  );
  print('|---|---|---|---|---|---|---|---|');
  const reasons: string[] = [];
  cases.forEach((c, index) => {
    const label = `${c.cloud} dim${c.maxdim} ${c.threshold_kind}`;
    if (only && !new RegExp(only).test(label)) return;
    const r = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--case', String(index)],
      {
        encoding: 'utf8',
        timeout: timeoutS * 1000,
        maxBuffer: 1 << 28,
      },
    );
    if (r.status !== 0) {
      print(
        `| ${label} | | | ${r.signal ? `timeout (> ${timeoutS} s)` : `failed: ${r.stderr.slice(0, 200)}`} | | ${c.ripser_wall_s} s, ${c.ripser_maxrss_mb} MB | | |`,
      );
      return;
    }
    const x = JSON.parse(r.stdout.trim().split('\n').pop()!) as CaseResult;
    const orig = x.original ? x.original.wall : x.fixtureRipserS;
    const ours = x.distanceS + x.collapseWallS + x.sparse.wall;
    const origCpu = x.original ? x.original.cpu : x.fixtureRipserS;
    const oursCpu = x.distanceS + x.collapseCpuS + x.sparse.cpu;
    print(
      `| ${x.label} | ${x.edgesIn} -> ${x.edgesOut} (${((100 * x.edgesOut) / Math.max(1, x.edgesIn)).toFixed(1)}%) | ${x.decision ? 'yes' : 'no'} (${x.decideS.toFixed(2)} s) | ${x.collapseWallS.toFixed(2)} / ${x.collapseCpuS.toFixed(2)}, ${x.nodeRssMb.toFixed(0)} | ${x.sparse.wall.toFixed(2)} / ${x.sparse.cpu.toFixed(2)}, ${x.sparse.rssMb.toFixed(0)} | ${x.fixtureRipserS} s, ${x.fixtureRipserMb} MB${x.original ? `; ${x.original.wall.toFixed(2)} / ${x.original.cpu.toFixed(2)}` : ''} | ${(orig / ours).toFixed(2)}x / ${(origCpu / oursCpu).toFixed(2)}x | ${x.check} |`,
    );
    reasons.push(`- ${x.label}: ${x.decision ? 'collapse' : 'no collapse'}: ${x.reason}`);
  });
  print('');
  print('Decisions of shouldCollapse:');
  print('');
  for (const r of reasons) print(r);
  if (!only) writeFileSync(join(here, '..', 'docs', 'bench-collapse.md'), out.join('\n') + '\n');
}

main();
