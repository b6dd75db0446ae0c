import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { openStore } from '../../src/run/store.js';
import { buildReportData, type ReportData } from '../../src/report/reportData.js';
import { writeFigure } from '../../src/report/figure.js';
import { summarizeReport } from '../../src/report/reportSummary.js';
import { fillSyntheticStore } from '../helpers/syntheticStore.js';
import { requireTool } from '../helpers/oracles.js';

let dir: string;
let data: ReportData;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'topolens-figure-test-'));
  const store = await openStore(':memory:');
  await fillSyntheticStore(store, { networks: 3, layers: 4 });
  data = await buildReportData(store);
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFigure', () => {
  it('writes a view chart as standalone SVG and as PNG', async (ctx) => {
    requireTool(ctx, 'chromium');
    const svgPath = await writeFigure(data, join(dir, 'profile.svg'), { view: 'layer-profile' });
    const svg = readFileSync(svgPath, 'utf8');
    expect(svg).toMatch(/^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('h0-lifespan-sum');
    const pngPath = await writeFigure(data, join(dir, 'scatter.png'), {
      view: 'ricci-flow',
      figure: 'ricci-scatter',
    });
    const png = PNG.sync.read(readFileSync(pngPath));
    expect(png.width).toBeGreaterThan(300);
    expect(png.height).toBeGreaterThan(200);
    const pop = readFileSync(
      await writeFigure(data, join(dir, 'pop.svg'), { view: 'population-comparison' }),
      'utf8',
    );
    expect(pop).toContain('classes 1, dense_0');
  });

  it('refuses an unknown view, a wrong extension and a missing figure', async (ctx) => {
    await expect(writeFigure(data, join(dir, 'a.svg'), { view: 'nope' })).rejects.toThrow(
      /unknown view 'nope'.*layer-profile/s,
    );
    await expect(writeFigure(data, join(dir, 'a.jpg'), { view: 'mapper' })).rejects.toThrow(
      /must end in .svg or .png/,
    );
    requireTool(ctx, 'chromium');
    await expect(
      writeFigure(data, join(dir, 'a.svg'), { view: 'mapper', figure: 'nope' }),
    ).rejects.toThrow(/has no figure 'nope'/);
  });

  it('refuses at once a view the store has no study for (it waited 30 s, then failed inside)', async (ctx) => {
    requireTool(ctx, 'chromium');
    // the synthetic store without its adversarial record: the viewer offers no such view
    const without = {
      ...data,
      studyResults: data.studyResults.filter((s) => s.study !== 'adversarial'),
      claims: data.claims.filter((c) => c.study !== 'adversarial'),
    };
    expect(summarizeReport(without).studies).not.toContain('adversarial');
    await expect(
      writeFigure(without, join(dir, 'adv.svg'), { view: 'adversarial' }),
    ).rejects.toThrow(
      /no view 'adversarial' \(its report offers summary, layer-profile,.*population-comparison/,
    );
  });
});
