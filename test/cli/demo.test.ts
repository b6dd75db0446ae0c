/**
 * `topolens demo` (docs/demo.md): the whole main job at the --quick scale, end to end into a
 * temporary folder (both experiment files, the store, the combined report, the summary), then a
 * rerun that finds everything done; and its parts: joining two experiments' report documents,
 * the claim verdicts, the quick scale and when a desktop is there to open the report.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DEMO_EXPERIMENTS,
  desktopOpener,
  quickExperiment,
  runDemo,
  type DemoResult,
} from '../../src/cli/commands/demo.js';
import { combineReports } from '../../src/cli/demoReport.js';
import { acrossK, demoSummary, purityOutcome, summaryTable } from '../../src/cli/demoSummary.js';
import { buildReportData, type ReportData } from '../../src/report/reportData.js';
import {
  fallsTowardsOutputOutcome,
  risesThenFallsOutcome,
  specificityOutcome,
} from '../../src/run/studies/claims.js';
import { readExperimentFile } from '../../src/run/experimentFile.js';
import { openStore } from '../../src/run/store.js';
import { fillSyntheticStore } from '../helpers/syntheticStore.js';

const dir = mkdtempSync(join(tmpdir(), 'topolens-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  if (!existsSync('dist/viewer/viewer.js'))
    execFileSync('npx', ['vite', 'build', '--config', 'viewer/vite.config.ts'], {
      stdio: 'ignore',
    });
});

/** Runs the demo quietly (--json: nothing on stderr), returning its result. */
async function quietDemo(out: string): Promise<DemoResult> {
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    return await runDemo({ out, quick: true, open: false, json: true, workers: '0' });
  } finally {
    spy.mockRestore();
  }
}

/** Every measure row of a report as a readable tuple (network by name, dictionaries decoded). */
function measureTuples(d: ReportData): string[] {
  const m = d.measures;
  return m.value.map((v, r) =>
    [
      m.studies[m.study[r]],
      m.descriptors[m.descriptor[r]],
      m.groups[m.group[r]],
      m.layer[r] < 0 ? '-' : m.layers[m.layer[r]],
      m.network[r] < 0 ? '-' : d.networks[m.network[r]].id,
      m.repeat[r],
      m.k[r],
      v,
    ].join('|'),
  );
}

describe('topolens demo --quick, end to end', () => {
  const out = join(dir, 'demo');
  let first: DemoResult;

  it('runs both experiments into one store, writes the report and the summary', async () => {
    first = await quietDemo(out);
    expect(first.experiments.map((e) => e.file)).toEqual([...DEMO_EXPERIMENTS]);
    for (const e of first.experiments) {
      expect(e.failed).toBe(0);
      expect(e.completed).toBeGreaterThan(0);
    }
    expect(first.report).toBe(join(out, 'report.html'));
    const html = readFileSync(first.report, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('"format":"topolens-report"');
    // one page holds both experiments' study records
    for (const study of ['layer-profile', 'layer-comparison', 'mapper', 'ricci-flow'])
      expect(html).toContain(`"study":"${study}"`);

    const store = await openStore(first.store, { readOnly: true });
    try {
      const studies = await store.query(
        'SELECT study, count(*)::INTEGER AS n FROM study_results GROUP BY study ORDER BY study',
      );
      expect(studies.map((s) => s.study)).toEqual([
        'layer-comparison',
        'layer-profile',
        'mapper',
        'ricci-flow',
      ]);
      const measured = await store.query('SELECT DISTINCT study FROM measures ORDER BY study');
      expect(measured.map((s) => s.study)).toEqual([
        'layer-comparison',
        'layer-profile',
        'mapper',
        'ricci-flow',
      ]);
      const graphs = await store.query('SELECT count(*)::INTEGER AS n FROM mapper_graphs');
      // 2 networks x (block3, logits)
      expect(graphs[0].n).toBe(4);
      const matrices = await store.query('SELECT measure FROM matrices ORDER BY measure');
      expect(matrices.map((m) => m.measure)).toEqual(['cka', 'sw-h1']);

      // the page holds both experiments: the combined document equals the two joined
      const parts = [];
      for (const e of first.experiments)
        parts.push(await buildReportData(store, { experiment: e.id }));
      const joined = combineReports(parts, 'demo (quick)');
      expect(html).toContain(JSON.stringify(joined.experiment.id));
      expect(joined.studyResults.map((s) => s.study).sort()).toEqual([
        'layer-comparison',
        'layer-profile',
        'layer-profile',
        'mapper',
        'mapper',
        'ricci-flow',
      ]);
    } finally {
      await store.close();
    }

    const studies = first.summary.map((r) => r.study);
    for (const s of ['training', 'layer profile', 'layer comparison', 'mapper', 'ricci flow'])
      expect(studies).toContain(s);
  }, 120_000);

  it('a rerun finds every job done and only rewrites the report', async () => {
    const again = await quietDemo(out);
    for (const [i, e] of again.experiments.entries()) {
      expect(e.completed).toBe(0);
      expect(e.skipped).toBe(first.experiments[i].completed);
      expect(e.id).toBe(first.experiments[i].id);
    }
    expect(again.summary).toEqual(first.summary);
  }, 60_000);
});

describe('combineReports', () => {
  it('keeps every row of each experiment, pointing at the same networks', async () => {
    const parts: ReportData[] = [];
    for (const [i, networks] of [2, 3].entries()) {
      const store = await openStore(join(dir, `synthetic-${i}.duckdb`));
      try {
        await fillSyntheticStore(store, { networks, layers: 3, experimentName: `part ${i}` });
        parts.push(await buildReportData(store));
      } finally {
        await store.close();
      }
    }
    const joined = combineReports(parts, 'both');
    expect(joined.networks).toEqual([...parts[0].networks, ...parts[1].networks]);
    expect(measureTuples(joined)).toEqual([...measureTuples(parts[0]), ...measureTuples(parts[1])]);
    const layerOwner = (d: ReportData) =>
      d.layers.map((l) => `${d.networks[l.network].id}/${l.name}`);
    expect(layerOwner(joined)).toEqual([...layerOwner(parts[0]), ...layerOwner(parts[1])]);
    const graphOwner = (d: ReportData) =>
      d.mapperGraphs.map((g) => `${d.networks[g.network].id}/${g.layer}`);
    expect(graphOwner(joined)).toEqual([...graphOwner(parts[0]), ...graphOwner(parts[1])]);
    const diagramOwner = (d: ReportData) =>
      d.diagrams.map((g) => `${d.networks[g.network].id}/${g.layer}/${g.dimension}`);
    expect(diagramOwner(joined)).toEqual([...diagramOwner(parts[0]), ...diagramOwner(parts[1])]);
    const jobs = (d: ReportData, kind: string) => d.jobs.find((j) => j.kind === kind)?.count ?? 0;
    for (const j of parts[0].jobs)
      expect(jobs(joined, j.kind)).toBe(jobs(parts[0], j.kind) + jobs(parts[1], j.kind));
    expect(joined.experiments.map((e) => e.id)).toEqual(parts.map((p) => p.experiment.id));
    expect(joined.studyResults).toEqual([...parts[0].studyResults, ...parts[1].studyResults]);
    // a list the report document gains later (h-report's claims) is concatenated
    const withExtra = parts.map((p, i) => ({ ...p, extra: [`from part ${i}`] }) as ReportData);
    expect((combineReports(withExtra, 'both') as unknown as { extra: string[] }).extra).toEqual([
      'from part 0',
      'from part 1',
    ]);
  });
});

describe('the summary', () => {
  it("judges the claims by the study records' rules", () => {
    const depths = [1 / 3, 2 / 3, 1];
    // the rule the layer-profile records use (claims.ts): last below first and Spearman < 0
    expect(fallsTowardsOutputOutcome([3, 5, 2], depths)).toBe('pass'); // Spearman -0.5
    expect(fallsTowardsOutputOutcome([3, 5, 4], depths)).toBe('fail'); // the last above the first
    // the last below the first, but the sums rise through the inner layers: Spearman 0
    expect(fallsTowardsOutputOutcome([3, 5, 6, 7, 2.5], [0.2, 0.4, 0.6, 0.8, 1])).toBe('fail');
    expect(fallsTowardsOutputOutcome([3, 4, 5], depths)).toBe('fail');
    expect(fallsTowardsOutputOutcome([3, 4], depths.slice(1))).toBe('inconclusive');
    expect(risesThenFallsOutcome([2, 6, 3])).toBe('pass');
    expect(risesThenFallsOutcome([6, 4, 3])).toBe('fail');
    expect(risesThenFallsOutcome([2, 4, 6])).toBe('fail');
    expect(specificityOutcome(0.875)).toBe('pass');
    expect(specificityOutcome(0.6)).toBe('inconclusive');
    expect(specificityOutcome(0.5)).toBe('fail');
    expect(purityOutcome(0.85)).toBe('pass');
    expect(purityOutcome(0.6)).toBe('inconclusive');
    expect(purityOutcome(0.2)).toBe('fail');
    expect(acrossK(['pass', 'pass'])).toBe('pass');
    expect(acrossK(['pass', 'fail'])).toBe('mixed');
    expect(acrossK([])).toBe('n/a');
  });

  it('reads the study records: curves averaged over networks, Ricci rho per k', () => {
    const profile = (h0: number[], id: number[]) => ({
      study: 'layer-profile',
      layers: [
        { name: 'a', depth: 1 / 3 },
        { name: 'b', depth: 2 / 3 },
        { name: 'c', depth: 1 },
      ],
      profiles: [
        { descriptor: 'h0', mean: h0 },
        { descriptor: 'twoNN', mean: id },
      ],
    });
    const ricciNet = (rho: number | null, included = true) => ({ rho, included });
    const data = {
      networks: [
        { architecture: 'vgg', source: 'trained', testAccuracy: 0.9 },
        { architecture: 'vgg', source: 'trained', testAccuracy: 0.8 },
      ],
      studyResults: [
        { study: 'layer-profile', name: 'layer-profile', result: profile([4, 6, 2], [1, 5, 3]) },
        { study: 'layer-profile', name: 'layer-profile', result: profile([2, 8, 6], [3, 5, 3]) },
        {
          study: 'ricci-flow',
          name: 'ricci-flow',
          result: {
            study: 'ricci-flow',
            accuracyThreshold: 0.9,
            results: [
              {
                k: 5,
                included: 3,
                networks: [ricciNet(-0.5), ricciNet(-0.1), ricciNet(0.2), ricciNet(-1, false)],
                negativeShare: 2 / 3,
              },
              {
                k: 10,
                included: 3,
                networks: [ricciNet(0.5), ricciNet(-0.1), ricciNet(0.2), ricciNet(null, false)],
                negativeShare: 1 / 3,
              },
            ],
          },
        },
      ],
    } as unknown as ReportData;
    const rows = demoSummary(data);
    expect(rows[0].result).toBe('2 vgg network(s): test accuracy 0.900, 0.800');
    const h0 = rows.find((r) => r.claim.includes('H0'))!;
    // mean curve 3 -> 7 -> 4: the last layer above the first, so it fails as in the records
    expect(h0.result).toContain('3.00 -> 7.00 -> 4.00');
    expect(h0.verdict).toBe('fail');
    expect(rows.find((r) => r.claim.includes('ID'))!.verdict).toBe('pass');
    const ricci = rows.find((r) => r.study === 'ricci flow')!;
    expect(ricci.result).toBe('k=5: median rho -0.10 (3/4), k=10: median rho 0.20 (3/4)');
    // more than half negative at k = 5 (pass), a third at k = 10 (fail)
    expect(ricci.verdict).toBe('mixed');
    const table = summaryTable(rows).split('\n');
    expect(table[0]).toMatch(/^study +result +claim checked +holds$/);
    expect(table).toHaveLength(rows.length + 2);
  });
});

describe('the quick scale and the desktop', () => {
  it('--quick shrinks sizes but keeps every study and two networks', () => {
    for (const f of DEMO_EXPERIMENTS) {
      const spec = readExperimentFile(f);
      const q = quickExperiment(spec);
      expect(q.studies.map((s) => s.name)).toEqual(spec.studies.map((s) => s.name));
      expect(q.networks).toHaveLength(2);
      expect(q.data!.size).toBeLessThanOrEqual(300);
      expect(q.name).not.toBe(spec.name);
      for (const n of q.networks) if (n.source === 'trained') expect(n.training.epochs).toBe(2);
    }
  });

  it('opens the report only where a desktop is', () => {
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'xdg-open'), '#!/bin/sh\n');
    chmodSync(join(bin, 'xdg-open'), 0o755);
    expect(desktopOpener({ PATH: bin }, 'linux')).toBeUndefined();
    expect(desktopOpener({ PATH: bin, DISPLAY: ':0' }, 'linux')).toBe('xdg-open');
    expect(desktopOpener({ PATH: bin, WAYLAND_DISPLAY: 'wayland-0' }, 'linux')).toBe('xdg-open');
    expect(desktopOpener({ PATH: join(dir, 'nowhere'), DISPLAY: ':0' }, 'linux')).toBeUndefined();
    expect(desktopOpener({}, 'darwin')).toBe('open');
  });
});
