/**
 * `topolens demo [--out out/demo] [--quick] [--no-open] [--workers N] [--json]`: the main job
 * (`npm start`, docs/demo.md). Runs the two experiment files of the demo, examples/demo.yaml (a
 * small CNN trained on the bundled MNIST digits: layer profile, layer comparison, Mapper) and
 * examples/demo-ricci.yaml (dense networks on a synthetic set: the Ricci flow; an experiment has
 * one data set, and dense networks take flat inputs), into one store `<out>/results.duckdb`,
 * writes one report of both, `<out>/report.html`, prints a summary table of the headline numbers
 * and the claims they check, and opens the report when a desktop is present. A rerun finds the
 * finished work in the store and only rewrites the report. `--quick` shrinks every size (a
 * smoke test of the whole pipeline in seconds, not a result).
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResolvedExperiment } from '../../run/experimentSchema.js';
import type { ReportData } from '../../report/reportData.js';
import { printJSON } from '../output.js';
import { parseWorkers } from './run.js';

/** The demo's experiment files, in the order they run (paths below the package root). */
export const DEMO_EXPERIMENTS = ['examples/demo.yaml', 'examples/demo-ricci.yaml'] as const;

/** The package root: the nearest folder above this module with topolens's package.json. */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'topolens')
          return dir;
      } catch {
        // not ours; keep looking
      }
    }
    const up = dirname(dir);
    if (up === dir) return resolve(from, '..', '..', '..');
    dir = up;
  }
}

const shrink = (v: unknown, most: number) => (typeof v === 'number' ? Math.min(v, most) : most);

/**
 * The smoke-test scale of an experiment (`--quick`): at most 300 inputs, 2 epochs, 2 networks,
 * 80 captured inputs, and the studies' sample sizes, ks and resamples cut to match. The results
 * mean nothing; the run exercises every step of the pipeline in seconds.
 */
export function quickExperiment(spec: ResolvedExperiment): ResolvedExperiment {
  const data = spec.data
    ? { ...spec.data, size: shrink(spec.data.size, 300), testFraction: 0.4 }
    : undefined;
  const networks = spec.networks
    .slice(0, 2)
    .map((n) => (n.source === 'trained' ? { ...n, training: { ...n.training, epochs: 2 } } : n));
  const studies = spec.studies.map((s) => {
    const o: Record<string, unknown> = { ...s.options };
    if ('perClass' in o) o.perClass = shrink(o.perClass, 8);
    if ('maxPoints' in o && o.maxPoints !== undefined) o.maxPoints = shrink(o.maxPoints, 60);
    if ('ks' in o) o.ks = [5, 10];
    if (o.bootstrap && typeof o.bootstrap === 'object')
      o.bootstrap = { ...(o.bootstrap as object), resamples: 99 };
    return { ...s, options: o };
  });
  return {
    ...spec,
    name: `${spec.name}-quick`,
    ...(data ? { data } : {}),
    networks,
    sampling: { ...spec.sampling, size: shrink(spec.sampling.size, 80) },
    studies,
  };
}

/** The command that opens a file on this desktop, or undefined when there is none (a server,
 * a container, CI): Linux needs DISPLAY or WAYLAND_DISPLAY and xdg-open on the PATH. */
export function desktopOpener(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  if (platform === 'darwin') return 'open';
  if (platform === 'win32') return 'explorer';
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined;
  const onPath = (env.PATH ?? '')
    .split(delimiter)
    .some((d) => d !== '' && existsSync(join(d, 'xdg-open')));
  return onPath ? 'xdg-open' : undefined;
}

function openFile(opener: string, path: string): void {
  try {
    const child = spawn(opener, [path], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // the printed path is enough
  }
}

export interface DemoOptions {
  out?: string;
  quick?: boolean;
  /** false: do not open the report (`--no-open`). */
  open?: boolean;
  workers?: string;
  json?: boolean;
}

export interface DemoResult {
  store: string;
  report: string;
  experiments: { file: string; id: string; completed: number; skipped: number; failed: number }[];
  seconds: number;
  summary: import('../demoSummary.js').SummaryRow[];
}

/** Runs the demo; returns what it wrote and the summary rows. */
export async function runDemo(o: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const workers = parseWorkers(o.workers);
  const { readExperimentFile, checkExperimentInputs } = await import('../../run/experimentFile.js');
  const { createExecutor } = await import('../../run/executor.js');
  const { runResolved } = await import('./run.js');
  const { openStore } = await import('../../run/store.js');
  const { buildReportData } = await import('../../report/reportData.js');
  const { writeReport, loadViewerBundle } = await import('../../report/writeReport.js');
  const { combineReports } = await import('../demoReport.js');
  const { demoSummary, summaryTable } = await import('../demoSummary.js');

  const outDir = resolve(o.out ?? join('out', 'demo'));
  const storePath = join(outDir, 'results.duckdb');
  const reportPath = join(outDir, 'report.html');
  const log = (line: string) => {
    if (!o.json) process.stderr.write(line + '\n');
  };
  const bundle = loadViewerBundle(); // fail before any work when the viewer is not built
  mkdirSync(outDir, { recursive: true });
  const root = packageRoot();
  const experiments: DemoResult['experiments'] = [];
  for (const [i, rel] of DEMO_EXPERIMENTS.entries()) {
    const file = join(root, rel);
    const read = readExperimentFile(file);
    const spec = o.quick ? quickExperiment(read) : read;
    await checkExperimentInputs(spec, file);
    log(`[${i + 1}/${DEMO_EXPERIMENTS.length}] ${rel}: ${spec.description ?? spec.name}`);
    const summary = await runResolved(
      { ...spec, store: { path: storePath } },
      storePath,
      createExecutor(workers),
      !o.json,
      {
        file,
        store: storePath,
        demo: true,
        quick: Boolean(o.quick),
        workers: workers ?? 'all cores',
      },
    );
    log(
      `      ${summary.completed} job(s) run, ${summary.skipped} already done, ${summary.failed.length} failed, in ${summary.seconds.toFixed(0)}s`,
    );
    for (const f of summary.failed) log(`      failed: ${f.label}: ${f.error.split('\n')[0]}`);
    experiments.push({
      file: rel,
      id: summary.experimentId,
      completed: summary.completed,
      skipped: summary.skipped,
      failed: summary.failed.length,
    });
    if (summary.interrupted) {
      process.exitCode = 130;
      throw Object.assign(new Error('interrupted'), { interrupted: true });
    }
  }

  const store = await openStore(storePath, { readOnly: true });
  let data: ReportData;
  try {
    const parts: ReportData[] = [];
    for (const e of experiments) parts.push(await buildReportData(store, { experiment: e.id }));
    data = combineReports(parts, o.quick ? 'demo (quick)' : 'demo');
  } finally {
    await store.close();
  }
  const report = writeReport(data, reportPath, bundle);
  const summary = demoSummary(data);
  const seconds = (Date.now() - started) / 1000;
  const result: DemoResult = { store: storePath, report, experiments, seconds, summary };
  if (o.json) printJSON(result);
  else {
    process.stdout.write(`\n${summaryTable(summary)}\n\n`);
    process.stdout.write(
      `demo finished in ${seconds.toFixed(0)}s${o.quick ? ' (--quick: sizes shrunk, the numbers mean nothing)' : ''}\n`,
    );
    process.stdout.write(`store:  ${storePath}\nreport: ${report}\n`);
  }
  if (experiments.some((e) => e.failed > 0)) process.exitCode = 1;
  const opener = o.open === false ? undefined : desktopOpener();
  if (opener) openFile(opener, report);
  return result;
}
