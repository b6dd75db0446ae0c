/**
 * The report file in a real browser (Debian's chromium through playwright-core): every view draws
 * its charts with no console error, the controls work, the file works from disk with the network
 * off, and hostile class and layer names are shown as text and run nothing. Screenshots go to
 * test-artifacts/report/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { openStore } from '../../src/run/store.js';
import { buildReportData } from '../../src/report/reportData.js';
import { writeReport } from '../../src/report/writeReport.js';
import { fillSyntheticStore } from '../helpers/syntheticStore.js';
import { hasTool, requireTool } from '../helpers/oracles.js';

const ARTIFACTS = resolve('test-artifacts/report');
const EVIL_CLASS = '<img src=x onerror=alert(1)>';
const EVIL_LAYER = '</script><script>alert(1)</script>';

let dir: string;
let context: BrowserContext | undefined;
let page: Page;
let file: string;
const problems: string[] = [];

beforeAll(async () => {
  if (!hasTool('chromium')) return;
  if (!existsSync('dist/viewer/viewer.js'))
    execFileSync('npx', ['vite', 'build', '--config', 'viewer/vite.config.ts'], {
      stdio: 'ignore',
    });
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'topolens-report-browser-'));
  const store = await openStore(join(dir, 'r.duckdb'));
  await fillSyntheticStore(store, {
    networks: 6,
    layers: 5,
    classNames: [EVIL_CLASS, 'cat', 'dog'],
    layerName: (l) => (l === 4 ? EVIL_LAYER : `dense_${l}`),
    experimentName: `<b>exp</b> & "quotes"`,
  });
  const data = await buildReportData(store);
  await store.close();
  file = writeReport(data, join(dir, 'report.html'));
  context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    offline: true,
    viewport: { width: 1100, height: 900 },
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('request', (r) => {
    if (
      !r.url().startsWith('file:') &&
      !r.url().startsWith('blob:') &&
      !r.url().startsWith('data:')
    )
      problems.push(`request: ${r.url()}`);
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-rendered="summary"]');
}, 120_000);

afterAll(async () => {
  await context?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function showView(id: string) {
  await page.click(`nav button[data-view="${id}"]`);
  await page.waitForSelector(`body[data-rendered="${id}"]`);
}

const skipWithout = (ctx: TestContext) => requireTool(ctx, 'chromium');

describe('the report in chromium', () => {
  it('writes one file that fetches nothing and carries the CSP', (ctx) => {
    skipWithout(ctx);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('Content-Security-Policy');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
    expect(html).not.toContain(EVIL_LAYER);
    expect(html).not.toContain(EVIL_CLASS);
  });

  it.for<[string, number]>([
    ['summary', 0],
    ['layer-profile', 1],
    ['persistence', 6],
    ['layer-comparison', 1],
    ['mapper', 1],
    ['ricci-flow', 3],
    ['adversarial', 2],
    ['population-comparison', 2],
    ['other', 1],
  ])('view %s renders its charts', async ([view, minCharts], ctx) => {
    skipWithout(ctx);
    await showView(view);
    const charts = await page.locator('main svg.tl-plot').count();
    expect(charts).toBeGreaterThanOrEqual(minCharts);
    if (minCharts > 0) {
      // drawn with data: the charts hold marks, not just axes
      const marks = await page.locator('main svg.tl-plot [aria-label] > *').count();
      expect(marks).toBeGreaterThan(5);
    }
    await page.screenshot({ path: join(ARTIFACTS, `${view}.png`), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('shows hostile names as text and runs nothing', async (ctx) => {
    skipWithout(ctx);
    await showView('summary');
    expect(await page.locator('header h1').textContent()).toContain('<b>exp</b> & "quotes"');
    await showView('layer-profile');
    await page.selectOption('select[data-control="by"]', 'class');
    expect(await page.locator('main .legend').textContent()).toContain(EVIL_CLASS);
    await showView('layer-comparison');
    // long names are shortened on the axes; the cells' titles carry them whole
    const ticks = await page.locator('main svg.tl-plot title').allTextContents();
    expect(ticks.join('\n')).toContain(EVIL_LAYER);
    expect(await page.locator('main img, main script').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'hostile-names.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('reacts to the controls: descriptor, matrix, Mapper hover, diagram pick', async (ctx) => {
    skipWithout(ctx);
    await showView('layer-profile');
    await page.selectOption('select[data-control="descriptor"]', 'twonn');
    expect(await page.locator('main svg.tl-plot').first().textContent()).toContain('twonn');
    await showView('layer-comparison');
    const before = await page.locator('main svg.tl-plot').first().innerHTML();
    await page.selectOption('select[data-control="matrix"]', { index: 1 });
    expect(await page.locator('main svg.tl-plot').first().innerHTML()).not.toBe(before);
    await showView('mapper');
    await page.locator('main g.mapper-node circle').nth(3).hover();
    const details = await page.locator('[data-role="mapper-details"]').textContent();
    // the node under the pointer (Plot draws big nodes first, so the nth circle is not node n)
    const hovered = await page.evaluate<number | undefined>(
      "[...document.querySelectorAll('g.mapper-node circle:hover')].pop()?.__data__",
    );
    expect(hovered).toBeTypeOf('number');
    expect(details).toMatch(new RegExp(`^node ${hovered} · \\d+ points`));
    expect(details).toContain(EVIL_CLASS);
    await page.screenshot({ path: join(ARTIFACTS, 'mapper-hover.png'), fullPage: true });
    await showView('persistence');
    await page.selectOption('select[data-control="diagram-right-dimension"]', 'H1');
    expect(await page.locator('main .side-by-side .details').nth(1).textContent()).toContain('H1');
    await showView('other');
    expect(
      await page.locator('section[data-figure="generalization"] .details').textContent(),
    ).toMatch(/^Pearson r = -?(0\.\d+|1), n = 6 networks/);
    expect(problems).toEqual([]);
  });

  it('lists the claims with their outcomes and numbers on the summary', async (ctx) => {
    skipWithout(ctx);
    await showView('summary');
    const claims = page.locator('[data-role="claims"]');
    expect(await claims.locator('td.outcome-pass').count()).toBeGreaterThanOrEqual(3);
    expect(await claims.locator('td.outcome-fail').count()).toBe(1);
    expect(await claims.locator('td.outcome-inconclusive').count()).toBe(1);
    const text = (await claims.textContent()) ?? '';
    expect(text).toContain('Ric_(l-1) negatively correlated with g_l - g_(l-1) (k = 30)');
    expect(text).toContain('r = -0.42, p = 0.001, n = 100');
    expect(text).toMatch(/\d+ checks: \d+ pass, 1 fail, 1 inconclusive/);
  });

  it('draws a spread band around each profile line and a black dashed median', async (ctx) => {
    skipWithout(ctx);
    await showView('layer-profile');
    await page.selectOption('select[data-control="by"]', 'network');
    // 6 networks, each with 2 stored repeats: one band per network
    expect(await page.locator('main g.spread-band path').count()).toBe(6);
    const median = page.locator('main g.median-line');
    expect(await median.getAttribute('stroke')).toBe('#111');
    expect(await median.getAttribute('stroke-dasharray')).toBe('6,4');
    // no network line has the median's colour
    const strokes = await page
      .locator('main svg.tl-plot g[aria-label="line"]:not(.median-line) path')
      .evaluateAll((ps) => ps.map((p) => p.getAttribute('stroke')));
    expect(strokes.length).toBe(6);
    expect(strokes).not.toContain('#111');
    const legend = (await page.locator('main .legend').textContent()) ?? '';
    expect(legend).toContain('median of the lines');
    expect(await page.locator('main p.empty').last().textContent()).toContain(
      'min–max over the stored repeats',
    );
    await page.screenshot({ path: join(ARTIFACTS, 'layer-profile-bands.png'), fullPage: true });
  });

  it('draws Mapper nodes as class pies and keeps the hover', async (ctx) => {
    skipWithout(ctx);
    await showView('mapper');
    const pies = page.locator('main g.mapper-pies > g');
    // synthetic nodes with two classes: i % 3 != 0 (22 of 34)
    expect(await pies.count()).toBe(22);
    expect(await pies.first().locator('path').count()).toBe(2);
    const fills = await page
      .locator('main g.mapper-pies path')
      .evaluateAll((ps) => new Set(ps.map((p) => p.getAttribute('fill'))).size);
    expect(fills).toBe(3);
    await page.locator('main g.mapper-node circle').nth(5).hover();
    expect(await page.locator('[data-role="mapper-details"]').textContent()).toMatch(/^node \d+/);
    await page.screenshot({ path: join(ARTIFACTS, 'mapper-pies.png'), fullPage: true });
  });

  it('draws no regression band from fewer than 10 networks', async (ctx) => {
    skipWithout(ctx);
    await showView('ricci-flow');
    const text = (await page.locator('section[data-figure="ricci-flow"]').textContent()) ?? '';
    expect(text).toContain('no confidence band: 6 network(s) at some k, a band needs at least 10');
    // linearRegressionY draws a band as a filled path; with ci 0 there is none
    const bands = await page
      .locator(
        'section[data-figure="ricci-flow"] g[aria-label="linear-regression"] path[fill]:not([fill="none"])',
      )
      .count();
    expect(bands).toBe(0);
  });

  it('shows the adversarial and population views with their tests', async (ctx) => {
    skipWithout(ctx);
    await showView('adversarial');
    const adv = (await page.locator('section[data-figure="adversarial"]').textContent()) ?? '';
    expect(adv).toContain('attack success (1 − accuracy)');
    expect(adv).toContain('PASS: the more successful the attack, the lower the H0 lifespan sums');
    expect(adv).toContain('p = 0');
    const before = await page.locator('main svg.tl-plot').nth(1).innerHTML();
    await page.selectOption('select[data-control="adversarial-descriptor"]', 'h1');
    expect(await page.locator('main svg.tl-plot').nth(1).innerHTML()).not.toBe(before);
    await page.screenshot({ path: join(ARTIFACTS, 'adversarial.png'), fullPage: true });
    await showView('population-comparison');
    const pop = page.locator('section[data-figure="population-comparison"]');
    expect(await pop.textContent()).toContain('FAIL: the two populations differ in energy');
    expect(await pop.locator('table tr').count()).toBe(6);
    await page.selectOption('select[data-control="population-statistic"]', 'energy');
    expect(await pop.locator('.legend').first().textContent()).toContain('observed statistic');
    await page.screenshot({ path: join(ARTIFACTS, 'population.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('exports a chart as SVG', async (ctx) => {
    skipWithout(ctx);
    await showView('layer-profile');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('section[data-figure="layer-profile"] button:text-is("SVG")'),
    ]);
    const path = await download.path();
    const svg = readFileSync(path!, 'utf8');
    expect(svg).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<path');
    // the legend beside the chart comes with it, drawn as SVG text
    expect(svg).toContain('>median of the lines</text>');
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.click('section[data-figure="layer-profile"] button:text-is("PNG")'),
    ]);
    const bytes = readFileSync((await png.path())!);
    expect([...bytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
    expect(problems).toEqual([]);
  });
});
