import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { openStore } from '../../src/run/store.js';
import { serveReport, type ReportServer } from '../../src/report/serve.js';
import { fillSyntheticStore } from '../helpers/syntheticStore.js';
import { requireTool } from '../helpers/oracles.js';

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
});
