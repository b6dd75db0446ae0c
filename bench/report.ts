/**
 * bench:report — a synthetic store the size of the Ricci-flow paper's sweep (1,500 networks,
 * 7 layers, 3 k) -> report file -> load time in Chromium (navigation to the first rendered view)
 * and the time to switch to each view. Results go in docs/benchmarks.md.
 * Usage: npm run bench:report [-- --networks 1500]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { openStore } from '../src/run/store.js';
import { buildReportData } from '../src/report/reportData.js';
import { writeReport } from '../src/report/writeReport.js';
import { fillSyntheticStore } from '../test/helpers/syntheticStore.js';

const arg = process.argv.indexOf('--networks');
const networks = arg > 0 ? Number(process.argv[arg + 1]) : 1500;
const dir = mkdtempSync(join(tmpdir(), 'topolens-bench-report-'));
try {
  let t = performance.now();
  const store = await openStore(join(dir, 'bench.duckdb'));
  await fillSyntheticStore(store, { networks, layers: 7, ks: [30, 120, 300], repeats: 1 });
  const fillS = (performance.now() - t) / 1000;
  t = performance.now();
  const data = await buildReportData(store);
  await store.close();
  const file = writeReport(data, join(dir, 'report.html'));
  const buildS = (performance.now() - t) / 1000;
  const size = statSync(file).size;
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    offline: true,
    args: ['--no-sandbox', '--disable-background-networking'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const loads: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-rendered="summary"]');
    loads.push(performance.now() - t0);
  }
  const switches: Record<string, number> = {};
  for (const view of [
    'layer-profile',
    'persistence',
    'layer-comparison',
    'mapper',
    'ricci-flow',
    'summary',
  ]) {
    const t0 = performance.now();
    await page.click(`nav button[data-view="${view}"]`);
    await page.waitForSelector(`body[data-rendered="${view}"]`);
    switches[view] = Math.round(performance.now() - t0);
  }
  await context.close();
  console.log(
    JSON.stringify(
      {
        networks,
        layers: 7,
        ks: 3,
        measures: data.measures.value.length,
        storeFillSeconds: Number(fillS.toFixed(1)),
        reportBuildSeconds: Number(buildS.toFixed(2)),
        fileMB: Number((size / 1e6).toFixed(2)),
        loadMs: loads.map(Math.round),
        switchMs: switches,
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
