/**
 * Benchmark: start-up of the `topolens` command (docs/cli.md, "Start-up"). Repeated runs, as
 * hyperfine does, of `topolens ph` on a 100-point cloud, `topolens --help` and `--version`,
 * against `ripser` on the same cloud and `node -e 0` (the floor: Node's own start-up), all in
 * the same run and interleaved (one run of each case per round) so that the machine's load falls
 * on all of them alike. Prints the median and quartiles of each case's wall time, its ratio to
 * ripser's and to the floor, and the modules (ES and CommonJS) that each topolens run loads.
 *
 * Needs the compiled CLI (`npx tsc -p tsconfig.json`, or `npm run build`); --cli names another
 * build's main.js (--baseline adds a second one beside it, e.g. an older build to compare).
 *
 * Run: npm run bench:startup [-- --runs 20 --points 100 --cli dist/src/cli/main.js
 *   --baseline /other/dist/src/cli/main.js]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRng } from '../src/core/rng.js';

const args = process.argv.slice(2);
function arg(name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}
const RUNS = Number(arg('runs') ?? 20);
const POINTS = Number(arg('points') ?? 100);
const CLI = resolve(arg('cli') ?? 'dist/src/cli/main.js');
const BASELINE = arg('baseline') ? resolve(arg('baseline')!) : undefined;

for (const main of [CLI, BASELINE]) {
  if (main && !existsSync(main)) {
    console.error(`no compiled CLI at ${main}: run npx tsc -p tsconfig.json (or npm run build)`);
    process.exit(2);
  }
}
const SOURCE = resolve('src/cli/registry.ts');
if (existsSync(SOURCE) && statSync(SOURCE).mtimeMs > statSync(CLI).mtimeMs)
  console.warn(`warning: ${CLI} is older than src/cli/registry.ts; rebuild for current numbers`);

/** A noisy circle in R^3, one point per line (read by both ripser and topolens). */
function writeCloud(dir: string, n: number): string {
  const rng = createRng(1);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = 2 * Math.PI * rng.next();
    lines.push([Math.cos(a), Math.sin(a), 0.05 * rng.normal()].join(','));
  }
  const path = join(dir, 'cloud.txt');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function hasRipser(): boolean {
  return spawnSync('ripser', ['--help'], { stdio: 'ignore' }).error === undefined;
}

/**
 * Files for `node --import`: a module hook that prints one line per ES module Node loads, and
 * at exit the size of the CommonJS require cache, for counting what a run loads.
 */
function writeModuleCounter(dir: string): string {
  const hook = join(dir, 'count-hook.mjs');
  writeFileSync(
    hook,
    'export async function load(url, context, next) {\n' +
      '  if (!url.startsWith("node:")) process.stderr.write(`@esm ${url}\\n`);\n' +
      '  return next(url, context);\n}\n',
  );
  const entry = join(dir, 'count.mjs');
  writeFileSync(
    entry,
    "import { register, createRequire } from 'node:module';\n" +
      `register(${JSON.stringify(pathToFileURL(hook).href)});\n` +
      'const require = createRequire(import.meta.url);\n' +
      "process.on('exit', () => process.stderr.write(`@cjs ${Object.keys(require.cache).length}\\n`));\n",
  );
  return entry;
}

interface Case {
  name: string;
  command: string;
  args: string[];
  /** a topolens run: count its modules */
  cli: boolean;
}

function runOnce(c: Case): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(c.command, c.args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0)
    throw new Error(`${c.name} failed (exit ${r.status}): ${r.stderr?.toString().slice(0, 500)}`);
  return ms;
}

function moduleCount(c: Case, counter: string): { esm: number; cjs: number } {
  const r = spawnSync(c.command, ['--import', counter, ...c.args], { encoding: 'utf8' });
  const lines = r.stderr.split('\n');
  const esm = new Set(lines.filter((l) => l.startsWith('@esm ')));
  const cjsLine = lines.find((l) => l.startsWith('@cjs '));
  return { esm: esm.size, cjs: cjsLine ? Number(cjsLine.slice(5)) : NaN };
}

function quantile(sorted: number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  const hi = Math.ceil(i);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (i - lo);
}

const dir = mkdtempSync(join(tmpdir(), 'topolens-startup-'));
try {
  const cloud = writeCloud(dir, POINTS);
  const node = process.execPath;
  const cases: Case[] = [
    { name: 'node -e 0 (floor)', command: node, args: ['-e', '0'], cli: false },
  ];
  const ripser = hasRipser();
  if (ripser)
    cases.push({
      name: `ripser (${POINTS} points)`,
      command: 'ripser',
      args: ['--dim', '1', '--format', 'point-cloud', cloud],
      cli: false,
    });
  else console.warn('ripser not found (apt install ripser): its row is left out');
  const builds = BASELINE
    ? [['baseline', BASELINE] as const, ['', CLI] as const]
    : [['', CLI] as const];
  for (const [label, main] of builds) {
    const tag = label ? ` [${label}]` : '';
    cases.push(
      {
        name: `topolens ph (${POINTS} points)${tag}`,
        command: node,
        args: [main, 'ph', cloud],
        cli: true,
      },
      { name: `topolens --help${tag}`, command: node, args: [main, '--help'], cli: true },
      { name: `topolens --version${tag}`, command: node, args: [main, '--version'], cli: true },
    );
  }

  const load0 = loadavg()[0];
  for (const c of cases) runOnce(c); // warm the file cache
  const times = cases.map(() => [] as number[]);
  for (let r = 0; r < RUNS; r++) cases.forEach((c, i) => times[i].push(runOnce(c)));
  const load1 = loadavg()[0];
  const counter = writeModuleCounter(dir);
  const modules = cases.map((c) => (c.cli ? moduleCount(c, counter) : undefined));

  const medians = times.map((t) =>
    quantile(
      [...t].sort((a, b) => a - b),
      0.5,
    ),
  );
  const floor = medians[0];
  const ripserMedian = ripser ? medians[1] : NaN;
  console.log(
    `topolens start-up: ${RUNS} interleaved runs per case, node ${process.version}, ` +
      `load average ${load0.toFixed(2)} before, ${load1.toFixed(2)} after`,
  );
  console.log(`CLI: ${CLI}${BASELINE ? `; baseline: ${BASELINE}` : ''}`);
  const head = ['case', 'median ms', 'q25', 'q75', 'x ripser', 'x floor', 'modules (ES + CJS)'];
  const rows = cases.map((c, i) => {
    const sorted = [...times[i]].sort((a, b) => a - b);
    const m = modules[i];
    return [
      c.name,
      medians[i].toFixed(1),
      quantile(sorted, 0.25).toFixed(1),
      quantile(sorted, 0.75).toFixed(1),
      ripser ? (medians[i] / ripserMedian).toFixed(1) : '-',
      (medians[i] / floor).toFixed(2),
      m ? `${m.esm} + ${m.cjs}` : '-',
    ];
  });
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  const ph = cases.findIndex((c) => c.cli && c.args.includes('ph') && !c.name.includes('['));
  console.log(
    `topolens ph above the floor: ${(medians[ph] - floor).toFixed(1)} ms` +
      (ripser ? `; ripser's whole run: ${ripserMedian.toFixed(1)} ms` : ''),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
