import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { openStore } from '../../src/run/store.js';
import { serveReport, type ReportServer } from '../../src/report/serve.js';
import { fillSyntheticStore } from '../helpers/syntheticStore.js';
import { requireTool } from '../helpers/oracles.js';

const ARTIFACTS = resolve('test-artifacts/report');
let dir: string;
let server: ReportServer;

/** A raw GET (no URL normalisation by the client), status and body. */
function get(path: string): Promise<{ status: number; body: string; type: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c) => (body += String(c)));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'topolens-serve-'));
  const storePath = join(dir, 'results.duckdb');
  const store = await openStore(storePath);
  await fillSyntheticStore(store, { networks: 2, layers: 3 });
  await store.putRun({
    id: 'run-live',
    experimentId: 'exp-synthetic',
    options: {},
    topolensVersion: '0.1.0',
    startedAt: '2026-12-03T08:00:00.000Z',
    status: 'running',
  });
  await store.close();
  writeFileSync(join(dir, 'secret.txt'), 'SECRET');
  symlinkSync('/etc/passwd', join(dir, 'passwd-link'));
  symlinkSync(join(dir, 'secret.txt'), join(dir, 'secret-link'));
  server = await serveReport(storePath);
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('topolens serve', () => {
  it('binds to 127.0.0.1 and serves the page, the data and the progress', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.type).toContain('text/html');
    expect(page.body).toContain('connect-src &#39;self&#39;');
    const data = JSON.parse((await get('/api/report')).body);
    expect(data.experiment.name).toBe('synthetic sweep');
    const progress = JSON.parse((await get('/api/progress')).body);
    expect(progress.running.map((r: { id: string }) => r.id)).toEqual(['run-live']);
  });

  it.each([
    '/../secret.txt',
    '/..%2fsecret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/api/..%2f..%2fsecret.txt',
    '/secret.txt',
    '/results.duckdb',
    '/passwd-link',
    '/secret-link',
    '/etc/passwd',
    '//etc/passwd',
    '/api/report/..%2f..%2f..%2fetc%2fpasswd',
  ])('reaches nothing outside its routes: %s', async (path) => {
    const r = await get(path);
    expect(r.status).toBe(404);
    expect(r.body).not.toContain('SECRET');
    expect(r.body).not.toContain('root:');
  });

  it('shows the running sweep live in the page, no console error', async (ctx) => {
    requireTool(ctx, 'chromium');
    const profile = join(dir, 'profile');
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking'],
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(server.url);
      await page.waitForSelector('body[data-rendered="summary"]');
      await expect
        .poll(() => page.locator('[data-role="progress"]').textContent())
        .toContain('run run-live running since');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('answers a stamp that changes with the results, and the page redraws from it', async (ctx) => {
    requireTool(ctx, 'chromium');
    const liveDir = mkdtempSync(join(tmpdir(), 'topolens-serve-live-'));
    const path = join(liveDir, 'live.duckdb');
    // the writer keeps the store open, as a sweep in this process would; serve shares it
    const writer = await openStore(path);
    await fillSyntheticStore(writer, { networks: 2, layers: 3 });
    const live = await serveReport(path);
    const context = await chromium.launchPersistentContext(join(liveDir, 'profile'), {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-background-networking'],
    });
    try {
      const stampOf = async () =>
        ((await (await fetch(`${live.url}api/version`)).json()) as { stamp: string }).stamp;
      const first = await stampOf();
      expect(await stampOf()).toBe(first);
      const page = context.pages()[0] ?? (await context.newPage());
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`${live.url}#layer-profile`);
      await page.waitForSelector('body[data-rendered="layer-profile"]');
      await expect.poll(() => page.evaluate('document.body.dataset.stamp')).toBe(first);
      const lines = () =>
        page
          .locator(
            'section[data-figure="layer-profile"] g[aria-label="line"]:not(.median-line) path',
          )
          .count();
      expect(await lines()).toBe(2);
      await page.screenshot({ path: join(ARTIFACTS, 'serve-before.png'), fullPage: true });
      // a sweep commits another network's layer profile
      const experimentId = 'exp-synthetic';
      await writer.commitJob(
        {
          id: 'job-late',
          experimentId,
          kind: 'study:layer-profile',
          label: 'late',
          seconds: 1,
          finishedAt: '2026-12-03T09:10:00.000Z',
          status: 'done',
        },
        {
          networks: [
            {
              id: 'net-late',
              experimentId,
              name: 'late-net',
              source: 'trained',
              testAccuracy: 0.9,
            },
          ],
          measures: [0, 1, 2].map((l) => ({
            id: `late-${l}`,
            experimentId,
            study: 'layer-profile',
            networkId: 'net-late',
            layer: `dense_${l}`,
            layerIndex: l,
            depth: (l + 1) / 3,
            descriptor: 'h0-lifespan-sum',
            group: 'all',
            repeat: -1,
            value: 50 - 10 * l,
          })),
        },
      );
      expect(await stampOf()).not.toBe(first);
      await page.waitForSelector('body[data-redraws="1"]', { timeout: 15_000 });
      expect(await page.evaluate('document.body.dataset.rendered')).toBe('layer-profile');
      expect(await lines()).toBe(3);
      expect(await page.locator('main .legend').textContent()).toContain('late-net');
      await page.screenshot({ path: join(ARTIFACTS, 'serve-after.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
      await live.close();
      await writer.close();
      rmSync(liveDir, { recursive: true, force: true });
    }
  }, 60_000);
});
