/**
 * The report's data layer for what issue 11's review found missing: the claims lifted from the
 * study records, the stamp `topolens serve` answers, the Betti curve, and the layer-profile
 * runner's diagrams (from the same clouds, checked against an independent H0 computation).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { openStore, type ResultStore } from '../../src/run/store.js';
import { buildReportData, claimsOf, storeStamp } from '../../src/report/reportData.js';
import { bettiCurve } from '../../src/report/bettiCurve.js';
import { summarizeReport } from '../../src/report/reportSummary.js';
import { renderReportPage } from '../../src/report/html.js';
import { layerProfileRunner } from '../../src/run/studies/layerProfile.js';
import { fromRows } from '../../src/core/matrix.js';
import { fillSyntheticStore } from '../helpers/syntheticStore.js';

let dir: string;
let store: ResultStore;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'topolens-report-claims-'));
  store = await openStore(join(dir, 'r.duckdb'));
  await fillSyntheticStore(store, { networks: 3, layers: 4 });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('claims in the report data', () => {
  it('lifts every record claim with its study and record name', async () => {
    const data = await buildReportData(store);
    expect(data.claims.map((c) => [c.study, c.outcome])).toEqual([
      ['adversarial', 'pass'],
      ['adversarial', 'inconclusive'],
      ['population-comparison', 'pass'],
      ['population-comparison', 'fail'],
      ['ricci-flow', 'pass'],
      ['ricci-flow', 'pass'],
    ]);
    expect(data.claims[2]).toMatchObject({
      name: 'population-comparison mlp-w8-s0',
      numbers: { pHolm: 0.01, p: 0.001 },
      source: '[M22]',
    });
  });
  it('skips malformed entries and turns non-finite numbers into null', () => {
    const result = {
      claims: [
        { claim: 'ok', outcome: 'pass', numbers: { r: 'NaN', n: 3 } },
        { claim: 'bad outcome', outcome: 'maybe' },
        { outcome: 'pass' },
        null,
      ],
    };
    const c = claimsOf('s', 'n', result);
    expect(c).toHaveLength(1);
    expect(c[0].numbers).toEqual({ r: null, n: 3 });
    expect(claimsOf('s', 'n', { checks: [] })).toEqual([]);
  });
});

describe('the summary the first paint draws from', () => {
  it('holds what the summary view and the tabs need, in its own element before the data', async () => {
    const data = await buildReportData(store);
    const s = summarizeReport(data);
    expect(s.counts).toEqual({
      networks: data.networks.length,
      layers: data.layers.length,
      measures: data.measures.value.length,
    });
    expect(new Set(s.studies)).toEqual(
      new Set([
        'layer-profile',
        'ricci-flow',
        'generalization',
        'adversarial',
        'population-comparison',
        'layer-comparison',
      ]),
    );
    expect(s.measureStudies).toEqual(data.measures.studies);
    expect(s.claims).toEqual(data.claims);
    const page = renderReportPage({ title: 't', script: 's', style: 'c', data, summary: s });
    const at = (id: string) => page.indexOf(`id="${id}"`);
    expect(at('report-summary')).toBeGreaterThan(0);
    expect(at('report-summary')).toBeLessThan(at('report-data'));
    const text = /id="report-summary">([^<]*)<\/script>/.exec(page)![1];
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(s)));
  });
});

describe('storeStamp', () => {
  it('is stable without writes and changes with a commit', async () => {
    const a = await storeStamp(store);
    expect(await storeStamp(store)).toBe(a);
    expect(await storeStamp(store, 'synthetic sweep')).toBe(
      await storeStamp(store, 'exp-synthetic'),
    );
    await store.commitJob(
      {
        id: 'job-more',
        experimentId: 'exp-synthetic',
        kind: 'study:layer-profile',
        label: 'more',
        seconds: 1,
        finishedAt: '2026-12-03T10:00:00.000Z',
        status: 'done',
      },
      {},
    );
    expect(await storeStamp(store)).not.toBe(a);
    // another experiment's stamp does not move with this one
    expect(await storeStamp(store, 'no such experiment')).toBe(
      await storeStamp(store, 'no such experiment'),
    );
  });
});

describe('bettiCurve', () => {
  it('counts the bars alive at each grid value (hand-computed)', () => {
    const c = bettiCurve([0, 0, 0.5], [1, null, 0.75], 2, 8);
    // t = 0, .25, .5, .75, 1, 1.25, 1.5, 1.75, 2
    expect(c.map((p) => p.betti)).toEqual([2, 2, 3, 2, 1, 1, 1, 1, 1]);
  });
  it('equals the brute-force count at random grid points', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: 0, max: 1, noNaN: true }),
            fc.double({ min: 0, max: 1, noNaN: true }),
          ),
          { maxLength: 30 },
        ),
        (pairs) => {
          const births = pairs.map(([a, b]) => Math.min(a, b));
          const deaths = pairs.map(([a, b], i) => (i === 0 ? null : Math.max(a, b)));
          const curve = bettiCurve(births, deaths, 1, 10);
          for (const { t, betti } of curve) {
            const alive = births.filter(
              (b, i) => b <= t && (deaths[i] === null || t < deaths[i]!),
            ).length;
            expect(betti).toBe(alive);
          }
        },
      ),
    );
  });
});

describe('layer-profile runner diagrams', () => {
  // two classes of 12 points on two lines in the plane, two layers
  const pts = Array.from({ length: 24 }, (_, i) => [i % 12, i < 12 ? 0 : 5 + 0.1 * (i % 3)]);
  const labels = Int32Array.from(pts, (_, i) => (i < 12 ? 0 : 1));
  const layers = [0, 1].map((l) => ({
    name: `L${l}`,
    index: l,
    depth: (l + 1) / 2,
    points: fromRows(pts.map(([x, y]) => [x * (l + 1), y])),
    labels,
  }));
  const run = (diagrams?: string) =>
    layerProfileRunner.run(
      [{ network: 'n', networkId: 'nid', layers, classNames: ['left', 'right'] }],
      { descriptors: ['h0', 'h1'], perClass: 12, batches: 2, ...(diagrams ? { diagrams } : {}) },
    ) as Awaited<ReturnType<typeof layerProfileRunner.run>>;
  it('stores H0 and H1 of each layer and class for the first repeat by default', () => {
    const rows = run();
    const keys = rows
      .diagrams!.map((d) => `${d.layer}/H${d.dimension}/${d.group}/${d.repeat}`)
      .sort();
    expect(keys).toEqual([
      'L0/H0/left/0',
      'L0/H0/right/0',
      'L0/H1/left/0',
      'L0/H1/right/0',
      'L1/H0/left/0',
      'L1/H0/right/0',
      'L1/H1/left/0',
      'L1/H1/right/0',
    ]);
    // H0 of 12 points: 12 bars, one essential; min-max scaled points on a line at spacing 1/11
    const h0 = rows.diagrams!.find(
      (d) => d.layer === 'L0' && d.dimension === 0 && d.group === 'left',
    )!;
    expect(h0.births).toHaveLength(12);
    expect(h0.deaths.filter((d) => d === Infinity)).toHaveLength(1);
    for (const d of h0.deaths.filter(Number.isFinite)) expect(d).toBeCloseTo(1 / 11, 9);
    expect((rows.result as { claims: unknown[] }).claims.length).toBe(2);
  });
  it("keeps every repeat with 'all' and none with 'none'", () => {
    expect(run('all').diagrams).toHaveLength(16);
    expect(run('none').diagrams).toEqual([]);
  });
});
